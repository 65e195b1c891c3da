"""GeoJSON text sequences (RFC 8142, ``\\x1e``-delimited; newline-delimited ``.geojsonl``,
``.ndjson``, ``.geojsonseq``, as ``ogr2ogr -f GeoJSONSeq`` writes them) and FlatGeobuf.

A sequence is split into records here, each parsed on its own: a record that is not a GeoJSON
Feature is left out and named (line, reason); the rest are read by GDAL as one collection, so
attributes and ids come out as for a GeoJSON file.  The file's size, record count and vertex count
are bounded before any record is parsed.  FlatGeobuf: its header's feature count is checked
before a feature is read.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import numpy as np
import pyogrio

from ..ingest_guard import geojson_vertices
from .base import IngestOptions, IngestResult, Read, Report, read_gdal, strip_bom, unreadable

FGB_MAGIC = b"fgb\x03"
_GEOMETRIES = frozenset({"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                         "MultiPolygon", "GeometryCollection"})


def read_geojsonseq(data: bytes, options: IngestOptions, rep: Report, res: IngestResult) -> Read:
    data = strip_bom(data, rep)
    if not data.strip():
        raise rep.refuse("empty_file")
    # (RS-delimited records may span lines: then only RS characters count)
    records = data.count(b"\x1e") if b"\x1e" in data else data.count(b"\n")
    if records > options.max_features + 1:
        raise rep.refuse("too_many_features", count=records, limit=options.max_features)
    vertices = geojson_vertices(data)
    if vertices > options.max_vertices:
        raise rep.refuse("too_many_vertices", count=vertices, limit=options.max_vertices)
    text = data.decode("utf-8", errors="replace")
    features, kept, index = [], [], 0
    for lineno, record in _records(text):
        reason = None
        try:
            doc = json.loads(record)
        except json.JSONDecodeError as err:
            reason = f"not JSON: {err.msg}, column {err.colno}"
        except RecursionError:
            reason = "nested too deeply"
        else:
            reason = _not_a_feature(doc)
        if reason is None:
            features.append(doc)
            kept.append(index)
        else:
            rep.drop("seq_bad_line", index=index, line=lineno, detail=reason)
        index += 1
    res.total = index
    if not features:
        raise rep.refuse("seq_no_features")
    collection = json.dumps({"type": "FeatureCollection", "features": features},
                            ensure_ascii=False).encode()
    try:
        gdf, _ = read_gdal(io.BytesIO(collection), check_text=False)
    except pyogrio.errors.DataSourceError as exc:
        raise unreadable(rep, exc, "geojsonseq") from None
    if len(gdf) != len(kept):  # (GDAL reads every feature it is given)
        raise rep.refuse("seq_no_features")
    gdf.index = np.asarray(kept, dtype="int64")  # each feature's record number in the file
    return gdf, False, ()


def _records(text: str) -> Iterator[tuple[int, str]]:
    """(line number, record text) for every non-blank record: RS-delimited when the text holds
    an RS character, else one record per line."""
    if "\x1e" not in text:
        for lineno, part in enumerate(text.split("\n"), start=1):
            if part.strip():
                yield lineno, part
        return
    line = 1
    for part in text.split("\x1e"):
        body = part.lstrip()
        if body.strip():
            yield line + part[: len(part) - len(body)].count("\n"), part
        line += part.count("\n")


def _not_a_feature(doc: object) -> str | None:
    """Why a record is not a GeoJSON Feature (None: it is one)."""
    if not isinstance(doc, dict):
        return f"a JSON {type(doc).__name__}, not an object"
    kind = doc.get("type")
    if kind != "Feature":
        if isinstance(kind, str) and kind in _GEOMETRIES:
            return f"a bare {kind} geometry, not a Feature"
        return f"\"type\" is {json.dumps(kind, ensure_ascii=False)[:40]}, not \"Feature\""
    geom = doc.get("geometry", False)
    if geom is False:
        return "no \"geometry\" member"
    if geom is not None and not (isinstance(geom, dict) and geom.get("type") in _GEOMETRIES):
        return "its \"geometry\" is not a GeoJSON geometry"
    props = doc.get("properties")
    if props is not None and not isinstance(props, dict):
        return "its \"properties\" is not an object"
    return None


def read_flatgeobuf(data: bytes, options: IngestOptions, rep: Report, _res: IngestResult) -> Read:
    if not data.startswith(FGB_MAGIC):
        raise rep.refuse("format_mismatch", format="FlatGeobuf")
    try:
        info = pyogrio.read_info(io.BytesIO(data))
        count = int(info.get("features") or 0)
        if count > options.max_features:
            raise rep.refuse("too_many_features", count=count, limit=options.max_features)
        gdf, _ = read_gdal(io.BytesIO(data))
    except pyogrio.errors.DataSourceError as exc:
        raise unreadable(rep, exc, "flatgeobuf") from None
    return gdf, gdf.crs is not None, ()
