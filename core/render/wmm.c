/*
 * Magnetic declination from the World Magnetic Model 2025, and the calendar
 * arithmetic that feeds it (decimal year) and labels it (date-time group).
 * The model follows the WMM2025 technical report step by step and never
 * divides by cos(latitude), so the poles need no special case.
 */
#include <math.h>
#include <stdio.h>

#include "render/marginalia_math.h"
#include "render/wmm_coefficients.h"
#include "util/util.h"

#define N_MAX RM__WMM_MAX_DEGREE
#define DEG2RAD (M_PI / 180.0)

/* WGS 84 ellipsoid (km) and the geomagnetic reference radius (km). */
#define WGS84_A_KM 6378.137
#define WGS84_F (1.0 / 298.257223563)
#define WMM_RE_KM 6371.2

/*
 * Schmidt semi-normalised associated Legendre functions of x = sin(phi')
 * split as P[n][m] = s^m * R[n][m] with s = cos(phi'), plus dR/dx. R is a
 * polynomial in x, so P / s = s^(m-1) R and dP/dphi' are finite at s = 0.
 * Recurrences (no Condon-Shortley phase, as in the WMM report):
 *   R[m][m]   = (2m-1)!!
 *   R[m+1][m] = (2m+1) x R[m][m]
 *   R[n][m]   = ((2n-1) x R[n-1][m] - (n+m-1) R[n-2][m]) / (n-m)
 * then scaled by sqrt(2 (n-m)! / (n+m)!) for m > 0.
 */
static void legendre(double x, double R[N_MAX + 1][N_MAX + 1],
                     double dR[N_MAX + 1][N_MAX + 1])
{
    double fact[2 * N_MAX + 1];
    fact[0] = 1.0;
    for (int i = 1; i <= 2 * N_MAX; i++)
        fact[i] = fact[i - 1] * i;

    double dfact = 1.0; /* (2m-1)!! */
    for (int m = 0; m <= N_MAX; m++) {
        if (m > 0)
            dfact *= 2.0 * m - 1.0;
        R[m][m] = dfact;
        dR[m][m] = 0.0;
        if (m + 1 <= N_MAX) {
            R[m + 1][m] = (2.0 * m + 1.0) * x * dfact;
            dR[m + 1][m] = (2.0 * m + 1.0) * dfact;
        }
        for (int n = m + 2; n <= N_MAX; n++) {
            R[n][m] = ((2.0 * n - 1.0) * x * R[n - 1][m] -
                       (n + m - 1.0) * R[n - 2][m]) /
                      (n - m);
            dR[n][m] = ((2.0 * n - 1.0) * (R[n - 1][m] + x * dR[n - 1][m]) -
                        (n + m - 1.0) * dR[n - 2][m]) /
                       (n - m);
        }
    }
    for (int n = 1; n <= N_MAX; n++) {
        for (int m = 1; m <= n; m++) {
            double k = sqrt(2.0 * fact[n - m] / fact[n + m]);
            R[n][m] *= k;
            dR[n][m] *= k;
        }
    }
}

/* s^e for a small non-negative integer e (0^0 = 1). */
static double ipow(double s, int e)
{
    double r = 1.0;
    for (int i = 0; i < e; i++)
        r *= s;
    return r;
}

int rm__wmm_declination(rm_context *ctx, double *out_deg, int *out_valid,
                        double lat, double lon, double alt_km,
                        double decimal_year)
{
    *out_deg = NAN;
    *out_valid = 0;
    if (!isfinite(lat) || !isfinite(lon) || !isfinite(alt_km) ||
        !isfinite(decimal_year) || fabs(lat) > 90.0)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "cannot compute the magnetic declination at "
                         "lat %g, lon %g, height %g km, year %g: latitude "
                         "must lie in [-90, 90] and every value be finite",
                         lat, lon, alt_km, decimal_year);
    if (alt_km < -10.0 || alt_km > 1000.0)
        return rm__error(ctx, RM_EINVAL, NULL,
                         "height %g km is outside -10 .. 1000 km (the "
                         "World Magnetic Model is specified for -1 .. "
                         "850 km); give the height above the ellipsoid "
                         "in km",
                         alt_km);

    /* Geodetic to geocentric spherical coordinates (report eq. 7). */
    double phi = lat * DEG2RAD;
    double lam = remainder(lon, 360.0) * DEG2RAD;
    double e2 = WGS84_F * (2.0 - WGS84_F);
    double sphi = sin(phi), cphi = cos(phi);
    double rc = WGS84_A_KM / sqrt(1.0 - e2 * sphi * sphi);
    double p = (rc + alt_km) * cphi;
    double z = (rc * (1.0 - e2) + alt_km) * sphi;
    double r = hypot(p, z);
    double phic = atan2(z, p);
    double x = sin(phic), s = cos(phic);
    if (s < 0.0)
        s = 0.0;

    double R[N_MAX + 1][N_MAX + 1], dR[N_MAX + 1][N_MAX + 1];
    legendre(x, R, dR);

    double dt = decimal_year - RM__WMM_EPOCH;
    double ratio = WMM_RE_KM / r;
    double Xc = 0.0, Yc = 0.0, Zc = 0.0; /* nT, geocentric */
    for (size_t i = 0; i < RM__WMM_N_COEFFS; i++) {
        const rm__wmm_coeff *c = &rm__wmm2025[i];
        int n = c->n, m = c->m;
        double g = c->g + dt * c->dg;
        double h = c->h + dt * c->dh;
        double f = ipow(ratio, n + 2);
        double cm = cos(m * lam), sm = sin(m * lam);
        double P = ipow(s, m) * R[n][m];
        /* dP/dphi' = -m x s^(m-1) R + s^(m+1) dR/dx */
        double dP = ipow(s, m + 1) * dR[n][m];
        if (m > 0)
            dP -= m * x * ipow(s, m - 1) * R[n][m];
        Xc -= f * (g * cm + h * sm) * dP;
        Zc -= (n + 1.0) * f * (g * cm + h * sm) * P;
        /* Y' = (1/s) sum m (g sin - h cos) P, with P / s = s^(m-1) R */
        if (m > 0)
            Yc += f * m * (g * sm - h * cm) * ipow(s, m - 1) * R[n][m];
    }

    /* Rotate back to geodetic (report eq. 17). */
    double psi = phic - phi;
    double X = Xc * cos(psi) - Zc * sin(psi);
    double Y = Yc;
    *out_deg = atan2(Y, X) / DEG2RAD;
    *out_valid = decimal_year >= RM__WMM_EPOCH &&
                 decimal_year <= RM__WMM_VALID_UNTIL;
    return RM_OK;
}

/* ---- calendar ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Civil date of a day count since 1970-01-01 (proleptic Gregorian). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Days since 1970-01-01 of 1 January of year y. */
static int64_t days_from_year(int64_t y)
{
    int64_t yy = y - 1; /* Jan 1 is in March-based year y - 1 */
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;
    int64_t doy = 306; /* 1 January, counted from 1 March */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Clamp so day arithmetic cannot overflow (±292 million years). */
#define MS_LIMIT ((int64_t)1 << 62)

double rm__decimal_year(int64_t ms)
{
    if (ms > MS_LIMIT)
        ms = MS_LIMIT;
    if (ms < -MS_LIMIT)
        ms = -MS_LIMIT;
    int64_t day = floor_div(ms, 86400000);
    int64_t ms_of_day = ms - day * 86400000;
    int64_t y;
    int m, d;
    civil_from_days(day, &y, &m, &d);
    int64_t doy0 = day - days_from_year(y); /* 0-based day of year */
    double len = is_leap(y) ? 366.0 : 365.0;
    return (double)y + ((double)doy0 + ms_of_day / 86400000.0) / len;
}

void rm__format_dtg(char out[32], int64_t ms)
{
    static const char *const months[12] = {"JAN", "FEB", "MAR", "APR",
                                           "MAY", "JUN", "JUL", "AUG",
                                           "SEP", "OCT", "NOV", "DEC"};
    if (ms > MS_LIMIT)
        ms = MS_LIMIT;
    if (ms < -MS_LIMIT)
        ms = -MS_LIMIT;
    int64_t day = floor_div(ms, 86400000);
    int64_t min_of_day = (ms - day * 86400000) / 60000;
    int64_t y;
    int m, d;
    civil_from_days(day, &y, &m, &d);
    int yy = (int)(((y % 100) + 100) % 100);
    snprintf(out, 32, "%02d%02d%02dZ %s %02d", d, (int)(min_of_day / 60),
             (int)(min_of_day % 60), months[m - 1], yy);
}
