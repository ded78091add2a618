/*
 * The formulas of fastproj.c's projections, written once for a scalar or a
 * vector number type: fastproj.c includes this file once per type with
 * FP_V (the type), FP_NAME(f) (a name suffix), FP_SPLAT(x) (a double
 * in every lane), FP_ATAN2, FP_LOG1P, FP_SQRT, FP_MIN and FP_MAX defined;
 * for a vector type also FP_LANES, FP_LOADU, FP_STOREU, FP_UNPACKLO and
 * FP_UNPACKHI, which make FP_NAME(run) over interleaved x,y pairs. The
 * file undefines them all at its end. Lanes never mix, and no formula
 * branches, so each lane gives what the scalar type gives.
 */

/*
 * sin and cos of |x| <= pi/2 (every angle the fast paths take: latitudes,
 * and longitudes at most 90 degrees from the centre) by their Taylor
 * series to x^23 and x^24 in Horner form: the first omitted terms are
 * below 5.1e-21 and 3.1e-22 at pi/2, so what remains is the rounding of
 * a dozen multiply-adds, a few units in the last place, against a
 * library call each.
 */
static inline FP_V FP_NAME(sin_q)(FP_V x)
{
    FP_V x2 = x * x;
    FP_V p = x2 * (1.0 / 25852016738884976640000.0) -
             1.0 / 51090942171709440000.0;
    p = p * x2 + 1.0 / 121645100408832000.0;
    p = p * x2 - 1.0 / 355687428096000.0;
    p = p * x2 + 1.0 / 1307674368000.0;
    p = p * x2 - 1.0 / 6227020800.0;
    p = p * x2 + 1.0 / 39916800.0;
    p = p * x2 - 1.0 / 362880.0;
    p = p * x2 + 1.0 / 5040.0;
    p = p * x2 - 1.0 / 120.0;
    p = p * x2 + 1.0 / 6.0;
    return x - x * x2 * p;
}

static inline FP_V FP_NAME(cos_q)(FP_V x)
{
    FP_V x2 = x * x;
    FP_V p = x2 * (1.0 / 620448401733239439360000.0) -
             1.0 / 1124000727777607680000.0;
    p = p * x2 + 1.0 / 2432902008176640000.0;
    p = p * x2 - 1.0 / 6402373705728000.0;
    p = p * x2 + 1.0 / 20922789888000.0;
    p = p * x2 - 1.0 / 87178291200.0;
    p = p * x2 + 1.0 / 479001600.0;
    p = p * x2 - 1.0 / 3628800.0;
    p = p * x2 + 1.0 / 40320.0;
    p = p * x2 - 1.0 / 720.0;
    p = p * x2 + 1.0 / 24.0;
    p = p * x2 - 0.5;
    return 1.0 + x2 * p;
}

/*
 * Transverse Mercator from lon/lat degrees. Conformal latitude chi from
 * its n^6 series, then Gauss-Schreiber coordinates xi' + i eta' and
 * Krueger's series xi + i eta = zeta' + sum alpha_j sin(2 j zeta')
 * (Karney 2011, eqs. 7-11 and 35), both summed with Clenshaw's recurrence.
 */
static inline void FP_NAME(tm)(const rm__fastproj *t, FP_V lon, FP_V lat,
                               FP_V *x, FP_V *y)
{
    FP_V phi = lat * DEG, lam = (lon - t->lon0) * DEG;
    FP_V s = FP_NAME(sin_q)(phi), c = FP_NAME(cos_q)(phi);
    /* d = chi - phi = sum c_j sin(2 j phi) */
    FP_V w = 2.0 * (c - s) * (c + s); /* 2 cos(2 phi) */
    FP_V b1 = w * t->c[5] + t->c[4];
    FP_V b2 = w * b1 - t->c[5] + t->c[3];
    FP_V b3 = w * b2 - b1 + t->c[2];
    FP_V b4 = w * b3 - b2 + t->c[1];
    FP_V b5 = w * b4 - b3 + t->c[0];
    FP_V d = 2.0 * s * c * b5; /* |d| < 0.0034 rad */
    FP_V d2 = d * d;
    /* sin d and cos d by their series, through constant reciprocals: a
     * vector division is many times slower than a multiplication (1M
     * points: 10.1 ms against 11.1 with the divisions) */
    FP_V sd = d * (1.0 - d2 * (1.0 / 6) * (1.0 - d2 * (1.0 / 20)));
    FP_V cd = 1.0 - d2 * 0.5 * (1.0 - d2 * (1.0 / 12) *
                                          (1.0 - d2 * (1.0 / 30)));
    FP_V sx = s * cd + c * sd; /* sin chi */
    FP_V cx = c * cd - s * sd; /* cos chi */
    /* xi' = atan2(sin chi, cos chi cos lam); tanh eta' = cos chi sin lam
     * = q, and 1 - q^2 = sin^2 chi + (cos chi cos lam)^2 = r2 */
    FP_V sl = FP_NAME(sin_q)(lam), cl = FP_NAME(cos_q)(lam);
    FP_V u = cx * cl, q = cx * sl;
    FP_V r2 = sx * sx + u * u;
    FP_V xip = FP_ATAN2(sx, u);
    FP_V etap = 0.5 * FP_LOG1P(2.0 * q / (1.0 - q));
    FP_V ir2 = 1.0 / r2;
    FP_V s2 = 2.0 * sx * u * ir2;        /* sin 2xi' */
    FP_V c2 = (u - sx) * (u + sx) * ir2; /* cos 2xi' */
    FP_V sh2 = 2.0 * q * ir2;            /* sinh 2eta' */
    FP_V ch2 = (1.0 + q * q) * ir2;      /* cosh 2eta' */
    /* complex Clenshaw, 2 cos(2 zeta') = wr + i wi; b_7 = b_8 = 0 */
    FP_V wr = 2.0 * c2 * ch2, wi = -2.0 * s2 * sh2;
    FP_V yr = wr * t->alpha[5] + t->alpha[4], yi = wi * t->alpha[5];
    FP_V zr = yr, zi = yi;
    yr = wr * zr - wi * zi - t->alpha[5] + t->alpha[3];
    yi = wr * zi + wi * zr;
    FP_V tr = yr, ti = yi;
    yr = wr * tr - wi * ti - zr + t->alpha[2];
    yi = wr * ti + wi * tr - zi;
    zr = tr;
    zi = ti;
    tr = yr;
    ti = yi;
    yr = wr * tr - wi * ti - zr + t->alpha[1];
    yi = wr * ti + wi * tr - zi;
    zr = tr;
    zi = ti;
    tr = yr;
    ti = yi;
    yr = wr * tr - wi * ti - zr + t->alpha[0];
    yi = wr * ti + wi * tr - zi;
    FP_V szr = s2 * ch2, szi = c2 * sh2; /* sin(2 zeta') */
    FP_V xi = xip + yr * szr - yi * szi;
    FP_V eta = etap + yr * szi + yi * szr;
    *x = t->x0 + t->scale * eta;
    *y = t->y0 + t->scale * xi;
}

/*
 * Lambert azimuthal equal-area from lon/lat degrees, the oblique
 * ellipsoidal form of Snyder (1987, "Map projections - a working manual",
 * eqs. 3-12 and 24-16 to 24-21) through the authalic latitude beta, whose
 * sine is q / q_p.
 */
static inline void FP_NAME(laea)(const rm__fastproj *t, FP_V lon, FP_V lat,
                                 FP_V *x, FP_V *y)
{
    FP_V lam = (lon - t->lon0) * DEG;
    FP_V s = FP_NAME(sin_q)(lat * DEG);
    FP_V es = t->e * s;
    FP_V atanh_es = 0.5 * FP_LOG1P(2.0 * es / (1.0 - es));
    FP_V q = t->one_es * (s / (1.0 - es * es) + atanh_es / t->e);
    FP_V sb = FP_MAX(FP_MIN(q / t->qp, FP_SPLAT(1.0)), FP_SPLAT(-1.0));
    FP_V cb = FP_SQRT(FP_MAX(1.0 - sb * sb, FP_SPLAT(0.0)));
    FP_V sl = FP_NAME(sin_q)(lam), cl = FP_NAME(cos_q)(lam);
    FP_V b = FP_SQRT(2.0 / (1.0 + t->sinb1 * sb + t->cosb1 * cb * cl));
    *x = t->x0 + t->xmf * b * cb * sl;
    *y = t->y0 + t->ymf * b * (t->cosb1 * sb - t->sinb1 * cb * cl);
}

#ifdef FP_LANES
/*
 * k (1 to FP_LANES) interleaved points in place; fewer are padded with the
 * origin, so every point goes through the same instructions wherever it
 * falls in the array (results never depend on how points were split up).
 */
static void FP_NAME(run)(const rm__fastproj *fp, double *xy, size_t k)
{
    double pad[2 * FP_LANES];
    double *p = xy;
    if (k < FP_LANES) {
        for (size_t i = 0; i < FP_LANES; i++) {
            pad[2 * i] = i < k ? xy[2 * i] : fp->lon0;
            pad[2 * i + 1] = i < k ? xy[2 * i + 1] : 0.0;
        }
        p = pad;
    }
    /* Two registers of x,y pairs; the unpacks take the x (lo) and the y
     * (hi) of each 128-bit pair, so lanes hold the points in an order
     * the stores undo. */
    FP_V a = FP_LOADU(p), b = FP_LOADU(p + FP_LANES);
    FP_V lon = FP_UNPACKLO(a, b), lat = FP_UNPACKHI(a, b);
    FP_V x, y;
    if (fp->kind == RM__FAST_TMERC)
        FP_NAME(tm)(fp, lon, lat, &x, &y);
    else
        FP_NAME(laea)(fp, lon, lat, &x, &y);
    FP_STOREU(p, FP_UNPACKLO(x, y));
    FP_STOREU(p + FP_LANES, FP_UNPACKHI(x, y));
    if (k < FP_LANES)
        memcpy(xy, pad, 2 * k * sizeof *xy);
}
#endif

#undef FP_V
#undef FP_NAME
#undef FP_SPLAT
#undef FP_ATAN2
#undef FP_LOG1P
#undef FP_SQRT
#undef FP_MIN
#undef FP_MAX
#undef FP_LANES
#undef FP_LOADU
#undef FP_STOREU
#undef FP_UNPACKLO
#undef FP_UNPACKHI
