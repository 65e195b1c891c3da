"""Real browser (issue 18, Build 1): a click on the map reruns only the map and its panel.

The map, its side panel, the analysis panes and the URL are one ``st.fragment`` of the Map
page: a click on a feature sends the server's new panel and map but not the sidebar (its
filters are not re-sent), keeps the same map (no remount) and writes the selection into the
URL.  A panel button that changes a sidebar filter ("show on map") reruns the whole page, so the
sidebar shows the new filter; neither that nor a filter change remounts the map (a clause's
heading over the map used to shift it in the page, which remounted it).
"""

from __future__ import annotations

import re

from browser_helpers import map_frame, selectbox_value, wait_for_app
from test_map_browser import N_VECTORS, _free_spot, _move_to, _open, _wait_vectors


def test_a_click_reruns_only_the_map_and_its_panel(page, server):
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    frame = _open(page, server)
    _wait_vectors(frame, N_VECTORS)
    lat, lng = _free_spot("park.kejiaocheng")
    frame.evaluate(f"window.map.__lhMarker = 'same map'; window.map.setView([{lat}, {lng}], 13)")
    page.wait_for_url(re.compile(r"[?&]z=13\b"))
    wait_for_app(page)
    page.wait_for_timeout(800)
    x, y = _move_to(page, frame, lat, lng)
    frames.clear()
    page.mouse.click(x, y)
    page.get_by_text("科教城要发挥", exact=False).first.wait_for()
    page.wait_for_url(re.compile(r"[?&]sel=park\.kejiaocheng\b"))
    wait_for_app(page)
    sent = b"".join(frames)
    assert b"lh-feature-title" in sent  # the panel came
    # the sidebar did not: its widgets' ids end in their keys (the map's own switch tables
    # name the theme box's key too, but not as a widget id)
    assert b"-f_themes" not in sent and b"-f_statuses" not in sent
    assert frame.evaluate("window.map.__lhMarker") == "same map"
    assert frame.evaluate(
        "Object.values(window.map._layers).some(l => l.feature && "
        "l.feature.properties.feature_id === 'park.kejiaocheng' && "
        "l.feature.properties.state === 'selected')")

    # a sidebar filter after the fragment's rerun: the whole page reruns, the map stays
    frames.clear()
    page.get_by_test_id("stSidebar").get_by_text("交通走廊").click()
    page.wait_for_url(re.compile(r"[?&]hide=transit\b"))
    wait_for_app(page)
    assert frame.evaluate("window.map.__lhMarker") == "same map"
    assert b"-f_themes" in b"".join(frames)  # (what a whole page's run does send)

    # "show on map" under a clause sets the sidebar's clause filter: the whole page reruns, the
    # clause's heading comes over the map, and the map is still not remounted
    before = selectbox_value(page, "f_directive")
    page.locator("[class*='st-key-show_'] button").first.click()
    page.wait_for_url(re.compile(r"[?&]directive=[^&]+"))
    wait_for_app(page)
    page.wait_for_function(
        "(b) => document.querySelector('.st-key-f_directive input[role=combobox]').value !== b",
        arg=before)
    assert frame.evaluate("window.map.__lhMarker") == "same map"
    assert page.offline.external == []


def test_the_language_switch_works_after_the_map_reran_alone(page, server):
    """The language switch is drawn before st.navigation: its widget id follows the request's
    script hash, which differs between a session's first run and the ones after.  On the Map,
    whose runs after the first are the fragment's (the map reporting its view, a pan), the
    browser kept the first run's id, and a switch came back as 简体 (CI failed on it)."""
    frame = _open(page, server)
    _wait_vectors(frame, N_VECTORS)
    page.wait_for_url(re.compile(r"[?&]z=\d+"))  # the map has reported in: a fragment run
    wait_for_app(page)
    page.wait_for_timeout(500)
    heading = page.get_by_test_id("stMain").locator("h3").first
    for option, title in (("English", "Lianghu Innovation Zone planning map"),
                          ("繁體中文", "兩湖創新區規劃圖")):
        page.locator(".st-key-lang input[role=combobox]").click()
        page.get_by_role("option", name=option, exact=True).click()
        page.wait_for_function("(t) => [...document.querySelectorAll('[data-testid=stMain] h3')]"
                               ".some((h) => h.innerText.includes(t))", arg=title)
        assert selectbox_value(page, "lang") == option
        # pan: one more fragment run before the next switch
        map_frame(page).evaluate("window.map.panBy([40, 0], {animate: false})")
        page.wait_for_timeout(800)
        wait_for_app(page)
    assert title in heading.inner_text()
