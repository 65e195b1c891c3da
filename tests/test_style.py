"""One style specification (issue 14.1–14.3): status encoded the same way for every kind, schematic
geometry drawn schematic, uploaded lines never filled, one swatch per geometry family, a drawing
colour no layer uses — and the live map and the printed map read the same entries."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pytest
from apptest_helpers import map_layers
from injection_corpus import PAYLOADS
from matplotlib.colors import to_rgba
from shapely.geometry import LineString, Point, Polygon

from lianghu_map import figure as fg
from lianghu_map import style
from lianghu_map.catalog import load_catalog
from lianghu_map.labels import label_items
from lianghu_map.layers import LayerSpec, canonical_features
from lianghu_map.mapview import (
    base_map,
    feature_groups,
    feature_options,
    legend_html,
    legend_rows,
)
from lianghu_map.selection import MapSelection
from lianghu_map.style import DRAW_COLOR, KIND_STYLE, feature_style, layer_style

CAT = load_catalog()
STATUSES = ("existing", "under_construction", "planned", "indicative")


def _render(groups) -> str:
    m = base_map("none")
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


# -- status is encoded the same way for every kind ------------------------------------------

@pytest.mark.parametrize("kind", ["metro", "rail", "road", "greenway", "ecological_corridor"])
def test_lines_tell_status_by_dash_pattern(kind):
    dashes = [feature_style(kind, s, "sourced", "LineString").dash for s in STATUSES]
    assert dashes[0] is None  # existing: solid
    assert len(set(dashes)) == 4  # each status its own pattern
    assert all(feature_style(kind, s, "sourced", "LineString").fill is None for s in STATUSES)


@pytest.mark.parametrize("kind", ["station", "hub", "town_centre", "resort", "heritage"])
def test_points_tell_status_by_fill_or_ring(kind):
    looks = {s: feature_style(kind, s, "", "Point") for s in STATUSES}
    assert looks["existing"].fill not in (None, "#ffffff")  # filled
    assert looks["under_construction"].fill_opacity < looks["existing"].fill_opacity  # half
    assert looks["planned"].fill == "#ffffff"  # a ring
    assert looks["indicative"].fill == "#ffffff" and looks["indicative"].dash  # dotted ring
    assert len({(lk.fill, lk.fill_opacity, lk.dash) for lk in looks.values()}) == 4


@pytest.mark.parametrize("kind", ["park", "water", "wetland", "heritage"])
def test_areas_tell_status_by_fill_or_hatch(kind):
    looks = {s: feature_style(kind, s, "sourced", "Polygon") for s in STATUSES}
    assert looks["existing"].fill and not looks["existing"].hatch  # a flat fill
    assert looks["under_construction"].hatch and looks["planned"].hatch
    assert looks["planned"].dash and not looks["under_construction"].dash
    assert looks["indicative"].fill is None and looks["indicative"].dash  # outline only


def test_schematic_geometry_looks_schematic_and_surveyed_stays_solid():
    surveyed = feature_style("metro", "existing", "sourced", "LineString")
    schematic = feature_style("metro", "existing", "estimate", "LineString")
    assert surveyed.dash is None and surveyed.band == 0  # a solid line: surveyed only
    assert schematic.band > 0 and schematic.weight < surveyed.weight
    area = feature_style("park", "existing", "estimate", "Polygon")
    assert area.dash  # a circle sized to an area is not drawn as a traced outline
    point = feature_style("station", "existing", "estimate", "Point")
    assert point.band == 0  # a point's uncertainty is its accuracy, not a symbol


def test_the_map_draws_the_band_of_schematic_lines():
    line1 = CAT.features.loc[["metro.line1"]]
    html = _render(feature_groups(line1, MapSelection(("metro.line1",), ()), "en"))
    styles = [s for styles, _ in map_layers(html) for s in styles]
    assert styles and all(s.get("band") for s in styles)
    assert "filter: (f) => !!styles[f.properties.z].band" in html


# -- uploaded layers ---------------------------------------------------------------------

def _upload_with_every_family():
    spec = LayerSpec("up-mixed", title_zh="混合", stored=True, version=1, color="#2f9e44")
    gdf = gpd.GeoDataFrame(
        {"name": ["点", "线", "面"], "source_id": ["0", "1", "2"]},
        geometry=[Point(119.9, 31.7), LineString([(119.9, 31.7), (119.95, 31.72)]),
                  Polygon([(119.9, 31.7), (119.92, 31.7), (119.92, 31.72), (119.9, 31.7)])],
        crs=4326)
    return canonical_features(gdf, spec, kind="other", status="existing", source="t"), spec


def test_an_uploaded_line_is_never_filled():
    feats, spec = _upload_with_every_family()
    opts = feature_options(spec, "other", "existing", "uploaded", "LineString", "", "normal")
    assert opts["fill"] is False
    assert layer_style(spec, "other", "existing", "", "LineString").fill is None
    html = _render(feature_groups(feats, MapSelection(tuple(feats.index), ()), "en",
                                  layers=(spec,)))
    (styles, data), = map_layers(html)
    by_type = {f["geometry"]["type"]: styles[f["properties"]["z"]] for f in data["features"]}
    assert by_type["LineString"]["fill"] is False
    assert by_type["Polygon"]["fill"] is True and by_type["Point"]["fill"] is True


def test_an_uploaded_layer_gets_a_swatch_per_geometry_family():
    feats, spec = _upload_with_every_family()
    rows = legend_rows(feats, tuple(feats.index), (spec,))
    assert len(rows) == 1 and len(rows[0][1]) == 3
    legend = legend_html(feats, tuple(feats.index), "en", (spec,))
    assert legend.count('class="lh-legend-row"') == 3
    assert "border-radius:50%" in legend  # the point's circle
    printed = fg.legend_groups(feats, tuple(feats.index), "en", (spec,))
    assert [r.geom_type for r in printed[0].rows] == ["Polygon", "LineString", "Point"]


def test_the_drawing_colour_is_used_by_no_layer():
    used = {c.lower() for s in KIND_STYLE.values() for c in (s.color, s.fill) if c}
    assert DRAW_COLOR.lower() not in used
    m = base_map("none", draw="en").get_root().render()
    assert DRAW_COLOR in m and "#e8590c" not in m


# -- one specification for the live map and the printed map --------------------------------

def _figure_colours(mf) -> set[tuple]:
    out = set()
    for coll in mf.map_ax.collections:
        for arr in (coll.get_edgecolor(), coll.get_facecolor()):
            for c in np.atleast_2d(arr):
                if len(c) == 4:
                    out.add(tuple(round(float(v), 3) for v in c[:3]))
    return out


def test_one_entry_changes_both_the_live_and_the_printed_map(monkeypatch):
    """Change the park entry of the specification: the live map's styles and the printed map's
    colours and dash pattern both follow; change the label rule: both maps' labels follow."""
    ids = ("park.xitaihu", "park.wujin_hitech")
    sel = MapSelection(ids, ())
    monkeypatch.setitem(KIND_STYLE, "park", style.Style("#123456", 2, "#654321", 0.5, "5 5"))
    live = _render(feature_groups(CAT.features.loc[list(ids)], sel, "en"))
    live_styles = [s for styles, _ in map_layers(live) for s in styles]
    assert {s["color"] for s in live_styles} == {"#123456"}
    assert {s["dashArray"] for s in live_styles} == {"5 5"}
    mf = fg.map_figure(CAT.features.loc[list(ids)], sel, "en", title="t")
    assert tuple(round(v, 3) for v in to_rgba("#123456")[:3]) in _figure_colours(mf)
    dashed = [c for c in mf.map_ax.collections if c.get_linestyle()[0][1] is not None]
    assert dashed  # the printed outline is dashed as well

    monkeypatch.setattr(style, "label_text", lambda name: f"«{name}»")
    live = _render(feature_groups(CAT.features.loc[list(ids)], sel, "en"))
    assert "«West Taihu" in live or "\\u00abWest Taihu" in live
    mf = fg.map_figure(CAT.features.loc[list(ids)], sel, "en", title="t")
    texts = [t.get_text() for t in mf.map_ax.texts]
    assert any(t.startswith("«") for t in texts)


def test_live_and_printed_legends_list_the_same_rows():
    drawn = tuple(CAT.features.index)
    live = re.findall(r'class="lh-legend-row">.*?</span> (.*?)</div>',
                      legend_html(CAT.features, drawn, "zh-Hans"))
    live = [re.sub(r"<[^>]+>", "", x) for x in live]
    printed = [r.label for g in fg.legend_groups(CAT.features, drawn, "zh-Hans") for r in g.rows]
    assert [x.replace("&#x27;", "'") for x in live] == printed


# -- labels --------------------------------------------------------------------------------

def test_labels_follow_the_priority_order_of_the_issue():
    order = ["hub", "park", "station", "water", "metro", "town_centre", "district"]
    ranks = [style.label_rule(k).priority for k in order]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert style.label_rule("park", uploaded=True).priority > style.label_rule(
        "district").priority
    assert style.label_rule("station").min_zoom > style.label_rule("hub").min_zoom


def test_label_text_drops_a_trailing_parenthesis_and_cuts_long_names():
    assert style.label_text("滆湖（西太湖）") == "滆湖"
    assert style.label_text("x" * 50).endswith("…") and len(style.label_text("x" * 50)) == 30


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_label_is_escaped(payload):
    spec = LayerSpec("up-hostile", title_zh="t", stored=True, version=1)
    gdf = gpd.GeoDataFrame({"name": [payload], "source_id": ["0"]},
                           geometry=[Point(119.9, 31.7)], crs=4326)
    feats = canonical_features(gdf, spec, kind="other", status="existing", source="t")
    items = label_items(feats, spec, "en", list(feats.index), {})
    assert "<" not in items and ">" not in items and "{" not in items.replace("[", "")
    assert '="' not in items
    html = _render(feature_groups(feats, MapSelection(tuple(feats.index), ()), "en",
                                  layers=(spec,)))
    assert "textContent = it[1]" in html  # set as text, never parsed as HTML
    decoded = json.loads(items.replace("\\u007b", "{").replace("\\u007d", "}"))
    assert decoded[0][1] == style.label_text(payload)
