"""GeoJSON (RFC 7946, and the legacy shapes GIS tools still write)."""

from __future__ import annotations

import io
import json
import re
import sys
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

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
from .geojson_lint import TOP_TYPES, Lint, lint


def read_geojson(data: bytes, options: IngestOptions, rep: Report, _res: IngestResult) -> Read:
    data = strip_bom(data, rep)
    if not data.strip():
        raise rep.refuse("empty_file")
    if not looks_like("geojson", data):
        raise rep.refuse("format_mismatch", format="GeoJSON")
    # from the bytes: a heavy file is not parsed at all; counted exactly only when the
    # brackets (at least one per position, 0.4 s for 800 MB) could be too many
    vertices = 0 if data.count(b"[") <= options.max_vertices else geojson_vertices(data)
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
    checked = _lint(data, gdf, warns)
    if checked is not None:
        gdf = _apply_lint(gdf, checked, rep, _res)
        crs_member = "crs" if checked.has_crs else (
            "coordRefSys" if checked.has_coord_ref_sys else None)
        _note_winding(gdf, rep)  # (a conformance note: with the structural check only)
    else:
        crs_member = _crs_member(data)
    # RFC 7946 GeoJSON is lon/lat by definition and GDAL reports EPSG:4326 for it; only a legacy
    # "crs" member (or JSON-FG's "coordRefSys") declares anything else.  GDAL also reports
    # EPSG:4979 for 3-D positions (without such a member, or with CRS84): plain lon/lat.
    _res.crs_member = crs_member
    if gdf.crs is not None and (crs_member is None or gdf.crs.to_epsg() == 4979):
        gdf = gdf.set_crs(4326, allow_override=True)
    return gdf, crs_member is not None and gdf.crs is not None, ()


LINT_BYTES = 2 * 2**20  # files up to this size are always checked structurally (json + lint)
_CRS_MEMBER = re.compile(rb'"(crs|coordRefSys)"\s*:\s*[{"]')


def _lint(data: bytes, gdf: gpd.GeoDataFrame, warns: list[str]) -> Lint | None:
    """The structural check (:mod:`.geojson_lint`) — always for small files; for big ones only
    when GDAL's read shows something off (a null geometry, a warning, a feature it skipped), so
    a big valid file is never parsed in Python."""
    nulls = int(gdf.geometry.isna().sum())
    suspicious = (len(data) <= LINT_BYTES or bool(warns)
                  or (nulls > 0 and nulls != _explicit_nulls(data))
                  or data.count(b'"properties"') - _crs_properties(data) != len(gdf))
    if not suspicious:
        return None
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return None
    kind = doc.get("type") if isinstance(doc, dict) else None  # (Esri JSON: GDAL's own driver)
    return lint(doc) if isinstance(kind, str) and kind.lower() in _TYPES_LOWER else None


_TYPES_LOWER = {t.lower() for t in TOP_TYPES}


_NOTE_SEVERITY = {"foreign_member": Severity.WARNING, "position_too_long": Severity.WARNING,
                  "coordinates_outside_geometry": Severity.WARNING}


def _apply_lint(gdf: gpd.GeoDataFrame, checked: Lint, rep: Report,
                res: IngestResult) -> gpd.GeoDataFrame:
    """Findings for what the check names; the features it leaves out are taken out here (each
    with its reason), and rows get their positions in the file as index."""
    mapped = len(checked.gdal_rows) == len(gdf)
    if mapped:
        gdf.index = pd.Index(checked.gdal_rows)
        res.total = len(checked.features)
    for issue in checked.issues:
        if issue.drop and mapped:
            rep.drop(issue.code, issue.index, feature_id=issue.feature_id, **issue.params)
        elif not issue.drop:
            rep.add(issue.code, _NOTE_SEVERITY.get(issue.code, Severity.INFO), index=issue.index,
                    feature_id=issue.feature_id, **issue.params)
    gone = [i for i in checked.dropped() if i in gdf.index] if mapped else []
    return gdf.drop(index=gone) if gone else gdf


def _explicit_nulls(data: bytes) -> int:
    """``"geometry": null`` members, counted at C speed (GDAL's nulls, when all are these)."""
    return sum(data.count(b'"geometry"' + gap + b"null") for gap in (b": ", b":", b" : "))


_CRS_PROPERTIES = re.compile(rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:')


def _crs_properties(data: bytes) -> int:
    """1 if a legacy ``crs`` member (first or last, as QGIS and GDAL write it: ``{"type":
    "name", "properties": {…}}``) holds a ``"properties"`` key — not a feature's, so not to be
    counted against GDAL's features — else 0."""
    return int(any(_CRS_PROPERTIES.search(part) for part in (data[:65536], data[-65536:])))


def _crs_member(data: bytes) -> str | None:
    """A top-level ``crs`` / ``coordRefSys`` member, judged from the bytes (big files: those
    members come first or last)."""
    for part in (data[:65536], data[-65536:]):
        m = _CRS_MEMBER.search(part)
        if m:
            return m.group(1).decode()
    return None


def _note_winding(gdf: gpd.GeoDataFrame, rep: Report) -> None:
    """RFC 7946 wants exterior rings counter-clockwise; many tools (and GeoJSON 2008) do not:
    a note, nothing changed."""
    geoms = gdf.geometry.to_numpy()
    polys = geoms[np.isin(shapely.get_type_id(geoms), (3, 6))]
    if len(polys) == 0:
        return
    rings = shapely.get_exterior_ring(shapely.get_parts(polys))
    rings = rings[~shapely.is_empty(rings)]
    clockwise = int((~shapely.is_ccw(rings)).sum())
    if clockwise:
        rep.add("winding_clockwise", Severity.INFO, count=clockwise, total=len(rings))


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
