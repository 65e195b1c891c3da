"""Real browser, every non-local request aborted (conftest): the basemap is honest offline.

* the default basemap (OpenStreetMap) falls back to none by itself when its tiles fail, once
  per session, and says so;
* a basemap chosen again shows a notice on the map within 10 s, in the UI language, and the
  attribution no longer names the provider; the notice's button switches to no basemap, and
  the notice goes away;
* the offline HTML export does the same on its own page.
"""

from __future__ import annotations

import time
from contextlib import suppress

from browser_helpers import map_frame, wait_for_app

from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import t
from lianghu_map.selection import MapFilter, select
from lianghu_map.standalone import standalone_html

NOTICE = ".lh-tiles-notice"
_HAS_TILES = "() => Object.values(window.map._layers).some(l => l instanceof L.TileLayer)"


def _checked_basemap(page) -> str:
    """The label of the basemap radio that is checked in the sidebar."""
    return page.evaluate("""() => {
      const input = document.querySelector('.st-key-basemap input[type=radio]:checked');
      return input ? input.closest('label').innerText.trim() : null; }""")


def _frame_where(page, test: str, tries: int = 40):
    """The map's frame once ``test`` (JS, in the frame) holds: the map may be made anew."""
    for _ in range(tries):
        wait_for_app(page)
        try:
            frame = map_frame(page)
            frame.wait_for_function("() => window.map", timeout=2_000)
            if frame.evaluate(test):
                return frame
        except Exception:  # the old iframe went away while we looked at it
            pass
        page.wait_for_timeout(300)
    raise AssertionError(f"the map never satisfied {test}")


def test_default_basemap_falls_back_then_a_chosen_one_shows_the_notice(page, server):
    page.goto(server + "/")  # the default basemap: OpenStreetMap, whose tiles are aborted
    wait_for_app(page)
    started = time.monotonic()
    # 1. the session falls back to no basemap by itself, and says so (a toast)
    page.get_by_text(t("tiles.fallback", "zh-Hans")).wait_for(timeout=30_000)  # a busy machine
    frame = _frame_where(page, f"() => !({_HAS_TILES})()")
    fell_back_s = time.monotonic() - started
    assert _checked_basemap(page) == t("basemap.none", "zh-Hans")
    assert "OpenStreetMap" not in frame.locator(".leaflet-control-attribution").inner_text()
    assert frame.locator(NOTICE).count() == 0
    print(f"fell back to no basemap {fell_back_s:.1f} s after the page loaded")

    # 2. OpenStreetMap chosen again: kept, with a notice on the map within 10 s
    page.get_by_test_id("stSidebar").get_by_text("OpenStreetMap", exact=False).click()
    clicked = time.monotonic()
    frame = _frame_where(page, _HAS_TILES)
    notice = frame.locator(NOTICE)
    notice.wait_for(state="visible", timeout=10_000)
    waited = time.monotonic() - clicked
    assert waited < 10, waited
    print(f"tile notice {waited:.1f} s after choosing OpenStreetMap")
    assert notice.locator(".lh-tiles-text").inner_text() == t("tiles.failed", "zh-Hans")
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap" not in attribution and attribution.strip() == "Leaflet"
    assert frame.locator(".leaflet-control-attribution a").count() == 0  # plain text
    page.wait_for_timeout(2_500)  # not taken away: the user chose it
    assert _checked_basemap(page).startswith("OpenStreetMap")
    assert frame.locator(NOTICE).is_visible()

    # 3. the notice's button: no basemap, and the notice goes away
    button = notice.locator("button")
    assert button.inner_text() == t("tiles.none", "zh-Hans")
    button.click()
    frame = _frame_where(page, f"() => !({_HAS_TILES})()")
    page.wait_for_function("() => document.querySelector("
                           "'.st-key-basemap input[type=radio]:checked') !== null")
    for _ in range(20):
        if _checked_basemap(page) == t("basemap.none", "zh-Hans"):
            break
        page.wait_for_timeout(300)
    assert _checked_basemap(page) == t("basemap.none", "zh-Hans")
    frame = map_frame(page)
    page.wait_for_timeout(2_000)
    assert frame.locator(NOTICE).count() == 0
    assert "basemap=none" in page.url


def test_tiles_that_fail_after_a_silent_wait_still_make_the_fallback(page, server):
    """A tile host that does not answer at first: the notice after the silent wait (no fall-back
    yet: nothing failed), and once its tiles fail, the default basemap falls back after all."""
    held, holding = [], [True]

    def tiles(route):
        if holding[0]:
            held.append(route)  # no answer for now
        else:
            route.abort("internetdisconnected")

    page.route("https://tile.openstreetmap.org/**", tiles)
    page.goto(server + "/")
    wait_for_app(page)
    frame = map_frame(page)
    frame.locator(NOTICE).wait_for(state="visible", timeout=30_000)  # after SILENT_MS
    assert held and _checked_basemap(page).startswith("OpenStreetMap")
    holding[0] = False
    for route in held:  # the host gives up: every tile fails
        with suppress(Exception):  # a tile the map no longer wants
            route.abort("internetdisconnected")
    page.get_by_text(t("tiles.fallback", "zh-Hans")).wait_for(timeout=30_000)
    _frame_where(page, f"() => !({_HAS_TILES})()")
    assert _checked_basemap(page) == t("basemap.none", "zh-Hans")


def test_gaode_is_kept_with_an_english_notice(page, server):
    """A basemap from a link is the user's choice: the notice, never a silent switch."""
    page.goto(server + "/compare?basemap=gaode&lang=en")
    wait_for_app(page)
    frames = page.locator('iframe[title="streamlit_folium.st_folium"]')
    frames.nth(1).wait_for(state="attached")
    for i in range(2):
        frame = frames.nth(i).content_frame
        frame.locator(NOTICE).wait_for(state="visible", timeout=10_000)
        assert frame.locator(f"{NOTICE} .lh-tiles-text").inner_text() == t("tiles.failed", "en")
        attribution = frame.locator(".leaflet-control-attribution").inner_text()
        assert "高德" not in attribution and "AutoNavi" not in attribution
    page.wait_for_timeout(2_000)
    assert "basemap=gaode" in page.url


def test_offline_export_shows_the_notice_and_drops_the_tiles(browser, tmp_path):
    cat = load_catalog()
    selection = select(cat.features, cat.links, cat.meeting, MapFilter())
    path = tmp_path / "map.html"
    path.write_text(standalone_html(cat.features, selection, "zh-Hant", cat.layers, title="t",
                                    basemap="osm"), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                      else r.abort("internetdisconnected"))
        page = context.new_page()
        page.goto(path.as_uri())
        notice = page.locator(NOTICE)
        notice.wait_for(state="visible", timeout=10_000)
        assert notice.locator(".lh-tiles-text").inner_text() == t("tiles.failed", "zh-Hant")
        attribution = page.locator(".leaflet-control-attribution")
        assert "OpenStreetMap" not in attribution.inner_text()
        assert attribution.locator("a").count() == 0
        scale = page.locator(".leaflet-control-scale").inner_text()
        assert "km" in scale or " m" in scale
        assert "mi" not in scale and "ft" not in scale
        notice.locator("button").click()
        notice.wait_for(state="detached")
        assert page.evaluate("() => document.querySelectorAll('.leaflet-tile').length") == 0
    finally:
        context.close()
