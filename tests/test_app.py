"""AppTest: the pages in every language, filters → map arguments, a faked click → side panel."""

import re

import pytest
from apptest_helpers import LANGS, map_args, map_feature_ids, map_feature_states, map_fit

from lianghu_map.assets import STATIC_DIR, assert_local_assets
from lianghu_map.catalog import load_catalog

CAT = load_catalog()
ALL_IDS = set(CAT.features.index)


def _texts(at, *, tags: bool = True) -> str:
    """All text the page shows (markdown, captions, html blocks); ``tags=False`` strips HTML."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.proto.body for e in at.get("html")]
    text = "\n".join(str(p) for p in parts)
    return text if tags else re.sub(r"<[^>]+>", "", text)


def _in_lang(app, lang):
    """Run the app in ``lang`` (the switch keeps its value in session state)."""
    app.session_state["lang"] = lang
    return app.run()


@pytest.mark.parametrize("lang", LANGS)
def test_map_page_every_language(app, lang):
    at = _in_lang(app, lang)
    assert not at.exception
    assert map_feature_ids(at) == ALL_IDS
    title = {"zh-Hans": "两湖创新区规划图", "zh-Hant": "兩湖創新區規劃圖",
             "en": "Lianghu Innovation Zone planning map"}[lang]
    assert any(title in h.value for h in at.subheader)


@pytest.mark.parametrize("lang", LANGS)
def test_directives_page_every_language(app, lang):
    at = _in_lang(app, lang)
    at.switch_page("pages/directives.py").run()
    assert not at.exception
    text = _texts(at)
    expected = {"zh-Hans": "科教城要发挥", "zh-Hant": "科教城要發揮", "en": "Science and Education"}
    assert expected[lang] in _texts(at, tags=False)
    # every directive has its card with a "show on map" button
    assert len([b for b in at.button if b.key and b.key.startswith("show_")]) == 32
    no_feature = {"zh-Hans": "无对应地图要素", "zh-Hant": "無對應地圖要素",
                  "en": "No mapped feature"}
    assert no_feature[lang] in text  # e.g. 營商環境
    assert "<ins" in text  # the repaired span is marked


def test_map_uses_only_local_assets(app):
    args = map_args(app.run())
    assert_local_assets(args["js_links"] + args["css_links"])
    assert args["js_links"] == ["/app/static/vendor/leaflet/leaflet.js",
                                "/app/static/vendor/leaflet-draw/leaflet.draw.js"]
    assert args["css_links"] == ["/app/static/vendor/leaflet/leaflet.css",
                                 "/app/static/vendor/leaflet-draw/leaflet.draw.css"]
    assert "://" not in args["header"].replace("http://www.w3.org", "")
    for link in args["js_links"] + args["css_links"]:  # each is there to be served
        assert (STATIC_DIR / link.removeprefix("/app/static/")).is_file(), link


def test_theme_filter_changes_features(app):
    at = app.run()
    at.multiselect(key="f_themes").set_value(["創新"]).run()
    states = map_feature_states(at)
    normal = {f for f, s in states.items() if s == "normal"}
    assert normal == {"park.xitaihu", "park.sino_israel", "park.wujin_hitech",
                      "park.kejiaocheng", "zone.core", "zone.lianghu"}
    # context (water, boundaries) stays, dimmed; other layers are gone
    assert {f for f, s in states.items() if s == "context"} >= {"water.gehu", "district.jintan"}
    assert "metro.line1" not in states
    assert map_fit(at) is not None


def test_directive_highlights_its_features_and_fits(app):
    at = app.run()
    at.selectbox(key="f_directive").set_value("innovate.2").run()
    states = map_feature_states(at)
    assert {f for f, s in states.items() if s == "focus"} == set(
        CAT.links.features_of("innovate.2"))
    assert "park.xitaihu" in {f for f, s in states.items() if s == "focus"}
    assert {s for f, s in states.items() if f not in CAT.links.features_of("innovate.2")} == {
        "context"}
    assert map_fit(at) is not None
    assert at.query_params["directive"] in ("innovate.2", ["innovate.2"])


def test_filter_change_keeps_component_identity(app):
    at = app.run()
    key_before = map_args(at)["key"]
    script_before = map_args(at)["script"]
    at.multiselect(key="f_themes").set_value(["生態"]).run()
    assert map_args(at)["key"] == key_before
    assert map_args(at)["script"] == script_before
    at.selectbox(key="f_directive").set_value("ecology.3").run()
    assert map_args(at)["key"] == key_before


def test_status_and_name_filters(app):
    at = app.run()
    at.multiselect(key="f_statuses").set_value(["planned"]).run()
    normal = {f for f, s in map_feature_states(at).items() if s == "normal"}
    assert normal == set(CAT.features.index[CAT.features["status"] == "planned"])
    at.multiselect(key="f_statuses").set_value([]).run()
    at.text_input(key="f_name").input("常州南站").run()  # 简体 finds the 繁體 name
    assert {f for f, s in map_feature_states(at).items() if s == "normal"} == {
        "hub.changzhou_south"}


def test_layer_toggle_removes_layer(app):
    at = app.run()
    at.checkbox(key="layer_transit").uncheck().run()
    ids = map_feature_ids(at)
    assert "metro.line1" not in ids
    assert "park.xitaihu" in ids


def _click(at, feature_id):
    key = map_args(at)["key"]
    at.session_state[key] = {
        "last_active_drawing": {"type": "Feature", "properties": {"feature_id": feature_id}},
        "last_object_clicked": {"lat": 31.72, "lng": 119.85},
    }
    return at.run()


def test_faked_click_on_park_shows_its_clause(app):
    at = _click(app.run(), "park.xitaihu")
    assert not at.exception
    assert at.session_state["selected_feature"] == "park.xitaihu"
    text = _texts(at)
    assert "<mark>西太湖科技产业园</mark>作为" in text  # the clause, mention highlighted
    assert "核心区的承载地" in text
    assert map_feature_states(at)["park.xitaihu"] == "selected"
    # the clause links to the Directives page
    links = list(at.get("page_link"))
    assert any("innovate.2" in str(e.proto) for e in links)


def test_clicked_kejiaocheng_shows_repaired_clause_in_english(app):
    at = _in_lang(app, "en")
    at = _click(at, "park.kejiaocheng")
    text = _texts(at)
    assert "must perform its function as the “core of innovation”" in text
    assert "[repaired]</ins>" in text  # the English says the source was repaired here


def test_show_on_map_from_side_panel(app):
    at = _click(app.run(), "hub.changzhou_south")
    at.button(key="show_modern.3").click().run()
    assert at.session_state["f_directive"] == "modern.3"
    focus = {f for f, s in map_feature_states(at).items() if s in ("focus", "selected")}
    assert "hub.changzhou_south" in focus


def test_query_param_opens_map_filtered(app):
    app.query_params["directive"] = "innovate.3"
    at = app.run()
    focus = {f for f, s in map_feature_states(at).items() if s == "focus"}
    assert focus == {"park.sino_israel"}


def test_directives_page_show_on_map_switches_page(app):
    at = app.run()
    at.switch_page("pages/directives.py").run()
    at.button(key="show_innovate.4").click().run()
    assert not at.exception
    focus = {f for f, s in map_feature_states(at).items() if s == "focus"}
    assert focus == {"park.wujin_hitech"}


def test_clause_without_feature_shows_whole_zone(app):
    at = app.run()
    at.selectbox(key="f_directive").set_value("vitality.4").run()
    states = map_feature_states(at)
    assert "focus" not in states.values()
    assert map_fit(at) is not None  # fitted to the zone envelope


def test_a_view_too_big_to_export_says_so_and_offers_no_export(app, monkeypatch):
    """An export of the view is made whole on the server (a million parcels' offline page or
    PDF would take minutes and gigabytes): above the limit the export section says how many
    features the map draws and what to do instead; a filter under it brings the exports back."""
    from lianghu_map import ui

    at = app.run()
    assert any("HTML" in b.proto.label for b in at.get("download_button"))
    drawn = len(map_feature_states(at))
    monkeypatch.setattr(ui, "EXPORT_LIMIT", drawn - 1)
    at.run()
    assert not any("HTML" in b.proto.label for b in at.get("download_button"))
    note = " ".join(i.value for i in at.info)
    assert f"地图上画出 {drawn:,} 个要素，超过导出上限 {drawn - 1:,} 个" in note
    assert "下载图层" in note
    at.multiselect(key="f_statuses").set_value(["planned"]).run()  # fewer: exports again
    assert any("HTML" in b.proto.label for b in at.get("download_button"))
    assert not any("超过导出上限" in i.value for i in at.info)
