"""KML and KMZ (Google Earth, 奥维 and other exporters)."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio

from ..errors import Severity
from ..ingest_guard import (
    check_remote,
    kml_remote_hrefs,
    looks_like,
)
from .archive import member, open_zip
from .base import IngestOptions, IngestResult, Read, Report, list_layers, read_gdal, unreadable


def _read_kml_bytes(data: bytes, rep: Report) -> Read:
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
        listed = [n for n, _ in list_layers(src)]
    except pyogrio.errors.DataSourceError as exc:
        raise unreadable(rep, exc, "kml") from None
    frames = []
    for layer in listed:
        # (one layer: read it by position — a KML without names is named after the in-memory
        # file, which differs on each open)
        gdf, _ = read_gdal(io.BytesIO(data), layer=layer if len(listed) > 1 else 0)
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


def read_kml(data: bytes, _options: IngestOptions, rep: Report, _res: IngestResult) -> Read:
    return _read_kml_bytes(data, rep)


def read_kmz(data: bytes, options: IngestOptions, rep: Report, _res: IngestResult) -> Read:
    zf, members = open_zip(data, rep, options)
    kmls = [i for i in members if i.filename.lower().endswith(".kml")]
    if not kmls:
        raise rep.refuse("kmz_no_kml")
    kml = next((i for i in kmls if PurePosixPath(i.filename).name.lower() == "doc.kml"), kmls[0])
    return _read_kml_bytes(member(zf, kml, rep), rep)
