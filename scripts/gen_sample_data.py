#!/usr/bin/env python3
"""Writes routemap's SYNTHETIC sample data into maps/data/: incidents,
GPS tracks, fictional ceasefire/control lines and patrol bases.

Everything here is invented: no event, track, line, base or person is real.
The output is byte-identical from run to run: every random draw comes from a
random.Random with a fixed seed, floats are written with fixed decimals and
JSON keys are sorted. Only the Python 3 standard library is used; the one
real input is maps/data/sahel_basemap.gpkg, read with sqlite3, so that
synthetic incidents fall on land (inside Mali, Niger, Burkina Faso or
Algeria, outside the lakes and river-lakes).

Usage: python3 scripts/gen_sample_data.py [--out DIR] [--basemap GPKG]
"""

import argparse
import datetime as dt
import json
import math
import os
import random
import sqlite3
import struct
import sys
from xml.sax.saxutils import escape, quoteattr

SEED = 20260101
SEED_INCIDENTS = SEED + 1
SEED_TRACKS = SEED + 2
SEED_BASES = SEED + 3

LABEL = "SYNTHETIC \u2014 not real events."
PERIOD_START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
PERIOD_DAYS = 273  # 2026-01-01 .. 2026-09-30 inclusive
BOX = (-12.0, 8.0, 16.0, 28.0)  # lon min, lat min, lon max, lat max
EARTH_KM = 6371.0088
LAND_COUNTRIES = ("MLI", "NER", "BFA", "DZA")

TYPES = ("weapons", "fuel", "gold", "drugs", "migrants", "armed_attack",
         "checkpoint")

# ---------------------------------------------------------------------------
# Places (lon, lat). Towns with a GeoNames record take its coordinates from
# the basemap's `places` layer; the others (marked ~) are approximate.
# ---------------------------------------------------------------------------
P = {
    "Gao": (-0.04472, 16.27167),
    "Bourem": (-0.34861, 16.95500),
    "Anefis": (0.60, 18.05),            # ~
    "Kidal": (1.40778, 18.44111),
    "Aguelhok": (0.86, 19.46),          # ~
    "Tessalit": (1.01186, 20.20126),
    "In Khalil": (1.06, 20.93),         # ~
    "Bordj Badji Mokhtar": (0.95, 21.33),  # ~ (Algeria)
    "Tinzaouaten": (2.95, 19.86),       # ~
    "Tin Zaouatine": (2.98, 20.03),     # ~ (Algeria)
    "Ansongo": (0.50220, 15.65970),
    "Menaka": (2.40220, 15.91820),
    "Anderamboukane": (3.03, 15.46),    # ~
    "Abala": (3.43, 14.93),             # ~ (Niger)
    "Labbezanga": (0.69, 15.03),        # ~
    "Ayorou": (0.91739, 14.73075),
    "Tillaberi": (1.45418, 14.20711),
    "Ouallam": (2.08597, 14.31641),
    "Banibangou": (2.70, 15.04),        # ~
    "Tera": (0.75306, 14.00776),
    "Gorom-Gorom": (-0.23468, 14.44290),
    "Timbuktu": (-3.00742, 16.77348),
    "Araouane": (-3.52649, 18.90476),
    "Bamba": (-1.40, 17.03),            # ~
    "Agadez": (7.99111, 16.97333),
    "Arlit": (7.38528, 18.73694),
    "Assamaka": (5.80, 19.35),          # ~
    "In Guezzam": (5.76806, 19.57361),
}

# Routes: plausible desert tracks and roads as waypoint lists.
ROUTES = {
    "gao-bourem": ["Gao", (-0.20, 16.55), "Bourem"],
    "bourem-anefis": ["Bourem", (-0.05, 17.35), (0.30, 17.75), "Anefis"],
    "anefis-kidal": ["Anefis", (1.00, 18.25), "Kidal"],
    "kidal-aguelhok": ["Kidal", (1.20, 18.95), "Aguelhok"],
    "aguelhok-tessalit": ["Aguelhok", (0.95, 19.85), "Tessalit"],
    "tessalit-bbm": ["Tessalit", (1.05, 20.55), "In Khalil",
                     "Bordj Badji Mokhtar"],
    "kidal-tinzaouaten": ["Kidal", (1.95, 18.95), (2.55, 19.45),
                          "Tinzaouaten", "Tin Zaouatine"],
    "gao-ansongo": ["Gao", (0.20, 15.95), "Ansongo"],
    "ansongo-menaka": ["Ansongo", (1.10, 15.70), (1.70, 15.85), "Menaka"],
    "menaka-abala": ["Menaka", (2.75, 15.70), "Anderamboukane",
                     (3.25, 15.15), "Abala"],
    "ansongo-tillaberi": ["Ansongo", (0.62, 15.35), "Labbezanga", "Ayorou",
                          (1.20, 14.50), "Tillaberi"],
    "ouallam-menaka": ["Ouallam", (2.40, 14.70), "Banibangou",
                       (2.55, 15.45), "Menaka"],
    "gorom-tera": ["Gorom-Gorom", (0.25, 14.25), "Tera"],
    "agadez-arlit": ["Agadez", (7.75, 17.60), (7.50, 18.20), "Arlit"],
    "arlit-inguezzam": ["Arlit", (6.70, 19.00), "Assamaka", "In Guezzam"],
    "inguezzam-north": ["In Guezzam", (5.66, 20.30), (5.55, 21.05)],
    "bbm-north": ["Bordj Badji Mokhtar", (0.80, 21.90), (0.45, 22.80)],
    "timbuktu-araouane": ["Timbuktu", (-3.20, 17.40), (-3.40, 18.20),
                          "Araouane"],
    "timbuktu-gao": ["Timbuktu", (-2.20, 16.90), "Bamba", "Bourem",
                     (-0.20, 16.55), "Gao"],
}


def route(*names):
    """Concatenates named routes (reversing one when prefixed with '-')."""
    out = []
    for name in names:
        pts = ROUTES[name.lstrip("-")]
        pts = [P[p] if isinstance(p, str) else p for p in pts]
        if name.startswith("-"):
            pts = pts[::-1]
        if out and out[-1] == pts[0]:
            pts = pts[1:]
        out.extend(pts)
    return out


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------
def fnum(x):
    """Fixed 6-decimal text for a coordinate, without a negative zero."""
    s = "%.6f" % x
    return "0.000000" if s == "-0.000000" else s


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def feature_collection(name, description, features):
    """GeoJSON text: one feature per line, sorted keys, 6-decimal coords."""
    lines = []
    for props, geom in features:
        if geom[0] == "Point":
            coords = "[%s,%s]" % (fnum(geom[1][0]), fnum(geom[1][1]))
        else:
            coords = "[" + ",".join("[%s,%s]" % (fnum(x), fnum(y))
                                    for x, y in geom[1]) + "]"
        lines.append(
            '{"geometry":{"coordinates":%s,"type":"%s"},"properties":%s,'
            '"type":"Feature"}'
            % (coords, geom[0],
               json.dumps(props, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"))))
    head = json.dumps({"description": description, "name": name},
                      sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))[1:-1]
    return ('{"type":"FeatureCollection",%s,"features":[\n' % head
            + ",\n".join(lines) + "\n]}\n")


# ---------------------------------------------------------------------------
# Land mask from the basemap GeoPackage (sqlite3 + WKB, no GDAL)
# ---------------------------------------------------------------------------
class Polygons:
    """Point-in-polygon for a set of polygons, even-odd rule over all rings,
    with edges bucketed in latitude bands for speed."""

    BAND = 0.25  # degrees of latitude per bucket

    def __init__(self, polys):
        self.items = []
        for rings in polys:
            xs = [x for r in rings for x, _ in r]
            ys = [y for r in rings for _, y in r]
            bbox = (min(xs), min(ys), max(xs), max(ys))
            buckets = {}
            for ring in rings:
                for i in range(len(ring) - 1):
                    (x1, y1), (x2, y2) = ring[i], ring[i + 1]
                    if y1 == y2:
                        continue
                    lo = int(math.floor(min(y1, y2) / self.BAND))
                    hi = int(math.floor(max(y1, y2) / self.BAND))
                    for b in range(lo, hi + 1):
                        buckets.setdefault(b, []).append((x1, y1, x2, y2))
            self.items.append((bbox, buckets))

    def contains(self, x, y):
        for (x0, y0, x1, y1), buckets in self.items:
            if not (x0 <= x <= x1 and y0 <= y <= y1):
                continue
            inside = False
            for ax, ay, bx, by in buckets.get(
                    int(math.floor(y / self.BAND)), ()):
                if (ay > y) != (by > y):
                    xc = ax + (y - ay) * (bx - ax) / (by - ay)
                    if x < xc:
                        inside = not inside
            if inside:
                return True
        return False


def parse_wkb_polygons(buf, pos=0):
    """Returns (list of polygons as lists of rings, next offset) for a WKB
    Polygon or MultiPolygon (2D, Z, M or ZM, ISO type codes)."""
    order = "<" if buf[pos] == 1 else ">"
    (gtype,) = struct.unpack_from(order + "I", buf, pos + 1)
    pos += 5
    base, dims = gtype % 1000, gtype // 1000
    ncoord = (2, 3, 3, 4)[dims]
    if base == 3:
        (nrings,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        rings = []
        for _ in range(nrings):
            (npts,) = struct.unpack_from(order + "I", buf, pos)
            pos += 4
            vals = struct.unpack_from(order + "%dd" % (npts * ncoord), buf,
                                      pos)
            pos += 8 * npts * ncoord
            rings.append([(vals[i], vals[i + 1])
                          for i in range(0, len(vals), ncoord)])
        return [rings], pos
    if base == 6:
        (nparts,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        polys = []
        for _ in range(nparts):
            part, pos = parse_wkb_polygons(buf, pos)
            polys.extend(part)
        return polys, pos
    raise ValueError("unexpected WKB geometry type %d" % gtype)


class LandMask:
    def __init__(self, gpkg):
        uri = "file:%s?mode=ro" % os.path.abspath(gpkg)
        db = sqlite3.connect(uri, uri=True)
        try:
            marks = ",".join("?" * len(LAND_COUNTRIES))
            self.land = Polygons(self._query(
                db, "SELECT geom FROM countries WHERE adm0_a3 IN (%s) "
                "ORDER BY adm0_a3" % marks, LAND_COUNTRIES))
            self.water = Polygons(self._query(
                db, "SELECT geom FROM lakes ORDER BY fid", ()))
        finally:
            db.close()
        if not self.land.items:
            raise SystemExit("no country polygons found in %s" % gpkg)

    @staticmethod
    def _query(db, sql, args):
        polys = []
        for (blob,) in db.execute(sql, args):
            if blob is None or blob[:2] != b"GP" or blob[3] & 0x10:
                continue
            env = (0, 32, 48, 48, 64)[(blob[3] >> 1) & 7]
            part, _ = parse_wkb_polygons(blob, 8 + env)
            polys.extend(part)
        return polys

    def ok(self, lon, lat):
        return (BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3]
                and self.land.contains(lon, lat)
                and not self.water.contains(lon, lat))


# ---------------------------------------------------------------------------
# Small geometry helpers (local equirectangular, good to <1 % here)
# ---------------------------------------------------------------------------
def km_per_deg(lat):
    k = math.pi / 180.0 * EARTH_KM
    return k * math.cos(math.radians(lat)), k


def offset(lon, lat, east_km, north_km):
    kx, ky = km_per_deg(lat)
    return lon + east_km / kx, lat + north_km / ky


class Polyline:
    """A lon/lat polyline measured in km, with point and normal lookup."""

    def __init__(self, pts):
        self.pts = pts
        self.cum = [0.0]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            kx, ky = km_per_deg((y1 + y2) / 2)
            self.cum.append(self.cum[-1] + math.hypot((x2 - x1) * kx,
                                                      (y2 - y1) * ky))
        self.length = self.cum[-1]

    def at(self, s):
        """(lon, lat, unit normal east km, unit normal north km) at s km."""
        s = min(max(s, 0.0), self.length)
        i = 0
        while i < len(self.cum) - 2 and self.cum[i + 1] < s:
            i += 1
        (x1, y1), (x2, y2) = self.pts[i], self.pts[i + 1]
        seg = self.cum[i + 1] - self.cum[i]
        f = 0.0 if seg == 0 else (s - self.cum[i]) / seg
        kx, ky = km_per_deg((y1 + y2) / 2)
        dx, dy = (x2 - x1) * kx, (y2 - y1) * ky
        n = math.hypot(dx, dy) or 1.0
        return x1 + f * (x2 - x1), y1 + f * (y2 - y1), -dy / n, dx / n

    def normal(self, s, w=10.0):
        """Unit normal (east km, north km) of the line smoothed over +-w km,
        so that an offset path stays smooth round the route's bends."""
        x1, y1, _, _ = self.at(s - w)
        x2, y2, _, _ = self.at(s + w)
        kx, ky = km_per_deg((y1 + y2) / 2)
        dx, dy = (x2 - x1) * kx, (y2 - y1) * ky
        n = math.hypot(dx, dy)
        if n < 1e-6:
            return self.at(s)[2:]
        return -dy / n, dx / n

    def cut(self, s):
        """The first s km of the line."""
        out = [self.pts[0]]
        for i in range(1, len(self.pts)):
            if self.cum[i] < s:
                out.append(self.pts[i])
            else:
                x, y, _, _ = self.at(s)
                out.append((x, y))
                break
        return out


# ---------------------------------------------------------------------------
# Incidents
# ---------------------------------------------------------------------------
# Each cluster: where (Gaussian centre and spread, or a route corridor, or a
# uniform box), how many reports, how its rate changes over the period, and
# its mix of incident types.
CLUSTERS = [
    {"id": "liptako-gourma", "shape": "gauss", "centre": (0.40, 14.75),
     "sigma_km": (45.0, 28.0), "angle": 30.0, "n": 750,
     "trend": "persistent",
     "mix": {"armed_attack": 35, "weapons": 20, "gold": 20,
             "checkpoint": 15, "fuel": 10}},
    {"id": "menaka-border", "shape": "gauss", "centre": (2.85, 15.50),
     "sigma_km": (30.0, 18.0), "angle": -35.0, "n": 520,
     "trend": "intensifying",
     "mix": {"armed_attack": 45, "weapons": 30, "fuel": 15,
             "checkpoint": 10}},
    {"id": "ansongo-river", "shape": "gauss", "centre": (0.28, 15.95),
     "sigma_km": (28.0, 14.0), "angle": -50.0, "n": 380,
     "trend": "fading",
     "mix": {"fuel": 30, "armed_attack": 25, "checkpoint": 25,
             "weapons": 20}},
    {"id": "in-khalil", "shape": "gauss", "centre": (1.05, 20.92),
     "sigma_km": (18.0, 12.0), "angle": 60.0, "n": 420,
     "trend": "persistent",
     "mix": {"fuel": 35, "drugs": 30, "weapons": 20, "migrants": 15}},
    {"id": "ouallam-banibangou", "shape": "gauss", "centre": (2.45, 14.72),
     "sigma_km": (22.0, 15.0), "angle": 45.0, "n": 160,
     "trend": "new",
     "mix": {"armed_attack": 60, "weapons": 25, "checkpoint": 15}},
    {"id": "gao-kidal-tessalit-route", "shape": "route",
     "route": ("gao-bourem", "bourem-anefis", "anefis-kidal",
               "kidal-aguelhok", "aguelhok-tessalit", "tessalit-bbm"),
     "sigma_km": 6.0, "n": 320, "trend": "persistent",
     "mix": {"drugs": 35, "fuel": 25, "weapons": 20, "checkpoint": 10,
             "migrants": 10}},
    {"id": "agadez-arlit-assamaka-route", "shape": "route",
     "route": ("agadez-arlit", "arlit-inguezzam"),
     "sigma_km": 7.0, "n": 300, "trend": "persistent",
     "mix": {"migrants": 55, "fuel": 15, "drugs": 15, "gold": 15}},
    {"id": "assamaka", "shape": "gauss", "centre": (5.82, 19.30),
     "sigma_km": (10.0, 8.0), "angle": 0.0, "n": 110,
     "trend": "persistent",
     "mix": {"migrants": 80, "checkpoint": 20}},
    {"id": "background", "shape": "uniform",
     "box": (-4.5, 12.5, 8.5, 21.5), "n": 420, "trend": "persistent",
     "mix": {t: 1 for t in TYPES}},
]

T_NEW = 181.0 / PERIOD_DAYS  # the "new" cluster starts on 2026-07-01


def trend_rate(trend, t):
    """Relative rate at fraction t of the period (max 2.0)."""
    if trend == "intensifying":
        return 0.2 + 1.8 * t
    if trend == "fading":
        return 2.0 - 1.8 * t
    if trend == "new":
        return 2.0 if t >= T_NEW else 0.0
    return 1.0


# Hour-of-day weights (UTC, close to local time here).
HOURS_ATTACK = [2, 2, 3, 4, 8, 10, 10, 7, 4, 3, 2, 2,
                2, 2, 2, 3, 4, 6, 6, 4, 3, 2, 2, 2]
HOURS_DAY = [0, 0, 0, 0, 0, 1, 3, 6, 8, 8, 8, 7,
             6, 6, 7, 7, 6, 4, 2, 1, 0, 0, 0, 0]
HOURS_NIGHT = [8, 8, 7, 6, 4, 3, 2, 1, 1, 1, 1, 1,
               1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 9]

# (low, high, mode) of the weight: vehicles or persons involved.
WEIGHT = {"migrants": (5, 40, 14), "armed_attack": (2, 30, 6),
          "checkpoint": (1, 8, 2), "fuel": (1, 12, 3), "drugs": (1, 6, 2),
          "weapons": (1, 10, 2), "gold": (1, 20, 4)}

SOURCES = [("UNPOL", 20), ("MINUSMA-JMAC", 25), ("Partner-A", 25),
           ("Partner-B", 20), ("Partner-C", 10)]
CONFIDENCE = {"UNPOL": (30, 50, 20), "MINUSMA-JMAC": (15, 45, 40),
              "Partner-A": (30, 50, 20), "Partner-B": (40, 45, 15),
              "Partner-C": (65, 30, 5)}  # low, medium, high weights

# Invented informant names: common given names and family names of the
# region, combined at random. No combination is meant to name anyone.
MALE = ["Amadou", "Moussa", "Ibrahim", "Oumar", "Aliou", "Hamidou",
        "Boubacar", "Souleymane", "Issa", "Mahamadou", "Abdoulaye",
        "Yacouba", "Hassane", "Idrissa", "Mohamed", "Adama", "Seydou"]
FEMALE = ["Aminata", "Fatoumata", "Mariam", "Aïcha", "Hadiza", "Rakia",
          "Zeinabou", "Fadimata", "Kadidia", "Salamatou", "Oumou"]
FAMILY = ["Maïga", "Touré", "Cissé", "Traoré", "Diallo", "Abdou", "Hama",
          "Soumana", "Boureima", "Sidibé", "Dicko", "Tamboura", "Haïdara",
          "Coulibaly", "Ousmane", "Garba", "Issoufou", "Sangaré"]
FAMILY_M = FAMILY + ["Ag Ahmed", "Ag Mohamed", "Ould Sidi"]
FAMILY_F = FAMILY + ["Walet Ahmed", "Walet Mohamed", "Mint Sidi"]


def fake_names(rng, n):
    seen, out = set(), []
    while len(out) < n:
        if rng.random() < 0.7:
            name = "%s %s" % (rng.choice(MALE), rng.choice(FAMILY_M))
        else:
            name = "%s %s" % (rng.choice(FEMALE), rng.choice(FAMILY_F))
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def weighted(rng, pairs):
    names = [k for k, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(names, weights=weights)[0]


def sample_location(rng, c, land, lines):
    for _ in range(10000):
        if c["shape"] == "gauss":
            a = math.radians(c["angle"])
            u = rng.gauss(0.0, c["sigma_km"][0])
            v = rng.gauss(0.0, c["sigma_km"][1])
            east = u * math.cos(a) - v * math.sin(a)
            north = u * math.sin(a) + v * math.cos(a)
            lon, lat = offset(c["centre"][0], c["centre"][1], east, north)
        elif c["shape"] == "route":
            line = lines[c["id"]]
            x, y, nx, ny = line.at(rng.uniform(0.0, line.length))
            d = rng.gauss(0.0, c["sigma_km"])
            lon, lat = offset(x, y, nx * d + rng.gauss(0, 1.0),
                              ny * d + rng.gauss(0, 1.0))
        else:
            x0, y0, x1, y1 = c["box"]
            lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if land.ok(lon, lat):
            return lon, lat
    raise RuntimeError("cluster %s: no point on land" % c["id"])


def sample_time(rng, c, t_type):
    while True:
        t = rng.random()
        if rng.random() * 2.0 < trend_rate(c["trend"], t):
            break
    day = int(t * PERIOD_DAYS)
    if t_type == "armed_attack":
        hours = HOURS_ATTACK
    elif t_type == "checkpoint":
        hours = HOURS_DAY
    else:
        hours = HOURS_NIGHT
    hour = rng.choices(range(24), weights=hours)[0]
    minute = rng.randrange(60)
    return PERIOD_START + dt.timedelta(days=day, hours=hour, minutes=minute)


def gen_incidents(land):
    rng = random.Random(SEED_INCIDENTS)
    # Each cluster has its own local informants, a few of them prolific.
    names = fake_names(rng, sum(max(6, c["n"] // 30) for c in CLUSTERS))
    lines = {c["id"]: Polyline(route(*c["route"]))
             for c in CLUSTERS if c["shape"] == "route"}
    rows = []
    for c in CLUSTERS:
        mix = list(c["mix"].items())
        informants = names[:max(6, c["n"] // 30)]
        names = names[len(informants):]
        inf_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(informants))]
        for _ in range(c["n"]):
            t_type = weighted(rng, mix)
            lon, lat = sample_location(rng, c, land, lines)
            when = sample_time(rng, c, t_type)
            lo, hi, mode = WEIGHT[t_type]
            w = int(round(rng.triangular(lo, hi, mode)))
            source = weighted(rng, SOURCES)
            conf = weighted(rng, list(zip(("low", "medium", "high"),
                                          CONFIDENCE[source])))
            inf = rng.choices(informants, weights=inf_weights)[0]
            rows.append((when, round(lon, 6), round(lat, 6), t_type,
                         min(max(w, 1), 40), source, conf, inf, c["id"]))
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    feats, stats = [], {}
    for i, (when, lon, lat, t_type, w, src, conf, inf, cid) in \
            enumerate(rows, 1):
        props = {"report_id": "R-%06d" % i, "event_date": iso(when),
                 "type": t_type, "weight": w, "source": src,
                 "confidence": conf, "informant": inf}
        feats.append((props, ("Point", (lon, lat))))
        q = (when.month - 1) // 3
        stats.setdefault(cid, [0, 0, 0])[q] += 1
    desc = (LABEL + " Fictional incident reports for testing routemap "
            "(hot spots, trends, sensitive-field handling). The informant "
            "field holds invented names and is SENSITIVE by design: "
            "briefings must drop it. Written by scripts/gen_sample_data.py "
            "(seed %d)." % SEED_INCIDENTS)
    return feature_collection("incidents", desc, feats), stats


# ---------------------------------------------------------------------------
# Ceasefire/control lines and patrol bases (fictional)
# ---------------------------------------------------------------------------
LINES = [
    ("CFL-A", "Fictional ceasefire line A (exercise)", "ceasefire",
     [(-4.00, 17.45), (-3.55, 17.58), (-3.20, 17.62), (-2.80, 17.48),
      (-2.50, 17.40), (-2.05, 17.47), (-1.70, 17.55), (-1.30, 17.42),
      (-1.00, 17.35), (-0.60, 17.47), (-0.30, 17.58), (0.05, 17.52),
      (0.40, 17.45), (0.70, 17.53), (1.00, 17.62), (1.25, 17.58),
      (1.50, 17.50)]),
    ("CTL-B", "Fictional control line B, Menaka sector (exercise)",
     "control",
     [(1.60, 16.40), (1.78, 16.28), (1.90, 16.15), (1.97, 16.02),
      (2.00, 15.90), (2.04, 15.78), (2.10, 15.65), (2.22, 15.58),
      (2.35, 15.55), (2.45, 15.51), (2.55, 15.50), (2.70, 15.53)]),
    ("CTL-C", "Fictional control line C, Kidal approaches (exercise)",
     "control",
     [(0.00, 18.25), (0.18, 18.15), (0.35, 18.05), (0.55, 17.98),
      (0.75, 17.95), (0.92, 17.99), (1.10, 18.05), (1.32, 17.97),
      (1.55, 17.90), (1.78, 17.94), (2.00, 18.00)]),
]

BASES = [
    ("Gao", "Sector East HQ company (fictional)"),
    ("Kidal", "Sector North recce company (fictional)"),
    ("Menaka", "Mobile task force 2 (fictional)"),
    ("Ansongo", "Riverine patrol platoon (fictional)"),
    ("Tessalit", "Sector North border detachment (fictional)"),
    ("Timbuktu", "Sector West FPU-1 (fictional)"),
    ("Tillaberi", "Partner border unit 1 (fictional)"),
    ("Ouallam", "Partner border unit 2 (fictional)"),
    ("Agadez", "Partner mobile company (fictional)"),
    ("Arlit", "Partner desert patrol unit (fictional)"),
]

BASE_LABEL = {"Menaka": "Ménaka", "Tillaberi": "Tillabéri"}


def gen_bases():
    rng = random.Random(SEED_BASES)
    locs, feats = {}, []
    for i, (town, unit) in enumerate(BASES, 1):
        # a few km out of town, as camps near airstrips usually are
        ang = rng.uniform(0, 2 * math.pi)
        dist = rng.uniform(2.0, 5.0)
        lon, lat = offset(P[town][0], P[town][1], dist * math.cos(ang),
                          dist * math.sin(ang))
        lon, lat = round(lon, 6), round(lat, 6)
        locs[town] = (lon, lat)
        props = {"base_id": "PB-%02d" % i,
                 "name": "%s base" % BASE_LABEL.get(town, town),
                 "unit": unit}
        feats.append((props, ("Point", (lon, lat))))
    desc = (LABEL + " Fictional patrol bases placed a few km from real "
            "towns. Written by scripts/gen_sample_data.py (seed %d)."
            % SEED_BASES)
    return feature_collection("patrol_bases", desc, feats), locs


def gen_lines():
    feats = []
    for line_id, name, cls, pts in LINES:
        feats.append(({"line_id": line_id, "name": name, "class": cls},
                      ("LineString", pts)))
    desc = (LABEL + " Fictional ceasefire and control lines for exercises; "
            "they do not reflect any agreement or front line. Written by "
            "scripts/gen_sample_data.py.")
    return feature_collection("ceasefire_lines", desc, feats)


# ---------------------------------------------------------------------------
# Tracks
# ---------------------------------------------------------------------------
# kind, name, route parts, out-and-back turn fraction (patrols), gap spec
# (distance fraction where the logger stops, hours, "moving"|"stopped",
# start a new <trkseg> afterwards?).
PATROLS = [
    ("Gao", "PAT-GAO", ["gao-ansongo"], [1.0, 0.7]),
    ("Gao", "PAT-GAO", ["gao-bourem"], [1.0, 0.8]),
    ("Gao", "PAT-GAO", ["gao-bourem", "bourem-anefis"], [0.75]),
    ("Kidal", "PAT-KID", ["-anefis-kidal"], [1.0, 0.6]),
    ("Kidal", "PAT-KID", ["kidal-aguelhok"], [0.9, 0.5]),
    ("Tessalit", "PAT-TES", ["tessalit-bbm"], [0.55, 0.5]),
    ("Tessalit", "PAT-TES", ["-aguelhok-tessalit"], [1.0]),
    ("Menaka", "PAT-MEN", ["menaka-abala"], [0.42, 0.4]),
    ("Menaka", "PAT-MEN", ["-ansongo-menaka"], [0.6]),
    ("Ansongo", "PAT-ANS", ["ansongo-tillaberi"], [0.35, 0.3]),
    ("Ansongo", "PAT-ANS", ["ansongo-menaka"], [0.5]),
    ("Tillaberi", "PAT-TIL", ["-ansongo-tillaberi"], [0.45, 0.4]),
    ("Ouallam", "PAT-OUA", ["ouallam-menaka"], [0.5, 0.45]),
    ("Timbuktu", "PAT-TBK", ["timbuktu-gao"], [0.35, 0.3]),
    ("Agadez", "PAT-AGA", ["agadez-arlit"], [0.6]),
    ("Arlit", "PAT-ARL", ["arlit-inguezzam"], [0.85, 0.7]),
]

SMUGGLERS = [
    ("SMG", ["gao-bourem", "bourem-anefis", "anefis-kidal"], [None, None]),
    ("SMG", ["kidal-aguelhok", "aguelhok-tessalit", "tessalit-bbm"],
     [None, (0.45, 5.0, "stopped", False)]),
    ("SMG", ["kidal-aguelhok", "aguelhok-tessalit", "tessalit-bbm",
             "bbm-north"], [(0.56, 2.0, "moving", True)]),
    ("SMG", ["-tessalit-bbm", "-aguelhok-tessalit"], [None]),
    ("SMG", ["-bbm-north", "-tessalit-bbm", "-aguelhok-tessalit"],
     [(0.40, 2.0, "moving", False)]),
    ("SMG", ["kidal-tinzaouaten"], [None, None]),
    ("SMG", ["menaka-abala"], [None, (0.45, 1.5, "moving", True), None]),
    ("SMG", ["-menaka-abala"], [None]),
    ("SMG", ["ansongo-tillaberi"], [None, None]),
    ("SMG", ["ouallam-menaka"], [(0.50, 6.0, "stopped", True), None]),
    ("SMG", ["gorom-tera"], [None]),
    ("SMG", ["agadez-arlit", "arlit-inguezzam"], [None, None]),
    ("SMG", ["agadez-arlit", "arlit-inguezzam", "inguezzam-north"],
     [(0.63, 2.0, "moving", False)]),
    ("SMG", ["-arlit-inguezzam"], [None]),
    ("SMG", ["gao-ansongo", "ansongo-menaka"], [None]),
    ("SMG", ["timbuktu-gao"], [(0.40, 4.0, "stopped", True)]),
    ("SMG", ["timbuktu-araouane"], [None]),
    ("SMG", ["-timbuktu-araouane"], [None]),
]


def simulate(rng, line, start, interval_s, v0, wander, halts, gap,
             turn_s=None, turn_halt_s=0):
    """Moves along `line` from `start` and logs fixes every interval_s.
    wander = (AR(1) factor per minute, step km per minute, limit km) of the
    lateral offset from the route. Returns a list of segments, each a list
    of (lon, lat, time)."""
    segs, seg = [], []
    t, s, off, vfac = start, 0.0, 0.0, 1.0
    tick = dt.timedelta(seconds=interval_s)
    phi = wander[0] ** (interval_s / 60.0)
    step = wander[1] * math.sqrt(interval_s / 60.0)
    lim = wander[2]
    gap_s = None if gap is None else gap[0] * line.length
    gap_until, gap_done, turn_done, halt_until = None, False, False, None
    halts = sorted(halts)
    while True:
        arrived = s >= line.length
        # the logger comes back on at the latest when the vehicle arrives
        logging = gap_until is None or t >= gap_until or arrived
        if gap_until is not None and logging:
            gap_until = None
            if gap[3] and seg:
                segs.append(seg)
                seg = []
        if logging:
            x, y = line.at(s)[:2]
            nx, ny = line.normal(s)
            sd = 0.006 if halt_until is None else 0.012  # GPS noise, km
            seg.append(offset(x, y, nx * off + rng.gauss(0, sd),
                              ny * off + rng.gauss(0, sd)) + (t,))
        if arrived:
            break
        if gap_s is not None and not gap_done and s >= gap_s:
            gap_done = True
            gap_until = t + dt.timedelta(hours=gap[1])
            if gap[2] == "stopped":
                t = gap_until
                continue
        if halt_until is None:
            if turn_s is not None and not turn_done and s >= turn_s:
                turn_done = True
                halts.insert(0, (s, turn_halt_s))
            if halts and s >= halts[0][0]:
                halt_until = t + dt.timedelta(seconds=halts.pop(0)[1])
        t += tick
        if halt_until is not None:
            if t < halt_until:
                continue
            halt_until = None
        vfac = 0.8 * vfac + 0.2 * (1.0 + rng.gauss(0, 0.25))
        v = min(max(v0 * vfac, 20.0), 58.0)
        s = min(s + v * interval_s / 3600.0, line.length)
        off = max(-lim, min(lim, phi * off + rng.gauss(0, step)))
    if seg:
        segs.append(seg)
    return segs


def gen_tracks(bases):
    rng = random.Random(SEED_TRACKS)
    tracks = []  # (name, type, desc, segments)
    counters = {}
    for base, prefix, parts, turns in PATROLS:
        pts = route(*parts)
        pts = [bases[base]] + pts[1:]
        full = Polyline(pts)
        for turn in turns:
            counters[prefix] = counters.get(prefix, 0) + 1
            name = "%s-%02d" % (prefix, counters[prefix])
            out = full.cut(turn * full.length)
            there_back = out + out[-2::-1]
            line = Polyline(there_back)
            day = rng.randrange(PERIOD_DAYS - 1)
            start = PERIOD_START + dt.timedelta(
                days=day, hours=rng.randint(5, 8),
                minutes=rng.randrange(0, 60, 5))
            halts = [(rng.uniform(0.1, 0.9) * line.length,
                      rng.randint(10, 30) * 60)]
            segs = simulate(rng, line, start,
                            rng.choice((60, 120, 120, 180)),
                            rng.uniform(28.0, 40.0), (0.98, 0.01, 0.3),
                            halts, None, turn_s=line.length / 2,
                            turn_halt_s=rng.randint(20, 60) * 60)
            far = BASE_LABEL.get(base, base)
            desc = ("%s Patrol out of %s base along %s and back "
                    "(turns at %d %% of the route)."
                    % (LABEL, far, " / ".join(p.lstrip("-") for p in parts),
                       round(turn * 100)))
            tracks.append((name, "patrol", desc, segs))
    n = 0
    for prefix, parts, gaps in SMUGGLERS:
        line = Polyline(route(*parts))
        for gap in gaps:
            n += 1
            name = "%s-%02d" % (prefix, n)
            day = rng.randrange(PERIOD_DAYS - 1)
            start = PERIOD_START + dt.timedelta(
                days=day, hours=rng.choice((18, 19, 20, 21, 22, 23, 0, 1)),
                minutes=rng.randrange(0, 60, 1))
            halts = [(rng.uniform(0.2, 0.8) * line.length,
                      rng.randint(10, 40) * 60)
                     for _ in range(rng.randint(0, 2))]
            segs = simulate(rng, line, start,
                            rng.choice((60, 120, 180, 240, 300)),
                            rng.uniform(38.0, 52.0), (0.998, 0.08, 6.0),
                            halts, gap)
            desc = ("%s Smuggler-like movement along %s, off the main "
                    "track by up to 6 km." % (LABEL, " / ".join(
                        p.lstrip("-") for p in parts)))
            if gap is not None:
                desc += (" GPS gap of %.1f h (vehicle %s%s)."
                         % (gap[1], gap[2],
                            ", new segment after the gap" if gap[3] else ""))
            tracks.append((name, "smuggling", desc, segs))
    return tracks


def gpx_text(tracks):
    lons = [p[0] for _, _, _, segs in tracks for s in segs for p in s]
    lats = [p[1] for _, _, _, segs in tracks for s in segs for p in s]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<gpx version="1.1" creator="routemap scripts/gen_sample_data.py"'
           ' xmlns="http://www.topografix.com/GPX/1/1"'
           ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
           ' xsi:schemaLocation="http://www.topografix.com/GPX/1/1'
           ' http://www.topografix.com/GPX/1/1/gpx.xsd">',
           '  <metadata>',
           '    <name>routemap sample tracks (SYNTHETIC)</name>',
           '    <desc>%s Fictional patrol and smuggler-like GPS tracks in '
           'the Mali/Niger/Algeria borderlands, 2026-01..09, for testing '
           'routemap. Written by scripts/gen_sample_data.py (seed %d).'
           '</desc>' % (escape(LABEL), SEED_TRACKS),
           '    <bounds minlat="%s" minlon="%s" maxlat="%s" maxlon="%s"/>'
           % (fnum(min(lats)), fnum(min(lons)), fnum(max(lats)),
              fnum(max(lons))),
           '  </metadata>']
    for name, kind, desc, segs in tracks:
        out.append('  <trk>')
        out.append('    <name>%s</name>' % escape(name))
        out.append('    <desc>%s</desc>' % escape(desc))
        out.append('    <type>%s</type>' % escape(kind))
        for seg in segs:
            out.append('    <trkseg>')
            for lon, lat, t in seg:
                out.append('      <trkpt lat=%s lon=%s><time>%s</time>'
                           '</trkpt>' % (quoteattr(fnum(lat)),
                                         quoteattr(fnum(lon)), iso(t)))
            out.append('    </trkseg>')
        out.append('  </trk>')
    out.append('</gpx>')
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "maps", "data")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=default_out,
                    help="output folder (default: maps/data)")
    ap.add_argument("--basemap", default=None,
                    help="GeoPackage with countries and lakes layers "
                    "(default: OUT/sahel_basemap.gpkg)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    out = os.path.normpath(args.out)
    basemap = args.basemap or os.path.join(out, "sahel_basemap.gpkg")
    if not os.path.isfile(basemap):
        sys.stderr.write("gen_sample_data: basemap %s not found; pass "
                         "--basemap\n" % basemap)
        return 2
    os.makedirs(out, exist_ok=True)
    land = LandMask(basemap)

    incidents, stats = gen_incidents(land)
    bases_text, base_locs = gen_bases()
    tracks = gen_tracks(base_locs)
    files = {
        "incidents.geojson": incidents,
        "patrol_bases.geojson": bases_text,
        "ceasefire_lines.geojson": gen_lines(),
        "tracks.gpx": gpx_text(tracks),
    }
    for name, text in files.items():
        write_atomic(os.path.join(out, name), text)
    if not args.quiet:
        for name, text in files.items():
            print("%-24s %9d bytes" % (name, len(text.encode("utf-8"))))
        print("incidents per cluster (Jan-Mar, Apr-Jun, Jul-Sep):")
        for c in CLUSTERS:
            print("  %-28s %-12s %s" % (c["id"], c["trend"], stats[c["id"]]))
        npts = sum(len(s) for _, _, _, segs in tracks for s in segs)
        print("tracks: %d, points: %d" % (len(tracks), npts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
