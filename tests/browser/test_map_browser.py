"""Real browser: the map drawn offline, tooltip, click → side panel (its first clause in view
at 1440×900, the map as tall as the window), Directives → map."""

import re

import pytest
import shapely
from browser_helpers import map_frame, save_screenshot, wait_for_app

from lianghu_map.catalog import load_catalog

CAT = load_catalog()
# vectors Leaflet draws: one per feature, MultiPoint parts separately
N_VECTORS = sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1 for g in CAT.features.geometry)


_HAS_TILES = "() => Object.values(window.map._layers).some(l => l instanceof L.TileLayer)"


def _open(page, server, path="/?basemap=none"):
    page.goto(server + path)
    wait_for_app(page)
    return map_frame(page)


def _switch_to_plain_basemap(page):
    """Choose the basemap "none" in the sidebar; the map remounts with no tile layer."""
    page.get_by_test_id("stSidebar").get_by_text("无底图", exact=False).click()
    for _ in range(20):
        wait_for_app(page)
        page.wait_for_timeout(300)
        try:
            frame = map_frame(page)
            if not frame.evaluate(_HAS_TILES):
                return frame
        except Exception:  # the old iframe went away while we looked at it
            continue
    raise AssertionError("the map did not switch to the plain basemap")


def _wait_vectors(frame, n):
    frame.wait_for_function(
        f"document.querySelectorAll('path.leaflet-interactive').length === {n}")


def test_map_draws_every_feature_offline(page, server):
    frame = _open(page, server)
    _wait_vectors(frame, N_VECTORS)
    assert frame.evaluate("typeof L") == "object"
    assert frame.evaluate("L.version") == "1.9.3"
    # basemap "none": not a single request left the machine
    page.wait_for_timeout(500)
    assert page.offline.external == []


def test_online_basemap_only_requests_tiles(page, server):
    frame = _open(page, server, "/")
    _wait_vectors(frame, N_VECTORS)
    page.wait_for_timeout(500)
    external = page.offline.external
    assert external, "the OSM basemap should have asked for tiles"
    assert all(re.match(r"https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png$", u) for u in external)
    # switching to the plain basemap in the sidebar: from then on nothing leaves the machine
    frame = _switch_to_plain_basemap(page)
    _wait_vectors(frame, N_VECTORS)
    page.offline.external.clear()
    frame.evaluate("window.map.setZoom(window.map.getZoom() + 1)")
    page.wait_for_timeout(800)
    assert page.offline.external == []


def _free_spot(feature_id):
    """A point inside the feature that no feature drawn above it covers (lat, lng)."""
    feats = CAT.features
    order = list(feats.index)
    above = feats.loc[order[order.index(feature_id) + 1:]]
    # ~400 m margin (in degrees) for markers and strokes
    covered = shapely.union_all(shapely.buffer(above.geometry.values, 0.004))
    free = feats.at[feature_id, "geometry"].difference(covered)
    assert not free.is_empty, f"{feature_id} is covered by other features"
    p = free.representative_point()
    return p.y, p.x


def _move_to(page, frame, lat, lng):
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    pt = frame.evaluate(f"(() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lng}]);"
                        " const r = document.getElementById('map_div').getBoundingClientRect();"
                        " return [p.x + r.left, p.y + r.top]; })()")
    page.mouse.move(box["x"] + pt[0], box["y"] + pt[1])
    return box["x"] + pt[0], box["y"] + pt[1]


def test_hover_shows_name_and_click_shows_clause(page, server):
    frame = _open(page, server)
    _wait_vectors(frame, N_VECTORS)
    lat, lng = _free_spot("park.kejiaocheng")
    frame.evaluate(f"window.map.setView([{lat}, {lng}], 13)")
    page.wait_for_timeout(400)
    x, y = _move_to(page, frame, lat, lng)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert "常州科教城" in tooltip.inner_text()
    page.mouse.click(x, y)
    panel = page.get_by_text("科教城要发挥", exact=False)
    panel.first.wait_for()
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "提及它的部署条目" in body
    assert "科教城要发挥“创新之核”功能" in body
    assert page.offline.external == []


def test_show_on_map_from_directives_page(page, server):
    page.goto(server + "/directives?d=innovate.3")
    wait_for_app(page)
    # the chosen clause is shown first, above the themes, with its own button
    page.get_by_text("已选条目").wait_for()
    button = page.locator(".st-key-focus_innovate-3").get_by_role("button", name="在地图上查看")
    button.click()
    page.wait_for_url(re.compile(r"/(map)?\?(.*&)?directive=innovate\.3"))
    wait_for_app(page)
    frame = map_frame(page)
    # the clause's only feature is highlighted (drawn last, in focus style), the rest dimmed
    frame.wait_for_function("window.__lh_fit_key !== undefined")
    focused = frame.evaluate(
        """() => Object.values(window.map._layers)
              .filter(l => l.feature && l.feature.properties.state === 'focus')
              .map(l => l.feature.properties.feature_id)"""
    )
    assert set(focused) == {"park.sino_israel"}
    normal = frame.evaluate(
        """() => Object.values(window.map._layers)
              .filter(l => l.feature && l.feature.properties.state === 'normal').length"""
    )
    assert normal == 0
    caption = page.locator("[data-testid='stMain']").inner_text()
    assert "中以常州创新园要把“合作创新”推向新的高度" in caption


def test_filter_changes_keep_the_same_map(page, server):
    """A filter change swaps the data in place: the Leaflet map object (and its view) survives."""
    frame = _open(page, server)
    _wait_vectors(frame, N_VECTORS)
    frame.evaluate("window.map.__lhMarker = 'same map'; window.map.setView([31.6, 119.8], 12)")
    # the move reruns the page, which writes the view into the URL: a click made before that URL
    # reached the browser can be undone by the next rerun (urlstate reads the stale URL as new)
    page.wait_for_url(re.compile(r"[?&]z=12\b"))
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    n_transit = len(CAT.features[CAT.features["layer_id"] == "transit"])
    sidebar.get_by_text("交通走廊").click()  # a layer toggle
    _wait_vectors(frame, N_VECTORS - n_transit)
    page.wait_for_url(re.compile(r"[?&]hide=transit\b"))
    name = sidebar.get_by_role("textbox", name="按名称查找")
    name.fill("湖")
    name.press("Enter")  # a name filter: fewer features drawn, the base layers dimmed
    frame.wait_for_function(
        "Object.values(window.map._layers).some(l => l.feature && "
        "l.feature.properties.state === 'context')")
    assert frame.evaluate("window.map.__lhMarker") == "same map"
    assert page.locator('iframe[title="streamlit_folium.st_folium"]').count() == 1
    assert page.offline.external == []


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_clicked_feature_details_need_no_scrolling(page, server, lang):
    """1440×900: the map fills the window (its caption still in view); a click on 西太湖科技產業園
    shows its details first in the side column, its first clause inside the window."""
    page.set_viewport_size({"width": 1440, "height": 900})
    frame = _open(page, server, f"/?basemap=none&lang={lang}")
    _wait_vectors(frame, N_VECTORS)
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    page.wait_for_function("() => document.querySelector("
                           "'iframe[title=\"streamlit_folium.st_folium\"]').offsetHeight > 620")
    box = iframe.bounding_box()
    assert box["y"] + box["height"] <= 900 - 40, box  # room for the caption under it
    assert box["height"] >= 900 - box["y"] - 100, box  # no more than that
    assert frame.evaluate("document.getElementById('map_div').offsetHeight") == round(
        box["height"])
    n = len(CAT.features)
    caption = page.get_by_text(re.compile(rf"({n} 个要素|{n} 個要素|of {n} features)")).first
    cbox = caption.bounding_box()
    assert cbox["y"] + cbox["height"] <= 900, cbox

    lat, lng = _free_spot("park.xitaihu")
    frame.evaluate(f"window.map.setView([{lat}, {lng}], 13)")
    page.wait_for_timeout(400)
    x, y = _move_to(page, frame, lat, lng)
    frame.locator(".leaflet-tooltip").wait_for()
    page.mouse.click(x, y)
    side = page.get_by_test_id("stMain").get_by_test_id("stColumn").nth(1)
    clause = side.locator(".lh-clause").first
    clause.wait_for()
    wait_for_app(page)
    expected = CAT.meeting.get("innovate.2").text(lang)[:12]
    assert expected in clause.inner_text().replace("\n", "")
    cl = clause.bounding_box()
    assert cl["y"] >= 0 and cl["y"] + cl["height"] <= 900, cl  # seen without scrolling
    assert page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop"
                         " + window.scrollY") == 0
    save_screenshot(page, f"map-{lang}-1440x900")
    assert page.offline.external == []
