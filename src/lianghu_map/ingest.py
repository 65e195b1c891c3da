"""Uploaded bytes + file name → a validated WGS84 GeoDataFrame and a report of findings.

Ingest never raises for bad input: everything wrong with a file becomes a
:class:`~lianghu_map.errors.Finding` that names the file, the feature (index and id) and what to
do.  A file with any ERROR finding yields no GeoDataFrame.  Readers (one per format) only turn
bytes into a raw GeoDataFrame; the checks that follow are the same for every format:

limits → null/empty geometries → CRS (declared, legacy, assumed, or refused with suggestions) →
ranges and swapped axes → source datum (GCJ-02/BD-09 → WGS84) → validity (make_valid) → mixed
types → duplicate ids → ``style`` whitelisted.

GeoJSON goes through GDAL (pyogrio) first, which is fast; Python's ``json`` parser runs only when
GDAL refuses a file, to say what is wrong with it (line and column, TopoJSON, other JSON).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from .crs import DATUM_LABELS, crs_label, guess_projected_crs, to_wgs84
from .errors import GEOMETRY_NAMES, Finding, Localised, Severity
from .ingest_guard import (
    NO_NETWORK,
    Stop,
    check_csv,
    check_gpkg,
    check_remote,
    geojson_vertices,
    kml_remote_hrefs,
    looks_like,
)
from .layers import STYLE_WHITELIST, sanitise_style

__all__ = ["FORMATS", "IngestOptions", "IngestResult", "clean_name", "ingest_file",
           "sniff_format"]

# extension → format
FORMATS: dict[str, str] = {
    ".geojson": "geojson", ".json": "geojson", ".zip": "shapefile", ".gpkg": "gpkg",
    ".kml": "kml", ".kmz": "kmz", ".csv": "csv",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # NUL, newlines … : never part of a shown file name
MAX_LISTED = 50  # findings of one code listed one by one; the rest are counted
CHINA = (73.0, 18.0, 135.1, 53.6)  # lon/lat box used for plausibility (generous)
ID_COLUMNS = ("feature_id", "id", "ID", "Id", "fid", "FID", "编号", "編號")
LON_NAMES = ("经度", "經度", "lon", "lng", "long", "longitude", "x", "东经", "東經", "lon_wgs84")
LAT_NAMES = ("纬度", "緯度", "lat", "latitude", "y", "北纬", "北緯", "lat_wgs84")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "幾何")
FAMILY = {"Point": "Point", "MultiPoint": "Point", "LineString": "LineString",
          "MultiLineString": "LineString", "LinearRing": "LineString", "Polygon": "Polygon",
          "MultiPolygon": "Polygon", "GeometryCollection": "GeometryCollection"}

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class IngestOptions:
    datum: str = "wgs84"  # where the coordinates come from: wgs84 | gcj02 | bd09
    layer: str | None = None  # layer of a multi-layer GeoPackage, or .shp in a zip
    assume_crs: str | None = None  # the analyst's CRS for a file that declares none
    swap_xy: bool = False  # the analyst confirms that lat/lon are swapped
    max_bytes: int = 100 * 2**20
    max_features: int = 200_000
    max_vertices: int = 1_500_000  # per layer: refused beyond (every viewer's map would crawl)
    max_property_chars: int = 10_000  # one attribute value, or one attribute name / 50
    max_zip_members: int = 1_000
    max_zip_ratio: float = 100.0  # uncompressed / compressed, per member (zip bombs)
    max_columns: int = 1_000  # CSV header columns, checked before any CSV parser runs
    max_line_bytes: int = 2**20  # longest CSV line
    memory_mb: int | None = None  # the worker's memory budget (sandbox.py), for the message


@dataclass
class IngestResult:
    file: str
    format: str
    gdf: gpd.GeoDataFrame | None
    findings: list[Finding]
    layers: tuple[str, ...] = ()
    source_crs: str | None = None
    conversions: list[str] = field(default_factory=list)
    sha256: str = ""
    usage: dict[str, Any] = field(default_factory=dict)  # the worker's time and memory (sandbox)

    @property
    def ok(self) -> bool:
        return self.gdf is not None and not any(f.severity == Severity.ERROR
                                                for f in self.findings)

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}


class _Refused(Exception):
    """The file cannot go on: the findings say why."""


class _Report:
    """Collects findings for one file, listing at most MAX_LISTED per code."""

    def __init__(self, file: str):
        self.file = file
        self.findings: list[Finding] = []
        self._counts: dict[str, int] = {}
        self.conversions: list[str] = []

    def add(self, code: str, severity: Severity, index: int | None = None,
            feature_id: Any = None, **params: Any) -> None:
        n = self._counts[code] = self._counts.get(code, 0) + 1
        if n <= MAX_LISTED:
            fid = None if feature_id is None or pd.isna(feature_id) else str(feature_id)
            self.findings.append(Finding(code, severity, self.file, index, fid, params))

    def refuse(self, code: str, **params: Any) -> _Refused:
        self.add(code, Severity.ERROR, **params)
        return _Refused(code)

    def stop(self, stop: Stop | None) -> None:
        """Refuse the file if a pre-read check said so."""
        if stop is not None:
            raise self.refuse(stop.code, **stop.params)

    def close(self) -> None:
        for code, n in self._counts.items():
            if n > MAX_LISTED:
                sev = next(f.severity for f in self.findings if f.code == code)
                self.findings.append(Finding("more_findings", sev, self.file,
                                             params={"count": n - MAX_LISTED, "code": code}))


def clean_name(name: str) -> str:
    """The upload's own file name, as shown: no folders, no control characters (NUL …)."""
    return _CONTROL.sub("", PurePosixPath(str(name).replace("\\", "/")).name)[:200] or "upload"


def sniff_format(name: str) -> str | None:
    return FORMATS.get(PurePosixPath(name.lower()).suffix)


def ingest_file(name: str, data: bytes, options: IngestOptions | None = None,
                progress: Progress | None = None) -> IngestResult:
    """Read, validate and convert one uploaded file. Never raises for bad input."""
    options = options or IngestOptions()
    _no_network()
    name = clean_name(name)
    fmt = sniff_format(name) or ""
    rep = _Report(name)
    result = IngestResult(name, fmt, None, rep.findings, conversions=rep.conversions,
                          sha256=hashlib.sha256(data).hexdigest())
    tell = progress or (lambda _f, _s: None)
    try:
        if not fmt:
            raise rep.refuse("unsupported_format", ext=PurePosixPath(name).suffix or name)
        if not data:
            raise rep.refuse("empty_file")
        if len(data) > options.max_bytes:
            raise rep.refuse("file_too_large", size_mb=round(len(data) / 2**20, 1),
                             limit_mb=round(options.max_bytes / 2**20, 1))
        rep.stop(check_remote(fmt, data))
        tell(0.05, "read")
        gdf, declared, layers = _READERS[fmt](data, options, rep, result)
        result.layers = layers
        tell(0.6, "validate")
        result.gdf = _check(gdf, declared, fmt, options, rep, result, tell)
        tell(1.0, "done")
    except _Refused:
        result.gdf = None
    except MemoryError:  # the worker's memory budget (sandbox.py) ran out
        rep.add("ingest_memory", Severity.ERROR, limit_mb=options.memory_mb or "?")
        result.gdf = None
    except RecursionError:  # nesting too deep for a parser
        rep.add("too_complex", Severity.ERROR)
        result.gdf = None
    except Exception as exc:  # a reader or GDAL failed in a way not foreseen: report, don't crash
        _add_unreadable(rep, exc, fmt)
        result.gdf = None
    rep.close()
    return result


_network_off = False


def _no_network() -> None:
    """GDAL and PROJ make no request for any file (issue 19): set once per process."""
    global _network_off
    if not _network_off:
        pyogrio.set_gdal_config_options(NO_NETWORK)
        import pyproj.network

        pyproj.network.set_network_enabled(active=False)
        _network_off = True


def _gdal_code(exc: BaseException) -> str:
    """GDAL's English messages users must not see raw: their own findings."""
    text = str(exc)
    if "not recognized as" in text or "not a supported file format" in text:
        return "format_not_recognised"
    if "too complex" in text or "too large" in text:
        return "too_complex"
    return "unreadable"


def _add_unreadable(rep: _Report, exc: BaseException, fmt: str) -> None:
    code = _gdal_code(exc)
    params = {"detail": _short(exc)} if code == "unreadable" else (
        {"ext": fmt or "?"} if code == "format_not_recognised" else {})
    rep.add(code, Severity.ERROR, **params)


def _unreadable(rep: _Report, exc: BaseException, fmt: str = "") -> _Refused:
    _add_unreadable(rep, exc, fmt)
    return _Refused("unreadable")


# ---------------------------------------------------------------------------------------------
# readers: bytes → (raw GeoDataFrame, whether its CRS is declared by the file, layer names)

Read = tuple[gpd.GeoDataFrame, bool, tuple[str, ...]]


def _short(exc: BaseException) -> str:
    text = str(exc).replace("\n", " ")
    text = re.sub(r"'?(/vsimem/|/tmp/lianghu-shp-|" + re.escape(tempfile.gettempdir())
                  + r"/)\S+'?", "the file", text)  # never show server paths
    return text[:300]


def _strip_bom(data: bytes, rep: _Report) -> bytes:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise rep.refuse("utf16")
    if data.startswith(b"\xef\xbb\xbf"):
        rep.add("bom_removed", Severity.INFO)
        return data[3:]
    return data


def _read_gdal(source: Any, *, check_text: bool = True, **kwargs: Any
               ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """pyogrio read, warnings collected.  ``check_text``: make sure every text value is valid
    (GDAL passes undecodable bytes through into Arrow strings, which fail only when used); the
    error then surfaces here, where readers can fall back."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Arrow is fastest but reads UTF-8 only; a declared other encoding goes the classic way
        arrow = kwargs.get("encoding") in (None, "UTF-8")
        gdf = pyogrio.read_dataframe(source, on_invalid="ignore", use_arrow=arrow, **kwargs)
    if check_text:
        for i, col in enumerate(gdf.columns):  # by position: names may repeat in bad files
            if col != gdf.geometry.name and pd.api.types.is_string_dtype(gdf.iloc[:, i]):
                gdf.isetitem(i, gdf.iloc[:, i].astype(object))
    return gdf, [str(w.message) for w in caught]


def _list_layers(source: Any) -> list[tuple[str, Any]]:
    with warnings.catch_warnings():  # GDAL notes the in-memory name lacks a .gpkg extension
        warnings.simplefilter("ignore", RuntimeWarning)
        return [(str(n), g) for n, g in pyogrio.list_layers(source)]


def _read_geojson(data: bytes, options: IngestOptions, rep: _Report, _res: IngestResult) -> Read:
    data = _strip_bom(data, rep)
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
        gdf, warns = _read_gdal(io.BytesIO(data), check_text=False, fid_as_index=True)
    except pyogrio.errors.DataSourceError as exc:
        raise _diagnose_json(data, rep, exc) from None
    except ValueError:  # FIDs pandas cannot index (e.g. negative ids): read them from the JSON
        gdf, _ = _read_gdal(io.BytesIO(data), check_text=False)
        warns = ["Several features with id"]
    if any("Several features with id" in w for w in warns):
        gdf = _restore_duplicate_ids(gdf, data)
    elif "id" not in gdf.columns and not gdf.index.equals(pd.RangeIndex(len(gdf))):
        gdf.insert(0, "id", gdf.index.to_numpy())  # integer GeoJSON ids became GDAL FIDs
    gdf = gdf.reset_index(drop=True)
    # RFC 7946 GeoJSON is lon/lat by definition and GDAL reports EPSG:4326 for it; only a legacy
    # "crs" member declares anything else.  Lon/lat is still checked for plausibility.
    return gdf, gdf.crs is not None and gdf.crs.to_epsg() != 4326, ()


def _as_utf8(data: bytes, rep: _Report) -> bytes:
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


def _diagnose_json(data: bytes, rep: _Report, exc: Exception) -> _Refused:
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
        else _unreadable(rep, exc, "geojson")


def _looks_geojson(doc: Any) -> bool:
    types = {"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString",
             "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
    return isinstance(doc, dict) and isinstance(doc.get("type"), str) and doc["type"] in types


def _describe_json(doc: Any) -> str:
    if isinstance(doc, list):
        return f"a JSON array of {len(doc)} items"
    if isinstance(doc, dict):
        keys = ", ".join(list(map(str, doc))[:6]) or "none"
        if "type" in doc:
            return f"an object of type {str(doc['type'])[:40]!r} (keys: {keys})"
        return f"an object without \"type\" (keys: {keys})"
    return f"a single JSON {type(doc).__name__} value"


def _choose(names: list[str], options: IngestOptions, rep: _Report, res: IngestResult) -> str:
    res.layers = tuple(names)
    if options.layer is not None:
        if options.layer not in names:
            raise rep.refuse("unknown_layer", layer=options.layer, layers=tuple(names))
        return options.layer
    if len(names) > 1:
        raise rep.refuse("choose_layer", layers=tuple(names))
    return names[0]


def _read_gpkg(data: bytes, options: IngestOptions, rep: _Report, res: IngestResult) -> Read:
    rep.stop(check_gpkg(data, options.layer, options.max_features))  # views, row count
    try:
        listed = _list_layers(io.BytesIO(data))
    except pyogrio.errors.DataSourceError as exc:
        raise _unreadable(rep, exc, "gpkg") from None
    names = [n for n, gtype in listed if gtype is not None] or [n for n, _ in listed]
    if not names:
        raise rep.refuse("no_features")
    layer = _choose(names, options, rep, res)
    gdf, _ = _read_gdal(io.BytesIO(data), layer=layer)
    return gdf, gdf.crs is not None, tuple(names)


_ARCHIVES = (".zip", ".kmz", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz")


def _open_zip(data: bytes, rep: _Report, options: IngestOptions
              ) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open an archive and check every entry *before* anything is decompressed: entry count,
    unsafe names (absolute, ``..``: zip-slip), nested archives, total size and compression ratio
    (zip bombs).  Returns the plain file members (macOS resource forks left out)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception:  # zipfile raises many types on damaged archives
        raise rep.refuse("zip_damaged") from None
    if len(infos) > options.max_zip_members:
        raise rep.refuse("zip_too_many", count=len(infos), limit=options.max_zip_members)
    members = []
    for info in infos:
        name = info.filename.replace("\\", "/")
        p = PurePosixPath(name)
        if p.is_absolute() or ".." in p.parts or re.match(r"^[A-Za-z]:", name):
            raise rep.refuse("zip_unsafe_path", name=info.filename[:200])
        if info.is_dir() or "__MACOSX" in p.parts or p.name.startswith("._"):
            continue
        if p.suffix.lower() in _ARCHIVES:
            raise rep.refuse("zip_nested", name=info.filename[:200])
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 2**20 and ratio > options.max_zip_ratio:
            raise rep.refuse("zip_bomb", name=info.filename[:200], ratio=round(ratio))
        members.append(info)
    total = sum(i.file_size for i in members)
    if total > options.max_bytes * 4:
        raise rep.refuse("zip_bomb", name=f"{len(members)} files, {total // 2**20} MB",
                         ratio=round(total / max(len(data), 1)))
    return zf, members


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, rep: _Report) -> bytes:
    """One archive member's bytes; a damaged member (bad CRC, truncated data) is a finding."""
    try:
        return zf.read(info)
    except Exception:  # BadZipFile, zlib.error, EOFError …
        raise rep.refuse("zip_damaged") from None


def _member_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, rep: _Report) -> bytes:
    try:
        with zf.open(info) as f:
            return f.read(16)
    except Exception:  # BadZipFile, zlib.error, EOFError …
        raise rep.refuse("zip_damaged") from None


def _prj_is_usable(prj: bytes, rep: _Report, name: str) -> bool:
    """Whether the .prj states a CRS pyproj understands; if not, it is set aside (a finding) and
    the coordinates are judged as for a file without CRS."""
    try:
        CRS.from_wkt(prj.decode("utf-8").strip())
    except Exception:  # pyproj.exceptions.CRSError and friends
        rep.add("prj_unusable", Severity.WARNING, name=name)
        return False
    return True


def _read_shapefile(data: bytes, options: IngestOptions, rep: _Report, res: IngestResult) -> Read:
    zf, members = _open_zip(data, rep, options)
    by_stem: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for info in members:
        p = PurePosixPath(info.filename)
        by_stem.setdefault(str(p.with_suffix("")), {})[p.suffix.lower()] = info
    shapes = sorted(stem for stem, parts in by_stem.items() if ".shp" in parts)
    if not shapes:
        listing = tuple(PurePosixPath(i.filename).name for i in members[:10]) or "—"
        raise rep.refuse("zip_no_shapefile", members=listing)
    stem = _choose(shapes, options, rep, res) if len(shapes) > 1 or options.layer else shapes[0]
    parts = by_stem[stem]
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        raise rep.refuse("shapefile_incomplete", name=PurePosixPath(stem).name + ".shp",
                         missing=tuple(missing))
    name = PurePosixPath(stem).name
    if not looks_like("shapefile", _member_head(zf, parts[".shp"], rep)):
        raise rep.refuse("format_mismatch", format="Shapefile (.shp)")  # e.g. a VRT named .shp
    encoding = _shapefile_encoding(zf, parts, rep, name)
    with tempfile.TemporaryDirectory(prefix="lianghu-shp-") as tmp:
        for ext, info in parts.items():
            if ext in (".shp", ".shx", ".dbf", ".cpg") or (
                    ext == ".prj" and _prj_is_usable(_member(zf, info, rep), rep, name + ".prj")):
                (Path(tmp) / f"layer{ext}").write_bytes(_member(zf, info, rep))
        gdf = _read_shapefile_dir(Path(tmp), encoding, rep, name)
    return gdf, gdf.crs is not None, res.layers


def _read_shapefile_dir(tmp: Path, encoding: str | None, rep: _Report, name: str
                        ) -> gpd.GeoDataFrame:
    """Read the extracted shapefile; fall back (with a finding) when GDAL cannot use its .prj or
    cannot decode its attributes in the encoding found."""
    shp, prj = tmp / "layer.shp", tmp / "layer.prj"
    for _attempt in range(3):
        try:
            return _read_gdal(str(shp), encoding=encoding)[0]
        except pyogrio.errors.DataSourceError as exc:
            raise _unreadable(rep, exc, "shapefile") from None
        except Exception:  # text GDAL cannot decode (UnicodeDecodeError, ArrowException …) or
            pass           # a .prj pyogrio cannot turn into a CRS: fall back, then retry
        if encoding != "ISO-8859-1":
            rep.add("encoding_fallback", Severity.WARNING, name=f"{name}.dbf",
                    encoding=encoding or "UTF-8")
            encoding = "ISO-8859-1"  # decodes any byte: text may look garbled, data kept
        elif prj.exists():
            prj.unlink()  # read again without the .prj: judged as a file without CRS
            rep.add("prj_unusable", Severity.WARNING, name=f"{name}.prj")
        else:
            break
    raise rep.refuse("unreadable", detail="the shapefile's parts do not fit together")


def _shapefile_encoding(zf: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], rep: _Report,
                        name: str) -> str | None:
    """The DBF's text encoding: the .cpg if present, else the DBF's language id, else judged
    from the bytes (UTF-8 if they decode as UTF-8, else GB18030 — Chinese GIS exports)."""
    if ".cpg" in parts:
        declared = _member(zf, parts[".cpg"], rep).decode("ascii", errors="replace").strip()
        rep.add("encoding_declared", Severity.INFO, encoding=declared)
        return None  # GDAL reads the .cpg itself
    dbf = _member(zf, parts[".dbf"], rep)
    if len(dbf) < 32:
        return None
    if dbf[29] != 0:  # language driver id: GDAL honours it
        return None
    header_len = int.from_bytes(dbf[8:10], "little")
    records = dbf[header_len:]
    if records.isascii():
        return None
    try:
        records.decode("utf-8")
        encoding = "UTF-8"
    except UnicodeDecodeError:
        try:
            records.decode("gb18030")
            encoding = "GB18030"
        except UnicodeDecodeError:
            encoding = "ISO-8859-1"
    rep.add("encoding_guessed", Severity.INFO, name=f"{name}.dbf", encoding=encoding)
    rep.conversions.append(f"DBF encoding {encoding} (no .cpg; judged from content)")
    return encoding


def _read_kml_bytes(data: bytes, rep: _Report) -> Read:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:1024]:
        raise rep.refuse("utf16")  # (UTF-16/32 would hide a <!DOCTYPE> from the byte scan)
    rep.stop(check_remote("kml", data))  # (a KMZ's KML: the archive was compressed)
    if not looks_like("kml", data):
        raise rep.refuse("format_mismatch", format="KML")
    hrefs = kml_remote_hrefs(data)
    if hrefs:
        rep.add("remote_reference_ignored", Severity.WARNING, ref=hrefs[0][:120],
                count=len(hrefs))
    src = io.BytesIO(data)
    try:
        listed = [n for n, _ in _list_layers(src)]
    except pyogrio.errors.DataSourceError as exc:
        raise _unreadable(rep, exc, "kml") from None
    frames = []
    for layer in listed:
        # (one layer: read it by position — a KML without names is named after the in-memory
        # file, which differs on each open)
        gdf, _ = _read_gdal(io.BytesIO(data), layer=layer if len(listed) > 1 else 0)
        if len(gdf):
            if len(listed) > 1:
                gdf["kml_folder"] = layer
            frames.append(gdf)
    if not frames:
        raise rep.refuse("no_features")
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    # GDAL's KML drivers add a column for every KML element (timestamp, altitudeMode, icon …);
    # keep only those the file fills
    defaults = {"tessellate": -1, "extrude": 0, "visibility": -1}
    empty = [c for c in gdf.columns if c != "geometry" and (
        (gdf[c].isna() | (gdf[c].astype(str) == "")).all()
        or (c in defaults and (gdf[c] == defaults[c]).all()))]
    gdf = gdf.drop(columns=empty)
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=4326), True, ()


def _read_kml(data: bytes, _options: IngestOptions, rep: _Report, _res: IngestResult) -> Read:
    return _read_kml_bytes(data, rep)


def _read_kmz(data: bytes, options: IngestOptions, rep: _Report, _res: IngestResult) -> Read:
    zf, members = _open_zip(data, rep, options)
    kmls = [i for i in members if i.filename.lower().endswith(".kml")]
    if not kmls:
        raise rep.refuse("kmz_no_kml")
    kml = next((i for i in kmls if PurePosixPath(i.filename).name.lower() == "doc.kml"), kmls[0])
    return _read_kml_bytes(_member(zf, kml, rep), rep)


def _decode_text(data: bytes, rep: _Report, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise rep.refuse("utf16")
    if data.startswith(b"\xef\xbb\xbf"):
        rep.add("bom_removed", Severity.INFO)
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        encoding = "GB18030"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "ISO-8859-1"
    rep.add("encoding_guessed", Severity.INFO, name=name, encoding=encoding)
    rep.conversions.append(f"CSV encoding {encoding} (judged from content)")
    return text


def _find_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _read_csv(data: bytes, options: IngestOptions, rep: _Report, _res: IngestResult) -> Read:
    rep.stop(check_csv(data, options.max_columns, options.max_line_bytes))
    text = _decode_text(data, rep, rep.file)
    if not text.strip():
        raise rep.refuse("empty_file")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # old Mac Excel: CR line endings
    try:
        sep = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","  # one column, or nothing to tell from: the usual comma
    rows = csv.reader(io.StringIO(text), delimiter=sep)
    width = len(next(rows, []))
    if width > options.max_columns:
        raise rep.refuse("csv_too_many_columns", count=width, limit=options.max_columns)
    for i, row in enumerate(rows):
        if len(row) > options.max_columns:
            raise rep.refuse("csv_too_many_columns", count=len(row), limit=options.max_columns)
        if len(row) > width:
            rep.add("csv_extra_cells", Severity.WARNING, index=i, row=i, count=len(row) - width)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)  # reported just above
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep,
                             engine="python", index_col=False, on_bad_lines="error")
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise rep.refuse("csv_malformed", detail=_short(exc)[:160]) from None
    df = df.fillna("")  # short rows: missing cells are empty, not NaN
    columns = [str(c) for c in df.columns]
    lon, lat = _find_column(columns, LON_NAMES), _find_column(columns, LAT_NAMES)
    wkt = _find_column(columns, WKT_NAMES)
    if lon and lat:
        x = pd.to_numeric(df[lon].str.strip(), errors="coerce")
        y = pd.to_numeric(df[lat].str.strip(), errors="coerce")
        bad = x.isna() | y.isna()
        for i in np.flatnonzero(bad.to_numpy()):
            value = df[lon].iat[i] if pd.isna(x.iat[i]) else df[lat].iat[i]
            rep.add("csv_bad_value", Severity.WARNING, index=int(i), row=int(i), value=value)
        rep.add("csv_columns", Severity.INFO, x=lon, y=lat)
        geoms = shapely.points(np.column_stack([x.to_numpy(float), y.to_numpy(float)]))
        geoms[bad.to_numpy()] = None
        attrs = df.drop(columns=[lon, lat])
    elif wkt:
        geoms = np.empty(len(df), dtype=object)
        for i, value in enumerate(df[wkt]):
            try:
                geoms[i] = shapely.from_wkt(str(value).strip())
            except (shapely.errors.GEOSException, NotImplementedError, ValueError) as exc:
                # (curves such as CIRCULARSTRING are not supported: NotImplementedError)
                rep.add("csv_bad_wkt", Severity.WARNING, index=i, row=i, detail=_short(exc)[:80])
        rep.add("csv_wkt_column", Severity.INFO, column=wkt)
        attrs = df.drop(columns=[wkt])
    else:
        raise rep.refuse("csv_no_coordinates", columns=tuple(columns[:12]) or "—")
    gdf = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, index=df.index), crs=None)
    # rows without a geometry were reported (csv_bad_value / csv_bad_wkt): not again as null
    return gdf.loc[gdf.geometry.notna().to_numpy()], False, ()


_READERS: dict[str, Callable[[bytes, IngestOptions, _Report, IngestResult], Read]] = {
    "geojson": _read_geojson, "gpkg": _read_gpkg, "shapefile": _read_shapefile,
    "kml": _read_kml, "kmz": _read_kmz, "csv": _read_csv,
}


# ---------------------------------------------------------------------------------------------
# checks common to every format


def _check(gdf: gpd.GeoDataFrame, declared: bool, fmt: str, options: IngestOptions,
           rep: _Report, res: IngestResult, tell: Progress) -> gpd.GeoDataFrame:
    if len(gdf) == 0:
        raise rep.refuse("no_features")
    if gdf.columns.duplicated().any():
        gdf = _dedupe_columns(gdf, rep)
    if len(gdf) > options.max_features:
        raise rep.refuse("too_many_features", count=len(gdf), limit=options.max_features)
    _check_sizes(gdf, options, rep)
    gdf = gdf.copy() if fmt == "csv" else gdf
    gdf["source_index"] = gdf.index.to_numpy(dtype="int64")
    gdf = gdf.reset_index(drop=True)
    ids = _id_series(gdf)

    geoms = gdf.geometry.to_numpy()
    missing = pd.isna(geoms) | shapely.is_empty(geoms)
    coords, which = shapely.get_coordinates(geoms, return_index=True)
    missing[np.unique(which[~np.isfinite(coords).all(axis=1)])] = True  # NaN / inf vertices
    for i in np.flatnonzero(missing):
        rep.add("null_geometry", Severity.WARNING, index=int(gdf["source_index"].iat[i]),
                feature_id=ids.iat[i] if ids is not None else None)
    if missing.all():
        raise rep.refuse("no_geometry")
    if missing.any():
        gdf = gdf.loc[~missing].reset_index(drop=True)
        ids = ids.loc[~missing].reset_index(drop=True) if ids is not None else None
    if shapely.has_z(gdf.geometry.to_numpy()).any():
        gdf = gdf.set_geometry(shapely.force_2d(gdf.geometry.to_numpy()), crs=gdf.crs)
        rep.conversions.append("Z coordinates dropped (2-D map)")

    gdf = _to_lonlat(gdf, declared, fmt, options, rep, res)
    tell(0.75, "convert")
    _check_ranges(gdf, ids, options, rep)
    if options.datum != "wgs84":
        gdf = gdf.set_geometry(to_wgs84(gdf.geometry, options.datum))
        label = DATUM_LABELS[options.datum][1]
        rep.add("datum_converted", Severity.INFO, datum=Localised(*DATUM_LABELS[options.datum]),
                count=len(gdf))
        rep.conversions.append(f"{label} → WGS84 (vectorised; iterative inverse)")
    tell(0.85, "repair")
    gdf = _repair(gdf, ids, rep)
    if len(gdf) == 0:  # every geometry collapsed (a zero-length line …)
        raise rep.refuse("no_geometry")
    _check_types(gdf, rep)
    gdf["source_id"] = _unique_ids(gdf, ids, rep)
    if "style" in gdf.columns:
        gdf = _whitelist_style(gdf, rep)
    return _plain_columns(gdf)


def _dedupe_columns(gdf: gpd.GeoDataFrame, rep: _Report) -> gpd.GeoDataFrame:
    """Attribute names that repeat (a damaged DBF, a hand-made CSV) get ``~2``, ``~3`` …"""
    seen: dict[str, int] = {}
    names = []
    for col in gdf.columns:
        n = seen[col] = seen.get(col, 0) + 1
        names.append(col if n == 1 or col == gdf.geometry.name else f"{col}~{n}")
        if n == 2:
            rep.add("duplicate_column", Severity.WARNING, name=str(col)[:80])
    out = gdf.copy()
    out.columns = names
    return gpd.GeoDataFrame(out, geometry=gdf.geometry.name, crs=gdf.crs)


def _check_sizes(gdf: gpd.GeoDataFrame, options: IngestOptions, rep: _Report) -> None:
    """Vertex count, attribute names and values: refused when over the limits."""
    vertices = int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum())
    if vertices > options.max_vertices:
        raise rep.refuse("too_many_vertices", count=vertices, limit=options.max_vertices)
    name_limit = max(options.max_property_chars // 50, 64)
    for col in gdf.columns:
        if len(str(col)) > name_limit:
            raise rep.refuse("property_name_too_long", name=str(col)[:80] + "…",
                             length=len(str(col)), limit=name_limit)
        if col == gdf.geometry.name or not (gdf[col].dtype == object
                                            or pd.api.types.is_string_dtype(gdf[col])):
            continue
        try:  # vectorised (Arrow strings: native); non-strings count 0
            lengths = gdf[col].str.len().fillna(0)
        except AttributeError:  # an object column with no strings at all
            continue
        if len(lengths) and lengths.max() > options.max_property_chars:
            i = int(np.argmax(lengths.to_numpy()))
            raise rep.refuse("property_too_long", index=i, name=str(col)[:80],
                             length=int(lengths.iat[i]), limit=options.max_property_chars)


def _whitelist_style(gdf: gpd.GeoDataFrame, rep: _Report) -> gpd.GeoDataFrame:
    """Keep only the whitelisted part of ``style`` properties (colours, widths, opacities,
    dashes), as JSON text; report what was dropped."""
    kept_any, dropped_keys = False, set()
    values = []
    for v in gdf["style"]:
        kept, dropped = sanitise_style(v)
        dropped_keys.update(dropped)
        kept_any = kept_any or bool(kept)
        values.append(json.dumps(kept) if kept else None)
    if kept_any:
        gdf["style"] = values
    else:
        gdf = gdf.drop(columns=["style"])
    if dropped_keys:
        rep.add("style_stripped", Severity.INFO, dropped=tuple(sorted(dropped_keys)[:12]),
                allowed=tuple(STYLE_WHITELIST))
    return gdf


def _id_series(gdf: gpd.GeoDataFrame) -> pd.Series | None:
    """Each feature's own id: per row, the first present of the id columns (a GeoJSON ``id``
    member, an ``id`` or ``feature_id`` property …)."""
    cols = [c for c in ID_COLUMNS if c in gdf.columns]
    if not cols:
        return None
    ids = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    for col in cols:  # vectorised: null and blank ids are absent
        raw = gdf[col]
        text = raw.astype(str).astype(object)
        present = raw.notna().to_numpy() & (text.str.strip() != "").to_numpy()
        ids = ids.where(ids.notna(), text.where(present, None))
    return ids


def _to_lonlat(gdf: gpd.GeoDataFrame, declared: bool, fmt: str, options: IngestOptions,
               rep: _Report, res: IngestResult) -> gpd.GeoDataFrame:
    """Bring the layer to EPSG:4326 — from a declared CRS, the analyst's choice, or (only when
    the coordinates are plainly longitude/latitude) by assuming WGS84."""
    crs = gdf.crs if declared else None
    if crs is None and options.assume_crs:
        try:
            crs = CRS.from_user_input(options.assume_crs)
        except Exception as exc:  # pyproj raises CRSError; keep the message
            raise rep.refuse("unreadable", detail=f"{options.assume_crs}: {_short(exc)}") from None
        rep.add("crs_assumed", Severity.INFO, crs=crs_label(options.assume_crs))
    if crs is None:
        x0, y0, x1, y1 = gdf.total_bounds
        if max(abs(x0), abs(x1)) > 360 or max(abs(y0), abs(y1)) > 360:
            cx, cy = float(np.median(gdf.geometry.bounds["minx"])), float(
                np.median(gdf.geometry.bounds["miny"]))
            suggestions = guess_projected_crs(cx, cy)
            raise rep.refuse("projected_no_crs", x=round(cx, 1), y=round(cy, 1),
                             suggestions=tuple(crs_label(c) for c in suggestions[:5])
                             or "EPSG:4549", codes=suggestions)
        if fmt not in ("geojson", "kml", "kmz"):  # formats that define lon/lat need no word
            rep.add("crs_assumed_wgs84", Severity.INFO)
        crs = CRS.from_epsg(4326)
    epsg = crs.to_epsg()
    res.source_crs = f"EPSG:{epsg}" if epsg else crs.to_string()
    gdf = gdf.set_crs(crs, allow_override=True)
    if epsg != 4326:
        gdf = gdf.to_crs(4326)
        if declared:
            rep.add("legacy_crs" if fmt == "geojson" else "crs_converted", Severity.INFO,
                    crs=crs_label(res.source_crs))
        rep.conversions.append(f"{res.source_crs} → EPSG:4326")
    return gdf


def _inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x >= CHINA[0]) & (x <= CHINA[2]) & (y >= CHINA[1]) & (y <= CHINA[3])


def _check_ranges(gdf: gpd.GeoDataFrame, ids: pd.Series | None, options: IngestOptions,
                  rep: _Report) -> None:
    b = gdf.geometry.bounds.to_numpy()
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    swapped = ~_inside(cx, cy) & _inside(cy, cx)
    bad = ((b[:, 0] < -180) | (b[:, 2] > 180) | (b[:, 1] < -90) | (b[:, 3] > 90)) & ~swapped
    src = gdf["source_index"].to_numpy()
    if swapped.any():
        if options.swap_xy:
            geoms = gdf.geometry.to_numpy().copy()
            geoms[swapped] = shapely.transform(geoms[swapped], lambda c: c[:, ::-1])
            gdf.geometry.values[:] = geoms  # in place: same rows, same CRS
            rep.add("axes_swapped", Severity.INFO)
            rep.conversions.append(f"longitude/latitude swapped on {int(swapped.sum())} features")
        else:
            for i in np.flatnonzero(swapped):
                rep.add("swapped_axes", Severity.ERROR, index=int(src[i]),
                        feature_id=ids.iat[i] if ids is not None else None,
                        x=round(float(cx[i]), 5), y=round(float(cy[i]), 5))
    for i in np.flatnonzero(bad):
        rep.add("out_of_range", Severity.ERROR, index=int(src[i]),
                feature_id=ids.iat[i] if ids is not None else None,
                x=round(float(cx[i]), 5), y=round(float(cy[i]), 5))
    if (swapped.any() and not options.swap_xy) or bad.any():
        raise _Refused("coordinates")
    x0, y0, x1, y1 = gdf.total_bounds
    if not _inside(np.array([x0, x1]), np.array([y0, y1])).any():
        rep.add("outside_china", Severity.WARNING,
                bounds=f"{x0:.4f}, {y0:.4f} – {x1:.4f}, {y1:.4f}")


def _repair(gdf: gpd.GeoDataFrame, ids: pd.Series | None, rep: _Report) -> gpd.GeoDataFrame:
    geoms = gdf.geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return gdf
    idx = np.flatnonzero(invalid)
    reasons = shapely.is_valid_reason(geoms[idx])
    fixed = shapely.make_valid(geoms[idx], method="structure", keep_collapsed=False)
    src = gdf["source_index"].to_numpy()
    keep = np.ones(len(gdf), dtype=bool)
    for k, i in enumerate(idx):
        fid = ids.iat[i] if ids is not None else None
        if fixed[k] is None or shapely.is_empty(fixed[k]):
            rep.add("unrepairable_geometry", Severity.WARNING, index=int(src[i]), feature_id=fid,
                    reason=str(reasons[k]))
            keep[i] = False
        else:
            rep.add("invalid_geometry", Severity.WARNING, index=int(src[i]), feature_id=fid,
                    reason=str(reasons[k]))
    geoms = geoms.copy()
    geoms[idx] = fixed
    gdf = gdf.set_geometry(geoms, crs=gdf.crs)
    rep.conversions.append(f"make_valid on {len(idx)} features")
    return gdf.loc[keep].reset_index(drop=True) if not keep.all() else gdf


def _check_types(gdf: gpd.GeoDataFrame, rep: _Report) -> None:
    families = sorted({FAMILY.get(t, t) for t in gdf.geom_type.unique()})
    if len(families) > 1:
        rep.add("mixed_geometry", Severity.WARNING,
                types=tuple(GEOMETRY_NAMES.get(f, f) for f in families))


def _unique_ids(gdf: gpd.GeoDataFrame, ids: pd.Series | None, rep: _Report) -> pd.Series:
    """The features' own ids (made unique) or their positions in the file."""
    if ids is None:
        return gdf["source_index"].astype(str)
    ids = ids.reindex(gdf.index) if len(ids) != len(gdf) else ids.set_axis(gdf.index)
    out = ids.where(ids.notna(), gdf["source_index"].astype(str)).astype(str)
    dup = out.duplicated(keep="first")
    if dup.any():
        first = {v: int(gdf["source_index"].iat[k]) for k, v in
                 enumerate(out) if not dup.iat[k]}
        seen = set(out)
        for k in np.flatnonzero(dup.to_numpy()):
            n, new = 2, f"{out.iat[k]}~2"
            while new in seen:
                n += 1
                new = f"{out.iat[k]}~{n}"
            seen.add(new)
            rep.add("duplicate_id", Severity.WARNING, index=int(gdf["source_index"].iat[k]),
                    feature_id=out.iat[k], id=out.iat[k], first=first[out.iat[k]], new_id=new)
            out.iat[k] = new
    return out


def _plain_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Nested values (lists, dicts from GeoJSON properties) become JSON text, so every store and
    export can hold them."""
    for col in gdf.columns:
        if col == gdf.geometry.name or gdf[col].dtype != object:
            continue
        if gdf[col].map(lambda v: isinstance(v, (list, dict, np.ndarray))).any():
            gdf[col] = gdf[col].map(_jsonable)
    return gdf


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        v = v.tolist()
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
