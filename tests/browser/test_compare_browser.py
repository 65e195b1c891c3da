"""Real browser: the Compare page draws two maps offline; dragging the left one moves the right
one to the same centre, zooming the right one zooms the left one; tooltips work on both sides;
nothing leaves the machine."""

import pytest
from browser_helpers import choose_language, save_screenshot, selectbox_value, wait_for_app

from lianghu_map.catalog import load_catalog
from lianghu_map.compare import choice_label, default_choices, side_selection

pytestmark = pytest.mark.browser

CAT = load_catalog()
FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _vectors(choice: str) -> int:
    """Vectors Leaflet draws for a side: one per feature, MultiPoint parts separately."""
    geoms = CAT.features.loc[list(side_selection(CAT, choice).drawn)].geometry
    return sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1 for g in geoms)


def _maps(page) -> dict:
    """side → (iframe handle, frame), once both maps have drawn all their vectors."""
    page.wait_for_function(f"document.querySelectorAll('{FRAME}').length === 2")
    out = {}
    for handle in page.query_selector_all(FRAME):
        frame = handle.content_frame()
        frame.wait_for_function("window.map && window.map.__lhSyncSide")
        out[frame.evaluate("window.map.__lhSyncSide")] = (handle, frame)
    assert set(out) == {"left", "right"}
    for side, choice in zip(("left", "right"), default_choices(CAT), strict=True):
        out[side][1].wait_for_function(
            f"document.querySelectorAll('path.leaflet-interactive').length === {_vectors(choice)}")
    return out


_VIEW = "[window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"


def _offset_px(frame, other_view) -> float:
    """How far (pixels, in ``frame``'s map) its centre is from ``other_view``'s centre."""
    return frame.evaluate(
        "([lat, lng]) => { const m = window.map, p = m.latLngToContainerPoint([lat, lng]),"
        " s = m.getSize(); return Math.hypot(p.x - s.x / 2, p.y - s.y / 2); }", other_view[:2])


def _wait_still(frame) -> list:
    """The map's view once it stops moving (inertia, animations)."""
    last = None
    for _ in range(40):
        view = frame.evaluate(_VIEW)
        if view == last:
            return view
        last = view
        frame.wait_for_timeout(150)
    raise AssertionError("the map kept moving")


def _hover_a_feature(page, handle, frame) -> None:
    """Point the mouse at a feature that is on top where it is drawn; its tooltip shows."""
    spot = frame.evaluate("""() => {
      const r = document.getElementById('map_div').getBoundingClientRect();
      for (const l of Object.values(window.map._layers)) {
        if (!l.feature || !l._path) continue;
        let ll;
        try { ll = l.getLatLng ? l.getLatLng() : l.getCenter(); } catch (e) { continue; }
        const p = window.map.latLngToContainerPoint(ll);
        if (p.x < 30 || p.y < 30 || p.x > r.width - 30 || p.y > r.height - 30) continue;
        if (document.elementFromPoint(p.x + r.left, p.y + r.top) !== l._path) continue;
        const tip = document.createElement('div');
        tip.innerHTML = l.feature.properties.tip;
        return {x: p.x + r.left, y: p.y + r.top, tip: tip.textContent};
      }
      return null;
    }""")
    assert spot, "no feature to hover in view"
    box = handle.bounding_box()
    page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.text_content().strip() == spot["tip"].strip()


def test_compare_maps_move_together_offline(page, server):
    page.goto(server + "/compare?basemap=none")
    wait_for_app(page)
    # the page is in the navigation, at /compare
    page.get_by_test_id("stSidebarNav").locator('a[href$="/compare"]').wait_for()
    maps = _maps(page)
    (lh, left), (rh, right) = maps["left"], maps["right"]
    assert left.evaluate("L.version") == "1.9.3"
    page.get_by_text("左右两幅地图联动", exact=False).wait_for()

    # both open on the same view (fitted to what both sides show)
    start = _wait_still(left)
    assert _offset_px(right, start) < 1.5
    assert right.evaluate("window.map.getZoom()") == start[2]

    # tooltips on both sides
    _hover_a_feature(page, lh, left)
    _hover_a_feature(page, rh, right)

    # drag the left map with the mouse: the right one follows, pixel for pixel
    box = lh.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x - 18 * i, y - 11 * i)
        page.wait_for_timeout(20)
    page.mouse.up()
    moved = _wait_still(left)
    assert _offset_px(left, start) > 150  # the left map really moved
    assert _offset_px(right, moved) < 1.5  # and the right one is where the left one is
    assert right.evaluate("window.map.getZoom()") == moved[2]

    # the other way round: zoom the right map, the left one follows (and no echo loop)
    right.evaluate("window.map.setZoom(window.map.getZoom() + 1)")
    zoomed = _wait_still(right)
    assert zoomed[2] == moved[2] + 1
    _wait_still(left)
    assert left.evaluate("window.map.getZoom()") == zoomed[2]
    assert _offset_px(left, zoomed) < 1.5
    right.evaluate("window.map.panBy([-120, 80], {animate: false})")
    panned = _wait_still(right)
    assert _offset_px(left, panned) < 1.5 and _offset_px(right, zoomed) > 100

    page.wait_for_timeout(500)
    assert page.offline.external == []


def test_side_headings_name_what_each_side_shows_in_the_ui_language(page, server):
    """The headings, the menus and the maps' corner labels say what a side shows in the UI
    language — after a switch too (never an internal id such as ``theme:生態``)."""
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server + "/compare?basemap=none")
    wait_for_app(page)
    _maps(page)
    for lang, option in ((None, None), ("zh-Hant", "繁體中文"), ("en", "English"),
                         ("zh-Hans", "简体中文")):
        if option:
            choose_language(page, option)
        lang = lang or "zh-Hans"
        expected = [choice_label(CAT, choice, lang) for choice in default_choices(CAT)]
        page.wait_for_function(
            "(e) => JSON.stringify([...document.querySelectorAll('.lh-compare-heading')]"
            ".map((h) => h.innerText.trim())) === JSON.stringify(e)", arg=expected)
        assert [selectbox_value(page, f"compare_{side}") for side in ("left", "right")
                ] == expected
        for handle in page.query_selector_all(FRAME):
            corner = handle.content_frame().locator(".lh-side-label")
            corner.wait_for()
            assert corner.inner_text().strip() in expected
        body = page.get_by_test_id("stMain").inner_text()
        assert "theme:" not in body and "layer:" not in body
        save_screenshot(page, f"compare-headings-{lang}")
