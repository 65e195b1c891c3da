"""Tables of points: CSV with lon/lat or WKT columns."""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import Severity
from ..ingest_guard import (
    check_csv,
)
from .base import (
    LAT_NAMES,
    LON_NAMES,
    PAIR_NAMES,
    WKT_NAMES,
    IngestOptions,
    IngestResult,
    Read,
    Report,
    decode_text,
    find_column,
    short,
)
from .dms import is_plain_number, parse_angle, parse_pair

HEADER_SCAN = 30  # top rows searched for the header row (title rows above it are skipped)


def read_csv(data: bytes, options: IngestOptions, rep: Report, res: IngestResult) -> Read:
    rep.stop(check_csv(data, options.max_columns, options.max_line_bytes))
    text = decode_text(data, rep, rep.file)
    if not text.strip():
        raise rep.refuse("empty_file")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # old Mac Excel: CR line endings
    try:
        sep = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","  # one column, or nothing to tell from: the usual comma
    # a sheet with a title row saved as CSV: the header is further down
    head = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=sep), HEADER_SCAN))
    skip, coords = header_row(head)
    skip = skip if coords and skip else 0
    if skip:
        rep.add("table_header_row", Severity.INFO, row=skip + 1, skipped=skip)
        text = text[_offset_of_record(text, sep, skip):]
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
        raise rep.refuse("csv_malformed", detail=short(exc)[:160]) from None
    df = df.fillna("")  # short rows: missing cells are empty, not NaN
    # Excel writes rows of empty cells (",,,") below a table once cells were formatted: not rows
    df = df.loc[(df.map(lambda v: str(v).strip()) != "").any(axis=1).to_numpy()]
    res.total = len(df)
    df = df.reset_index(drop=True)
    return table_points(df, rep, list(range(len(df))), "csv_no_coordinates")


def table_points(df: pd.DataFrame, rep: Report, rows: list[int], no_coordinates: str,
                 **where: object) -> Read:
    """Points from a table's lon/lat columns (numbers, or text in decimal degrees or
    degrees-minutes-seconds), geometries from a WKT column, or points from one column holding
    both (经纬度: "119.885,31.712").  ``rows``: the row number each
    data row is named by in findings (its index is its position); ``no_coordinates``: the
    refusal's code when no column is found (``where``: its other parameters)."""
    columns = [str(c) for c in df.columns]
    lon, lat = find_header(columns, LON_NAMES), find_header(columns, LAT_NAMES)
    wkt = find_header(columns, WKT_NAMES)
    if lon and lat and lon != lat:
        x, bad_x, dms_x = _coordinates(df[lon], "lon")
        y, bad_y, dms_y = _coordinates(df[lat], "lat")
        bad = bad_x | bad_y
        for i in np.flatnonzero(bad):
            value = df[lon].iat[i] if bad_x[i] else df[lat].iat[i]
            rep.drop("csv_bad_value", index=int(i), row=rows[i], value=str(value)[:80])
        rep.add("csv_columns", Severity.INFO, x=lon, y=lat)
        if dms_x + dms_y:
            rep.add("coordinates_dms", Severity.INFO, count=dms_x + dms_y, columns=(lon, lat))
        geoms = shapely.points(np.column_stack([x, y]))
        geoms[bad] = None
        attrs = df.drop(columns=[lon, lat])
    elif wkt:
        geoms = np.empty(len(df), dtype=object)
        for i, value in enumerate(df[wkt]):
            try:
                geoms[i] = shapely.from_wkt(str(value).strip())
            except (shapely.errors.GEOSException, NotImplementedError, ValueError) as exc:
                # (curves such as CIRCULARSTRING are not supported: NotImplementedError)
                rep.drop("csv_bad_wkt", index=i, row=rows[i], detail=short(exc)[:80])
        rep.add("csv_wkt_column", Severity.INFO, column=wkt)
        attrs = df.drop(columns=[wkt])
    elif pair := find_header(columns, PAIR_NAMES):
        geoms = _pairs(df[pair], rows, rep)
        rep.add("coordinates_combined", Severity.INFO, column=pair)
        attrs = df.drop(columns=[pair])
    else:
        raise rep.refuse(no_coordinates, columns=tuple(columns[:12]) or "—", **where)
    gdf = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, index=df.index), crs=None)
    # rows without a geometry were reported (csv_bad_value / csv_bad_wkt): not again as null
    kept = gdf.geometry.notna().to_numpy()
    if len(gdf) and not kept.any() and len(rep.dropped) == len(gdf):
        raise rep.refuse("table_no_valid_rows", count=len(gdf))
    return gdf.loc[kept], False, ()


def _pairs(col: pd.Series, rows: list[int], rep: Report) -> np.ndarray:
    """Points from one column holding lon and lat together; bad cells left out, named."""
    geoms = np.empty(len(col), dtype=object)
    swapped = 0
    for i, cell in enumerate(col.astype(str)):
        try:
            x, y, flipped = parse_pair(cell)
        except ValueError:
            rep.drop("csv_bad_value", index=i, row=rows[i], value=cell[:80])
            continue
        geoms[i] = shapely.Point(x, y)
        swapped += flipped
    if swapped:
        rep.add("coordinates_pair_swapped", Severity.INFO, count=swapped, column=col.name)
    return geoms


def _coordinates(col: pd.Series, axis: str) -> tuple[np.ndarray, np.ndarray, int]:
    """(degrees, bad, how many were degrees-minutes-seconds) for one column of cells."""
    text = col.astype(str).str.strip()  # (a float's str round-trips exactly)
    values = np.array(pd.to_numeric(text, errors="coerce"), dtype=float)  # (a writable copy)
    dms = 0
    for i in np.flatnonzero(np.isnan(values)):
        cell = text.iat[i]
        if cell and not is_plain_number(cell):
            try:
                angle = parse_angle(cell, axis)
            except ValueError:
                continue
            values[i] = angle
            dms += 1
    return values, np.isnan(values), dms


_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")


def header_key(name: str) -> str:
    """A column name as matched against the known names: ``经度(°)``, ``X坐标``,
    ``Longitude (WGS84)`` → ``经度``, ``x``, ``longitude``."""
    key = _BRACKETS.sub("", unicodedata.normalize("NFKC", str(name))).strip().lower()
    for suffix in ("坐标", "坐標", "座標"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)].strip()
    return key


def find_header(columns: list[str], names: tuple[str, ...]) -> str | None:
    keys: dict[str, str] = {}
    for c in columns:
        keys.setdefault(header_key(c), c)
    found = find_column(list(keys), names)
    return keys[found] if found is not None else None


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_row(rows: list[list]) -> tuple[int | None, bool]:
    """(the header row's position, whether it names coordinate columns) among a table's top
    rows.  The header is the first row naming lon+lat or WKT columns; failing that, the first
    row with two or more filled cells (a table without coordinates, named in the refusal)."""
    first = None
    for i, row in enumerate(rows):
        names = [str(v).strip() for v in row if isinstance(v, str) and v.strip()]
        if (find_header(names, LON_NAMES) and find_header(names, LAT_NAMES)) \
                or find_header(names, WKT_NAMES) or find_header(names, PAIR_NAMES):
            return i, True
        if first is None and sum(not is_empty(v) for v in row) >= 2:
            first = i
    return first, False


def _offset_of_record(text: str, sep: str, record: int) -> int:
    """Where CSV record ``record`` starts in ``text`` (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    for _ in range(record):
        next(reader)
    pos = 0
    for _ in range(reader.line_num):
        pos = text.index("\n", pos) + 1
    return pos
