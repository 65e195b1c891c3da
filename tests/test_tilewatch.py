"""The tile watch (tilewatch): constant base-map JS, the notice's language with the groups,
plain-text attribution, metric scale, and the session's fall-back rule (ui.tile_watch)."""

from __future__ import annotations

import html
import json
import re

import pytest
from apptest_helpers import LANGS, map_args
from streamlit.testing.v1 import AppTest

from lianghu_map import config, mapview
from lianghu_map.basemaps import BASEMAPS, tile_providers
from lianghu_map.catalog import builtin_catalog
from lianghu_map.i18n import t
from lianghu_map.selection import MapFilter, select
from lianghu_map.tilewatch import TileLang, TileWatch

KEY = "0123456789abcdef0123456789ABCDEF"


@pytest.fixture(autouse=True)
def _no_configured_key(monkeypatch):
    monkeypatch.delenv("LIANGHU_TIANDITU_KEY", raising=False)
    monkeypatch.setattr(config, "_streamlit_secrets", dict)


def _script(m) -> str:
    return m.get_root().render()


@pytest.mark.parametrize("basemap", BASEMAPS)
def test_every_base_map_watches_its_tiles_and_scales_in_km(basemap):
    page = _script(mapview.base_map(basemap))
    assert page.count("map.__lhTilesRender = render") == 1
    assert "L.control.scale({imperial: false})" in page
    assert "L.control.scale()" not in page  # folium's, with miles
    assert 'setPrefix("Leaflet")' in page  # plain text, not Leaflet's link


def test_base_map_script_is_the_same_in_every_language():
    """The notice's texts for all three languages are in the base map; the language comes with
    the feature groups (a switch swaps them, never remounts the map)."""
    cat = builtin_catalog()
    sel = select(cat.features, cat.links, cat.meeting, MapFilter())
    base = {re.sub(r"_[0-9a-f]{32}", "_", _script(mapview.base_map("osm"))) for _ in LANGS}
    assert len(base) == 1  # (element names aside, which st_folium normalises)
    for lang in LANGS:
        assert json.dumps(t("tiles.failed", lang)) in next(iter(base))
        groups = mapview.feature_groups(cat.features, sel, lang, basemap="osm")
        langs = [c.lang for g in groups for c in g._children.values() if isinstance(c, TileLang)]
        assert langs == [lang]
    texts = TileWatch().texts
    assert {lang: texts[lang]["failed"] for lang in LANGS} == {
        lang: t("tiles.failed", lang) for lang in LANGS}
    assert texts["zh-Hans"]["none"] == "改用无底图" and texts["en"]["none"] == "Use no basemap"


def test_notice_texts_are_set_as_text_never_parsed_as_html():
    page = _script(mapview.base_map("osm"))
    body = page[page.index("const TEXTS"):page.index("map.__lhTilesRender = render")]
    assert "innerHTML" not in body and body.count("textContent") == 2


@pytest.mark.parametrize("basemap", ["osm", "gaode", "tianditu"])
def test_attribution_is_plain_escaped_text(basemap):
    providers = tile_providers(basemap, KEY)
    assert providers
    for p in providers:
        assert p.html_attribution == html.escape(p.attribution)
        assert "<" not in p.html_attribution and "href" not in p.html_attribution
    page = _script(mapview.base_map("osm"))
    assert "openstreetmap.org/copyright" not in page
    assert re.search(r'"attribution": "\\u00a9 OpenStreetMap contributors"', page)


# -- the session's rule (ui.tile_watch), through a page that reports like the map does

def _page():
    import streamlit as st

    from lianghu_map.ui import current_basemap, tile_watch

    report = st.session_state.pop("report", None)
    if report is not None:
        st.session_state["m"] = {"center": {"lat": 31.6, "lng": 119.7}, "lh_tiles": report,
                                 "lh_at": 1}
        tile_watch("m")()
    st.markdown(f"basemap={current_basemap()}")


def _run(at: AppTest, report: str | None = None) -> str:
    if report:
        at.session_state["report"] = report
    at.run()
    assert not at.exception
    return at.markdown[-1].value.removeprefix("basemap=")


def test_default_basemap_falls_back_once_and_says_so():
    at = AppTest.from_function(_page)
    assert _run(at) == "osm"
    assert _run(at, "failed") == "none"
    assert [x.proto.body for x in at.toast] == [t("tiles.fallback", "zh-Hans")]
    at.session_state["basemap"] = "osm"  # chosen again: kept, the notice offers the button
    assert _run(at, "failed") == "osm"
    assert not at.toast
    assert _run(at, "none") == "none"  # the notice's button


@pytest.mark.parametrize("chosen", ["gaode", "tianditu"])
def test_a_chosen_basemap_is_never_taken_away(chosen):
    at = AppTest.from_function(_page)
    at.session_state["basemap"] = chosen
    assert _run(at, "failed") == chosen
    assert _run(at, "none") == "none"


def test_nothing_else_switches_the_basemap():
    at = AppTest.from_function(_page)
    assert _run(at, "loaded") == "osm"


def test_pages_pass_the_watch_to_every_map():
    """Every st_folium map of the app reports its tiles (on_change set): a page that lost it
    would keep a failed basemap silently."""
    for page in ("map", "present", "compare", "upload"):
        with open(f"pages/{page}.py", encoding="utf-8") as f:
            src = f.read()
        assert src.count("st_folium(") == src.count("on_change=tile_watch("), page


def test_map_page_hands_the_language_with_the_groups(app):
    app.session_state["lang"] = "zh-Hant"
    at = app.run()
    assert not at.exception
    assert '.__lhLang = "zh-Hant";' in (map_args(at)["feature_group"] or "")
