"""GeoPackage: layers, views refused before reading."""

from __future__ import annotations

import io

import pyogrio

from ..ingest_guard import (
    check_gpkg,
)
from .base import (
    IngestOptions,
    IngestResult,
    Read,
    Report,
    choose_layer,
    list_layers,
    read_gdal,
    unreadable,
)


def read_gpkg(data: bytes, options: IngestOptions, rep: Report, res: IngestResult) -> Read:
    rep.stop(check_gpkg(data, options.layer, options.max_features))  # views, row count
    try:
        listed = list_layers(io.BytesIO(data))
    except pyogrio.errors.DataSourceError as exc:
        raise unreadable(rep, exc, "gpkg") from None
    names = [n for n, gtype in listed if gtype is not None] or [n for n, _ in listed]
    if not names:
        raise rep.refuse("no_features")
    layer = choose_layer(names, options, rep, res)
    gdf, _ = read_gdal(io.BytesIO(data), layer=layer)
    return gdf, gdf.crs is not None, tuple(names)
