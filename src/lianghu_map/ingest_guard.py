"""Checks made on an upload's bytes *before* any reader parses them (issue 19).

Each check returns ``None`` (go on) or a :class:`Stop` — a finding code and its parameters —
that ingest turns into an ERROR finding.  They are cheap (regular expressions and byte counts
in C, one SQLite schema query), so they bound what a reader is ever handed:

* **remote references** — nothing in a file may make the server fetch anything: GDAL's
  ``/vsicurl/``-style paths anywhere, a GeoJSON ``crs`` of type ``link`` (or naming a URL), a KML
  ``NetworkLink``, XML document type declarations and entities (external entities, entity
  bombs);  remote KML ``href``/``styleUrl`` values are *reported* (:func:`kml_remote_hrefs`) and
  never followed — GDAL's KML reader does not fetch them and ingest runs with the network off
  (:data:`NO_NETWORK`);
* **content matches the extension** — a VRT (which can point anywhere) named ``.geojson``,
  ``.gpkg`` or ``.shp`` is refused before GDAL, which opens by content, sees it;
* **GeoPackage** — a layer that is a view or a virtual table is refused (a recursive view never
  ends), and the feature count comes from ``count(*)`` on the table before a row is read;
* **GeoJSON** — the vertex count, from the bytes (2,000,000 vertices: refused before GDAL
  parses 45 MB);
* **CSV** — the header's column count and the longest line are bounded before any CSV parser
  runs (a 9 MB header of 1,000,000 columns took pandas 600 s).
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["NO_NETWORK", "Stop", "check_csv", "check_gpkg", "check_remote", "geojson_vertices",
           "kml_remote_hrefs", "looks_like"]

# GDAL configuration for every read in ingest: any HTTP(S)/FTP request GDAL would make goes to a
# proxy on an address reserved for discarding (RFC 6666) and fails at once; /vsicurl/ accepts no
# file extension.  (The pre-read checks refuse the references first; this is the second wall.)
NO_NETWORK: dict[str, str] = {
    "GDAL_HTTP_PROXY": "[100::1]:9",
    "GDAL_HTTPS_PROXY": "[100::1]:9",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".lianghu-no-network",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_USE_HEAD": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
}

_VSI_REMOTE = re.compile(rb"/vsi(?:curl|s3|gs|az|adls|oss|swift|webhdfs|hdfs)(?:_streaming)?/"
                         rb"[^\s<>\"']{0,120}", re.IGNORECASE)
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_NETWORK_LINK = re.compile(rb"<(?:\w+:)?NetworkLink\b", re.IGNORECASE)
_REMOTE_HREF = re.compile(
    rb"<(?:\w+:)?(?:href|styleUrl)\s*>\s*((?:https?|ftp|file)://[^<\s]{0,200})"
    rb"|\b(?:xlink:)?href\s*=\s*[\"']((?:https?|ftp|file)://[^\"'\s]{0,200})", re.IGNORECASE)
_VRT = re.compile(rb"<\s*(?:OGRVRTDataSource|VRTDataset|GDALWMS|WFS_GetCapabilities)\b",
                  re.IGNORECASE)
# a GeoJSON "crs" member (one level of nesting: {"type": …, "properties": {…}})
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*(\{(?:[^{}]|\{[^{}]*\})*\})')
_URL = re.compile(rb"(?:https?|ftp|file)://[^\"\s]{0,200}|\"type\"\s*:\s*\"link\"|\"href\"",
                  re.IGNORECASE)
_OGC_CRS_URL = re.compile(rb"^https?://www\.opengis\.net/def/crs/", re.IGNORECASE)
SQLITE_MAGIC = b"SQLite format 3\x00"
SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian


@dataclass(frozen=True)
class Stop:
    """Why a file cannot be read: a finding code and its message parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


def _text(found: bytes) -> str:
    return " ".join(found.decode("utf-8", errors="replace").split())[:200]


def check_remote(fmt: str, data: bytes) -> Stop | None:
    """Refuse any reference that would make the server fetch something."""
    m = _VSI_REMOTE.search(data)
    if m:
        return Stop("remote_reference", {"ref": _text(m.group(0))})
    if fmt in ("kml", "kmz", "gpkg", "geojson", "shapefile") and _VRT.search(data[:65536]):
        return Stop("format_mismatch", {"format": fmt})
    if fmt in ("kml", "kmz"):
        if _DTD.search(data):
            return Stop("xml_doctype")
        m = _NETWORK_LINK.search(data)
        if m:
            return Stop("remote_reference", {"ref": "NetworkLink"})
    if fmt == "geojson":
        for m in _CRS_MEMBER.finditer(data):
            for u in _URL.finditer(m.group(1)):
                if not _OGC_CRS_URL.match(u.group(0)):
                    return Stop("remote_reference", {"ref": "crs: " + _text(m.group(1))})
    return None


def kml_remote_hrefs(data: bytes) -> list[str]:
    """The remote URLs a KML names in ``href``/``styleUrl`` (icons, overlays, styles): never
    fetched, reported so the analyst knows they were left out."""
    return [_text(m.group(1) or m.group(2)) for m in _REMOTE_HREF.finditer(data)]


_COORDINATES = re.compile(rb'"coordinates"\s*:\s*(\[[\[\]\d\s,.eE+\-]*)')
_POSITION = re.compile(rb"\[\s*[-+\d.]")


def geojson_vertices(data: bytes) -> int:
    """The number of positions in a GeoJSON's ``coordinates`` arrays, counted on the bytes
    (C-speed regular expressions, before GDAL parses anything): each position is a ``[``
    followed by a number; property values are not counted."""
    return sum(len(_POSITION.findall(m.group(1))) for m in _COORDINATES.finditer(data))


def looks_like(fmt: str, data: bytes) -> bool:
    """Whether the bytes start the way ``fmt`` does (GDAL opens by content, not extension)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if fmt == "gpkg":
        return data.startswith(SQLITE_MAGIC)
    if fmt == "shapefile":
        return data.startswith(SHAPEFILE_MAGIC)
    if fmt == "kml":
        return head.startswith(b"<")
    if fmt == "geojson":  # not XML (a GML or VRT named .json is opened as such by GDAL)
        return not head.startswith(b"<")
    return True


def check_gpkg(data: bytes, layer: str | None, max_features: int, seconds: float = 2.0
               ) -> Stop | None:
    """Refuse a GeoPackage whose layers include a view or a virtual table, or whose chosen layer
    holds more features than allowed — judged from the SQLite schema and ``count(*)`` on the
    table, before GDAL reads a row.  ``layer``: the layer to count (None: every layer)."""
    if not data.startswith(SQLITE_MAGIC):
        return Stop("format_mismatch", {"format": "GeoPackage"})
    con = sqlite3.connect(":memory:")
    deadline = time.monotonic() + seconds
    con.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        con.deserialize(data)
        con.execute("PRAGMA trusted_schema = OFF")
        names = {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_contents'")}
        if not names:
            return Stop("format_mismatch", {"format": "GeoPackage"})
        rows = con.execute(
            "SELECT c.table_name, m.type, m.sql FROM gpkg_contents c "
            "LEFT JOIN sqlite_master m ON m.name = c.table_name").fetchall()
        for name, kind, sql in rows:
            if kind == "view":
                return Stop("gpkg_view", {"layer": str(name)[:80]})
            if re.match(r"\s*CREATE\s+VIRTUAL\s+TABLE", str(sql or ""), re.IGNORECASE):
                return Stop("gpkg_virtual", {"layer": str(name)[:80]})
        for name, kind, _ in rows:
            if kind != "table" or (layer is not None and name != layer):
                continue
            quoted = '"' + str(name).replace('"', '""') + '"'
            (count,) = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()
            if count > max_features:
                return Stop("too_many_features", {"count": count, "limit": max_features})
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            return Stop("gpkg_view", {"layer": layer or "?"})
        return None  # damaged or unusual: GDAL says what it can
    except (sqlite3.Error, OverflowError, ValueError):
        return None
    finally:
        con.close()
    return None


def check_csv(data: bytes, max_columns: int, max_line_bytes: int) -> Stop | None:
    """Bound the header's column count and the longest line before any CSV parser runs."""
    end = data.find(b"\n")
    header = data[:end] if end >= 0 else data
    columns = 1 + max(header.count(sep) for sep in (b",", b";", b"\t", b"|"))
    if columns > max_columns:
        return Stop("csv_too_many_columns", {"count": columns, "limit": max_columns})
    if len(header) > max_line_bytes:
        return Stop("csv_line_too_long", {"row": 0, "limit_kb": max_line_bytes // 1024})
    lengths = [len(line) for line in data.split(b"\n")]
    if max(lengths) > max_line_bytes:
        row = next(i for i, n in enumerate(lengths) if n > max_line_bytes)
        return Stop("csv_line_too_long", {"row": row - 1, "limit_kb": max_line_bytes // 1024})
    return None
