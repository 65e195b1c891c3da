"""Issue 19 ("Also"): messages that leaked internals — Python's "maximum recursion depth
exceeded", GDAL's raw English ("object too complex/large", "not recognized as a supported file
format"), a NUL in a file name — are typed findings with a message in the UI language."""

from __future__ import annotations

import json
import re

import ingest_fixtures as fx
import pyogrio
import pytest

from lianghu_map.ingest import ingest_file

LANGS = ("zh-Hans", "zh-Hant", "en")
ENGLISH_LEAK = re.compile(r"recursion|not recognized|too complex|too large|Traceback|ERROR "
                          r"parsing|/vsimem/|pyogrio_", re.IGNORECASE)


def _only_error(res, code: str):
    assert not res.ok
    [f] = [f for f in res.findings if f.severity == "error"]
    assert f.code == code, res.findings
    for lang in ("zh-Hans", "zh-Hant"):
        text = f.message(lang)
        assert not ENGLISH_LEAK.search(text), text
        assert re.search(r"[\u4e00-\u9fff]", text)
    assert f.message("en").strip()
    return f


def test_deep_json_is_not_a_recursion_error():
    _only_error(ingest_file(*fx.json_deep()), "json_too_deep")


@pytest.fixture
def small_geojson_objects():
    """GDAL's GeoJSON object limit lowered to 1 MB (200 MB by default), restored after."""
    old = pyogrio.get_gdal_config_option("OGR_GEOJSON_MAX_OBJ_SIZE")
    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": "1"})
    yield
    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": old})


@pytest.mark.usefixtures("small_geojson_objects")
def test_gdal_object_too_large_is_told_in_chinese():
    props = {f"p{i}": "x" * 100 for i in range(20_000)}  # one 2 MB feature
    doc = fx.collection([fx.feature(fx.point(119.8, 31.6), **props)])
    _only_error(ingest_file("big.geojson", json.dumps(doc).encode()), "too_complex")


def test_gdal_format_not_recognised_is_told_in_chinese():
    f = _only_error(ingest_file("odd.kml", b"<foo/>"), "format_not_recognised")
    assert f.params == {"ext": "kml"}


def test_unreadable_keeps_gdal_english_out_of_chinese():
    f = _only_error(ingest_file("cut.kml", b"<kml>"), "unreadable")
    assert "parsing" in f.params["detail"]  # the detail is kept (the English message shows it)
    assert "parsing" in f.message("en")


@pytest.mark.parametrize("name", ["a\x00b.geojson", "a\nb\r.geojson", "\x00/../\x07.geojson"])
def test_control_characters_in_file_names(name):
    res = ingest_file(name, fx.geojson_ref()[1])
    assert res.file and not re.search(r"[\x00-\x1f]", res.file)
    for f in res.findings:
        for lang in LANGS:
            assert not re.search(r"[\x00-\x1f]", f.where(lang))
    if name.startswith("a"):
        assert res.ok and res.file == "ab.geojson"
