"""Fuzzing: arbitrary bytes, GeoJSON-shaped JSON, CSV-shaped text, random archives and mutated
real files go into ingest; the only outcomes are a valid WGS84 layer or typed ERROR findings.

Every property asserts the same contract (:func:`assert_contract`):

* ingest never raises;
* accepted: ``res.ok``, a non-empty GeoDataFrame in EPSG:4326, no null, empty or invalid
  geometry, every coordinate finite and within lon −180…180 / lat −90…90;
* refused: ``res.gdf is None`` and at least one ERROR finding;
* every finding has a code in :data:`MESSAGES` and a message in 简体, 繁體 and English;
* the catch-all ``unreadable`` finding never hides a Python bug: the exception behind it (traced
  by a spy on ``ingest._short``) must be a library's own error (GDAL/pyogrio, PROJ, GEOS, the CSV
  parser, zipfile/zlib), and a detail not traced to one must not look like a Python exception
  message (``KeyError``'s bare ``'key'``, "object has no attribute", numpy/pandas internals …).

Strategies mix "tame" inputs (well-formed, so many reach the checks after reading and some are
accepted) with "wild" ones.  Hypothesis runs derandomized with no example database, so every
run tries the same examples; the minimal failing inputs found so far are kept as plain cases in
``FOUND_BY_FUZZING``.
"""

from __future__ import annotations

import csv as csvlib
import io
import json
import lzma
import math
import re
import sys
import traceback
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

import geopandas as gpd
import ingest_fixtures as fx
import numpy as np
import pandas as pd
import pyogrio.errors
import pyproj.exceptions
import pytest
import shapely
import shapely.errors
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lianghu_map import ingest as ingest_module
from lianghu_map.errors import MESSAGES, Severity
from lianghu_map.ingest import FORMATS, IngestResult, ingest_file
from lianghu_map.ingest import base as ingest_base

LANGS = ("zh-Hans", "zh-Hant", "en")
EXTENSIONS = tuple(FORMATS)  # .geojson .json .zip .gpkg .kml .kmz .csv

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # no slow "explain" phase
    report_multiple_bugs=False,  # shrink one failure per property; FOUND_BY_FUZZING lists all
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)


# ----------------------------------------------------------------------------- the contract

# Exceptions that may legitimately end as an "unreadable" finding: the libraries' own errors.
LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError, pyogrio.errors.FeatureError, pyogrio.errors.CRSError,
    pyproj.exceptions.CRSError, pyproj.exceptions.ProjError, shapely.errors.GEOSException,
    csvlib.Error, pd.errors.ParserError, zipfile.BadZipFile, zlib.error, lzma.LZMAError,
)
# Python's own exception names and the wording of typical internal failures
PYTHON_EXCEPTION_NAMES = (
    "KeyError", "TypeError", "IndexError", "AttributeError", "ValueError", "ZeroDivisionError",
    "RecursionError", "UnicodeDecodeError", "UnicodeEncodeError", "AssertionError", "NameError",
    "NotImplementedError", "OverflowError", "StopIteration", "LookupError", "MemoryError",
    "EmptyDataError", "struct.error", "Traceback",
)
INTERNAL_MESSAGES = re.compile(
    r"object has no attribute|not subscriptable|unsupported operand|index out of range"
    r"|out of bounds|is not iterable|positional argument|unexpected keyword argument"
    r"|invalid literal for|could not convert|cannot convert|unhashable type|\bnumpy\b"
    r"|\bndarray\b|\bdtype\b|truth value of|object of type|NoneType|codec can't"
    r"|Length of values|not supported between instances|referenced before assignment"
    r"|maximum recursion depth|unpack requires|must be real number|pyarrow|\bpandas\b"
    r"|No columns to parse|can only concatenate|argument must be|division by zero",
    re.IGNORECASE,
)
BARE_REPR = re.compile(r"^(?:'[^']*'|\"[^\"]*\"|-?\d+|None|\(.*\))$")  # str(KeyError(...))


Seen = list[tuple[BaseException, str, str]]  # (exception, the detail text made of it, traceback)


@contextmanager
def spying_on_details() -> Iterator[Seen]:
    """Record every exception ingest turns into a finding's detail (via ``short`` in the
    ingest modules), so an "unreadable" finding can be traced back to the exception behind it."""
    seen: Seen = []
    real = ingest_base.short

    def spy(exc: BaseException) -> str:
        text = real(exc)
        seen.append((exc, text, "".join(traceback.format_exception(exc)[-6:])))
        return text

    users = [m for name, m in sorted(sys.modules.items())
             if name.startswith("lianghu_map.ingest.") and getattr(m, "short", None) is real]
    with ExitStack() as stack:
        for module in users:
            stack.enter_context(mock.patch.object(module, "short", spy))
        yield seen


def run(name: str, data: bytes) -> IngestResult:
    with spying_on_details() as seen:
        res = ingest_file(name, data)
    assert_contract(res, name, data, seen)
    return res


def looks_like_python_error(detail: str) -> bool:
    return (not detail.strip() or any(n in detail for n in PYTHON_EXCEPTION_NAMES)
            or bool(INTERNAL_MESSAGES.search(detail)) or bool(BARE_REPR.match(detail.strip())))


def assert_contract(res: IngestResult, name: str, data: bytes, seen: Seen | None = None) -> None:
    where = f"{name!r}, {len(data)} bytes: {data[:400]!r}"
    assert isinstance(res, IngestResult)
    for f in res.findings:
        assert f.code in MESSAGES, (f, where)
        assert isinstance(f.severity, Severity), (f, where)
        for lang in LANGS:
            text = f.message(lang)
            assert isinstance(text, str) and text.strip(), (f, lang, where)
            assert f.where(lang), (f, lang, where)
    for f in res.findings:  # "unreadable", "csv_malformed" … : an exception's text as detail
        if f.severity != Severity.ERROR or "detail" not in f.params:
            continue
        detail = str(f.params["detail"])
        behind = [(exc, tb) for exc, text, tb in seen or ()
                  if (text[:80] in detail if text else not detail.strip())]
        masked = [(exc, tb) for exc, tb in behind if not isinstance(exc, LIBRARY_ERRORS)]
        assert not masked, (f"ingest turned a Python exception into a {f.code!r} finding "
                            f"({type(masked[0][0]).__name__}): {where}\n{masked[0][1]}")
        if f.code == "unreadable" and not behind:  # not traced to an exception: judge the text
            assert not looks_like_python_error(detail), f"masked crash: {detail!r}: {where}"
    if res.ok:
        assert_good_layer(res.gdf, f"{where}\nfindings: {res.findings}")
    else:
        assert res.gdf is None, f"refused but a layer was returned: {where}"
        errors = [f for f in res.findings if f.severity == Severity.ERROR]
        assert errors, f"refused without an ERROR finding: {where}\n{res.findings}"


def assert_good_layer(gdf: Any, where: str) -> None:
    assert isinstance(gdf, gpd.GeoDataFrame), f"accepted, not a GeoDataFrame: {where}"
    assert len(gdf) > 0, f"accepted an empty layer: {where}"
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326, f"CRS {gdf.crs}: {where}"
    geoms = gdf.geometry.to_numpy()
    assert not pd.isna(geoms).any(), f"accepted a null geometry: {where}"
    assert not shapely.is_empty(geoms).any(), f"accepted an empty geometry: {where}"
    reasons = shapely.is_valid_reason(geoms)
    assert shapely.is_valid(geoms).all(), f"accepted invalid geometry {reasons}: {where}"
    xy = shapely.get_coordinates(geoms)
    assert np.isfinite(xy).all(), f"accepted non-finite coordinates: {where}"
    lon_ok = (xy[:, 0] >= -180) & (xy[:, 0] <= 180)
    lat_ok = (xy[:, 1] >= -90) & (xy[:, 1] <= 90)
    assert (lon_ok & lat_ok).all(), f"accepted {xy[~(lon_ok & lat_ok)][:3]}: {where}"


# ----------------------------------------------------------------------------- 1. any bytes

MAGIC = (
    b"", b"PK\x03\x04", b"PK\x05\x06" + b"\0" * 18, b"SQLite format 3\x00", b"<?xml",
    b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">',
    b"{", b'{"type":"FeatureCollection","features":[', b"[", b"\xef\xbb\xbf", b"\xef\xbb\xbf{",
    b"\xff\xfe", b"\xfe\xff", b"\xff\xfe{\x00", b"\x1f\x8b", b"lon,lat\n", b"wkt\n",
    b"\x00\x00\x27\x0a",  # Shapefile magic (9994)
)


@st.composite
def file_names(draw: st.DrawFn, exts: tuple[str, ...] = EXTENSIONS) -> str:
    ext = draw(st.sampled_from(exts))
    ext = draw(st.sampled_from([ext, ext.upper()]))
    stem = draw(st.sampled_from(["upload", "图层", "a b", "../x", "C:\\dir\\f", "", ".hidden"])
                | st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
    return stem + ext


@settings(FUZZ, max_examples=200)  # cheap: most are refused at once
@given(name=file_names(), magic=st.sampled_from(MAGIC), body=st.binary(max_size=400))
def test_arbitrary_bytes(name: str, magic: bytes, body: bytes) -> None:
    run(name, magic + body)


# ----------------------------------------------------------------------------- 2. GeoJSON-shaped
# Documents are "tame" (well-formed GeoJSON whose geometries are built right, in one coordinate
# frame, so many reach the checks after reading) or "wild" (any type name, any nesting).

GEOM_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
BAD_TYPES = ("point", "POLYGON", "Pointz", "Circle", "LinearRing", "Feature", "FeatureCollection",
             "Topology", "", " Point", "Point\u0000")
NAN, INF = "__NaN__", "__Inf__"  # stand-ins written as NaN / 1e999 / "NaN" …

lianghu_lon = st.floats(119.0, 120.6)
lianghu_lat = st.floats(31.0, 32.2)
FRAMES: dict[str, tuple[st.SearchStrategy[float], st.SearchStrategy[float]]] = {
    "lianghu": (lianghu_lon, lianghu_lat),
    "world": (st.floats(-180, 180), st.floats(-90, 90)),
    "swapped": (lianghu_lat, lianghu_lon),
    "projected": (st.floats(3e5, 7e5), st.floats(3.3e6, 3.7e6)),  # CGCS2000 GK-like metres
}
frames = st.sampled_from(["lianghu"] * 6 + ["world", "swapped", "projected"])
any_number = st.one_of(
    st.floats(-200, 200), st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(2**70), 2**70), st.sampled_from([NAN, INF, 0, -0.0, 1e308, 5e-324]),
    st.sampled_from([3.5e5, 4.5e5, 3.5e6, 4e7, 1.3e7]),  # projected-looking
)
junk_number = st.one_of(st.text(max_size=6), st.none(), st.booleans(), st.just([]), st.just({}))


def well_formed_geometries(frame: str) -> st.SearchStrategy[dict[str, Any]]:
    """Geometries of the right nesting in one frame; random rings often self-intersect."""
    lon, lat = FRAMES[frame]
    pt = st.tuples(lon, lat).map(list)
    line = st.lists(pt, min_size=2, max_size=5)
    ring = st.lists(pt, min_size=3, max_size=5).map(lambda ps: [*ps, ps[0]])
    poly = st.lists(ring, min_size=1, max_size=2)

    def geom(kind: str) -> Any:
        return lambda coords: {"type": kind, "coordinates": coords}

    simple = st.one_of(
        pt.map(geom("Point")), st.lists(pt, min_size=1, max_size=4).map(geom("MultiPoint")),
        line.map(geom("LineString")), st.lists(line, min_size=1, max_size=3).map(
            geom("MultiLineString")),
        poly.map(geom("Polygon")), st.lists(poly, min_size=1, max_size=2).map(geom("MultiPolygon")),
    )
    return simple | st.lists(simple, min_size=1, max_size=3).map(
        lambda gs: {"type": "GeometryCollection", "geometries": gs})


@st.composite
def position(draw: st.DrawFn) -> list[Any]:
    lon, lat = FRAMES[draw(frames)]
    pos: list[Any] = [draw(lon), draw(lat)] if draw(st.integers(0, 3)) else draw(
        st.lists(any_number, max_size=4))
    if draw(st.integers(0, 9)) == 0:
        pos.append(draw(st.one_of(any_number, junk_number)))  # z, or junk
    if draw(st.integers(0, 19)) == 0 and pos:
        pos[0] = draw(junk_number)
    return pos


def nested(depth: int) -> st.SearchStrategy[Any]:
    s: st.SearchStrategy[Any] = position()
    for _ in range(depth):
        s = st.lists(s, max_size=5)
    return s


DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2,
         "MultiPolygon": 3}


@st.composite
def wild_coordinates(draw: st.DrawFn, gtype: str) -> Any:
    choice = draw(st.integers(0, 9))
    depth = DEPTH.get(gtype, 1)
    if choice <= 5:
        return draw(nested(depth))
    if choice <= 7:  # wrong nesting depth
        return draw(nested(draw(st.sampled_from([d for d in range(5) if d != depth]))))
    if choice == 8:
        return draw(st.sampled_from([[], [[]], [[[]]], None, "119 31", 119.8, {}]))
    return draw(st.recursive(any_number, lambda c: st.lists(c, max_size=3), max_leaves=12))


def wild_geometries() -> st.SearchStrategy[Any]:
    @st.composite
    def simple(draw: st.DrawFn) -> dict[str, Any]:
        gtype = draw(st.sampled_from(GEOM_TYPES) | st.sampled_from(BAD_TYPES)
                     | st.sampled_from([None, 1, ["Point"]]))
        geom: dict[str, Any] = {"type": gtype}
        if draw(st.integers(0, 19)):
            geom["coordinates"] = draw(wild_coordinates(gtype if isinstance(gtype, str) else "?"))
        if draw(st.integers(0, 9)) == 0:
            geom["bbox"] = draw(st.lists(any_number, max_size=5))
        return geom

    def collection(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.builds(lambda gs: {"type": "GeometryCollection", "geometries": gs},
                         st.lists(children, max_size=3))

    return st.recursive(simple(), collection, max_leaves=5)


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([NAN, INF]),
    st.text(max_size=20),
    st.sampled_from(["西太湖科技产业园", "滆湖（西太湖）", "Café", "ß", "\u00a0", "\ufeff"]),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "null", "NaN", "2024-01-01",
                     "2024-01-01T12:00:00Z", "12:00:00", "true", "1e999", "0x10"]),
)
json_values = st.recursive(
    json_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                       max_size=3),
    max_leaves=6,
)
SPECIAL_KEYS = ("style", "id", "ID", "Id", "feature_id", "directive_ids", "fid", "FID",
                "geometry", "Geometry", "source_id", "source_index", "kml_folder", "name",
                "Name", "NAME", "编号", "名称", "", " ", "type", "properties", "OGC_FID")
property_keys = st.sampled_from(SPECIAL_KEYS) | st.text(max_size=12)
style_values = st.one_of(
    st.dictionaries(st.sampled_from(["color", "fillColor", "weight", "opacity", "fillOpacity",
                                     "radius", "dashArray", "onclick", "className", ""]),
                    json_scalars | st.sampled_from(["#ff0000", "#abc", "red", "5, 10", 3, 0.5]),
                    max_size=4),
    st.sampled_from(['{"color": "#00ff00"}', "color: red", "[1]", "{", "{}"]),
    json_values,
)


@st.composite
def properties(draw: st.DrawFn) -> Any:
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.sampled_from([None, [], "x", 1, [1, 2]]))
    props = draw(st.dictionaries(property_keys, json_values, max_size=5))
    if draw(st.booleans()):
        props["style"] = draw(style_values)
    if draw(st.integers(0, 3)) == 0:
        props["directive_ids"] = draw(st.lists(st.text(max_size=8), max_size=3) | json_values)
    if kind == 1:  # around the limits: attribute name 200 chars, value 10 000 chars
        props["n" * draw(st.integers(199, 201))] = 1
    elif kind == 2:
        props["long"] = "长" * draw(st.integers(9_999, 10_001))
    return props


ids = st.one_of(st.integers(-(2**63), 2**64), st.integers(-2, 3), st.text(max_size=8),
                st.sampled_from(["1", "01", "a", ""]), st.floats(allow_nan=False), st.none(),
                st.booleans(), st.just([1]), st.just({"a": 1}))


@st.composite
def features(draw: st.DrawFn, geometries: st.SearchStrategy[Any], tame: bool) -> Any:
    if not tame and draw(st.integers(0, 29)) == 0:
        return draw(json_values)  # not a feature at all
    feat: dict[str, Any] = {"type": "Feature" if tame else draw(
        st.sampled_from(["Feature"] * 8 + ["feature", "Point"]))}
    if tame or draw(st.integers(0, 9)):
        feat["geometry"] = draw(geometries) if draw(st.integers(0, 9)) else None
    if tame or draw(st.integers(0, 9)):
        feat["properties"] = draw(properties())
    if draw(st.booleans()):
        feat["id"] = draw(ids)
    return feat


CRS_NAMES = st.one_of(
    st.sampled_from([4326, 4490, 4549, 4528, 3857, 2436, 32650, 4214, 4610, 4978, 5773, 99999,
                     0, -1]).map(lambda c: f"urn:ogc:def:crs:EPSG::{c}"),
    st.sampled_from([4326, 4490, 4549, 3857]).map(lambda c: f"EPSG:{c}"),
    st.sampled_from(["abc", "", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::abc",
                     "+proj=longlat", "EPSG:"]),
)
legacy_crs = st.one_of(
    CRS_NAMES.map(lambda n: {"type": "name", "properties": {"name": n}}),
    st.sampled_from([None, "EPSG:4326", {}, {"type": "name"}, {"type": "EPSG",
                     "properties": {"code": 4549}}, {"type": "link", "properties": {}}]),
)


@st.composite
def geojson_documents(draw: st.DrawFn) -> Any:
    tame = draw(st.integers(0, 4)) < 3
    frame = draw(frames)
    geometries = well_formed_geometries(frame) if tame else wild_geometries()
    top = draw(st.sampled_from(["collection"] * 5 + ["feature", "geometry"]
                               + ([] if tame else ["json"])))
    if top == "json":
        return draw(json_values)
    if top == "geometry":
        doc = draw(geometries)
    elif top == "feature":
        doc = draw(features(geometries, tame))
    else:
        doc = {"type": "FeatureCollection" if tame else draw(
            st.sampled_from(["FeatureCollection"] * 6 + ["featurecollection"]))}
        if tame:
            doc["features"] = draw(st.lists(features(geometries, tame), min_size=1, max_size=6))
        elif draw(st.integers(0, 19)):
            doc["features"] = draw(st.lists(features(geometries, tame), max_size=6)
                                   | st.sampled_from([None, {}, "x", [None]]))
    if isinstance(doc, dict):
        if frame == "projected" and draw(st.booleans()):
            doc["crs"] = {"type": "name", "properties": {"name": draw(st.sampled_from(
                ["urn:ogc:def:crs:EPSG::4549", "urn:ogc:def:crs:EPSG::4528",
                 "urn:ogc:def:crs:EPSG::2385"]))}}
        elif draw(st.integers(0, 3)) == 0:
            doc["crs"] = draw(legacy_crs)
        if draw(st.integers(0, 9)) == 0:
            doc[draw(st.sampled_from(["name", "bbox", "properties", "id", "extra"]))] = draw(
                json_values)
    return doc


def _replace_stand_ins(obj: Any, nan: Any, inf: Any) -> Any:
    if obj == NAN:
        return nan
    if obj == INF:
        return inf
    if isinstance(obj, list):
        return [_replace_stand_ins(v, nan, inf) for v in obj]
    if isinstance(obj, dict):
        return {k: _replace_stand_ins(v, nan, inf) for k, v in obj.items()}
    return obj


def encode_json(doc: Any, how: str) -> bytes:
    """``nan``: NaN/Infinity literals (json.dumps(allow_nan=True)); ``big``: 1e999 and -1e999
    number literals (parse as ±inf); ``strings``: "NaN"/"Infinity" strings."""
    if how == "nan":
        text = json.dumps(_replace_stand_ins(doc, math.nan, math.inf), allow_nan=True,
                          ensure_ascii=False)
    elif how == "big":
        text = json.dumps(_replace_stand_ins(doc, "\ue000nan\ue000", "\ue000inf\ue000"),
                          ensure_ascii=False)
        text = text.replace('"\ue000nan\ue000"', "-1e999").replace('"\ue000inf\ue000"', "1e999")
    else:
        text = json.dumps(_replace_stand_ins(doc, "NaN", "Infinity"), ensure_ascii=False)
    return text.encode()


@FUZZ
@given(doc=geojson_documents(), how=st.sampled_from(["nan", "big", "strings"]),
       ext=st.sampled_from([".geojson", ".json"]), bom=st.integers(0, 9),
       encoding=st.sampled_from(["utf-8"] * 8 + ["gbk", "latin-1"]))
def test_geojson_shaped_json(doc: Any, how: str, ext: str, bom: int, encoding: str) -> None:
    """GeoJSON-shaped documents; mostly UTF-8, sometimes GBK or Latin-1 (not GeoJSON's
    encoding, but what Chinese desktop tools often write)."""
    data = encode_json(doc, how).decode().encode(encoding, errors="replace")
    run("fuzz" + ext, (b"\xef\xbb\xbf" if bom == 0 else b"") + data)


# ----------------------------------------------------------------------------- 3. CSV-shaped

HEADERS = ("经度", "纬度", "經度", "緯度", "lon", "lat", "LON", "Lat", "lng", "longitude",
           "latitude", "x", "y", "X", "Y", "wkt", "WKT", "geometry", "geom", "几何", "name",
           "名称", "id", "ID", "style", "", " lon ", "lon", "x.1", "Unnamed: 0")
PAIRS = (("经度", "纬度"), ("lon", "lat"), ("x", "y"), ("Longitude", "Latitude"), ("wkt",),
         ("geometry",), ("WKT",))
GOOD_WKT = ("POINT (119.8 31.6)", "LINESTRING (119.8 31.6, 119.9 31.7)",
            "POLYGON ((119 31, 120 32, 120 31, 119 32, 119 31))",
            "POLYGON ((119.8 31.6, 119.9 31.6, 119.9 31.7, 119.8 31.6))",
            "MULTIPOINT ((119.8 31.6), (119.9 31.7))", "POINT Z (119.8 31.6 5)",
            "GEOMETRYCOLLECTION (POINT (119.8 31.6), LINESTRING (119.8 31.6, 119.9 31.7))")
WKT_CELLS = (*GOOD_WKT, "POINT(31.6 119.8)", "POINT (450000 3500000)", "POINT EMPTY",
             "POINT (nan nan)", "POINT (119.8", "LINESTRING (1 2)",
             "LINESTRING (119.8 31.6, 119.8 31.6)", "POLYGON ((0 0, 1 1, 0 0))",
             "MULTIPOINT ((1 2), EMPTY)", "GEOMETRYCOLLECTION EMPTY",
             "SRID=4326;POINT (119.8 31.6)", "CIRCULARSTRING (0 0, 1 1, 2 0)", "point(1 2)",
             "POINT (1e999 31)", "TRIANGLE ((0 0, 1 0, 0 1, 0 0))", "POINT M (119.8 31.6 1)")
cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    lianghu_lon.map(str), lianghu_lat.map(str), st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(WKT_CELLS), st.text(max_size=12),
    st.sampled_from(["", " ", "nan", "NaN", "inf", "-inf", "1,5", "119°48′", "N/A", '"',
                     "1e999", "0x1F", "１１９．８", "西太湖", "Café"]),
)


@st.composite
def coordinate_cell(draw: st.DrawFn, column: str) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(cells)
    if column in ("wkt", "geometry", "WKT"):
        return draw(st.sampled_from(GOOD_WKT))
    lon, lat = FRAMES[draw(frames)]
    value = draw(lat if column in ("纬度", "lat", "y", "Latitude") else lon)
    return draw(st.sampled_from([str(value), f"{value:.6f}", f" {value} "]))


@st.composite
def csv_texts(draw: st.DrawFn) -> tuple[str, str]:
    """(text, encoding): "tame" tables (a coordinate pair or WKT column, full rows, written by
    :mod:`csv`) or "wild" ones (any header, ragged rows, sometimes hand-joined)."""
    sep = draw(st.sampled_from([",", ",", ",", ";", "\t", "|", " "]))
    extra = draw(st.lists(st.sampled_from(HEADERS) | st.text(max_size=6), max_size=4))
    if draw(st.integers(0, 4)) < 3:  # tame
        pair = list(draw(st.sampled_from(PAIRS)))
        header = draw(st.permutations([*pair, *extra]))
        rows = [[draw(coordinate_cell(c)) if c in pair else draw(cells) for c in header]
                for _ in range(draw(st.integers(1, 6)))]
        hand_joined = False
    else:
        header = extra or [""]
        if draw(st.booleans()):
            header[:0] = list(draw(st.sampled_from(PAIRS)))
        rows = []
        for _ in range(draw(st.integers(0, 6))):
            width = len(header) if draw(st.integers(0, 3)) else draw(st.integers(0, 7))
            rows.append(draw(st.lists(cells, min_size=width, max_size=width)))
        hand_joined = draw(st.integers(0, 3)) == 0
    if hand_joined:  # unbalanced quotes, embedded separators …
        text = "\n".join(sep.join(r) for r in [header, *rows])
    else:
        buf = io.StringIO()
        quoting = draw(st.sampled_from([csvlib.QUOTE_MINIMAL, csvlib.QUOTE_MINIMAL,
                                        csvlib.QUOTE_ALL, csvlib.QUOTE_NONNUMERIC]))
        writer = csvlib.writer(buf, delimiter=sep, quoting=quoting,
                               lineterminator=draw(st.sampled_from(["\n", "\r\n"] * 2 + ["\r"])))
        writer.writerow(header)
        writer.writerows(rows)
        text = buf.getvalue()
    encoding = draw(st.sampled_from(["utf-8"] * 5 + ["utf-8-sig", "gbk", "gb18030", "latin-1",
                                                     "utf-16"]))
    return text, encoding


@FUZZ
@given(table=csv_texts())
def test_csv_shaped_text(table: tuple[str, str]) -> None:
    text, encoding = table
    run("fuzz.csv", text.encode(encoding, errors="replace"))


# ----------------------------------------------------------------------------- 4. archives

def zip_members(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``members`` with fixed timestamps (the same bytes on every run)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are part of the fuzz
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data,
                        compress_type=method)
    return buf.getvalue()


def unzip(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


@contextmanager
def fixed_dates() -> Iterator[None]:
    """GDAL writes today's date into GeoPackages; a fixed one keeps the seeds' bytes stable."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-01-01T00:00:00.000Z"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def shapefile_parts(gdf: gpd.GeoDataFrame, stem: str, **kw: Any) -> dict[str, bytes]:
    parts = dict(fx.shapefile_parts(gdf, stem, **kw))
    parts[".dbf"] = parts[".dbf"][:1] + bytes([124, 1, 1]) + parts[".dbf"][4:]  # DBF date
    return parts


SHP_SEED = shapefile_parts(fx.ref_points_gdf(), "seed")
SHP_GBK = shapefile_parts(fx.gbk_gdf(), "gbk", encoding="GBK", cpg=False, ldid_zero=True)
SHP_ZIP = zip_members([(f"inner{ext}", data) for ext, data in SHP_SEED.items()])
KML_BYTES = fx.KML_TEXT.encode()
NAME_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
member_names = st.one_of(
    st.sampled_from(["a.shp", "a.shx", "a.dbf", "a.prj", "a.cpg", "A.SHP", "dir/a.shp",
                     "dir/a.shx", "dir/a.dbf", "../x.shp", "../../etc/x.shp", "/abs/a.shp",
                     "C:\\a.shp", "C:a.shp", "inner.zip", "inner.kmz", "x.tar.gz",
                     "__MACOSX/._a.shp", "._a.shp", "dir/", "doc.kml", "files/doc.kml",
                     "a.kml", "readme.txt", ".shp", "a..shp", "a.shp/", "a b.shp", "图层.shp",
                     "图层.shx", "图层.dbf"]),
    st.text(NAME_CHARS, max_size=10).map(lambda s: s + ".shp"),
    st.text(NAME_CHARS, min_size=1, max_size=10),
)
member_data = st.one_of(
    st.binary(max_size=200), st.sampled_from([*SHP_SEED.values(), *SHP_GBK.values()]),
    st.sampled_from([b"", KML_BYTES, b"PK\x03\x04", b"UTF-8", b"GBK", b"\xff\xfe",
                     b"nonsense-codepage", b"<kml/>"]),
)
harmless_names = st.sampled_from(["readme.txt", "files/icon.png", "seed.qpj", "seed.sbn",
                                  "__MACOSX/._seed.shp", "dir/", "seed.shp.xml"])


@st.composite
def archives(draw: st.DrawFn) -> tuple[str, bytes]:
    """(name, bytes): "tame" archives (a real Shapefile or doc.kml, a part replaced, dropped or
    added) or "wild" ones (random members, unsafe names, nested archives)."""
    ext = draw(st.sampled_from([".zip", ".zip", ".kmz"]))
    if draw(st.integers(0, 4)) < 3:  # tame
        stem = draw(st.sampled_from(["seed", "图层", "dir/seed"]))
        if ext == ".kmz":
            members = [("doc.kml", KML_BYTES)]
        else:
            parts = draw(st.sampled_from([SHP_SEED, SHP_GBK]))
            members = [(f"{stem}{e}", d) for e, d in parts.items()]
        extra_names = harmless_names | member_names | st.sampled_from(
            [f"{stem}.cpg", f"{stem}.prj", f"{stem}.CPG"])
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, len(members) - 1))
            op = draw(st.sampled_from(["replace", "drop", "add"]))
            if op == "replace":
                members[i] = (members[i][0], draw(member_data))
            elif op == "drop" and len(members) > 1:
                del members[i]
            else:
                members.append((draw(extra_names), draw(member_data)))
    else:
        members = draw(st.lists(st.tuples(member_names, member_data), max_size=6))
        if draw(st.booleans()):
            members += [(f"seed{e}", d) for e, d in SHP_SEED.items()]
        if draw(st.integers(0, 5)) == 0:  # a nested zip holding a real Shapefile
            members.append(("nested.zip", SHP_ZIP))
    method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_DEFLATED,
                                   zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]))
    data = zip_members(members, method)
    if draw(st.integers(0, 5)) == 0:  # corrupt or truncate the archive itself
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8)) + data[cut + 8:]
    return "fuzz" + ext, data


@settings(FUZZ, max_examples=200)
@given(upload=archives())
def test_zip_archives(upload: tuple[str, bytes]) -> None:
    run(*upload)


# ----------------------------------------------------------------------------- 5. mutated files

with fixed_dates():
    GPKG_SEEDS = (fx.gpkg_one(), fx.gpkg_two())
SEEDS: tuple[tuple[str, bytes], ...] = (
    fx.geojson_ref(), *GPKG_SEEDS,
    ("parks.zip", zip_members([(f"parks{e}", d) for e, d in SHP_SEED.items()])),
    ("gbk.zip", zip_members([(f"gbk{e}", d) for e, d in SHP_GBK.items()])),
    fx.kml_handwritten(), fx.kml_pyogrio(), ("places.kmz", zip_members([("doc.kml", KML_BYTES)])),
    fx.csv_points("经度", "纬度"), fx.csv_points("lon", "lat", encoding="gbk"), fx.csv_wkt("wkt"),
)


@st.composite
def mutate(draw: st.DrawFn, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["flip", "flip", "set", "cut", "insert", "truncate"]))
        i = draw(st.integers(0, max(len(buf) - 1, 0)))
        if op == "flip" and buf:
            buf[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and buf:
            buf[i] = draw(st.sampled_from([0, 0xFF, 0x7F, ord("9"), ord('"'), ord(","), ord("-")]))
        elif op == "cut":
            del buf[i:i + draw(st.integers(1, 64))]
        elif op == "insert":
            buf[i:i] = draw(st.binary(min_size=1, max_size=16))
        else:
            del buf[i:]
    return bytes(buf)


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real upload with a few bytes flipped, set, cut, inserted or truncated; archives
    mostly have one *member* mutated and are zipped again (else the CRC check stops all)."""
    name, data = draw(st.sampled_from(SEEDS))
    if name.endswith((".zip", ".kmz")) and draw(st.integers(0, 3)):
        members = unzip(data)
        i = draw(st.integers(0, len(members) - 1))
        members[i] = (members[i][0], draw(mutate(members[i][1])))
        return name, zip_members(members)
    return name, draw(mutate(data))


@settings(FUZZ, max_examples=200)
@given(upload=mutated_files())
def test_mutated_real_files(upload: tuple[str, bytes]) -> None:
    run(*upload)


# ----------------------------------------------------------------------------- found by fuzzing
# Minimal inputs the properties above shrank to, kept as plain cases so each one fails (and is
# fixed) on its own.


def seed_zip(base: dict[str, bytes] = SHP_SEED, **replace: bytes) -> bytes:
    """A Shapefile zipped, with parts replaced (``prj=b"…"``)."""
    parts = {**base, **{f".{ext}": data for ext, data in replace.items()}}
    return zip_members([(f"p{ext}", data) for ext, data in parts.items()])


POINT = b'{"type": "Point", "coordinates": [119.8, 31.6]}'
FOUND_BY_FUZZING: dict[str, tuple[str, bytes]] = {
    # GDAL turns the negative id into a FID; pyogrio's fid_as_index then fails in pandas
    "geojson-negative-id": (
        "a.geojson", b'{"type": "Feature", "id": -1, "properties": {}, "geometry": ' + POINT
        + b"}"),
    # duplicate integer ids and an "id" property: _restore_duplicate_ids inserts a second "id"
    "geojson-duplicate-ids-and-id-property": (
        "a.geojson", b'{"type": "FeatureCollection", "features": ['
        b'{"type": "Feature", "id": 1, "properties": {"id": "a"}, "geometry": ' + POINT + b"}, "
        b'{"type": "Feature", "id": 1, "properties": {"id": "b"}, "geometry": ' + POINT + b"}]}"),
    # _looks_geojson: a list "type" is unhashable
    "geojson-type-not-a-string": ("a.json", b'{"type": ["Point"], "coordinates": []}'),
    # GBK text in a .geojson: pyarrow fails on the invalid UTF-8 in _check_sizes …
    "geojson-gbk-text": (
        "a.geojson", '{"type": "Feature", "properties": {"name": "西太湖"}, "geometry": '
        '{"type": "Point", "coordinates": [119.8, 31.6]}}'.encode("gbk")),
    # … and a GBK attribute *name*: UnicodeDecodeError in pyogrio's get_fields
    "geojson-gbk-name": (
        "a.geojson", '{"type": "Feature", "properties": {"名称": "a"}, "geometry": '
        '{"type": "Point", "coordinates": [119.8, 31.6]}}'.encode("gbk")),
    # every geometry unrepairable: accepted as an empty layer
    "geojson-only-degenerate-line": (
        "a.geojson", b'{"type": "LineString", "coordinates": [[119.8, 31.6], [119.8, 31.6]]}'),
    "csv-only-nan-point": ("a.csv", b"wkt,b\nPOINT (nan nan),1\n"),
    # a short row leaves NaN in the WKT column: 'float' object has no attribute 'strip'
    "csv-wkt-short-row": ("a.csv", b"name,wkt\na\n"),
    # shapely raises NotImplementedError (not GEOSException) for curves
    "csv-wkt-curve": ("a.csv", b'wkt,b\n"CIRCULARSTRING (0 0, 1 1, 2 0)",1\n'),
    # more cells than header names: pandas makes the first cell the index; int64 cast fails
    "csv-row-longer-than-header": ("a.csv", b"lon,lat\nA,119.8,31.6\n"),
    "csv-row-two-longer-than-header": ("a.csv", b"lon,lat\nA,B,119.8,31.6\n"),
    # the archive's first byte lost: zipfile opens it but reading a member raises ValueError
    "zip-first-byte-lost": ("a.zip", seed_zip()[1:]),
    # a non-UTF-8 byte in the .prj: pyogrio's get_crs raises UnboundLocalError
    "shapefile-prj-not-utf8": ("a.zip", seed_zip(prj=b"GEOGCS[\x80" + SHP_SEED[".prj"][7:])),
    # a .cpg that says UTF-8 over a GBK DBF: GDAL hands the bytes on, pyarrow fails later
    "shapefile-cpg-utf8-over-gbk-dbf": ("a.zip", seed_zip(SHP_GBK, cpg=b"UTF-8")),
    # a KML named .shp next to a GBK DBF without .cpg: the guessed encoding goes to GDAL's KML
    # driver with use_arrow=True; pyogrio: "non-UTF-8 encoding is not supported for Arrow"
    "shapefile-shp-is-kml-gbk-dbf": ("a.zip", seed_zip(SHP_GBK, shp=KML_BYTES)),
}


@pytest.mark.parametrize("case", FOUND_BY_FUZZING)
def test_found_by_fuzzing(case: str) -> None:
    run(*FOUND_BY_FUZZING[case])


# ----------------------------------------------------------------------------- the oracle itself


def test_seeds_are_accepted() -> None:
    """The unmutated seeds pass (the two-layer GeoPackage asks for a layer): the contract's
    "good layer" branch is exercised."""
    for name, data in SEEDS:
        res = run(name, data)
        assert res.ok or res.codes() == {"choose_layer"}, (name, res.findings)


def test_contract_flags_a_masked_python_exception() -> None:
    def broken(*_args: Any) -> Any:
        return {}["no-such-key"]

    with mock.patch.dict(ingest_module.READERS, {"csv": broken}), spying_on_details() as seen:
        res = ingest_file("x.csv", b"lon,lat\n1,2\n")
    assert "unreadable" in res.codes()
    with pytest.raises(AssertionError, match="KeyError"):
        assert_contract(res, "x.csv", b"", seen)
    [finding] = [f for f in res.findings if f.code == "unreadable"]
    assert looks_like_python_error(finding.params["detail"])  # "'no-such-key'"
