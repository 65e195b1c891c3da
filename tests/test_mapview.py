"""Map artefacts: escaping, local assets, styles by state, selection semantics."""

import json
import re

import geopandas as gpd
from apptest_helpers import map_layers
from shapely.geometry import MultiPoint, Point, Polygon

from lianghu_map.catalog import load_catalog
from lianghu_map.mapview import base_map, feature_groups, legend_html, tooltip_html
from lianghu_map.panels import clause_html
from lianghu_map.selection import MapFilter, MapSelection, select

CAT = load_catalog()
XSS = '<img src=x onerror="alert(1)">`${alert(2)}`</script>'


def _hostile():
    row = {"feature_id": "x.1", "layer_id": "parks", "name_zh": XSS, "name_en": XSS,
           "kind": XSS, "status": "planned", "source": XSS, "accuracy_m": 5, "basis": "estimate",
           "note_zh": "", "note_en": ""}
    gdf = gpd.GeoDataFrame([row, {**row, "feature_id": "x.2", "kind": "park"}],
                           geometry=[Polygon([(119.8, 31.7), (119.9, 31.7), (119.9, 31.8)]),
                                     MultiPoint([(119.8, 31.7), (119.85, 31.72)])], crs=4326)
    return gdf.set_index("feature_id", drop=False)


def _render(groups) -> str:
    m = base_map("none")
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def test_tooltip_escapes_data():
    tip = tooltip_html(_hostile().iloc[0], "zh-Hans")
    assert "<img" not in tip
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in tip


def test_rendered_map_contains_no_live_markup_from_data():
    gdf = _hostile()
    html = _render(feature_groups(gdf, MapSelection(tuple(gdf.index), ()), "en"))
    assert "<img" not in html
    assert "onerror=\\\"" not in html
    assert "&lt;img" in json.dumps(html) or "\\u0026lt;img" in html


def test_multipoint_split_into_points_with_one_id():
    gdf = _hostile()
    html = _render(feature_groups(gdf, MapSelection(("x.2",), ()), "en"))
    assert '"x.2#0"' in html and '"x.2#1"' in html


def test_legend_and_clause_escape():
    gdf = _hostile()
    assert "<img" not in legend_html(gdf, tuple(gdf.index), "en")
    d = CAT.meeting.get("innovate.2")
    out = clause_html(d, "zh-Hans", CAT.links.for_directive("innovate.2"))
    assert out.count("<mark>") == 3  # 西太湖科技產業園, 兩湖, 核心區


def test_base_map_is_constant_and_local():
    a, b = base_map("none").get_root().render(), base_map("none").get_root().render()
    assert "cdn.jsdelivr" not in a and "code.jquery" not in a
    assert "/app/static/vendor/leaflet/leaflet.js" in a
    assert "tile.openstreetmap" not in a
    assert "tile.openstreetmap" in base_map("osm").get_root().render()
    assert len(a) == len(b)


def test_select_theme_and_directive():
    sel = select(CAT.features, CAT.links, CAT.meeting, MapFilter(themes=("創新",)))
    assert "park.xitaihu" in sel.shown and "metro.line1" not in sel.drawn
    assert "water.gehu" in sel.context
    sel = select(CAT.features, CAT.links, CAT.meeting, MapFilter(directive="modern.3"))
    assert "hub.changzhou_south" in sel.focus and sel.shown == ()
    assert sel.fit and "zone.lianghu" not in sel.fit
    sel = select(CAT.features, CAT.links, CAT.meeting, MapFilter(directive="vitality.4"))
    assert sel.focus == () and sel.fit == ("zone.lianghu",)
    sel = select(CAT.features, CAT.links, CAT.meeting, MapFilter())
    assert set(sel.shown) == set(CAT.features.index) and sel.fit == ()


def test_fit_only_with_a_target():
    groups = feature_groups(CAT.features, MapSelection(("park.xitaihu",), (), (),
                                                       ("park.xitaihu",)), "en")
    assert "fitBounds" in _render(groups)
    groups = feature_groups(CAT.features, MapSelection(("park.xitaihu",), ()), "en")
    assert "fitBounds" not in _render(groups)


def test_point_geometry_gets_circle_marker():
    gdf = _hostile().iloc[[0]].copy()
    gdf.geometry = [Point(119.8, 31.7)]
    out = _render(feature_groups(gdf, MapSelection(("x.1",), ()), "en"))
    assert "pointToLayer: (f, latlng) => L.circleMarker(latlng" in out
    assert '"geometry":{"type":"Point","coordinates":[119.8,31.7]}' in out


def test_states_and_styles_reach_the_map():
    sel = MapSelection(("park.xitaihu",), ("water.gehu",), ("hub.changzhou_south",))
    out = _render(feature_groups(CAT.features, sel, "en"))
    states = dict(re.findall(r'"feature_id":"([^"]+)","state":"([a-z]+)"', out))
    assert states == {"park.xitaihu": "normal", "water.gehu": "context",
                      "hub.changzhou_south": "focus"}
    # each feature points at a style of its own state: dimmed context, opaque focus
    opacity = {f["properties"]["feature_id"]: styles[f["properties"]["z"]]["opacity"]
               for styles, data in map_layers(out) for f in data["features"]}
    assert opacity == {"park.xitaihu": 0.95, "water.gehu": 0.35, "hub.changzhou_south": 1.0}


def test_the_label_layout_script_is_sent_once_per_map_and_comes_first():
    """Each layer's labels carried the layout's ~8 KB script; one copy per map now, in the
    first label element, before any label is made (the built-in map: 200 → 154 KB)."""
    from lianghu_map.labels import _SHARED_JS

    groups = feature_groups(CAT.features, MapSelection(tuple(CAT.features.index), ()), "zh",
                            layers=CAT.layers)
    assert len(groups) > 3
    html = _render(groups)
    assert html.count(_SHARED_JS.strip()) == 1
    assert html.index("window.__lhLayoutLabels = function") < html.index(
        "window.__lhLabelMarker(it)")
