"""Zipped shapefiles: parts, .prj, DBF text encoding."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pyogrio
from pyproj import CRS

from ..errors import Severity
from ..ingest_guard import (
    looks_like,
)
from .archive import member, member_head, open_zip
from .base import IngestOptions, IngestResult, Read, Report, choose_layer, read_gdal, unreadable


def _prj_is_usable(prj: bytes, rep: Report, name: str) -> bool:
    """Whether the .prj states a CRS pyproj understands; if not, it is set aside (a finding) and
    the coordinates are judged as for a file without CRS."""
    try:
        CRS.from_wkt(prj.decode("utf-8").strip())
    except Exception:  # pyproj.exceptions.CRSError and friends
        rep.add("prj_unusable", Severity.WARNING, name=name)
        return False
    return True


def read_shapefile(data: bytes, options: IngestOptions, rep: Report, res: IngestResult) -> Read:
    zf, members = open_zip(data, rep, options)
    by_stem: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for info in members:
        p = PurePosixPath(info.filename)
        by_stem.setdefault(str(p.with_suffix("")), {})[p.suffix.lower()] = info
    shapes = sorted(stem for stem, parts in by_stem.items() if ".shp" in parts)
    if not shapes:
        listing = tuple(PurePosixPath(i.filename).name for i in members[:10]) or "—"
        raise rep.refuse("zip_no_shapefile", members=listing)
    stem = (choose_layer(shapes, options, rep, res) if len(shapes) > 1 or options.layer
            else shapes[0])
    parts = by_stem[stem]
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        raise rep.refuse("shapefile_incomplete", name=PurePosixPath(stem).name + ".shp",
                         missing=tuple(missing))
    name = PurePosixPath(stem).name
    if not looks_like("shapefile", member_head(zf, parts[".shp"], rep)):
        raise rep.refuse("format_mismatch", format="Shapefile (.shp)")  # e.g. a VRT named .shp
    encoding = _shapefile_encoding(zf, parts, rep, name)
    with tempfile.TemporaryDirectory(prefix="lianghu-shp-") as tmp:
        for ext, info in parts.items():
            if ext in (".shp", ".shx", ".dbf", ".cpg") or (
                    ext == ".prj" and _prj_is_usable(member(zf, info, rep), rep, name + ".prj")):
                (Path(tmp) / f"layer{ext}").write_bytes(member(zf, info, rep))
        gdf = _read_shapefile_dir(Path(tmp), encoding, rep, name)
    return gdf, gdf.crs is not None, res.layers


def _read_shapefile_dir(tmp: Path, encoding: str | None, rep: Report, name: str
                        ) -> gpd.GeoDataFrame:
    """Read the extracted shapefile; fall back (with a finding) when GDAL cannot use its .prj or
    cannot decode its attributes in the encoding found."""
    shp, prj = tmp / "layer.shp", tmp / "layer.prj"
    for _attempt in range(3):
        try:
            return read_gdal(str(shp), encoding=encoding)[0]
        except pyogrio.errors.DataSourceError as exc:
            raise unreadable(rep, exc, "shapefile") from None
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


def _shapefile_encoding(zf: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], rep: Report,
                        name: str) -> str | None:
    """The DBF's text encoding: the .cpg if present, else the DBF's language id, else judged
    from the bytes (UTF-8 if they decode as UTF-8, else GB18030 — Chinese GIS exports)."""
    if ".cpg" in parts:
        declared = member(zf, parts[".cpg"], rep).decode("ascii", errors="replace").strip()
        rep.add("encoding_declared", Severity.INFO, encoding=declared)
        return None  # GDAL reads the .cpg itself
    dbf = member(zf, parts[".dbf"], rep)
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
