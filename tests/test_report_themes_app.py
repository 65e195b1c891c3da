"""AppTest: a stored report whose themes are its own headings shows them as the Directives
page's tabs and as Present's agenda sections (not under 背景/context); labels stay text."""

from __future__ import annotations

import html
import re

import pytest
from apptest_helpers import present_count
from conftest import ROOT
from report_fixtures import (
    HEADING_THEME_EN,
    HEADING_THEMES_HANS,
    HEADING_THEMES_HANT,
    store_headings_report,
)
from store_helpers import configured_store
from streamlit.testing.v1 import AppTest

from lianghu_map.i18n import t
from lianghu_map.ui import md


@pytest.fixture(params=["gpkg"])
def configured(request, tmp_path, monkeypatch):
    yield from configured_store(request, tmp_path, monkeypatch)


@pytest.fixture
def third(configured):
    return store_headings_report(configured).report_id


def _app(lang: str, report: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["lang"] = lang
    app.query_params["report"] = report
    return app


@pytest.mark.parametrize(("lang", "labels"), [
    ("zh-Hans", HEADING_THEMES_HANS), ("zh-Hant", HEADING_THEMES_HANT),
    ("en", (HEADING_THEMES_HANS[0], HEADING_THEME_EN))])
def test_directives_tabs_are_the_reports_own_themes(third, lang, labels):
    at = _app(lang, third).run()
    at = at.switch_page("pages/directives.py").run()
    assert not at.exception
    assert at.query_params["report"] == third
    tabs = [tab.label for tab in at.tabs]
    assert tabs == [*(md(x) for x in labels), t("theme.context", lang)]
    # each clause card under its own theme's tab: two per theme, one (the title) in context
    shown = [[b.key for b in tab.button if b.key and b.key.startswith("show_")]
             for tab in at.tabs]
    assert [len(s) for s in shown] == [2, 2, 1]


def test_present_agenda_has_the_reports_own_sections(third):
    at = _app("zh-Hans", third).run()
    at = at.switch_page("pages/present.py").run()
    assert not at.exception
    seen = []
    for _ in range(8):
        step = present_count(at)
        seen.append(step)
        if at.button(key="present_next").disabled:
            break
        at = at.button(key="present_next").click().run()
    assert len(seen) == 8  # title, 2 × (theme, heading, clause), overview
    assert f"· {HEADING_THEMES_HANS[0]}" in seen[1]
    assert f"· {HEADING_THEMES_HANS[1]}" in seen[4]
    assert not any(t("theme.context", "zh-Hans") in s for s in seen)
    bodies = [h.proto.body for h in at.get("html")]
    assert not any("<b>提速</b>" in b for b in bodies)  # the label is text


def test_present_theme_caption_escapes_the_label(third):
    app = _app("zh-Hans", third)
    app.query_params["step"] = "2"
    at = app.run().switch_page("pages/present.py").run()
    caption = next(h.proto.body for h in at.get("html")
                   if h.proto.body.startswith('<div class="lh-present-caption">'))
    assert "&lt;b&gt;提速&lt;/b&gt;" in caption
    assert html.unescape(re.sub(r"<[^>]+>", "", caption)).startswith(HEADING_THEMES_HANS[0])


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_the_maps_theme_filter_and_side_panel_name_the_reports_own_themes(third, lang):
    """Map page: the theme filter offers a report's own themes by their labels (English where
    the analyst gave it), and a clicked feature's clauses are headed by their own theme, as
    text (the markup in a heading is data)."""
    from apptest_helpers import map_args

    at = _app(lang, third).run()
    assert not at.exception
    box = at.multiselect(key="f_themes")
    labels = [box.format_func(o) for o in box.options]
    assert HEADING_THEMES_HANS[0] in labels
    assert (HEADING_THEME_EN if lang == "en" else HEADING_THEMES_HANS[1]) in labels
    # a click on 常州南站: its clause of this report is headed by the report's own theme
    at.session_state[map_args(at)["key"]] = {
        "last_active_drawing": {"type": "Feature",
                                "properties": {"feature_id": "hub.changzhou_south"}},
        "last_object_clicked": {"lat": 31.7, "lng": 119.9}}
    at = at.run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert any(c.startswith(md(HEADING_THEMES_HANS[0])) for c in captions), captions
