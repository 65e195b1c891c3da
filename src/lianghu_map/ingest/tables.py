"""Tables of points: CSV with lon/lat or WKT columns."""

from __future__ import annotations

import csv
import io
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
    WKT_NAMES,
    IngestOptions,
    IngestResult,
    Read,
    Report,
    decode_text,
    find_column,
    short,
)


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
    res.total = len(df)
    df = df.fillna("")  # short rows: missing cells are empty, not NaN
    columns = [str(c) for c in df.columns]
    lon, lat = find_column(columns, LON_NAMES), find_column(columns, LAT_NAMES)
    wkt = find_column(columns, WKT_NAMES)
    if lon and lat:
        x = pd.to_numeric(df[lon].str.strip(), errors="coerce")
        y = pd.to_numeric(df[lat].str.strip(), errors="coerce")
        bad = x.isna() | y.isna()
        for i in np.flatnonzero(bad.to_numpy()):
            value = df[lon].iat[i] if pd.isna(x.iat[i]) else df[lat].iat[i]
            rep.drop("csv_bad_value", index=int(i), row=int(i), value=value)
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
                rep.drop("csv_bad_wkt", index=i, row=i, detail=short(exc)[:80])
        rep.add("csv_wkt_column", Severity.INFO, column=wkt)
        attrs = df.drop(columns=[wkt])
    else:
        raise rep.refuse("csv_no_coordinates", columns=tuple(columns[:12]) or "—")
    gdf = gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries(geoms, index=df.index), crs=None)
    # rows without a geometry were reported (csv_bad_value / csv_bad_wkt): not again as null
    return gdf.loc[gdf.geometry.notna().to_numpy()], False, ()
