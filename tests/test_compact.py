"""Big-layer payloads: geometry survives encoding to within the quantum, parts and holes keep
their structure, names are escaped, files are content-addressed and come back if removed."""

import json

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Point, Polygon

from lianghu_map.compact import QUANTUM, _rle, decode_payload, encode_geometry, layer_payload
from lianghu_map.layers import LayerSpec, canonical_features


def _close(a, b):
    return np.allclose(np.asarray(a), np.asarray(b), atol=QUANTUM * 0.51)


def test_round_trip_of_every_geometry_kind():
    square = [(119.5, 31.5), (119.51, 31.5), (119.51, 31.51), (119.5, 31.51)]
    hole = [(119.502, 31.502), (119.504, 31.502), (119.504, 31.504)]
    geoms = np.array([
        Polygon(square, [hole]),
        MultiPoint([(119.1, 31.1), (119.2, 31.2)]),
        LineString([(119.0, 31.0), (119.3, 31.4)]),
        MultiPolygon([Polygon(square), Polygon([(x + 0.1, y) for x, y in square])]),
        Point(120.0, 31.9),
    ], dtype=object)
    enc = encode_geometry(geoms)
    assert enc["k"] == "2" + "00" + "1" + "22" + "0"
    assert enc["f"] == [0, 1, 1, 2, 3, 3, 4]  # parts → their geometry
    assert enc["r"] == [2, 1, 1]  # the first polygon has a hole
    parts = decode_payload(enc)
    assert [p[0] for p in parts] == enc["f"]
    outer, inner = parts[0][2]
    assert len(outer) == 4 and _close(outer, square)  # the closing vertex is not sent
    assert _close(inner, hole)
    assert _close(parts[1][2][0], [(119.1, 31.1)]) and _close(parts[2][2][0], [(119.2, 31.2)])
    assert _close(parts[3][2][0], [(119.0, 31.0), (119.3, 31.4)])
    assert _close(parts[-1][2][0], [(120.0, 31.9)])
    assert all(isinstance(c, int) for c in enc["c"])


def test_simple_layers_send_no_part_or_ring_lists_and_small_numbers():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(119.4, 120.1, 500), rng.uniform(31.3, 31.9, 500)
    geoms = shapely.buffer(shapely.points(x, y), 0.001, quad_segs=2)
    enc = encode_geometry(geoms)
    assert "f" not in enc and "r" not in enc
    # deltas inside a parcel are a few hundred quanta, not 8-digit absolute coordinates
    assert np.median(np.abs(enc["c"])) < 1000
    for (i, _, rings), g in zip(decode_payload(enc), geoms, strict=True):
        assert shapely.Polygon(rings[0]).symmetric_difference(g).area < g.area * 0.01, i


def test_empty_and_null_geometries_are_skipped_but_indices_kept():
    geoms = np.array([Point(119.5, 31.5), Polygon(), Point(119.6, 31.6)], dtype=object)
    enc = encode_geometry(geoms)
    assert enc["f"] == [0, 2]


def test_rle():
    assert _rle(np.array([3, 3, 3, -1, -1, 0])) == [3, 3, -1, 2, 0, 1]
    assert _rle(np.array([], dtype=int)) == []


def _layer(names):
    spec = LayerSpec("big-test", title_zh="测试", stored=True, version=1)
    gdf = gpd.GeoDataFrame({"name": names, "source_id": [str(i) for i in range(len(names))]},
                           geometry=[Point(119.5 + i * 0.001, 31.5) for i in range(len(names))],
                           crs=4326)
    return canonical_features(gdf, spec, kind="park", status="planned", source="test"), spec


def test_payload_escapes_names_and_is_rewritten_if_removed(tmp_path, monkeypatch):
    import lianghu_map.assets as assets

    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path)
    feats, spec = _layer(["<img src=x onerror=alert(1)>", "{{7*7}}", "地块"])
    payload = layer_payload(feats, spec.id, "v-test-1", "zh-Hans")
    doc = json.loads(payload.text)
    assert doc["ids"] == ["0", "1", "2"] and doc["prefix"] == "big-test/"
    assert "<img" not in payload.text and "&lt;img" in doc["tips"][0]
    assert "{{" not in payload.text
    # the labels: the names as plain text (the map sets them as textContent)
    # (null: the tooltip's first line, between <b> and </b>, is the name: nothing escaped)
    assert doc["names"] == ["<img src=x onerror=alert(1)>", "{{7*7}}", None]
    assert doc["tips"][2].startswith("<b>地块</b>")
    file = tmp_path / "cache" / f"{payload.key}.json"
    assert file.read_text(encoding="utf-8") == payload.text
    file.unlink()
    again = layer_payload(feats, spec.id, "v-test-1", "zh-Hans")  # from the memory cache
    assert again is payload and file.exists()


def test_a_big_layers_failure_notice_names_it_in_the_ui_language_as_text_only():
    """The notice shown when a big layer's data does not load carries the analyst's title: in
    the map's script it is JSON (no markup can close the script), and the browser sets it as
    text (bigcanvas ``_failed``: textContent, never innerHTML)."""
    import folium

    from lianghu_map.bigcanvas import BIG_CANVAS_JS
    from lianghu_map.compact import BigLayer, failed_notice

    hostile = '</script><img src=x onerror="alert(1)">{total}'
    for lang, words in (("zh-Hans", "未能从服务器载入"), ("zh-Hant", "未能從服務器載入"),
                        ("en", "did not load from the server")):
        notice = failed_notice(hostile, lang)
        assert words in notice["failed"] and hostile in notice["failed_all"]
        assert "{failed}" in notice["failed"]
    m = folium.Map()
    group = folium.FeatureGroup(name="g").add_to(m)
    group.add_child(BigLayer(None, "up-x", np.zeros(3, dtype=int), [{}], ["normal"],
                             tiles=("k", {"url": "/t", "lang": "en", "prefix": "up-x/",
                                          "levels": []}), title=hostile, lang="en"))
    html = m.get_root().render()
    assert "</script><img" not in html
    assert "\\u003c/script\\u003e\\u003cimg" in html
    assert "textContent" in BIG_CANVAS_JS and "innerHTML" not in BIG_CANVAS_JS
