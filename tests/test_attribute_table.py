"""The attribute table of what the map shows, and its free-text filter."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

from lianghu_map.analysis import feature_measures
from lianghu_map.attribute_table import TABLE_COLUMNS, filter_table, table_ids, visible_table
from lianghu_map.catalog import builtin_catalog
from lianghu_map.i18n import t
from lianghu_map.layers import LAYERS
from lianghu_map.meeting.links import LinkTable
from lianghu_map.selection import MapFilter, MapSelection, select

CAT = builtin_catalog()
XSS = '<img src=x onerror="alert(1)">{{ 7*7 }}</script>'


def table(selection: MapSelection, lang: str = "zh-Hans") -> pd.DataFrame:
    return visible_table(CAT.features, selection, CAT.links, feature_measures(CAT.features),
                         lang, CAT.layers)


@pytest.fixture(scope="module")
def everything() -> MapSelection:
    return select(CAT.features, CAT.links, CAT.meeting, MapFilter())


@pytest.fixture(scope="module")
def directive() -> MapSelection:
    sel = select(CAT.features, CAT.links, CAT.meeting, MapFilter(directive="modern.3"))
    assert sel.focus and sel.context  # what the tests below rely on
    return sel


def test_ids_are_the_drawn_features_once_in_order():
    sel = MapSelection(("b", "a"), ("c", "a"), ("d", "b"))
    assert table_ids(sel) == ["c", "a", "b", "d"]
    assert table_ids(MapSelection((), ())) == []


def test_unfiltered_rows_are_the_drawn_features(everything):
    tab = table(everything)
    assert list(tab.index) == table_ids(everything)
    assert set(tab.index) == set(CAT.features.index)
    assert tab.index.is_unique and tab.index.name == "feature_id"
    assert list(tab.columns) == list(TABLE_COLUMNS)
    assert set(tab["drawn"]) == {t("table.drawn.normal", "zh-Hans")}


def test_directive_rows_and_drawn_column(directive):
    tab = table(directive, "en")
    assert list(tab.index) == table_ids(directive)
    assert len(tab) == len(set(directive.drawn))
    context, focus = t("table.drawn.context", "en"), t("table.drawn.focus", "en")
    assert context != focus
    for fid in directive.context:
        assert tab.loc[fid, "drawn"] == context
    for fid in directive.focus:
        assert tab.loc[fid, "drawn"] == focus
    assert tab.loc["hub.changzhou_south", "drawn"] == focus
    assert tab.loc["water.gehu", "drawn"] == context


def test_directive_filter_within_some_layers():
    sel = select(CAT.features, CAT.links, CAT.meeting,
                 MapFilter(layers=("water", "stations"), directive="modern.3"))
    tab = table(sel, "en")
    assert list(tab.index) == table_ids(sel)
    assert set(tab.index) == set(CAT.features.index[CAT.features["layer_id"].isin(
        ["water", "stations"])])
    assert tab.loc["hub.changzhou_south", "drawn"] == t("table.drawn.focus", "en")
    assert tab.loc["water.gehu", "drawn"] == t("table.drawn.context", "en")
    assert "metro.line1" not in tab.index


def test_drawn_column_for_each_state_and_language():
    sel = MapSelection(("park.xitaihu",), ("water.gehu",), ("hub.changzhou_south",))
    for lang in ("zh-Hans", "zh-Hant", "en"):
        tab = table(sel, lang)
        assert list(tab.index) == ["water.gehu", "park.xitaihu", "hub.changzhou_south"]
        assert list(tab["drawn"]) == [t(f"table.drawn.{s}", lang)
                                      for s in ("context", "normal", "focus")]


def test_ids_unknown_to_the_frame_are_left_out():
    tab = table(MapSelection(("park.xitaihu", "upload/gone"), ()))
    assert list(tab.index) == ["park.xitaihu"]


def test_empty_selection_gives_an_empty_table():
    tab = table(MapSelection((), ()))
    assert tab.empty and list(tab.columns) == list(TABLE_COLUMNS)
    assert filter_table(tab, "湖").empty


def test_measures_come_from_feature_measures(everything):
    tab = table(everything)
    measures = feature_measures(CAT.features)
    assert tab.loc["water.gehu", "area_km2"] == pytest.approx(202, abs=1)
    assert tab.loc["water.gehu", "length_km"] == 0
    for fid in tab.index:
        assert tab.loc[fid, "area_km2"] == pytest.approx(measures.loc[fid, "area_km2"],
                                                         abs=5e-4)
        assert tab.loc[fid, "length_km"] == pytest.approx(measures.loc[fid, "length_km"],
                                                          abs=5e-4)
    assert tab.loc["metro.line1", "length_km"] > 10 and tab.loc["metro.line1", "area_km2"] == 0
    assert tab.loc["hub.changzhou_south", ["area_km2", "length_km"]].tolist() == [0, 0]


def test_measures_passed_in_are_used():
    sel = MapSelection(("water.gehu", "metro.line1"), ())
    fake = pd.DataFrame({"area_km2": [1.23456], "length_km": [7.0]}, index=["water.gehu"])
    tab = visible_table(CAT.features, sel, CAT.links, fake, "en", CAT.layers)
    assert tab.loc["water.gehu", "area_km2"] == pytest.approx(1.235)
    assert tab.loc["water.gehu", "length_km"] == 7.0
    assert tab.loc["metro.line1", ["area_km2", "length_km"]].tolist() == [0, 0]  # unmeasured


def test_clause_counts_come_from_the_links(everything):
    tab = table(everything)
    for fid in ("park.xitaihu", "zone.lianghu", "centre.wujin"):
        assert tab.loc[fid, "clauses"] == len(CAT.links.directives_of(fid))
    assert tab.loc["park.xitaihu", "clauses"] == 2


def test_names_follow_the_language():
    sel = MapSelection(("park.xitaihu", "water.gehu"), ())
    en, hans, hant = table(sel, "en"), table(sel, "zh-Hans"), table(sel, "zh-Hant")
    assert en.loc["park.xitaihu", "name"] == "West Taihu Lake S&T Industrial Park"
    assert en.loc["park.xitaihu", "name_other"] == "西太湖科技产业园"
    assert hans.loc["park.xitaihu", "name"] == "西太湖科技产业园"
    assert hans.loc["park.xitaihu", "name_other"] == "West Taihu Lake S&T Industrial Park"
    assert hant.loc["park.xitaihu", "name"] == "西太湖科技產業園"
    assert hant.loc["water.gehu", "name"] == "滆湖（西太湖）"
    assert en.loc["water.gehu", "layer"] == LAYERS[1].label("en")
    assert hans.loc["water.gehu", "layer"] == LAYERS[1].label("zh-Hans")
    assert en.loc["water.gehu", "layer"] != hans.loc["water.gehu", "layer"]
    assert en.loc["water.gehu", "status"] != hans.loc["water.gehu", "status"]


def test_filter_matches_simplified_and_traditional(everything):
    hans, hant = table(everything, "zh-Hans"), table(everything, "zh-Hant")
    for tab in (hans, hant):
        for query in ("西太湖", "西太湖科技產業園", "西太湖科技产业园"):
            hits = filter_table(tab, query)
            assert "park.xitaihu" in hits.index
            assert "metro.line1" not in hits.index
        assert list(filter_table(tab, "濕地").index) == ["green.xitaihu_wetland"]
        assert list(filter_table(tab, "湿地").index) == ["green.xitaihu_wetland"]


def test_filter_single_character_and_order(everything):
    tab = table(everything)
    hits = filter_table(tab, "湖")
    assert {"water.gehu", "water.changdang", "park.xitaihu"} <= set(hits.index)
    assert len(hits) < len(tab)
    assert list(hits.index) == [f for f in tab.index if f in set(hits.index)]
    assert list(hits.columns) == list(tab.columns)


def test_filter_by_id_any_column_and_case(everything):
    tab = table(everything, "en")
    assert list(filter_table(tab, "hub.changzhou_south").index) == ["hub.changzhou_south"]
    assert list(filter_table(tab, "HUB.CHANGZHOU").index) == ["hub.changzhou_south"]
    assert list(filter_table(tab, "wetland PARK").index) == ["green.xitaihu_wetland"]
    assert filter_table(tab, "202.095").index.tolist() == ["water.gehu"]  # a number column
    assert filter_table(tab, "no such thing at all").empty


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_query_returns_the_table_unchanged(everything, query):
    tab = table(everything)
    assert filter_table(tab, query) is tab


def test_regex_characters_are_plain_text(everything):
    tab = table(everything, "en")
    assert filter_table(tab, ".*").empty
    assert list(filter_table(tab, "(phase 1)").index) == ["metro.line6"]


@pytest.fixture
def hostile():
    row = {"layer_id": "parks", "name_zh": XSS, "name_en": XSS, "kind": XSS,
           "status": "planned", "source": XSS, "accuracy_m": "n/a", "basis": "estimate",
           "note_zh": "", "note_en": "", "style": ""}
    rows = [{**row, "feature_id": "x.1"},
            {**row, "feature_id": "x.2", "name_en": "", "source": None, "accuracy_m": 12},
            {**row, "feature_id": "x.3", "name_zh": "", "layer_id": "up/layer"}]
    geoms = [Polygon([(119.8, 31.7), (119.9, 31.7), (119.9, 31.8)]),
             LineString([(119.8, 31.7), (119.9, 31.8)]), Point(119.8, 31.7)]
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)
    return gdf.set_index("feature_id", drop=False)


def test_hostile_names_stay_plain_text(hostile):
    sel = MapSelection(("x.1", "x.2", "x.3"), ())
    tab = visible_table(hostile, sel, LinkTable([], []), feature_measures(hostile), "en",
                        LAYERS)
    assert list(tab.index) == ["x.1", "x.2", "x.3"]
    assert tab.loc["x.1", "name"] == XSS and tab.loc["x.1", "name_other"] == ""
    assert tab.loc["x.1", "kind"] == XSS and tab.loc["x.1", "source"] == XSS
    assert tab.loc["x.2", "name"] == XSS  # the Chinese name stands in for a missing English one
    assert tab.loc["x.2", "source"] == ""
    assert tab.loc["x.3", "layer"] == "up/layer"  # a layer unknown to ``layers``: its id
    assert pd.isna(tab.loc["x.1", "accuracy_m"]) and tab.loc["x.2", "accuracy_m"] == 12
    assert list(tab["clauses"]) == [0, 0, 0]
    assert tab.loc["x.1", "area_km2"] > 0 and tab.loc["x.2", "length_km"] > 0
    assert list(filter_table(tab, "onerror").index) == ["x.1", "x.2", "x.3"]
    assert list(filter_table(tab, "{{ 7*7 }}").index) == ["x.1", "x.2", "x.3"]
    assert filter_table(tab, "49").empty  # nothing was evaluated
