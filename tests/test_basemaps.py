"""Basemaps, their datums and keys; the GCJ-02 display shift of overlays over Gaode."""

from __future__ import annotations

import json
import re

import numpy as np
import pyproj
import pytest
import shapely
from apptest_helpers import LANGS, map_layers

from lianghu_map import config, mapview
from lianghu_map.analysis import catchment
from lianghu_map.assets import DRAW_CSS, DRAW_JS
from lianghu_map.basemaps import (
    BASEMAPS,
    BasemapUnavailable,
    overlay_datum,
    tile_providers,
    to_data,
    to_display,
)
from lianghu_map.catalog import builtin_catalog
from lianghu_map.crs import wgs84_to_gcj02
from lianghu_map.selection import MapFilter, MapSelection, select

KEY = "0123456789abcdef0123456789ABCDEF"  # 32 letters and digits, like a Tianditu tk
GEOD = pyproj.Geod(ellps="WGS84")
HUB = "hub.changzhou_south"


@pytest.fixture(autouse=True)
def _no_configured_key(monkeypatch):
    """No key from the environment or a secrets.toml unless a test sets one."""
    monkeypatch.delenv("LIANGHU_TIANDITU_KEY", raising=False)
    monkeypatch.setattr(config, "_streamlit_secrets", dict)


@pytest.fixture(scope="module")
def cat():
    return builtin_catalog()


@pytest.fixture(scope="module")
def everything(cat):
    return select(cat.features, cat.links, cat.meeting, MapFilter())


def _render(*groups) -> str:
    m = mapview.base_map("none")
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def _drawn_geometries(groups) -> dict[str, dict]:
    """Feature part id → GeoJSON geometry, as handed to Leaflet."""
    out = {}
    for _styles, collection in map_layers(_render(*groups)):
        for feature in collection["features"]:
            out[feature["id"]] = feature["geometry"]
    return out


def _gcj(lon: float, lat: float) -> tuple[float, float]:
    x, y = wgs84_to_gcj02(np.array([[lon, lat]]))[0]
    return float(x), float(y)


def _geodesic(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """(metres, forward azimuth in degrees) from ``a`` to ``b``, both (lon, lat)."""
    azimuth, _, dist = GEOD.inv(a[0], a[1], b[0], b[1])
    return dist, azimuth


# -- the basemaps and their datums


def test_basemap_ids_and_overlay_datums():
    assert BASEMAPS == ("osm", "tianditu", "gaode", "none")
    assert overlay_datum("gaode") == "gcj02"
    for bid in ("osm", "tianditu", "none"):
        assert overlay_datum(bid) == "wgs84"


@pytest.mark.parametrize("bad", ["", "OSM", "google", "baidu", "gcj02"])
def test_unknown_basemap_is_a_value_error(bad):
    with pytest.raises(ValueError, match="unknown basemap"):
        overlay_datum(bad)
    with pytest.raises(ValueError, match="unknown basemap"):
        tile_providers(bad, KEY)


@pytest.mark.parametrize("bid", ["osm", "gaode"])
def test_keyless_tile_urls_are_https_constants(bid):
    first, second = tile_providers(bid), tile_providers(bid, KEY)
    assert len(first) == 1
    assert first[0].url.startswith("https://")
    # the same constant, whatever key is configured: no key ever joins these URLs
    assert [p.url for p in first] == [p.url for p in second]
    assert KEY not in first[0].url and "{key}" not in first[0].url
    assert "tk=" not in first[0].url


def test_tile_hosts():
    assert "tile.openstreetmap.org" in tile_providers("osm")[0].url
    assert "autonavi.com" in tile_providers("gaode")[0].url


def test_no_tiles_for_none():
    assert tile_providers("none") == []
    assert tile_providers("none", KEY) == []


@pytest.mark.parametrize("key", [None, ""])
def test_tianditu_without_key_is_unavailable(key):
    with pytest.raises(BasemapUnavailable) as info:
        tile_providers("tianditu", key)
    assert info.value.reason == "no_key"


@pytest.mark.parametrize("lang", LANGS)
def test_unavailable_message_names_the_env_var(lang):
    for reason in ("no_key", "bad_key"):
        text = BasemapUnavailable(reason).message(lang)
        assert "LIANGHU_TIANDITU_KEY" in text
        assert "tianditu_key" in text


def test_unavailable_messages_differ_by_language_and_reason():
    texts = {BasemapUnavailable("no_key").message(lang) for lang in LANGS}
    assert len(texts) == 3
    assert BasemapUnavailable("no_key").message("en") != BasemapUnavailable(
        "bad_key").message("en")
    assert "no key is configured" in BasemapUnavailable("no_key").message("en")
    assert "16–64" in BasemapUnavailable("bad_key").message("en")


@pytest.mark.parametrize("key", [
    'abc"onerror=',
    'abcdef0123456789"onerror=alert(1)',
    "</script><script>alert(1)</script>",
    "abc123",  # too short
    "0123456789abcde",  # 15: one short
    "a" * 65,  # too long
    "0123456789abcdef 0123456789abcdef",  # a space
    "0123456789abcdef\n",  # a trailing newline
    "0123456789abcdef&x=1",
    "0123456789abcdef{z}",
    "０１２３４５６７８９ａｂｃｄｅｆ",  # full-width digits and letters
])
def test_malformed_tianditu_keys_are_refused(key):
    with pytest.raises(BasemapUnavailable) as info:
        tile_providers("tianditu", key)
    assert info.value.reason == "bad_key"


def test_good_tianditu_key_gives_vector_and_labels():
    providers = tile_providers("tianditu", KEY)
    assert [p.name for p in providers] == ["Tianditu.vec", "Tianditu.cva"]
    for provider, layer in zip(providers, ("vec", "cva"), strict=True):
        assert provider.url.startswith("https://t{s}.tianditu.gov.cn/")
        assert f"tk={KEY}" in provider.url
        assert f"/{layer}_w/wmts" in provider.url
        assert f"LAYER={layer}&" in provider.url
        assert "{key}" not in provider.url and "{layer}" not in provider.url
    assert tile_providers("tianditu", "a" * 16)  # the bounds of a plain token
    assert tile_providers("tianditu", "Z" * 64)


def test_to_display_and_back():
    point = shapely.Point(119.885, 31.712)
    shown = to_display(point, "gaode")
    assert (shown.x, shown.y) == pytest.approx(_gcj(119.885, 31.712), abs=1e-12)
    back = to_data(shown, "gaode")
    assert _geodesic((back.x, back.y), (point.x, point.y))[0] < 0.01
    for bid in ("osm", "tianditu", "none"):
        assert to_display(point, bid).equals(point)
        assert to_data(point, bid).equals(point)


# -- config.tianditu_key


def test_key_from_secrets_when_no_env():
    assert config.tianditu_key({"tianditu_key": " secret-key "}) == "secret-key"


def test_env_key_wins_over_secrets(monkeypatch):
    monkeypatch.setenv("LIANGHU_TIANDITU_KEY", "  from-env  ")
    assert config.tianditu_key({"tianditu_key": "from-secrets"}) == "from-env"
    assert config.tianditu_key({}) == "from-env"


def test_blank_env_key_falls_back_to_secrets(monkeypatch):
    monkeypatch.setenv("LIANGHU_TIANDITU_KEY", "   ")
    assert config.tianditu_key({"tianditu_key": "from-secrets"}) == "from-secrets"


def test_no_key_anywhere_is_none():
    assert config.tianditu_key({}) is None
    assert config.tianditu_key({"tianditu_key": ""}) is None
    assert config.tianditu_key({"tianditu_key": None}) is None
    assert config.tianditu_key() is None  # the (patched) app secrets hold none either


def test_key_from_the_app_secrets(monkeypatch):
    monkeypatch.setattr(config, "_streamlit_secrets", lambda: {"tianditu_key": KEY})
    assert config.tianditu_key() == KEY


# -- mapview.base_map


def test_tianditu_map_with_env_key(monkeypatch):
    monkeypatch.setenv("LIANGHU_TIANDITU_KEY", KEY)
    html = mapview.base_map("tianditu").get_root().render()
    assert "https://t{s}.tianditu.gov.cn/vec_w/wmts" in html
    assert "https://t{s}.tianditu.gov.cn/cva_w/wmts" in html
    assert html.count(f"tk={KEY}") == 2
    assert mapview.basemap_problem("tianditu") is None


def test_tianditu_map_without_key_has_no_tiles():
    html = mapview.base_map("tianditu").get_root().render()
    assert "tianditu.gov.cn" not in html
    assert "L.tileLayer" not in html
    problem = mapview.basemap_problem("tianditu")
    assert isinstance(problem, BasemapUnavailable)
    assert problem.reason == "no_key"


def test_tianditu_map_with_malformed_key_has_no_tiles(monkeypatch):
    monkeypatch.setenv("LIANGHU_TIANDITU_KEY", '0123456789abcdef"><script>')
    html = mapview.base_map("tianditu").get_root().render()
    assert "tianditu.gov.cn" not in html and "L.tileLayer" not in html
    assert "<script>\"" not in html and '"><script>' not in html
    problem = mapview.basemap_problem("tianditu")
    assert isinstance(problem, BasemapUnavailable) and problem.reason == "bad_key"


@pytest.mark.parametrize("bid", ["osm", "gaode", "none"])
def test_keyless_basemaps_have_no_problem(bid):
    assert mapview.basemap_problem(bid) is None


def test_gaode_and_osm_maps_draw_their_tiles():
    assert "autonavi.com" in mapview.base_map("gaode").get_root().render()
    assert "tile.openstreetmap.org" in mapview.base_map("osm").get_root().render()


def test_draw_tool_uses_local_assets_only():
    html = mapview.base_map("osm", draw="en").get_root().render()
    assert DRAW_JS == "/app/static/vendor/leaflet-draw/leaflet.draw.js"
    assert DRAW_JS in html and DRAW_CSS in html
    assert "L.Control.Draw" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/app/static/vendor/") for a in assets)
    for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg", "code.jquery", "bootstrapcdn"):
        assert cdn not in html
    assert not re.search(r"https?://[^\s\"']+\.(?:js|css)\b", html)
    plain = mapview.base_map("osm").get_root().render()
    assert DRAW_JS not in plain and "L.Control.Draw" not in plain


# -- the GCJ-02 display shift (acceptance)


def test_overlays_over_gaode_are_shifted_to_gcj02(cat, everything):
    wgs = cat.features.geometry[HUB]
    shown = _drawn_geometries(mapview.feature_groups(
        cat.features, everything, "en", None, cat.layers, datum="gcj02"))
    lon, lat = shown[HUB]["coordinates"]
    assert (lon, lat) == pytest.approx(_gcj(wgs.x, wgs.y), abs=1e-7)
    dist, azimuth = _geodesic((wgs.x, wgs.y), (lon, lat))
    assert 300 < dist < 800
    assert lon - wgs.x > 0 and lat - wgs.y < 0  # east-south-east
    assert 90 < azimuth < 135
    # every drawn feature moved, every point by the same conversion
    assert set(shown) >= set(cat.features.index) - {"park.sino_israel"}
    for fid in ("station.wujin", "centre.jintan", "resort.changdang"):
        p = cat.features.geometry[fid]
        assert shown[fid]["coordinates"] == pytest.approx(list(_gcj(p.x, p.y)), abs=1e-7)


def test_shifted_polygons_and_lines(cat, everything):
    shown = _drawn_geometries(mapview.feature_groups(
        cat.features, everything, "en", None, cat.layers, datum="gcj02"))
    for fid in ("water.gehu", "metro.line1"):
        stored = shapely.get_coordinates(cat.features.geometry[fid])
        drawn = shapely.get_coordinates(shapely.geometry.shape(shown[fid]))
        assert drawn.shape == stored.shape
        np.testing.assert_allclose(drawn, wgs84_to_gcj02(stored), atol=1e-7, rtol=0)


def test_overlays_over_wgs84_basemaps_are_not_shifted(cat, everything):
    shown = _drawn_geometries(mapview.feature_groups(
        cat.features, everything, "en", None, cat.layers, datum="wgs84"))
    wgs = cat.features.geometry[HUB]
    assert shown[HUB]["coordinates"] == [wgs.x, wgs.y]
    assert shapely.geometry.shape(shown["water.gehu"]).equals_exact(
        cat.features.geometry["water.gehu"], 0)


def test_gcj02_render_leaves_the_catalogue_in_wgs84(cat, everything):
    before = shapely.get_coordinates(cat.features.geometry.values).copy()
    mapview.feature_groups(cat.features, everything, "en", None, cat.layers, datum="gcj02")
    _render(*mapview.feature_groups(cat.features, everything, "en", None, cat.layers,
                                    datum="gcj02"))
    after = shapely.get_coordinates(cat.features.geometry.values)
    np.testing.assert_array_equal(before, after)
    hub = cat.features.geometry[HUB]
    assert (hub.x, hub.y) == (119.885, 31.712)


def test_display_frame_is_cached_and_identity_for_wgs84(cat):
    first = mapview.display_frame(cat.features, "gcj02")
    assert first is not cat.features
    assert mapview.display_frame(cat.features, "gcj02") is first
    assert mapview.display_frame(cat.features, "wgs84") is cat.features
    assert mapview.display_frame(cat.features) is cat.features
    hub = first.geometry[HUB]
    assert (hub.x, hub.y) == pytest.approx(_gcj(119.885, 31.712), abs=1e-12)


def test_a_tiled_layer_keeps_its_wgs84_shapes_and_its_tiles_are_shifted_in_the_browser(
        cat, monkeypatch):
    """Over Gaode, a layer delivered in tiles is not copied shifted on the server (a million
    parcels: 0.6 GB and a minute): the displayed frame shares its shapes (bigcanvas shifts its
    tiles' vertices with the formulas of crs; tests/browser/test_tiled_layer_browser.py); the
    other layers are shifted as before, and so is a big layer drawn from one payload (a draft,
    which has no tile set)."""
    import geopandas as gpd

    from lianghu_map.compact import QUANTUM, decode_payload

    features = cat.features.copy()  # a frame of its own: display frames are kept per frame
    counts = features["layer_id"].value_counts()
    biggest = counts.index[0]
    assert counts.iloc[0] > counts.iloc[1]
    monkeypatch.setattr(mapview, "TILED_LAYER", int(counts.iloc[1]))  # only the biggest
    shown = mapview.display_frame(features, "gcj02")
    for fid, layer in features["layer_id"].items():
        assert (shown.geometry[fid] is features.geometry[fid]) == (layer == biggest), fid
    assert features.at["water.gehu", "layer_id"] != biggest
    lake = shapely.get_coordinates(features.geometry["water.gehu"])
    np.testing.assert_allclose(shapely.get_coordinates(shown.geometry["water.gehu"]),
                               wgs84_to_gcj02(lake), atol=1e-12)
    layer = gpd.GeoDataFrame(shown[shown["layer_id"] == biggest])
    everything = select(features, cat.links, cat.meeting, MapFilter())
    group = mapview._big_group(layer, cat.layer(biggest), mapview.state_map(everything), "en",
                               True, "gcj02")
    big = next(c for c in group._children.values() if type(c).__name__ == "BigLayer")
    assert "tiles" not in big.spec  # a draft: one payload, shifted on the server
    first = np.array(decode_payload(big.spec["data"])[0][2][0][0])
    wgs = shapely.get_coordinates(features.geometry[layer.index[0]])[0]
    assert np.allclose(first, _gcj(*wgs), atol=2 * QUANTUM)
    assert not np.allclose(first, wgs, atol=1e-4)  # ~500 m: the shift is there


def test_fit_bounds_follow_the_displayed_datum(cat):
    sel = MapSelection((HUB,), (), (), (HUB,))
    wgs = _render(*mapview.feature_groups(cat.features, sel, "en", datum="wgs84"))
    gcj = _render(*mapview.feature_groups(cat.features, sel, "en", datum="gcj02"))
    lon, lat = _gcj(119.885, 31.712)
    assert "[[31.712, 119.885], [31.712, 119.885]]" in wgs
    assert f"[[{round(lat, 5)}, {round(lon, 5)}]" in gcj


# -- the datum badge


def _badge_json(html: str) -> tuple[str, str]:
    text = re.search(r"box\.textContent = (\"[^\"]*\");", html).group(1)
    datum = re.search(r"box\.dataset\.datum = (\"[^\"]*\");", html).group(1)
    return text, datum


def test_badge_text_is_json_set_as_text(cat, everything):
    groups = mapview.feature_groups(cat.features, everything, "en", None, cat.layers,
                                    datum="gcj02", badge="X<b>")
    badges = [g for g in groups
              if any(type(c).__name__ == "DatumBadge" for c in g._children.values())]
    assert len(badges) == 1
    html = _render(*groups)
    text, datum = _badge_json(html)
    assert text == '"X\\u003cb\\u003e"'
    assert json.loads(text) == "X<b>"
    assert json.loads(datum) == "gcj02"
    assert "X<b>" not in html
    assert 'L.DomUtil.create("div", "lh-datum")' in html


def test_badge_datum_over_wgs84(cat, everything):
    html = _render(*mapview.feature_groups(cat.features, everything, "en", datum="wgs84",
                                           badge="WGS84 / CGCS2000"))
    assert _badge_json(html) == ('"WGS84 / CGCS2000"', '"wgs84"')


def test_no_badge_unless_asked(cat, everything):
    html = _render(*mapview.feature_groups(cat.features, everything, "en", datum="gcj02"))
    assert "__lhDatum" not in html and "lh-datum\")" not in html


def test_badge_alone_when_nothing_is_drawn(cat):
    nothing = select(cat.features, cat.links, cat.meeting, MapFilter(layers=()))
    assert nothing.drawn == ()
    assert mapview.feature_groups(cat.features, nothing, "en", datum="gcj02") == []
    groups = mapview.feature_groups(cat.features, nothing, "en", datum="gcj02",
                                    badge="GCJ-02")
    assert len(groups) == 1
    kids = [type(c).__name__ for c in groups[0]._children.values()]
    assert "DatumBadge" in kids and "VectorLayer" not in kids
    html = _render(*groups)
    assert _badge_json(html) == ('"GCJ-02"', '"gcj02"')
    assert map_layers(html) == []


# -- catchment rings


def _ring_layer(html: str) -> tuple[dict, list, list]:
    """(rings FeatureCollection, labels, centre [lat, lon]) of the rendered RingLayer."""
    decoder = json.JSONDecoder()
    chunk = html[html.index("const group = "):]
    data = decoder.raw_decode(chunk[chunk.index("L.geoJSON(") + len("L.geoJSON("):])[0]
    marker = "for (const [lat, lon, text] of "
    labels = decoder.raw_decode(chunk[chunk.index(marker) + len(marker):])[0]
    centre = decoder.raw_decode(
        chunk[chunk.index("L.circleMarker(") + len("L.circleMarker("):])[0]
    return data, labels, centre


@pytest.fixture(scope="module")
def rings(cat):
    return catchment(cat.features, HUB)


@pytest.mark.parametrize("lang", LANGS)
def test_catchment_group_rings_and_labels(rings, lang):
    data, labels, centre = _ring_layer(_render(
        mapview.catchment_group(rings.rings, rings.centre, lang, "wgs84")))
    assert len(data["features"]) == 4
    assert [f["properties"]["ring"] for f in data["features"]] == [0, 1, 2, 3]
    assert len(labels) == 4
    assert all("km" in text for _lat, _lon, text in labels)
    assert [text.split()[0] for _lat, _lon, text in labels] == ["1", "3", "5", "10"]
    assert centre == [31.712, 119.885]
    # each label sits at its ring's northern edge, above the centre
    lats = [lat for lat, _lon, _text in labels]
    assert lats == sorted(lats) and lats[0] > centre[0]
    assert all(lon == centre[1] for _lat, lon, _text in labels)


def test_catchment_group_shifted_over_gaode(rings):
    before = shapely.get_coordinates(rings.rings.geometry.values).copy()
    data, labels, centre = _ring_layer(_render(
        mapview.catchment_group(rings.rings, rings.centre, "en", "gcj02")))
    lon, lat = _gcj(*rings.centre)
    assert centre == pytest.approx([lat, lon], abs=1e-6)
    dist, _ = _geodesic(rings.centre, (centre[1], centre[0]))
    assert 300 < dist < 800
    assert centre[1] > rings.centre[0] and centre[0] < rings.centre[1]
    assert len(data["features"]) == 4 and len(labels) == 4
    first = np.array(data["features"][0]["geometry"]["coordinates"][0])
    stored = shapely.get_coordinates(rings.rings.geometry.iloc[0].exterior)
    np.testing.assert_allclose(first, wgs84_to_gcj02(stored), atol=1e-7, rtol=0)
    assert all(label_lon == centre[1] for _lat, label_lon, _t in labels)
    # the analysis' rings stay WGS84
    np.testing.assert_array_equal(shapely.get_coordinates(rings.rings.geometry.values), before)
