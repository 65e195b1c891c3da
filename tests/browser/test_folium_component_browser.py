"""Real browser: the map frame runs the patched streamlit-folium bundle (a click sent to the
app ~40 ms after it, not 250; lianghu_map.folium_component), served by the app itself."""

from browser_helpers import map_frame, wait_for_app

from lianghu_map.folium_component import DEBOUNCE_MS


def test_the_map_frame_runs_the_bundle_with_the_short_debounce(page, server):
    page.goto(server + "/?basemap=none")
    wait_for_app(page)
    frame = map_frame(page)
    sources = frame.evaluate("() => Array.from(document.scripts).map(s => s.src)"
                             ".filter(s => /main\\.[0-9a-f]+\\.js$/.test(s))")
    assert len(sources) == 1 and sources[0].startswith(server)
    text = frame.evaluate("(u) => fetch(u).then(r => r.text())", sources[0])
    assert f"(updateComponentValue,{DEBOUNCE_MS})" in text
    assert "(updateComponentValue,250)" not in text
