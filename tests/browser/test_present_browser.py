"""Real browser: the Present page has no sidebar, the clicker keys change step (caption and
highlighted features) without remounting the map, and nothing leaves the machine offline; the
toolbar fits every window in every language, the step's legend lists what it shows, and a phone
gets the map with the controls in a menu (screenshots in test-artifacts/)."""

import json
from pathlib import Path

import pytest
from browser_helpers import map_frame, save_screenshot, wait_for_app, wait_for_drawn_step

from lianghu_map.agenda import build_agenda, step_features
from lianghu_map.catalog import load_catalog
from lianghu_map.i18n import kind_label, status_label

CAT = load_catalog()
AGENDA = build_agenda(CAT.meeting)

_FOCUSED = """() => [...new Set(Object.values(window.map._layers)
    .filter(l => l.feature && l.feature.properties.state === 'focus')
    .map(l => l.feature.properties.feature_id))].sort()"""


def _caption(page) -> str:
    return page.locator(".lh-present-caption").inner_text()


def _expect_step(page, frame, n: int) -> None:
    """Wait until step ``n`` (1-based) is shown: counter, caption, highlighted features."""
    step = AGENDA[n - 1]
    page.get_by_text(f"第 {n} / {len(AGENDA)} 步").wait_for()
    wait_for_drawn_step(page, n - 1)
    if step.kind == "clause":
        clause = CAT.meeting.get(step.directive).text("zh-Hans")
        page.wait_for_function("t => document.querySelector('.lh-present-caption')"
                               ".innerText.replace(/\\s/g, '').includes(t)",
                               arg=clause[:20].replace(" ", ""))
    expected = sorted(set(step_features(step, CAT.links, CAT.meeting)))
    frame.wait_for_function(f"({_FOCUSED})().join(',') === {','.join(expected)!r}")


def test_present_page_keys_and_no_sidebar(page, server):
    start = next(i for i, s in enumerate(AGENDA, 1) if s.kind == "clause"
                 and not CAT.links.features_of(s.directive))  # a clause with nothing to show
    page.goto(f"{server}/present?basemap=none&step={start}")
    wait_for_app(page)
    frame = map_frame(page)
    _expect_step(page, frame, start)
    # no Streamlit chrome: no sidebar (nor its toggle), no header
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert not page.get_by_test_id("stHeader").is_visible()
    assert not page.get_by_test_id("stExpandSidebarButton").is_visible()
    frame.evaluate("window.map.__lhMarker = 'same map'")
    before = _caption(page)

    page.keyboard.press("PageDown")  # what a presentation clicker sends
    _expect_step(page, frame, start + 1)
    assert _caption(page) != before
    assert frame.evaluate(_FOCUSED), "the next clause highlights its features"

    page.keyboard.press("ArrowRight")
    _expect_step(page, frame, start + 2)

    # with the focus inside the map's frame, the keys still step (and do not pan the map)
    frame.locator("#map_div").click(position={"x": 5, "y": 5})
    frame.locator("body").press("PageUp")
    _expect_step(page, frame, start + 1)
    frame.locator("body").press("ArrowLeft")
    _expect_step(page, frame, start)
    frame.wait_for_timeout(300)

    # the full-screen button toggles the browser's full screen (a click is a user gesture)
    page.get_by_role("button", name="全屏").click()
    page.wait_for_function("!!document.fullscreenElement")
    page.get_by_role("button", name="全屏").click()
    page.wait_for_function("!document.fullscreenElement")

    # one map all along (no remount, no blank flash), and nothing left the machine
    assert frame.evaluate("window.map.__lhMarker") == "same map"
    page.wait_for_timeout(500)
    assert page.offline.external == []


def test_present_exports_the_data_of_the_step(page, server):
    n = next(i for i, s in enumerate(AGENDA, 1) if s.kind == "clause"
             and len(CAT.links.features_of(s.directive)) > 2)
    page.goto(f"{server}/present?basemap=none&step={n}")
    wait_for_app(page)
    map_frame(page)
    page.get_by_role("button", name="导出").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="当前数据（GeoJSON）").click()
    download = info.value
    assert download.suggested_filename == f"lianghu-{AGENDA[n - 1].directive}.geojson"
    doc = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    ids = {f["properties"]["feature_id"] for f in doc["features"]}
    assert ids == set(CAT.links.features_of(AGENDA[n - 1].directive))
    assert page.offline.external == []


# -- layout (issue 14): the toolbar fits every window, the step's legend, a phone ------------

SIZES = [(1280, 720), (1440, 900), (1920, 1080)]
PHONE = (390, 844)
# what each language's steps show: a clause (常州南站, many features), a theme, the overview
LAYOUT_STEPS = [next(i for i, s in enumerate(AGENDA, 1) if s.directive == "modern.3"),
                next(i for i, s in enumerate(AGENDA, 1) if s.kind == "theme"
                     and s.theme == "創新"),
                len(AGENDA)]

# every part of a control (the control itself and each descendant): its box, and whether it
# hides some of its content (an ellipsis, a row scrolled sideways); icons (a ligature in an icon
# font) and text for screen readers only (a 1 px box) are not parts one sees
_PARTS = """(el) => [el, ...el.querySelectorAll('*')].filter(e => e.getClientRects().length
        && !e.closest('[data-testid="stIconMaterial"]')
        && e.getBoundingClientRect().width > 2 && e.getBoundingClientRect().height > 2)
    .map(e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
        return {tag: e.tagName, text: (e.innerText || '').slice(0, 30), left: r.left,
                top: r.top, right: r.right, bottom: r.bottom,
                clips: s.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 2}; })"""

_VISIBLE_IDS = """(state) => [...new Set(Object.values(window.map._layers)
    .filter(l => l.feature && l.feature.properties.state === state)
    .map(l => l.feature.properties.feature_id))]"""


def _goto(page, server: str, lang: str, step: int, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{server}/present?basemap=none&lang={lang}&step={step}")
    wait_for_app(page)
    return map_frame(page)


def _settle(page) -> None:
    """Wait until the map has been sized to the window (see ui._MAP_FILL_JS)."""
    page.wait_for_function("""() => { const f = document.querySelector(
        'iframe[title="streamlit_folium.st_folium"]'); if (!f) return false;
        const h = Math.floor(window.innerHeight - f.getBoundingClientRect().top - 8);
        return Math.abs(f.offsetHeight - Math.max(320, h)) <= 2; }""")
    page.wait_for_timeout(300)


def _controls(page):
    """The toolbar's visible controls (each Streamlit element in the bar, popovers too)."""
    bar = page.locator(".st-key-present_bar")
    return [c for c in bar.locator("[data-testid='stElementContainer'], [data-testid='stPopover']")
            .all() if c.is_visible()]


def _assert_inside(page, control, where: str) -> None:
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    box = control.bounding_box()
    assert box is not None, where
    assert box["x"] >= 0 and box["y"] >= 0, (where, box)
    assert box["x"] + box["width"] <= vw and box["y"] + box["height"] <= vh, (where, box, vw, vh)
    for part in control.evaluate(_PARTS):
        assert part["left"] >= -0.5 and part["top"] >= -0.5, (where, part)
        assert part["right"] <= vw + 0.5 and part["bottom"] <= vh + 0.5, (where, part)
        assert not part["clips"], (where, part)  # nothing cut off inside it either


def _expected_legend(frame, lang: str) -> set[tuple]:
    """The (kind, status) labels of what the step shows, read from the map: the highlighted
    features, else (title, overview) those drawn normally."""
    ids = frame.evaluate(_VISIBLE_IDS, "focus") or frame.evaluate(_VISIBLE_IDS, "normal")
    from lianghu_map.style import geometry_family, is_schematic

    rows = CAT.features.loc[ids]
    # one legend row per kind, status, geometry family and schematic or not (style.py)
    return {(kind_label(k, lang), status_label(s, lang), geometry_family(gt),
             is_schematic(b, gt))
            for k, s, b, gt in zip(rows["kind"], rows["status"], rows["basis"], rows.geom_type,
                                   strict=True)}


def _legend_rows(scope) -> list[str]:
    return [r.inner_text().strip() for r in scope.locator(".lh-legend-row").all()]


def _assert_legend(rows: list[str], expected: set[tuple], where: str) -> None:
    assert len(rows) == len(expected), (where, rows, expected)
    for kind, status, *_ in expected:
        assert any(kind in r and status in r for r in rows), (where, kind, status, rows)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_present_toolbar_fits_and_legend_lists_the_step(page, server, lang):
    for n in LAYOUT_STEPS:
        for size in SIZES:
            frame = _goto(page, server, lang, n, size)
            _settle(page)
            controls = _controls(page)
            # first, prev, step, next, last, language, basemap, export, full screen, exit
            assert len(controls) == 10, (lang, n, size, len(controls))
            for c in controls:
                _assert_inside(page, c, f"{lang} step {n} {size}: {c.inner_text()[:30]!r}")
            legend = page.locator(".lh-present-legend")
            assert legend.is_visible()
            _assert_inside(page, legend, f"{lang} step {n} {size}: legend")
            _assert_legend(_legend_rows(legend), _expected_legend(frame, lang),
                           f"{lang} step {n} {size}")
            if n == LAYOUT_STEPS[0]:  # the 常州南站 step names the station on the map
                _assert_label_shown(frame, HUB_LABEL[lang], f"{lang} step {n} {size}")
            if size != (1440, 900):
                save_screenshot(page, f"present-{lang}-step{n}-{size[0]}x{size[1]}")
    assert page.offline.external == []


# the hub's name as the report and the station's own signs give it (independent of our tables)
HUB_LABEL = {"zh-Hans": "常州南站", "zh-Hant": "常州南站", "en": "Changzhou South Station"}


def _assert_label_shown(frame, text: str, where: str) -> None:
    """A label element reading ``text`` is shown (not hidden by the collision layout) wholly
    inside the map's viewport."""
    frame.wait_for_function(
        "(t) => [...document.querySelectorAll('.lh-label:not(.lh-hidden) span')]"
        ".some((s) => s.textContent === t)", arg=text, timeout=15_000)
    frame.wait_for_timeout(600)  # the layout runs again after the fit's animation
    inside = frame.evaluate("""(t) => {
      const box = document.getElementById('map_div').getBoundingClientRect();
      return [...document.querySelectorAll('.lh-label:not(.lh-hidden) span')]
        .filter((s) => s.textContent === t).map((s) => s.getBoundingClientRect())
        .some((r) => r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1
                     && r.top >= box.top - 1 && r.bottom <= box.bottom + 1); }""", text)
    assert inside, (where, text)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_present_on_a_phone_gives_the_map_the_screen(page, server, lang):
    vw, vh = PHONE
    for n in LAYOUT_STEPS:
        frame = _goto(page, server, lang, n, PHONE)
        _settle(page)
        box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
        assert box["width"] >= 0.9 * vw and box["height"] >= 0.65 * vh, box
        assert box["y"] + box["height"] <= vh + 1
        controls = _controls(page)  # prev, step, next and the menu, on one row
        assert len(controls) == 4, [c.inner_text() for c in controls]
        for c in controls:
            _assert_inside(page, c, f"{lang} phone step {n}: {c.inner_text()[:30]!r}")
        assert len({round(c.bounding_box()["y"]) for c in controls}) <= 2  # one row (±centring)
        assert not page.locator(".lh-present-legend").is_visible()
        save_screenshot(page, f"present-{lang}-step{n}-390x844")
    # the rest is in the menu: language, basemap, exports, full screen, exit, the legend
    page.locator(".st-key-present_menu button").click()
    menu = page.get_by_test_id("stPopoverBody")
    menu.wait_for()
    for key in ("present_first_m", "present_last_m", "present_lang_m", "present_basemap_m"):
        _assert_inside(page, menu.locator(f".st-key-{key}"), f"{lang} menu {key}")
    assert menu.get_by_test_id("stPageLink").is_visible()
    assert menu.locator(".lh-fs").is_visible()
    _assert_legend(_legend_rows(menu), _expected_legend(frame, lang), f"{lang} phone menu")
    save_screenshot(page, f"present-{lang}-menu-390x844")
    # and it works: English from the menu
    if lang != "en":
        menu.locator(".st-key-present_lang_m").get_by_text("English").click()
        page.get_by_text(f"Step {len(AGENDA)} of {len(AGENDA)}").wait_for()
    assert page.offline.external == []
