"""KML and KMZ (Google Earth, 奥维 and other exporters).

GDAL's LIBKML driver reads the geometries (Point … MultiGeometry, gx:Track and gx:MultiTrack as
lines) and the attributes (ExtendedData Data and SchemaData, names kept as written — Chinese
included); one GDAL layer per folder.  A light walk of the XML adds what GDAL does not give: the
folder path of each placemark (``kml_folder``: "重点项目/西太湖"), and placemarks whose
coordinates cannot be read (GDAL puts those at 0,0) are left out, named.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
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


def _read_kml_bytes(data: bytes, rep: Report, res: IngestResult) -> Read:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:1024]:
        raise rep.refuse("utf16")  # (UTF-16/32 would hide a <!DOCTYPE> from the byte scan)
    rep.stop(check_remote("kml", data))  # (a KMZ's KML: the archive was compressed)
    if not looks_like("kml", data):
        raise rep.refuse("format_mismatch", format="KML")
    hrefs = kml_remote_hrefs(data)
    if hrefs:
        rep.add("remote_reference_ignored", Severity.WARNING, ref=hrefs[0][:120],
                count=len(hrefs))
    data = _as_utf8(data, rep)
    pyogrio.set_gdal_config_options({"LIBKML_LAUNDER_FIELD_NAMES": "NO"})  # 负责单位 stays so
    src = io.BytesIO(data)
    try:
        listed = [n for n, _ in list_layers(src)]
    except pyogrio.errors.DataSourceError as exc:
        raise unreadable(rep, exc, "kml") from None
    containers = _align(listed, _outline(data))
    frames, bad, start = [], [], 0
    for layer, box in zip(listed, containers, strict=True):
        # (one layer: read it by position — a KML without names is named after the in-memory
        # file, which differs on each open)
        gdf, _ = read_gdal(io.BytesIO(data), layer=layer if len(listed) > 1 else 0)
        if len(gdf):
            if box is not None and len(box.placemarks) == len(gdf):
                if box.path:
                    gdf["kml_folder"] = box.path
                bad += [(start + i, *p) for i, p in enumerate(box.placemarks) if p[1]]
            elif len(listed) > 1:
                gdf["kml_folder"] = layer
            gdf.index = pd.RangeIndex(start, start + len(gdf))
            start += len(gdf)
            frames.append(gdf)
    if not frames:
        raise rep.refuse("no_features")
    gdf = pd.concat(frames) if len(frames) > 1 else frames[0]
    for index, name, value in bad:
        rep.drop("kml_bad_coordinates", index=index, feature_id=name or None,
                 name=name or f"#{index}", value=value[:80])
    if bad:  # (GDAL put them at 0,0)
        res.total = len(gdf)
        gdf = gdf.drop(index=[b[0] for b in bad])
    # GDAL's KML drivers add a column for every KML element (timestamp, altitudeMode, icon …);
    # keep only those the file fills
    defaults = {"tessellate": -1, "extrude": 0, "visibility": -1}
    empty = [c for c in gdf.columns if c != "geometry" and (
        (gdf[c].isna() | (gdf[c].astype(str) == "")).all()
        or (c in defaults and (gdf[c].isna() | (gdf[c] == defaults[c])).all()))]
    gdf = gdf.drop(columns=empty)
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=4326), True, ()


def read_kml(data: bytes, _options: IngestOptions, rep: Report, res: IngestResult) -> Read:
    return _read_kml_bytes(data, rep, res)


def read_kmz(data: bytes, options: IngestOptions, rep: Report, res: IngestResult) -> Read:
    zf, members = open_zip(data, rep, options)
    kmls = [i for i in members if i.filename.lower().endswith(".kml")]
    if not kmls:
        raise rep.refuse("kmz_no_kml")
    kml = next((i for i in kmls if PurePosixPath(i.filename).name.lower() == "doc.kml"), kmls[0])
    return _read_kml_bytes(member(zf, kml, rep), rep, res)


_DECLARED = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([\w.:-]+)[\"']", re.IGNORECASE)
_CHINESE = ("gbk", "gb2312", "gb18030", "cp936", "euc-cn", "hz-gb-2312")


def _as_utf8(data: bytes, rep: Report) -> bytes:
    """A KML declaring a Chinese encoding (GBK …; GDAL's LIBKML reads only UTF-8): recoded."""
    m = _DECLARED.match(data[:200])
    if not m or m.group(1).decode("ascii").lower() not in _CHINESE:
        return data
    text = data.decode("gb18030", errors="replace")
    rep.add("kml_recoded", Severity.INFO, encoding=m.group(1).decode("ascii"))
    rep.conversions.append(f"KML text {m.group(1).decode('ascii')} → UTF-8 (declared)")
    body = text[text.index("?>") + 2:]
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode("utf-8")


@dataclass
class _Container:
    """A Document or Folder: its name, folder path, and its own placemarks as
    (name, unreadable coordinates or "")."""

    name: str
    path: str
    placemarks: list[tuple[str, str]] = field(default_factory=list)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _outline(data: bytes) -> list[_Container]:
    """Documents and Folders in document order (as GDAL lists its layers); [] if the XML cannot
    be walked (GDAL may still read it).  (Document type declarations were refused before.)"""
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError):
        return []
    found: list[_Container] = []

    def walk(elem: ET.Element, path: tuple[str, ...]) -> None:
        for child in elem:
            kind = _local(child.tag)
            if kind in ("Document", "Folder"):
                name = next((c.text or "" for c in child if _local(c.tag) == "name"), "")
                here = (*path, name.strip()) if kind == "Folder" else path
                box = _Container(name.strip(), "/".join(p for p in here if p))
                found.append(box)
                for sub in child:
                    if _local(sub.tag) == "Placemark":
                        box.placemarks.append(_placemark(sub))
                walk(child, here)

    walk(root, ())
    return found


def _placemark(elem: ET.Element) -> tuple[str, str]:
    name = next((c.text or "" for c in elem if _local(c.tag) == "name"), "").strip()
    for node in elem.iter():
        if _local(node.tag) in ("coordinates", "coord"):
            text = (node.text or "").strip()
            sep = "," if _local(node.tag) == "coordinates" else None
            parts = [p for tup in text.split() for p in tup.split(sep) if p] if sep else \
                text.split()
            try:
                [float(p) for p in parts]
            except ValueError:
                return name, text
            if not parts:
                return name, text or "—"
    return name, ""


def _align(listed: list[str], boxes: list[_Container]) -> list[_Container | None]:
    """Each GDAL layer's container: GDAL lists the Folders (and a Document holding placemarks of
    its own) in document order, a repeated name suffixed " (#2)"."""
    out: list[_Container | None] = []
    i = 0
    for layer in listed:
        name = re.sub(r" \(#\d+\)$", "", layer)
        j = next((k for k in range(i, len(boxes)) if boxes[k].name == name), None)
        if j is None and len(listed) == 1:
            j = next((k for k in range(i, len(boxes)) if boxes[k].placemarks), None)
        out.append(boxes[j] if j is not None else None)
        i = j + 1 if j is not None else i
    return out
