"""Real browser, a 200,000-parcel stored layer delivered in tiles (issue 18, acceptance 4), on
the GeoPackage and the PostGIS store: the whole-layer view draws a generalised overview (fewer
parcels than the layer has, no detail tile fetched); zooming in fetches the detail tiles of the
view only; a small parcel there shows its tooltip and a click selects it (side panel with its
clause); a clause chosen dims the parcels it does not name and keeps that one in focus."""

from __future__ import annotations

import secrets

import numpy as np
import psycopg
import pytest
import shapely
from browser_helpers import (
    hover_tip,
    notice_in_place,
    save_screenshot,
    server_down,
    wait_for_app,
)

from lianghu_map import prepared, tiles
from lianghu_map.store import LinkRecord

N = 200_000
COLS = 500
STEP, SIZE = 0.0004, 0.0002  # degrees: parcels about 20 m across, 40 m apart
LINKED = 123_456  # linked to a clause


def _parcels():
    import geopandas as gpd

    i = np.arange(N)
    x0 = 119.60 + (i % COLS) * STEP
    y0 = 31.50 + (i // COLS) * STEP
    return gpd.GeoDataFrame({"name": [f"宗地{k:06d}" for k in i],
                             "source_id": [str(k) for k in i], "source_index": i},
                            geometry=shapely.box(x0, y0, x0 + SIZE, y0 + SIZE), crs=4326)


def _centre(k: int) -> tuple[float, float]:
    return 31.50 + (k // COLS) * STEP + SIZE / 2, 119.60 + (k % COLS) * STEP + SIZE / 2


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def tiled_server(request, serve, tmp_path_factory):
    from lianghu_map.store.gpkg import GpkgStore

    var = tmp_path_factory.mktemp("tiled-var")
    env = {"LIANGHU_VAR": str(var), "LIANGHU_LOCAL_MODE": ""}
    if request.param == "gpkg":
        store = GpkgStore(var)
        schema = None
    else:
        from lianghu_map.store.postgis import PostgisStore

        server = request.getfixturevalue("postgis_server")
        schema = f"t_{secrets.token_hex(6)}"
        store = PostgisStore(server.url, schema)
        env |= {"LIANGHU_DATABASE_URL": server.url, "LIANGHU_DATABASE_SCHEMA": schema}
    rec = store.create(_parcels(), title_zh="宗地", title_en="Cadastre", kind="zone",
                       color="#7048e8", status="planned", source="synthetic test cadastre",
                       original_name="cadastre.geojson", sha256="d" * 64, conversions=(),
                       links=(LinkRecord(str(LINKED), "innovate.2", "西太湖科技產業園",
                                         "analyst"),), user="test")
    assert N > tiles.TILED_LAYER
    prepared.prepare_version(store, rec.layer_id, rec.current_version)  # as a save does
    assert prepared.is_prepared(store, rec.layer_id, rec.current_version)
    yield serve(**env), rec.layer_id
    if schema:
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _frame(page):
    handle = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                    state="attached")
    return handle.content_frame()


def _view(frame, layer_id: str, z: int | None = None) -> dict:
    """What the tiled layer drew last: {z: level, tiles: [names]} once all its tiles are in."""
    test = f"window.__lhBigTiles && window.__lhBigTiles[{layer_id!r}]"
    if z is not None:
        test += f" && window.__lhBigTiles[{layer_id!r}].z === {z}"
    frame.wait_for_function(test, timeout=90_000)
    return frame.evaluate(f"window.__lhBigTiles[{layer_id!r}]")


def _point(page, frame, lat, lng):
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    x, y = frame.evaluate(f"(() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lng}]);"
                          " const r = document.getElementById('map_div').getBoundingClientRect();"
                          " return [p.x + r.left, p.y + r.top]; })()")
    return box["x"] + x, box["y"] + y


def test_zoom_fetches_detail_tiles_and_a_small_parcel_answers(page, tiled_server):
    url, layer_id = tiled_server
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/cache/tiles/" in r.url else None)
    page.goto(url + "/?basemap=none")
    wait_for_app(page)
    frame = _frame(page)
    first = _view(frame, layer_id)
    # the whole layer in view: an overview level, generalised (far fewer parcels drawn)
    assert first["z"] < tiles.LEVELS[-1], first
    drawn = frame.evaluate(f"window.__lhBigDrawn[{layer_id!r}]")
    assert 0 < drawn < N / 4, drawn
    detail = f"/{tiles.LEVELS[-1]}/"
    assert fetched and not [u for u in fetched if detail in u]
    assert frame.evaluate("Object.values(window.map._layers).filter((l) => l.feature"
                          " && String(l.feature.properties.feature_id).includes('/')).length") == 0

    lat, lng = _centre(LINKED)
    frame.evaluate(f"void window.map.setView([{lat}, {lng}], 17)")
    view = _view(frame, layer_id, tiles.LEVELS[-1])
    asked = {u.rsplit("/", 1)[1].split(".")[0] for u in fetched if detail in u}
    # only the view's (padded by half a tile): the layer has many more detail tiles
    total = frame.evaluate("""() => Object.values(window.map._layers).find((l) => l._tiles)
        ._tiles.levels.at(-1).tiles.length""")
    assert asked == set(view["tiles"]) and 1 <= len(asked) <= 9 < total / 4, (asked, total)
    save_screenshot(page, "tiled-layer-zoom17")

    x, y = _point(page, frame, lat, lng)
    assert f"宗地{LINKED:06d}" in hover_tip(page, frame, x, y)
    page.mouse.click(x, y)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text(f"宗地{LINKED:06d}").first.wait_for()
    assert "西太湖科技产业园" in main.inner_text()  # the clause that names it
    # named once they are big enough on screen (37 px at z18), from the tiles' names
    frame.evaluate(f"void window.map.setView([{lat}, {lng}], 18)")
    _view(frame, layer_id)
    frame.wait_for_function("""() => [...document.querySelectorAll(
        '.lh-label:not(.lh-hidden) span')].some((s) => s.textContent.startsWith('宗地'))""",
                            timeout=15_000)
    assert page.offline.external == []


def test_a_clause_dims_the_other_parcels_of_a_tiled_layer(page, tiled_server):
    url, layer_id = tiled_server
    page.goto(url + "/?basemap=none&directive=innovate.2")
    wait_for_app(page)
    frame = _frame(page)
    _view(frame, layer_id)
    page.wait_for_function("location.search.includes('z=')")
    wait_for_app(page)
    lat, lng = _centre(LINKED)
    frame.evaluate(f"void window.map.setView([{lat}, {lng}], 17)")
    _view(frame, layer_id, tiles.LEVELS[-1])
    states = frame.evaluate("""([a, b]) => { const big = Object.values(window.map._layers)
        .find((l) => l._container && l._container.classList.contains('lh-big-canvas'));
        return [big._spec.states[big._of[a]], big._spec.states[big._of[b]]]; }""",
                            [LINKED, LINKED + 1])
    assert states == ["focus", "context"]
    # drawn so: the focus parcel much more opaque than its dimmed neighbour
    frame.wait_for_function("""([lat, lng, step]) => {
        const big = document.querySelector('.lh-big-canvas'), map = window.map;
        const layer = Object.values(map._layers).find((l) => l._container === big);
        const alpha = (la, ln) => { const p = map.latLngToLayerPoint([la, ln]), b = layer._bounds;
          const m = big.width / (b.max.x - b.min.x);
          const px = layer._ctx.getImageData(Math.round((p.x - b.min.x) * m) - 4,
                                             Math.round((p.y - b.min.y) * m) - 4, 8, 8).data;
          let s = 0; for (let i = 3; i < px.length; i += 4) s += px[i]; return s / 64; };
        const f = alpha(lat, lng), o = alpha(lat, lng + step);
        return o > 0 && f > 1.5 * o; }""", arg=[lat, lng, STEP], timeout=15_000)


def test_tiles_that_do_not_load_are_said_on_the_map_and_a_retry_draws_them(page, tiled_server):
    """A detail tile the server does not give: the map says how many of the view's tiles are
    missing (in the UI language, the layer named) instead of leaving blank places unexplained;
    the retry asks for them again and the notice goes once they are drawn."""
    url, layer_id = tiled_server
    down = server_down(page, "**/cache/tiles/**", only=f"/{tiles.LEVELS[-1]}/")
    page.goto(url + "/?basemap=none")
    wait_for_app(page)
    frame = _frame(page)
    _view(frame, layer_id)
    notice = frame.locator(".lh-big-failed")
    assert notice.count() == 0  # the overview's tiles came
    lat, lng = _centre(LINKED)
    frame.evaluate(f"void window.map.setView([{lat}, {lng}], 17)")
    view = _view(frame, layer_id, tiles.LEVELS[-1])
    notice.wait_for()
    text = notice.inner_text()
    assert f"图层“宗地”有 {len(view['tiles'])}/{len(view['tiles'])} 个分块未能从服务器载入" in text
    assert frame.evaluate(f"window.__lhBigFailed[{layer_id!r}]") == len(view["tiles"])
    notice_in_place(frame, notice)
    save_screenshot(page, "tiled-layer-tiles-failed")
    down["on"] = False
    notice.get_by_role("button", name="重试").click()
    notice.wait_for(state="detached")
    frame.wait_for_function(f"window.__lhBigFailed[{layer_id!r}] === 0")
    assert frame.evaluate(f"window.__lhBigDrawn[{layer_id!r}]") > 0
    assert page.offline.external == []


def test_over_gaode_the_tiles_are_shifted_to_gcj02_in_the_browser(page, tiled_server):
    """Over a GCJ-02 basemap the server sends the same WGS84 tiles and the browser shifts each
    vertex (bigcanvas ``__lhGcj``, the formulas of crs.wgs84_to_gcj02: equal here to 1e-9°):
    a parcel answers at its GCJ-02 place, ~500 m from its WGS84 one (parcels are 40 m apart,
    so an unshifted drawing would name another or none)."""
    from lianghu_map.crs import wgs84_to_gcj02

    url, layer_id = tiled_server
    page.goto(url + "/?basemap=gaode")  # its tiles cannot load here: the notice says so
    wait_for_app(page)
    frame = _frame(page)
    _view(frame, layer_id)
    points = [[119.6, 31.5], [119.8, 31.55], [120.1, 31.9], [100.0, 10.0], [10.0, 50.0]]
    js = frame.evaluate("(pts) => pts.map(([x, y]) => Array.from("
                        "window.__lhGcj(x, y, new Float64Array(2))))", points)
    np.testing.assert_allclose(js, wgs84_to_gcj02(np.array(points)), atol=1e-9)
    lat, lng = _centre(LINKED)
    glng, glat = wgs84_to_gcj02(np.array([[lng, lat]]))[0]
    frame.evaluate(f"void window.map.setView([{glat}, {glng}], 17)")
    _view(frame, layer_id, tiles.LEVELS[-1])
    x, y = _point(page, frame, glat, glng)
    assert f"宗地{LINKED:06d}" in hover_tip(page, frame, x, y)
    save_screenshot(page, "tiled-layer-gaode-gcj02")
