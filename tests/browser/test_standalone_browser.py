"""Real browser: the standalone export opened from file:// in Chromium with all network blocked
draws every feature, shows tooltips, toggles layers and runs no injected script.

Chromium comes from the shared `browser` fixture (conftest.py); the context is offline and every
request but the one for the export file itself is aborted and recorded (a ``//host/x`` link in a
file: page is a file: URL too) — the tests assert there was none.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from injection_corpus import PAYLOADS
from shapely.geometry import Point

from lianghu_map.catalog import load_catalog
from lianghu_map.layers import LayerSpec, canonical_features
from lianghu_map.selection import MapFilter, MapSelection, select
from lianghu_map.standalone import standalone_html

CAT = load_catalog()
ALL = select(CAT.features, CAT.links, CAT.meeting, MapFilter())
DIRECTIVE = select(CAT.features, CAT.links, CAT.meeting, MapFilter(directive="innovate.2"))
VECTORS = "document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length"
MAP = ("(() => { for (const k of Object.keys(window)) "
       "{ if (k.startsWith('map_') && window[k] instanceof L.Map) return window[k]; } })()")


def _n_vectors(features: gpd.GeoDataFrame, ids) -> int:
    """Vectors Leaflet draws: one per feature, a MultiPoint's parts separately."""
    geoms = features.loc[list(dict.fromkeys(ids)), "geometry"]
    return sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1 for g in geoms)


class _Opened:
    """A page with the export loaded from disk, and what it asked the network and console."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []  # every request but the export file's own
        self.blocked: list[str] = []  # the ones the route saw (and aborted)
        self.errors: list[str] = []  # console errors and uncaught exceptions
        self.dialogs: list[str] = []


@pytest.fixture
def open_export(browser, tmp_path):
    contexts = []

    def _open(page_html: str, name: str = "map.html") -> _Opened:
        path = tmp_path / name
        path.write_text(page_html, encoding="utf-8")
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        out = _Opened(page)

        uri = path.as_uri()

        def route(r):  # only the export itself: not even another file (//host/x is file:)
            if r.request.url.split("#")[0] == uri:
                r.continue_()
            else:
                out.blocked.append(r.request.url)
                r.abort("internetdisconnected")

        context.route("**/*", route)
        context.set_offline(True)
        context.on("request", lambda req: None if req.url.split("#")[0] == uri
                   or req.url.startswith("data:") else out.requests.append(req.url))
        page.on("console", lambda m: out.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: out.errors.append(str(e)))
        page.on("dialog", lambda d: (out.dialogs.append(d.message), d.dismiss()))
        page.set_default_timeout(30_000)
        page.goto(path.as_uri())
        page.wait_for_function("typeof L === 'object' && "
                               "document.querySelector('.leaflet-control-layers') !== null")
        return out

    yield _open
    for context in contexts:
        context.close()


def _quiet(opened: _Opened) -> None:
    opened.page.wait_for_timeout(300)
    assert opened.requests == [] and opened.blocked == []
    assert opened.errors == []
    assert opened.dialogs == []


def _free_spot(features: gpd.GeoDataFrame, feature_id: str) -> tuple[float, float]:
    """A point inside the feature that no feature drawn above it covers (lat, lng)."""
    order = list(features.index)
    above = features.loc[order[order.index(feature_id) + 1:]]
    covered = shapely.union_all(shapely.buffer(above.geometry.values, 0.004))
    free = features.at[feature_id, "geometry"].difference(covered)
    assert not free.is_empty, f"{feature_id} is covered by other features"
    p = free.representative_point()
    return p.y, p.x


def _hover(page, lat: float, lng: float) -> str:
    page.evaluate(f"{MAP}.setView([{lat}, {lng}], 13, {{animate: false}})")
    page.wait_for_timeout(300)
    x, y = page.evaluate(
        f"(() => {{ const m = {MAP}; const p = m.latLngToContainerPoint([{lat}, {lng}]);"
        " const r = m.getContainer().getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; })()")
    page.mouse.move(x, y)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    return tooltip.inner_text()


def _toggle(page, label: str) -> None:
    page.locator(".leaflet-control-layers-overlays label").filter(has_text=label).locator(
        "input").click()


def test_export_draws_every_feature_offline(open_export):
    page_html = standalone_html(CAT.features, ALL, "zh-Hans", CAT.layers, title="两湖创新区规划图")
    opened = open_export(page_html)
    page = opened.page
    n = _n_vectors(CAT.features, ALL.drawn)
    assert n == len(CAT.features) + 1  # 中以常州創新園: two candidate sites
    page.wait_for_function(f"{VECTORS} === {n}")
    assert page.evaluate("L.version") == "1.9.3"
    ids = page.evaluate(f"""Object.values({MAP}._layers)  // not the bands of schematic lines
                            .filter(l => l.feature && l.options.interactive !== false)
                            .map(l => l.feature.properties.feature_id)""")
    assert set(ids) == set(CAT.features.index) and len(ids) == n
    assert page.title() == "两湖创新区规划图"
    assert page.locator(".lh-legend-row").count() > 0
    # no link leaves the file either (Leaflet's attribution prefix is plain text offline)
    assert page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute("
                         "'href')).filter(h => !h.startsWith('#'))") == []
    # the view is fitted to the zone
    zone = CAT.features.at["zone.lianghu", "geometry"]
    inside = page.evaluate(f"""(() => {{ const b = {MAP}.getBounds();
        return b.contains([{zone.bounds[1]}, {zone.bounds[0]}])
            && b.contains([{zone.bounds[3]}, {zone.bounds[2]}]); }})()""")
    assert inside

    # hover: the tooltip names the feature
    tip = _hover(page, *_free_spot(CAT.features, "park.kejiaocheng"))
    assert "常州科教城" in tip

    # untick a layer in the layer control: its vectors go, its legend part hides; tick again
    stations = CAT.features[CAT.features["layer_id"] == "stations"].index
    _toggle(page, "枢纽与车站")
    page.wait_for_function(f"{VECTORS} === {n - _n_vectors(CAT.features, stations)}")
    assert page.locator(".lh-legend-part[hidden]").count() == 1
    assert "枢纽与车站" not in page.locator(".lh-side").inner_text()
    _toggle(page, "枢纽与车站")
    page.wait_for_function(f"{VECTORS} === {n}")
    assert page.locator(".lh-legend-part[hidden]").count() == 0
    _quiet(opened)


def test_directive_export_focus_and_context(open_export):
    page_html = standalone_html(CAT.features, DIRECTIVE, "en", CAT.layers,
                                title="Directive innovate.2")
    opened = open_export(page_html)
    page = opened.page
    n = _n_vectors(CAT.features, DIRECTIVE.drawn)
    page.wait_for_function(f"{VECTORS} === {n}")
    states = page.evaluate(f"""Object.values({MAP}._layers).filter(l => l.feature)
        .map(l => [l.feature.properties.feature_id, l.feature.properties.state,
                   l.options.opacity])""")
    focus = {fid for fid, state, _ in states if state == "focus"}
    assert focus == set(DIRECTIVE.focus)
    assert {fid for fid, state, _ in states if state == "context"} == set(DIRECTIVE.context)
    assert all(op < 0.5 for _, state, op in states if state == "context")  # dimmed
    # fitted to the directive's own feature: it fills the view, the whole zone does not fit
    fit = CAT.features.at[DIRECTIVE.fit[0], "geometry"].bounds
    zone = CAT.features.at["zone.lianghu", "geometry"].bounds
    assert page.evaluate(f"{MAP}.getBounds().contains([{fit[1]}, {fit[0]}])")
    assert not page.evaluate(f"{MAP}.getBounds().contains([{zone[1]}, {zone[0]}])")
    tip = _hover(page, *_free_spot(CAT.features, "park.xitaihu"))
    assert "Xitaihu" in tip or "西太湖" in tip
    transit = CAT.features[CAT.features["layer_id"] == "transit"].index
    _toggle(page, "Transit corridors")
    page.wait_for_function(f"{VECTORS} === {n - _n_vectors(CAT.features, transit)}")
    _quiet(opened)


def test_hostile_names_and_titles_stay_text(open_export):
    title = "<img src=x onerror=window.__xss=2>{{7*7}}</script>"
    spec = LayerSpec("up-x", title_zh=PAYLOADS[8] + "{{7*7}}", stored=True)
    gdf = gpd.GeoDataFrame(
        {"name": list(PAYLOADS), "source_id": [f"f{i}" for i in range(len(PAYLOADS))]},
        geometry=[Point(119.70 + 0.01 * i, 31.55) for i in range(len(PAYLOADS))], crs=4326)
    feats = canonical_features(gdf, spec, kind="other", status="existing", source=PAYLOADS[1])
    features = gpd.GeoDataFrame(pd.concat([CAT.features, feats]), geometry="geometry", crs=4326)
    page_html = standalone_html(features, MapSelection(tuple(features.index), ()), "zh-Hans",
                                (*CAT.layers, spec), title=title, subtitle=PAYLOADS[9])
    opened = open_export(page_html)
    page = opened.page
    n = _n_vectors(features, features.index)
    page.wait_for_function(f"{VECTORS} === {n}")
    # every tooltip opened: still text
    texts = page.evaluate(f"""Object.values({MAP}._layers)
        .filter(l => l.feature && l.feature.properties.feature_id.startsWith('up-x/'))
        .map(l => {{
            l.fire('mouseover', {{latlng: l.getLatLng()}}, true);
            const text = l.getTooltip().getElement().textContent;  // its own (others fade)
            l.fire('mouseout', {{latlng: l.getLatLng()}}, true);
            return text; }})""")
    assert len(texts) == len(PAYLOADS)
    for payload in PAYLOADS:
        assert any(payload[:40].split("\u2028")[0] in t for t in texts), payload
    assert page.title() == title
    assert page.locator("h1").inner_text() == title
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert labels[-1].strip() == spec.label("zh-Hans")  # "{{7*7}}" shown, not 49
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".lh-page img, .lh-page iframe, .lh-page svg:not(.leaflet-zoom-animated)"
                        ).count() == 0
    assert opened.requests == [] and opened.blocked == [] and opened.dialogs == []
    assert opened.errors == []


def test_osm_export_still_draws_everything_offline(open_export):
    page_html = standalone_html(CAT.features, ALL, "en", CAT.layers, title="t", basemap="osm")
    opened = open_export(page_html)
    page = opened.page
    page.wait_for_function(f"{VECTORS} === {_n_vectors(CAT.features, ALL.drawn)}")
    page.wait_for_timeout(500)
    # only tiles were asked for, and none got through
    assert opened.requests and all(u.startswith("https://tile.openstreetmap.org/")
                                   for u in opened.requests)
    assert page.evaluate("window.__xss") is None
    assert all("ERR_INTERNET_DISCONNECTED" in e for e in opened.errors)
