"""AppTest, the Map page's analysis: the view in the URL (restored and written back), basemaps
and the coordinates handed to the map, catchment rings, statistics and the attribute table."""

import html
import json
import re

import numpy as np
import pytest
from apptest_helpers import map_args, map_feature_ids, map_layers

from lianghu_map.analysis import catchment
from lianghu_map.catalog import load_catalog
from lianghu_map.crs import wgs84_to_gcj02
from lianghu_map.selection import MapFilter, select

CAT = load_catalog()
HUB = "hub.changzhou_south"


def _open(app, **query):
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def _coords(at, feature_id):
    """First coordinate pair of ``feature_id`` as handed to the map (lon, lat)."""
    for _, collection in map_layers(map_args(at)["feature_group"]):
        for feature in collection["features"]:
            if feature["properties"]["feature_id"] == feature_id:
                coords = np.array(feature["geometry"]["coordinates"], dtype=float)
                return coords.reshape(-1, 2)[0]
    raise AssertionError(f"{feature_id} not handed to the map")


def test_a_shared_url_restores_the_view(app):
    at = _open(app, basemap="gaode", theme="ecology,innovate", status="existing,planned",
               q="湖", hide="stations,places", sel="park.xitaihu", ring=HUB, lat="31.70000",
               lon="119.83000", z="13", lang="en")
    assert not at.exception
    assert at.radio(key="basemap").value == "gaode"
    assert at.multiselect(key="f_themes").value == ["生態", "創新"]
    assert at.multiselect(key="f_statuses").value == ["existing", "planned"]
    assert at.text_input(key="f_name").value == "湖"
    assert at.checkbox(key="layer_stations").value is False
    assert at.checkbox(key="layer_places").value is False
    assert at.checkbox(key="layer_parks").value is True
    assert at.session_state["selected_feature"] == "park.xitaihu"
    assert at.selectbox(key="ring_centre").value == HUB
    assert at.session_state["lang"] == "en"
    args = map_args(at)
    # the centre goes to the map in the basemap's datum (GCJ-02 over Gaode), the zoom as is
    lon, lat = wgs84_to_gcj02(np.array([[119.83, 31.70]]))[0]
    assert args["center"] == pytest.approx([lat, lon], abs=1e-6)
    assert args["zoom"] == 13
    # written back: the URL is the view (hidden layers in the layers' order)
    query = dict(at.query_params)
    assert query["theme"] == "ecology,innovate" and query["hide"] == "places,stations"
    assert (query["lat"], query["lon"], query["z"]) == ("31.70000", "119.83000", "13")
    assert query["sel"] == "park.xitaihu" and query["ring"] == HUB and query["lang"] == "en"


def test_widget_changes_are_written_to_the_url_and_a_plain_url_stays_plain(app):
    at = app.run()
    assert not at.exception
    assert {k: v for k, v in at.query_params.items() if k != "lang"} == {}
    at.multiselect(key="f_themes").set_value(["生態"]).run()
    at.checkbox(key="layer_transit").uncheck().run()
    at.radio(key="basemap").set_value("none").run()
    query = dict(at.query_params)
    assert query == {"theme": "ecology", "hide": "transit", "basemap": "none"}
    # a new session opening that URL gets the same map
    drawn = map_feature_ids(at)
    from streamlit.testing.v1 import AppTest

    again = AppTest.from_file(app._script_path, default_timeout=90)
    for key, value in query.items():
        again.query_params[key] = value
    again.run()
    assert map_feature_ids(again) == drawn
    assert again.checkbox(key="layer_transit").value is False


def test_stale_link_values_are_reported_not_fatal(app):
    at = _open(app, theme="ecology,nonsense", z="99", sel="no.such", basemap="bing")
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    for bad in ("theme=nonsense", "z=99", "sel=no.such", "basemap=bing"):
        assert bad in warning.replace("\\", "")
    assert at.multiselect(key="f_themes").value == ["生態"]


@pytest.mark.parametrize(("basemap", "datum"), [("osm", "wgs84"), ("gaode", "gcj02"),
                                                ("none", "wgs84")])
def test_overlay_coordinates_follow_the_basemap_datum(app, basemap, datum):
    at = _open(app, basemap=basemap)
    stored = np.array(CAT.features.loc[HUB].geometry.coords)[0]
    handed = _coords(at, HUB)
    expected = wgs84_to_gcj02(stored[None, :])[0] if datum == "gcj02" else stored
    assert handed == pytest.approx(expected, abs=2e-6)
    if datum == "gcj02":  # about 500 m east-south-east of WGS84 near Changzhou
        assert 0.003 < handed[0] - stored[0] < 0.008 and -0.004 < handed[1] - stored[1] < 0
    script = map_args(at)["feature_group"]
    assert f'"{datum}"' in script  # the datum badge says which
    assert np.allclose(np.array(CAT.features.loc[HUB].geometry.coords)[0], stored)  # data kept


def test_tianditu_without_a_key_says_how_to_configure_it(app, monkeypatch):
    monkeypatch.delenv("LIANGHU_TIANDITU_KEY", raising=False)
    at = _open(app, basemap="tianditu")
    assert not at.exception
    assert any("LIANGHU_TIANDITU_KEY" in w.value.replace("\\", "") for w in at.warning)
    assert "tianditu.gov.cn" not in map_args(at)["script"]


def test_tianditu_with_a_key_draws_its_tiles(app, monkeypatch):
    monkeypatch.setenv("LIANGHU_TIANDITU_KEY", "0123456789abcdef0123456789abcdef")
    at = _open(app, basemap="tianditu")
    assert not at.exception and not at.warning
    script = map_args(at)["script"]
    assert "tianditu.gov.cn/vec_w/wmts" in script and "tianditu.gov.cn/cva_w/wmts" in script
    assert "tk=0123456789abcdef0123456789abcdef" in script


def test_catchment_rings_on_the_map_and_in_the_pane(app):
    at = _open(app, ring=HUB)
    at.segmented_control(key="pane").set_value("rings").run()
    assert not at.exception
    script = map_args(at)["feature_group"]
    rings = json.loads(re.search(r"L\.geoJSON\((\{.*?\}), \{\s*interactive: false",
                                 script, re.S).group(1))
    assert [f["properties"]["ring"] for f in rings["features"]] == [0, 1, 2, 3]
    label = json.dumps("直线距离")[1:-1]  # as JSON in the script
    assert script.count(label) == 4  # each ring labelled straight-line
    table = at.dataframe[0].value
    expected = catchment(CAT.features, HUB, exclude=CAT.features.index[
        CAT.features["layer_id"] == "boundaries"]).members
    assert list(table.index) == list(expected["feature_id"])
    row = table.loc["station.wujin"]  # 7.9 km from the hub (pyproj.Geod: tests/test_analysis)
    assert row.iloc[0] == "≤ 10 km" and row.iloc[-1] == pytest.approx(7.90, abs=0.01)
    assert any("不是出行时间" in c.value for c in at.caption)


def test_statistics_pane_per_theme_and_directive(app):
    at = app.run()
    at.segmented_control(key="pane").set_value("stats").run()
    assert not at.exception
    by_theme, by_directive = at.dataframe[0].value, at.dataframe[1].value
    assert len(by_directive) == len(CAT.meeting.directives)
    ecology = by_theme[by_theme.iloc[:, 0] == "生态"].iloc[0]
    linked = {f for d in CAT.meeting.directives if d.theme == "生態"
              for f in CAT.links.features_of(d.id)}
    assert ecology["要素数"] == len(linked)
    assert ecology["面积（km²）"] > 200  # 滆湖 (202 km²) and 長蕩湖 are ecology features


def test_attribute_table_rows_are_the_visible_features(app):
    at = _open(app, theme="innovate")
    assert not at.exception
    assert not at.dataframe  # the analysis panes are closed until asked for
    at.segmented_control(key="pane").set_value("table").run()
    table = at.dataframe[0].value
    selection = select(CAT.features, CAT.links, CAT.meeting, MapFilter(themes=("創新",)))
    assert set(table.index) == set(selection.drawn) == map_feature_ids(at)
    at.text_input(key="table_filter").set_value("科教城").run()
    narrowed = at.dataframe[0].value
    assert set(narrowed.index) == {"park.kejiaocheng"} & set(selection.drawn) | {
        f for f in selection.drawn if "科教城" in CAT.features.at[f, "name_zh"]}


def test_the_share_link_is_the_view_written_by_this_run(app):
    at = app.run()
    at.multiselect(key="f_themes").set_value(["生態"]).run()
    (box,) = [h.proto.body for h in at.get("html") if "lh-share" in h.proto.body]
    link = html.unescape(re.search(r'<input readonly value="([^"]*)"', box).group(1))
    assert link.endswith("?theme=ecology"), link
    assert not at.code  # (st.code loaded Streamlit's 1.5 MB syntax highlighter in the browser)


def test_a_selected_point_can_centre_the_rings(app):
    at = _open(app, sel="station.wujin")
    at.button(key="ring_here").click().run()
    assert not at.exception
    assert at.selectbox(key="ring_centre").value == "station.wujin"
    assert at.query_params["ring"] == "station.wujin"
    assert at.segmented_control(key="pane").value == "rings"


def test_a_long_table_sends_only_its_first_rows_to_the_browser(app, monkeypatch):
    import lianghu_map.ui_analysis as panes

    monkeypatch.setattr(panes, "TABLE_ROWS", 10)
    at = app.run()
    at.segmented_control(key="pane").set_value("table").run()
    assert len(at.dataframe[0].value) == 10
    assert any("10" in i.value and str(len(CAT.features)) in i.value for i in at.info)
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(f"下载表中 {len(CAT.features)} 个要素" in label for label in labels), labels


def test_coming_back_to_the_map_with_a_bare_url_restores_the_sessions_view(app):
    at = app.run()
    at.multiselect(key="f_themes").set_value(["生態"]).run()
    at.checkbox(key="layer_transit").uncheck().run()
    at.switch_page("pages/directives.py").run()
    for key in list(at.query_params):  # a page switch in the browser drops the query
        del at.query_params[key]
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert at.multiselect(key="f_themes").value == ["生態"]
    assert at.checkbox(key="layer_transit").value is False
    assert dict(at.query_params) == {"theme": "ecology", "hide": "transit"}


def test_the_share_box_escapes_the_link():
    from lianghu_map.ui_analysis import share_html

    box = share_html('http://h/?name="><script>alert(1)</script>', "en")
    assert "<script>alert" not in box and "&quot;&gt;&lt;script&gt;" in box
    assert "Copy link" in box and 'data-done="Copied"' in box
