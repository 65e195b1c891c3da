"""The entry point: bytes + file name → IngestResult, one reader per format."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio

from ..errors import Severity
from ..ingest_guard import (
    NO_NETWORK,
    check_remote,
)
from ..layers import name_column
from .base import (
    _CONTROL,
    IngestOptions,
    IngestResult,
    Progress,
    Read,
    Refused,
    Report,
    add_unreadable,
    clean_name,
    sniff_format,
)
from .checks import check
from .excel import read_excel
from .geojson import read_geojson
from .gpkg import read_gpkg
from .kml import read_kml, read_kmz
from .seq import read_flatgeobuf, read_geojsonseq
from .shapefile import read_shapefile
from .tables import read_csv


def ingest_file(name: str, data: bytes, options: IngestOptions | None = None,
                progress: Progress | None = None) -> IngestResult:
    """Read, validate and convert one uploaded file. Never raises for bad input.

    With ``options.follow_hint`` a file read as WGS84 that looks GCJ-02 or BD-09 (a
    ``datum_likely`` finding) is also checked in that datum, from the same read: the result's
    ``hinted`` is what ``ingest_file`` with ``datum=<that datum>`` returns (the Upload page asks
    for it next, and no longer reads the file twice)."""
    options = options or IngestOptions()
    _no_network()
    name = clean_name(name)
    fmt = sniff_format(name) or ""
    rep = Report(name)
    result = IngestResult(name, fmt, None, rep.findings, conversions=rep.conversions,
                          sha256=hashlib.sha256(data).hexdigest())
    tell = progress or (lambda _f, _s: None)
    read = None

    def read_it() -> None:
        nonlocal read, declared
        if not fmt:
            raise rep.refuse("unsupported_format", ext=PurePosixPath(name).suffix or name)
        if not data:
            raise rep.refuse("empty_file")
        if len(data) > options.max_bytes:
            raise rep.refuse("file_too_large", size_mb=round(len(data) / 2**20, 1),
                             limit_mb=round(options.max_bytes / 2**20, 1))
        rep.stop(check_remote(fmt, data))
        tell(0.05, "read")
        read, declared, result.layers = READERS[fmt](data, options, rep, result)

    declared = False
    if _guarded(read_it, rep, result, options, fmt):
        follow = options.follow_hint and options.datum == "wgs84"
        before = copy.deepcopy((rep, result)) if follow else None
        tell(0.6, "validate")

        def check_it(frame: gpd.GeoDataFrame, opts: IngestOptions, rep: Report,
                     res: IngestResult, tell: Progress) -> None:
            res.gdf = check(frame, declared, fmt, opts, rep, res, tell)
            tell(1.0, "done")

        # (the first check may change the frame it is given: a shallow copy, pandas
        # copy-on-write, keeps the read as it was for the second)
        first = read.copy(deep=False) if follow else read
        _guarded(lambda: check_it(first, options, rep, result, tell), rep, result, options, fmt)
        hint = next((f for f in rep.findings if f.code == "datum_likely"), None)
        if before is not None and hint is not None:
            rep2, res2 = before
            opts2 = replace(options, datum=hint.params["datum_code"])
            _guarded(lambda: check_it(read, opts2, rep2, res2, lambda _f, _s: None), rep2, res2,
                     opts2, fmt)
            _finish(rep2, res2, read)
            result.hinted = res2
    _finish(rep, result, read)
    return result


def _guarded(step: Callable[[], None], rep: Report, result: IngestResult,
             options: IngestOptions, fmt: str) -> bool:
    """Run a step of ingest; False (and no frame) when it refused the file or failed."""
    try:
        step()
        return True
    except Refused:
        pass
    except MemoryError:  # the worker's memory budget (sandbox.py) ran out
        rep.add("ingest_memory", Severity.ERROR, limit_mb=options.memory_mb or "?")
    except RecursionError:  # nesting too deep for a parser
        rep.add("too_complex", Severity.ERROR)
    except Exception as exc:  # a reader or GDAL failed in a way not foreseen: report, don't crash
        add_unreadable(rep, exc, fmt)
    result.gdf = None
    return False


def _finish(rep: Report, result: IngestResult, read: gpd.GeoDataFrame | None) -> None:
    rep.close()
    _name_findings(rep, read)
    result.dropped = tuple(sorted(rep.dropped))


def _name_findings(rep: Report, read: gpd.GeoDataFrame | None) -> None:
    """Give each finding about one feature that feature's name, from the layer's detected name
    column as the reader read it (so features left out are named too)."""
    col = name_column(read.columns) if read is not None and len(read) else None
    if col is None:
        return
    values = read[col]
    for i, f in enumerate(rep.findings):
        if f.index is None or f.name is not None or f.index not in values.index:
            continue
        value = values.loc[f.index]
        if isinstance(value, pd.Series):  # (an index label repeated: take the first)
            value = value.iloc[0]
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else \
            " ".join(_CONTROL.sub(" ", str(value)).split())
        if text:
            rep.findings[i] = replace(f, name=text if len(text) <= 60 else text[:59] + "…")


_network_off = False


def _no_network() -> None:
    """GDAL and PROJ make no request for any file (issue 19): set once per process."""
    global _network_off
    if not _network_off:
        pyogrio.set_gdal_config_options(NO_NETWORK)
        import pyproj.network

        pyproj.network.set_network_enabled(active=False)
        _network_off = True


READERS: dict[str, Callable[[bytes, IngestOptions, Report, IngestResult], Read]] = {
    "geojson": read_geojson, "gpkg": read_gpkg, "shapefile": read_shapefile,
    "kml": read_kml, "kmz": read_kmz, "csv": read_csv,
    "excel": read_excel, "geojsonseq": read_geojsonseq, "flatgeobuf": read_flatgeobuf,
}
