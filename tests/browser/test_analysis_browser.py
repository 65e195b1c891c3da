"""Real browser, the planners' analysis: draw a rectangle to query, the view in the URL survives
a reload, the attribute table's download holds exactly what the map shows, and the datum badge."""

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
from browser_helpers import fill_and_commit, in_map, map_frame, pick_option, wait_for_app

from lianghu_map.catalog import load_catalog
from lianghu_map.crs import wgs84_to_gcj02
from lianghu_map.i18n import zh
from lianghu_map.panels import theme_label

CAT = load_catalog()
LANG = "zh-Hans"

# every feature id the map draws (the VectorLayer GeoJSON keeps it in its properties)
_DRAWN_IDS = """() => {
  const ids = new Set();
  for (const layer of Object.values(window.map._layers)) {
    const p = layer.feature && layer.feature.properties;
    if (p && p.feature_id) ids.add(p.feature_id);
  }
  return [...ids].sort();
}"""


def _open(page, server, path):
    page.goto(server + path)
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("() => window.map && window.map.getCenter")
    return frame


def _settle(page, ms=600):
    """Let st_folium's debounced report reach the server and the rerun finish."""
    page.wait_for_timeout(ms)
    wait_for_app(page)


def _open_pane(page, name):
    """Open one of the Map page's analysis panes (closed until asked for)."""
    page.locator(".st-key-pane").get_by_text(name, exact=True).click()
    _settle(page)


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _draw_box_around(page, frame, geometry, pad=0.003):
    """Draw a rectangle a little larger than ``geometry`` with Leaflet.draw's tool."""
    minx, miny, maxx, maxy = geometry.bounds
    frame.evaluate(f"() => window.map.fitBounds([[{miny}, {minx}], [{maxy}, {maxx}]], "
                   "{animate: false, padding: [60, 60]})")
    _settle(page)
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    nw = frame.evaluate(f"() => window.map.latLngToContainerPoint([{maxy + pad}, {minx - pad}])")
    se = frame.evaluate(f"() => window.map.latLngToContainerPoint([{miny - pad}, {maxx + pad}])")
    frame.locator("a.leaflet-draw-draw-rectangle").click()
    page.mouse.move(box["x"] + nw["x"], box["y"] + nw["y"])
    page.mouse.down()
    page.mouse.move(box["x"] + (nw["x"] + se["x"]) / 2, box["y"] + (nw["y"] + se["y"]) / 2,
                    steps=5)
    page.mouse.move(box["x"] + se["x"], box["y"] + se["y"], steps=5)
    page.mouse.up()


def test_drawing_a_rectangle_over_the_xitaihu_park_lists_it_and_its_clauses(page, server):
    frame = _open(page, server, "/?basemap=none")
    _draw_box_around(page, frame, CAT.features.loc["park.xitaihu"].geometry)
    drawn = page.locator(".st-key-draw_pick")
    park = drawn.get_by_role("radio", name="西太湖科技产业园", exact=True)
    park.wait_for()  # listed, wholly inside (no "(部分在内)")
    # every clause that mentions the park is listed under the drawing
    body = page.get_by_test_id("stMain").inner_text()
    for did in CAT.links.directives_of("park.xitaihu"):
        d = CAT.meeting.get(did)
        assert f"{theme_label(d.theme, LANG)} · {d.label(LANG)}" in body, did
    # the measure of the drawn area is shown (km²)
    assert re.search(r"面积 [\d.]+ km²", body)
    # a name in the list selects that feature: highlighted on the map, its panel open
    park.click()
    _settle(page)
    page.wait_for_function("() => location.search.includes('sel=park.xitaihu')")
    assert page.offline.external == []


def test_reloading_the_url_after_changing_filters_gives_the_same_view(page, server):
    frame = _open(page, server, "/?basemap=none")
    # change a filter in the sidebar: the theme 生态
    pick_option(page, "f_themes", theme_label("生態", LANG))
    page.keyboard.press("Escape")
    _settle(page)
    page.wait_for_function("() => location.search.includes('theme=ecology')")
    frame = map_frame(page)
    # pan and zoom the map by hand: the URL follows (after the fit the filter caused)
    frame.evaluate("() => window.map.setView([31.70, 119.83], 13, {animate: false})")
    page.wait_for_function("() => location.search.includes('z=13')")
    _settle(page)
    before_ids = frame.evaluate(_DRAWN_IDS)
    query = _query(page)
    assert query["theme"] == "ecology" and query["z"] == "13"
    assert abs(float(query["lat"]) - 31.70) < 1e-3 and abs(float(query["lon"]) - 119.83) < 1e-3

    page.reload()
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_function("() => window.map && window.map.getZoom() === 13")
    centre = frame.evaluate("() => window.map.getCenter()")
    assert abs(centre["lat"] - 31.70) < 1e-3 and abs(centre["lng"] - 119.83) < 1e-3
    assert frame.evaluate(_DRAWN_IDS) == before_ids
    chips = page.get_by_test_id("stSidebar").locator(".st-key-f_themes").inner_text()
    assert theme_label("生態", LANG) in chips
    assert _query(page)["theme"] == "ecology"


def test_switching_the_basemap_keeps_the_view(page, server):
    frame = _open(page, server, "/?basemap=none")
    frame.evaluate("() => window.map.setView([31.70, 119.83], 13, {animate: false})")
    page.wait_for_function("() => location.search.includes('z=13')")
    _settle(page)
    page.get_by_test_id("stSidebar").get_by_text("高德", exact=False).click()
    # the map is made anew over the new basemap (the old iframe can go while it is looked at)
    for _ in range(30):
        page.wait_for_timeout(300)
        wait_for_app(page)
        if in_map(page, lambda f: f.locator(".lh-datum[data-datum='gcj02']").count()):
            break
    gcj = wgs84_to_gcj02(np.array([[119.83, 31.70]]))[0]  # drawn in GCJ-02 over Gaode

    # the same place at the map's centre, to within 3 screen pixels (~50 m at zoom 13): Leaflet
    # keeps a moved map's centre in whole pixels, and a frame resized as the page settles pans
    # it by half the change, rounded (0.5 px mostly, 1.8 px seen); the GCJ-02 shift is ~30 px
    def centre_off(frame) -> float:
        frame.wait_for_function("() => window.map && window.map.getZoom() === 13")
        return frame.evaluate("([lat, lng]) => { const m = window.map, p = m."
                              "latLngToContainerPoint([lat, lng]), c = m.getSize().divideBy(2);"
                              " return p.distanceTo(c); }", [float(gcj[1]), float(gcj[0])])

    off = in_map(page, centre_off)
    assert off <= 3, f"the view's centre is {off:.1f} px from where it was"
    # the URL keeps the view, in WGS84 (once the new map has reported it)
    page.wait_for_function("() => Math.abs(new URLSearchParams(location.search).get('lat')"
                           " - 31.70) < 2e-4")
    query = _query(page)
    assert abs(float(query["lat"]) - 31.70) < 2e-4 and abs(float(query["lon"]) - 119.83) < 2e-4


def test_attribute_table_download_holds_exactly_the_visible_features(page, server):
    frame = _open(page, server, "/?basemap=none&theme=innovate&hide=stations")
    _settle(page)
    on_map = frame.evaluate(_DRAWN_IDS)
    assert on_map and not any(f.startswith("station.") for f in on_map)
    _open_pane(page, "属性表")
    with page.expect_download() as info:
        page.locator(".st-key-table_dl_geojson button").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    ids = sorted(f["properties"]["feature_id"] for f in data["features"])
    assert ids == on_map


def test_gaode_basemap_shows_the_gcj02_badge_and_shifts_the_overlays(page, server):
    frame = _open(page, server, "/?basemap=none")
    badge = frame.locator(".lh-datum")
    badge.wait_for()
    assert badge.get_attribute("data-datum") == "wgs84"
    hub = "() => { for (const l of Object.values(window.map._layers)) { const p = l.feature " \
          "&& l.feature.properties; if (p && p.feature_id === 'hub.changzhou_south' && " \
          "l.getLatLng) return l.getLatLng(); } return null; }"
    wgs = frame.evaluate(hub)
    page.goto(server + "/?basemap=gaode")
    wait_for_app(page)
    frame = map_frame(page)
    frame.locator(".lh-datum[data-datum='gcj02']").wait_for()
    assert "GCJ-02" in frame.locator(".lh-datum").inner_text()
    gcj = frame.evaluate(hub)
    assert 0.003 < gcj["lng"] - wgs["lng"] < 0.008  # east
    assert -0.004 < gcj["lat"] - wgs["lat"] < 0  # and a little south
    assert page.offline.external and all("autonavi.com" in u for u in page.offline.external)


def test_selecting_a_table_row_highlights_the_feature(page, server):
    _open(page, server, "/?basemap=none")
    _open_pane(page, "属性表")
    fill_and_commit(page, "table_filter", "科教城")  # the table's own filter: 科教城 rows only
    grid = page.locator(".st-key-attr_table [data-testid='stDataFrameResizable']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # the first data row's selection marker: left edge, one header row (35 px) down
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)
    _settle(page)
    frame = map_frame(page)
    selected = frame.evaluate("""() => {
      for (const l of Object.values(window.map._layers)) {
        const p = l.feature && l.feature.properties;
        if (p && p.state === 'selected') return p.feature_id;
      }
      return null; }""")
    wanted = {f for f in CAT.features.index if "科教城" in CAT.features.at[f, "name_zh"]}
    assert selected in wanted
    # the side panel shows it, and the selection is in the URL
    name = zh(CAT.features.at[selected, "name_zh"], LANG)
    page.get_by_test_id("stMain").get_by_text(name, exact=True).first.wait_for()
    page.wait_for_function(f"() => location.search.includes('sel={selected}')")


def test_an_analyst_saves_a_drawing_as_a_layer(page, writable_server):
    frame = _open(page, writable_server, "/?basemap=none")
    _draw_box_around(page, frame, CAT.features.loc["park.kejiaocheng"].geometry)
    page.locator(".st-key-draw_pick").wait_for()
    page.get_by_text("将绘制保存为图层（分析人员）").click()
    fill_and_commit(page, "draw_title", "科教城周边<b>研究范围</b>")
    page.locator(".st-key-draw_save button").click()
    page.get_by_text("已保存", exact=False).first.wait_for()
    # the new layer is on everyone's map: its toggle is in the sidebar, its title as text
    toggle = page.get_by_test_id("stSidebar").get_by_text("科教城周边<b>研究范围</b>")
    toggle.wait_for()
    # never rendered as HTML anywhere: no <b> element holds just the injected words
    assert page.locator("b").filter(has_text=re.compile(r"^研究范围$")).count() == 0
