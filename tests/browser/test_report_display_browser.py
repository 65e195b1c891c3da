"""Real browser (issue 17, display side): a stored report whose themes are its own headings
shows them as the Directives page's tabs (labels as text), the per-place timeline is drawn as a
chart (zh-Hans and English, 1440×900, screenshots in test-artifacts/), and the offline HTML
export lists the chosen report's clauses for a clicked feature, a ``<script>`` in one inert."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import save_screenshot, wait_for_app
from report_fixtures import (
    HEADING_THEME_EN,
    HEADING_THEMES_HANS,
    SECOND_DATE,
    SECOND_TITLE,
    SOUTH_STATION,
    store_headings_report,
    store_second_report,
)
from test_standalone_browser import _free_spot, _hover, _quiet, open_export  # noqa: F401

from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import t
from lianghu_map.report_history import offline_reports
from lianghu_map.reports_store import BUILTIN_ID
from lianghu_map.selection import MapFilter, select
from lianghu_map.standalone import standalone_html
from lianghu_map.store import open_store


@pytest.fixture(scope="module")
def reports_server(serve, tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    store = open_store(var)
    second = store_second_report(store).report_id
    third = store_headings_report(store).report_id
    return serve(LIANGHU_VAR=str(var), LIANGHU_LOCAL_MODE=""), second, third, var


@pytest.mark.parametrize(("lang", "labels"), [
    ("zh-Hans", HEADING_THEMES_HANS), ("en", (HEADING_THEMES_HANS[0], HEADING_THEME_EN))])
def test_directives_own_theme_tabs_and_timeline_chart(page, reports_server, lang, labels):
    url, _, third, _ = reports_server
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{url}/directives?report={third}&lang={lang}")
    wait_for_app(page)
    tabs = page.get_by_role("tab")
    tabs.first.wait_for()
    names = [x.strip() for x in tabs.all_inner_texts()]
    assert names[:2] == list(labels)  # the markup in a label is shown as text
    chart = page.locator("[data-testid='stVegaLiteChart']")
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    page.wait_for_function("() => { const c = document.querySelector("
                           "\"[data-testid='stVegaLiteChart'] canvas, "
                           "[data-testid='stVegaLiteChart'] svg\"); "
                           "return c && c.getBoundingClientRect().height > 100; }")
    page.wait_for_timeout(500)
    save_screenshot(page, f"directives-timeline-{lang}")
    page.get_by_role("tab").first.scroll_into_view_if_needed()
    save_screenshot(page, f"directives-own-themes-{lang}")
    assert page.offline.external == []


def test_offline_export_lists_the_chosen_reports_clauses(reports_server, open_export):  # noqa: F811
    _, second, _, var = reports_server
    cat = load_catalog(open_store(var))
    sel = select(cat.features, cat.links, cat.meeting, MapFilter())
    page_html = standalone_html(cat.features, sel, "zh-Hans", cat.layers, title="t",
                                reports=offline_reports(cat, second, sel.drawn, "zh-Hans"))
    opened = open_export(page_html)
    page = opened.page
    lat, lng = _free_spot(cat.features, SOUTH_STATION)
    _hover(page, lat, lng)
    box = page.mouse
    x, y = page.evaluate(
        "([lat, lng]) => { for (const k of Object.keys(window)) { const m = window[k];"
        " if (k.startsWith('map_') && m instanceof L.Map) { const p ="
        " m.latLngToContainerPoint([lat, lng]); const r = m.getContainer()"
        ".getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; } } }", [lat, lng])
    box.click(x, y)
    panel = page.locator("#lh-clauses")
    page.wait_for_function("() => document.querySelector('#lh-clauses h4') !== null")
    text = panel.inner_text()
    assert f"{SECOND_DATE} · {SECOND_TITLE}" in text
    assert "要加快常州南站综合客运枢纽建设" in text
    assert "2023 · " not in text  # only the chosen report
    page.set_viewport_size({"width": 1440, "height": 900})
    save_screenshot(page, "offline-export-clauses")
    _quiet(opened)


def test_present_exports_the_chosen_reports_clauses_offline(page, reports_server):
    """Through the app: Present with the second report chosen → the offline HTML it exports
    holds that report's clauses and not the 2023 report's."""
    url, second, _, var = reports_server
    page.goto(f"{url}/present?basemap=none&report={second}")
    wait_for_app(page)
    page.get_by_role("button", name=t("present.export", "zh-Hans")).click()
    with page.expect_download() as info:
        page.get_by_role("button", name=t("export.html", "zh-Hans")).click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "要加快常州南站综合客运枢纽建设" in text
    builtin = load_catalog(open_store(var)).report(BUILTIN_ID).meeting.get("modern.3")
    assert builtin.text("zh-Hans")[:20] not in text
    assert f"{SECOND_DATE} · {SECOND_TITLE}" in text
    assert page.offline.external == []
