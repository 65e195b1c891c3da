"""Shared by every reader: options, result, the findings report, GDAL reading helpers."""

from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from ..errors import DROP_CODES, Finding, Severity
from ..ingest_guard import (
    Stop,
)

# extension → format
FORMATS: dict[str, str] = {
    ".geojson": "geojson", ".json": "geojson", ".zip": "shapefile", ".gpkg": "gpkg",
    ".kml": "kml", ".kmz": "kmz", ".csv": "csv",
    ".xlsx": "excel", ".xls": "excel", ".geojsons": "geojsonseq", ".geojsonl": "geojsonseq",
    ".geojsonseq": "geojsonseq", ".ndjson": "geojsonseq", ".jsonl": "geojsonseq",
    ".fgb": "flatgeobuf",
}


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # NUL, newlines … : never part of a shown file name


MAX_LISTED = 50  # findings of one code listed one by one; the rest are counted


CHINA = (73.0, 18.0, 135.1, 53.6)  # lon/lat box used for plausibility (generous)


ID_COLUMNS = ("feature_id", "id", "ID", "Id", "fid", "FID", "编号", "編號")


LON_NAMES = ("经度", "經度", "lon", "lng", "long", "longitude", "x", "东经", "東經", "lon_wgs84")


LAT_NAMES = ("纬度", "緯度", "lat", "latitude", "y", "北纬", "北緯", "lat_wgs84")


PAIR_NAMES = ("经纬度", "經緯度", "坐标", "坐標", "座標", "lonlat", "lnglat", "lon_lat", "lng_lat",
              "lon,lat", "lng,lat", "coordinates", "coordinate", "coords")  # both in one cell


WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "幾何")


FAMILY = {"Point": "Point", "MultiPoint": "Point", "LineString": "LineString",
          "MultiLineString": "LineString", "LinearRing": "LineString", "Polygon": "Polygon",
          "MultiPolygon": "Polygon", "GeometryCollection": "GeometryCollection"}


Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class IngestOptions:
    datum: str = "wgs84"  # where the coordinates come from: wgs84 | gcj02 | bd09
    layer: str | None = None  # GeoPackage layer, .shp in a zip, or a workbook sheet
    assume_crs: str | None = None  # the analyst's CRS for a file that declares none
    ignore_declared_crs: bool = False  # the analyst overrides a CRS the numbers contradict
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
    follow_hint: bool = False  # read as WGS84 but looks GCJ-02/BD-09: also check it in that datum


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
    total: int | None = None  # features (data rows) the file holds, before any is left out
    dropped: tuple[int, ...] = ()  # source indexes left out, each named by a DROP_CODES finding
    crs_member: str | None = None  # GeoJSON: the member that declares the CRS (crs|coordRefSys)
    hinted: IngestResult | None = None  # follow_hint: the same read, checked in the hinted datum

    @property
    def ok(self) -> bool:
        return self.gdf is not None and not any(f.severity == Severity.ERROR
                                                for f in self.findings)

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}


class Refused(Exception):
    """The file cannot go on: the findings say why."""


class Report:
    """Collects findings for one file, listing at most MAX_LISTED per code."""

    def __init__(self, file: str):
        self.file = file
        self.findings: list[Finding] = []
        self._counts: dict[str, int] = {}
        self.conversions: list[str] = []
        self.dropped: set[int] = set()  # source indexes of features left out, each with a finding

    def drop(self, code: str, index: int, feature_id: Any = None, **params: Any) -> None:
        """A feature (or data row) is left out: one WARNING finding naming it and the reason.
        ``code`` must be one of :data:`~lianghu_map.errors.DROP_CODES`."""
        assert code in DROP_CODES, code
        self.dropped.add(int(index))
        self.add(code, Severity.WARNING, index=int(index), feature_id=feature_id, **params)

    def add(self, code: str, severity: Severity, index: int | None = None,
            feature_id: Any = None, **params: Any) -> None:
        n = self._counts[code] = self._counts.get(code, 0) + 1
        if n <= MAX_LISTED:
            fid = None if feature_id is None or pd.isna(feature_id) else str(feature_id)
            self.findings.append(Finding(code, severity, self.file, index, fid, params))

    def refuse(self, code: str, **params: Any) -> Refused:
        self.add(code, Severity.ERROR, **params)
        return Refused(code)

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


def _gdal_code(exc: BaseException) -> str:
    """GDAL's English messages users must not see raw: their own findings."""
    text = str(exc)
    if "not recognized as" in text or "not a supported file format" in text:
        return "format_not_recognised"
    if "too complex" in text or "too large" in text:
        return "too_complex"
    return "unreadable"


def add_unreadable(rep: Report, exc: BaseException, fmt: str) -> None:
    code = _gdal_code(exc)
    params = {"detail": short(exc)} if code == "unreadable" else (
        {"ext": fmt or "?"} if code == "format_not_recognised" else {})
    rep.add(code, Severity.ERROR, **params)


def unreadable(rep: Report, exc: BaseException, fmt: str = "") -> Refused:
    add_unreadable(rep, exc, fmt)
    return Refused("unreadable")


Read = tuple[gpd.GeoDataFrame, bool, tuple[str, ...]]


def short(exc: BaseException) -> str:
    text = str(exc).replace("\n", " ")
    text = re.sub(r"'?(/vsimem/|/tmp/lianghu-shp-|" + re.escape(tempfile.gettempdir())
                  + r"/)\S+'?", "the file", text)  # never show server paths
    return text[:300]


def strip_bom(data: bytes, rep: Report) -> bytes:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise rep.refuse("utf16")
    if data.startswith(b"\xef\xbb\xbf"):
        rep.add("bom_removed", Severity.INFO)
        return data[3:]
    return data


def read_gdal(source: Any, *, check_text: bool = True, **kwargs: Any
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


def list_layers(source: Any) -> list[tuple[str, Any]]:
    with warnings.catch_warnings():  # GDAL notes the in-memory name lacks a .gpkg extension
        warnings.simplefilter("ignore", RuntimeWarning)
        return [(str(n), g) for n, g in pyogrio.list_layers(source)]


def choose_layer(names: list[str], options: IngestOptions, rep: Report, res: IngestResult) -> str:
    res.layers = tuple(names)
    if options.layer is not None:
        if options.layer not in names:
            raise rep.refuse("unknown_layer", layer=options.layer, layers=tuple(names))
        return options.layer
    if len(names) > 1:
        raise rep.refuse("choose_layer", layers=tuple(names))
    return names[0]


def decode_text(data: bytes, rep: Report, name: str) -> str:
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


def find_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)
