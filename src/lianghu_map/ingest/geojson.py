"""GeoJSON (RFC 7946, and the legacy shapes GIS tools still write)."""

from __future__ import annotations

import io
import json
import re
import sys
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from ..errors import Localised, Severity
from ..ingest_guard import (
    geojson_vertices,
    looks_like,
)
from .base import (
    IngestOptions,
    IngestResult,
    Read,
    Refused,
    Report,
    read_gdal,
    strip_bom,
    unreadable,
)


def read_geojson(data: bytes, options: IngestOptions, rep: Report, _res: IngestResult) -> Read:
    data = strip_bom(data, rep)
    if not data.strip():
        raise rep.refuse("empty_file")
    if not looks_like("geojson", data):
        raise rep.refuse("format_mismatch", format="GeoJSON")
    vertices = geojson_vertices(data)  # (from the bytes: a heavy file is not parsed at all)
    if vertices > options.max_vertices:
        raise rep.refuse("too_many_vertices", count=vertices, limit=options.max_vertices)
    data = _as_utf8(data, rep)
    head, tail = data[:65536], data[-65536:]
    if re.search(rb'"type"\s*:\s*"Topology"', head) or re.search(rb'"type"\s*:\s*"Topology"',
                                                                  tail):
        raise rep.refuse("topojson")
    try:
        gdf, warns = read_gdal(io.BytesIO(data), check_text=False, fid_as_index=True)
    except pyogrio.errors.DataSourceError as exc:
        raise _diagnose_json(data, rep, exc) from None
    except ValueError:  # FIDs pandas cannot index (e.g. negative ids): read them from the JSON
        gdf, _ = read_gdal(io.BytesIO(data), check_text=False)
        warns = ["Several features with id"]
    if any("Several features with id" in w for w in warns):
        gdf = _restore_duplicate_ids(gdf, data)
    elif "id" not in gdf.columns and not gdf.index.equals(pd.RangeIndex(len(gdf))):
        gdf.insert(0, "id", gdf.index.to_numpy())  # integer GeoJSON ids became GDAL FIDs
    gdf = gdf.reset_index(drop=True)
    # RFC 7946 GeoJSON is lon/lat by definition and GDAL reports EPSG:4326 for it; only a legacy
    # "crs" member declares anything else.  Lon/lat is still checked for plausibility.
    return gdf, gdf.crs is not None and gdf.crs.to_epsg() != 4326, ()


def _as_utf8(data: bytes, rep: Report) -> bytes:
    """GeoJSON is UTF-8 (RFC 7946).  Chinese tools sometimes write GBK: recode it, and say so;
    refuse bytes that are neither, naming the first bad byte."""
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError as err:
        first_bad = err.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise rep.refuse("not_utf8", offset=first_bad) from None
    rep.add("encoding_guessed", Severity.INFO, name=rep.file, encoding="GB18030")
    rep.conversions.append("GeoJSON text GB18030 → UTF-8 (judged from content)")
    return text.encode("utf-8")


def _restore_duplicate_ids(gdf: gpd.GeoDataFrame, data: bytes) -> gpd.GeoDataFrame:
    """GDAL renumbers duplicate integer ids; recover the file's own ids (slow path, rare)."""
    doc = json.loads(data)
    feats = doc.get("features", []) if isinstance(doc, dict) else []
    if len(feats) == len(gdf):
        ids = [f.get("id") if isinstance(f, dict) else None for f in feats]
        if "id" in gdf.columns:
            gdf["id"] = ids
        else:
            gdf.insert(0, "id", ids)
    return gdf


def _diagnose_json(data: bytes, rep: Report, exc: Exception) -> Refused:
    """GDAL refused a .geojson/.json: say what the file is instead."""
    try:
        doc = json.loads(data.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as err:
        return rep.refuse("not_json", line=err.lineno, column=err.colno, detail=err.msg)
    except RecursionError:  # Python's parser gives up on deep nesting (GDAL refused it first)
        return rep.refuse("json_too_deep", limit=sys.getrecursionlimit())
    if isinstance(doc, dict) and doc.get("type") == "Topology":  # (non-str types compare False)
        return rep.refuse("topojson")
    return rep.refuse("not_geojson", what=_describe_json(doc)) if not _looks_geojson(doc) \
        else unreadable(rep, exc, "geojson")


def _looks_geojson(doc: Any) -> bool:
    types = {"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString",
             "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
    return isinstance(doc, dict) and isinstance(doc.get("type"), str) and doc["type"] in types


def _describe_json(doc: Any) -> Localised:
    """What the JSON is, in words (never a Python type name), for the ``not_geojson`` message."""
    if isinstance(doc, list):
        n = len(doc)
        return Localised(f"含 {n} 项的 JSON 数组",
                         f"a JSON array of {n} {'item' if n == 1 else 'items'}")
    if isinstance(doc, dict):
        names = list(map(str, doc))[:6]
        zh_keys, en_keys = "、".join(names) or "无", ", ".join(names) or "none"
        if "type" in doc:
            kind = str(doc["type"])[:40]
            return Localised(f"\"type\" 为“{kind}”的对象（键：{zh_keys}）",
                             f"an object of type \"{kind}\" (keys: {en_keys})")
        return Localised(f"没有 \"type\" 的对象（键：{zh_keys}）",
                         f"an object without \"type\" (keys: {en_keys})")
    zh, en = _JSON_VALUE_WORDS.get(type(doc), ("值", "value"))
    return Localised(f"单个 JSON {zh}", f"a single JSON {en}")


# a JSON value other than an array or an object, in words (bool before int: True is an int)
_JSON_VALUE_WORDS: dict[type, tuple[str, str]] = {
    type(None): ("空值（null）", "null value"), bool: ("布尔值（true/false）", "true/false value"),
    str: ("文本", "text value"), int: ("数字", "number"), float: ("数字", "number"),
}
