"""Real browser: a 20,000-feature uploaded layer is drawn from its compact payload on a canvas,
and still shows tooltips and answers clicks (side panel with the feature and its clause); the
built-in features keep theirs on the same canvas."""

import numpy as np
import pytest
import shapely
from browser_helpers import save_screenshot, wait_for_app

from lianghu_map.store import LinkRecord
from lianghu_map.store.gpkg import GpkgStore

N = 20_000
COLS, ROWS = 200, 100
LINKED = 4321  # this parcel is linked to a clause


def _parcels():
    import geopandas as gpd

    i = np.arange(N)
    x0 = 119.55 + (i % COLS) * 0.0015
    y0 = 31.45 + (i // COLS) * 0.0015
    boxes = shapely.box(x0, y0, x0 + 0.001, y0 + 0.001)
    return gpd.GeoDataFrame({"name": [f"地块{k:05d}" for k in i],
                             "source_id": [str(k) for k in i], "source_index": i},
                            geometry=boxes, crs=4326)


@pytest.fixture(scope="module")
def big_server(serve, tmp_path_factory):
    var = tmp_path_factory.mktemp("big-var")
    store = GpkgStore(var)
    rec = store.create(_parcels(), title_zh="规划地块", title_en="Planned parcels", kind="park",
                       color="#7048e8", status="planned", source="synthetic test parcels",
                       original_name="parcels.geojson", sha256="c" * 64, conversions=(),
                       links=(LinkRecord(str(LINKED), "innovate.2", "西太湖科技產業園",
                                         "analyst"),), user="test")
    return serve(LIANGHU_VAR=str(var), LIANGHU_LOCAL_MODE=""), rec.layer_id


def _frame(page):
    handle = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                    state="attached")
    return handle.content_frame()


def _drawn(frame, layer_id):
    frame.wait_for_function(
        f"window.__lhBigDrawn && window.__lhBigDrawn[{layer_id!r}] === {N}", timeout=60_000)


def _point(page, frame, lat, lng):
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    x, y = frame.evaluate(f"(() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lng}]);"
                          " const r = document.getElementById('map_div').getBoundingClientRect();"
                          " return [p.x + r.left, p.y + r.top]; })()")
    return box["x"] + x, box["y"] + y


# the labels shown (not hidden by the layout), once no two of them overlap
_SHOWN = """() => [...document.querySelectorAll('.lh-label:not(.lh-hidden) span')]
    .map((s) => s.textContent)"""


def _shown_labels(frame) -> list[str]:
    frame.wait_for_timeout(900)  # the layout runs after the move and again once settled
    boxes = frame.evaluate("""() => [...document.querySelectorAll(
        '.lh-label:not(.lh-hidden) span')].map((s) => { const r = s.getBoundingClientRect();
        return [s.textContent, r.left, r.top, r.right, r.bottom]; })""")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2], (a, b)
    return [b[0] for b in boxes if b[0].startswith("地块")]


def test_big_layer_tooltips_and_clicks(page, big_server):
    url, layer_id = big_server
    page.goto(url + "/?basemap=none")
    wait_for_app(page)
    frame = _frame(page)
    _drawn(frame, layer_id)
    # one canvas for everything (no SVG that a canvas would cover), no GeoJSON per parcel
    assert frame.evaluate("document.querySelectorAll('.leaflet-overlay-pane canvas').length") == 1
    assert frame.evaluate("document.querySelectorAll('.leaflet-overlay-pane svg').length") == 0

    lng = 119.55 + (LINKED % COLS) * 0.0015 + 0.0005
    lat = 31.45 + (LINKED // COLS) * 0.0015 + 0.0005
    assert _shown_labels(frame) == []  # the whole grid in view: no parcel is named
    frame.evaluate(f"window.map.setView([{lat}, {lng}], 17)")
    page.wait_for_timeout(600)
    # zoomed in, the parcels in view are named (what fits), this one too, none overlapping;
    # the label sits on the parcel's middle, where the click below goes: it takes no click
    frame.wait_for_function(f"() => ({_SHOWN})().includes('地块{LINKED:05d}')")
    names = _shown_labels(frame)
    assert 4 <= len(names) <= 150 and all(n.startswith("地块") for n in names), names
    save_screenshot(page, "big-layer-labels-zoom17")
    x, y = _point(page, frame, lat, lng)
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert f"地块{LINKED:05d}" in tooltip.inner_text()
    assert "规划" in tooltip.inner_text()  # the layer's kind · status line

    page.mouse.click(x, y)
    page.locator("[data-testid='stMain']").get_by_text(f"地块{LINKED:05d}").first.wait_for()
    main = page.locator("[data-testid='stMain']").inner_text()
    assert f"地块{LINKED:05d}" in main
    assert "西太湖科技产业园" in main  # the clause that mentions it
    assert page.offline.external == []


def test_builtin_features_keep_their_tooltips_beside_a_big_layer(page, big_server):
    url, layer_id = big_server
    page.goto(url + "/?basemap=none")
    wait_for_app(page)
    frame = _frame(page)
    _drawn(frame, layer_id)
    # 常州南站 (a point of the built-in stations layer), outside the parcel grid
    lat, lng = frame.evaluate("""() => { for (const l of Object.values(window.map._layers)) {
        if (l.feature && l.feature.properties.feature_id === 'hub.changzhou_south')
          { const p = l.getLatLng(); return [p.lat, p.lng]; } } }""")
    frame.evaluate(f"window.map.setView([{lat}, {lng}], 15)")
    page.wait_for_timeout(600)
    x, y = _point(page, frame, lat, lng)
    page.mouse.move(x - 2, y - 2)
    page.mouse.move(x, y)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert "常州南站" in tooltip.inner_text()
