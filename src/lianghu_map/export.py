"""Layers as downloadable files: GeoJSON (RFC 7946), GeoPackage, CSV (WKT geometry).

Exports carry full coordinate precision and every attribute.  CSV is UTF-8 with a BOM so Excel
opens Chinese text correctly; its ``wkt`` column reads back through the CSV uploader.

Every CSV the app writes goes through :func:`csv_bytes`, which neutralises spreadsheet formulas
the way OWASP recommends ("CSV injection"): a text cell (or header) that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``, so Excel and WPS show it as text
instead of running it.  A cell that is a plain number (``-12.5``) is left alone: a spreadsheet
reads it as a number, never as a formula.  GeoJSON and GeoPackage downloads stay exact.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

__all__ = [
    "EXPORT_FORMATS",
    "INTERNAL_COLUMNS",
    "audit_export",
    "audit_table",
    "csv_bytes",
    "export_layer",
    "export_name",
    "mime_type",
]

EXPORT_FORMATS = ("geojson", "gpkg", "csv")
INTERNAL_COLUMNS = ("source_index", "source_id")  # added by ingest; not the analyst's data
_MIME = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
         "csv": "text/csv"}
_EXT = {"geojson": ".geojson", "gpkg": ".gpkg", "csv": ".csv"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise_formula(value: Any) -> Any:
    """``value`` with a leading ``'`` if a spreadsheet would take it for a formula."""
    if (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV for spreadsheets: UTF-8 with a BOM, formulas neutralised in every text
    cell and header (see the module docstring)."""
    out = frame.copy()
    for i, dtype in enumerate(out.dtypes):  # by position: two headers may read the same
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out.isetitem(i, out.iloc[:, i].map(neutralise_formula))
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    # CRLF (RFC 4180): a cell holding a lone "\r" is then quoted too; with "\n" it would not
    # be, and a spreadsheet would start a new row (and a formula) in the middle of the cell
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def mime_type(fmt: str) -> str:
    return _MIME[fmt]


def export_name(layer_id: str, fmt: str, version: int | None = None) -> str:
    suffix = f"-v{version}" if version else ""
    return f"lianghu-{layer_id}{suffix}{_EXT[fmt]}"


def _public(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.drop(columns=[c for c in INTERNAL_COLUMNS if c in gdf.columns])
    out = out.reset_index(drop=True)
    return out.to_crs(4326) if out.crs is not None and out.crs.to_epsg() != 4326 else out


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def export_layer(gdf: gpd.GeoDataFrame, fmt: str, layer_name: str = "features") -> bytes:
    """The layer as ``fmt`` bytes (``geojson`` | ``gpkg`` | ``csv``)."""
    data = _public(gdf)
    if fmt == "geojson":
        doc = data.to_geo_dict(na="null", show_bbox=False, drop_id=True)
        return json.dumps(doc, ensure_ascii=False, default=_json_default).encode("utf-8")
    if fmt == "gpkg":
        buf = io.BytesIO()
        # A user column called "fid" stays an attribute: the GeoPackage key gets its own name.
        pyogrio.write_dataframe(data, buf, driver="GPKG", layer=layer_name,
                                layer_options={"FID": "gpkg_fid"}, geometry_type="Unknown")
        return buf.getvalue()
    if fmt == "csv":
        frame = pd.DataFrame(data.drop(columns=data.geometry.name))
        frame.insert(0, "wkt", data.geometry.to_wkt(rounding_precision=-1))  # full precision
        return csv_bytes(frame)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")


def audit_table(entries) -> pd.DataFrame:
    """Audit entries (``lianghu_map.store.AuditEntry``) as a table, newest first."""
    from dataclasses import asdict

    rows = [asdict(e) for e in reversed(list(entries))]
    columns = ["at", "user", "action", "layer_id", "title", "version", "sha256",
               "original_name", "feature_count", "links"]
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def audit_export(entries, fmt: str) -> bytes:
    """The audit log as ``csv`` (UTF-8 with BOM) or ``jsonl`` (one entry per line)."""
    from dataclasses import asdict

    if fmt == "jsonl":
        return "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n"
                       for e in entries).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(audit_table(entries))
    raise ValueError(f"unknown audit export format {fmt!r}")
