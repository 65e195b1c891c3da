"""Ingest benchmark: ``ingest_file`` on a 100,000-feature GeoJSON against a bare pyogrio read.

Both run in this one process on the same file (:func:`bench.data.parcels`, about 80 MB):

* **baseline** — ``pyogrio.read_dataframe(path)`` with default options (no validation at all);
* **ingest** — ``ingest_file(path.name, path.read_bytes())``: the file read is *included*, as the
  baseline reads the file from disk too (the uploader hands ingest bytes already in memory, so
  this slightly favours the baseline).

After one warm-up call of each (GDAL, pyproj and the OS page cache), they run alternately
``--repeat`` times (the order flips every round, so neither always runs on a cooler or hotter
machine); the medians are compared.  The result is the ratio ingest / baseline (target ≤ 1.5×).
For context the baseline is also timed with ``use_arrow=True`` (what ingest uses internally), and
ingest is broken down by the stages it reports to its ``progress`` callback.

Benchmarks report, they do not fail: the exit status is 0 whatever the ratio.  The results are
also written to ``bench/.cache/last.json``.  ``--profile`` prints the top of a cProfile of one
ingest call (done anyway when the target is missed).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import platform
import pstats
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas
import numpy
import pandas
import pyogrio
import pyproj
import shapely

from bench.data import CACHE_DIR, DEFAULT_FEATURES, Dataset, parcels
from lianghu_map.ingest import IngestOptions, IngestResult, ingest_file

TARGET = 1.5
STAGES = ("read", "validate", "convert", "repair", "done")


def versions() -> dict[str, str]:
    out = {
        "python": platform.python_version(),
        "pyogrio": pyogrio.__version__,
        "gdal": pyogrio.__gdal_version_string__,
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "geopandas": geopandas.__version__,
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "pyproj": pyproj.__version__,
    }
    try:
        import pyarrow
        out["pyarrow"] = pyarrow.__version__
    except ImportError:  # pragma: no cover - use_arrow needs it; ingest would fail first
        out["pyarrow"] = "absent"
    return out


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
        "loadavg_start": [round(v, 2) for v in os.getloadavg()],
        "PYOGRIO_USE_ARROW": os.environ.get("PYOGRIO_USE_ARROW"),
    }


def _quiet_read(path: Path, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pyogrio.read_dataframe(path, **kwargs)


def time_baseline(path: Path, use_arrow: bool | None = None) -> tuple[float, int]:
    """Seconds for the bare read (default options unless ``use_arrow`` is given), and rows."""
    kwargs = {} if use_arrow is None else {"use_arrow": use_arrow}
    gc.collect()
    t0 = time.perf_counter()
    df = _quiet_read(path, **kwargs)
    elapsed = time.perf_counter() - t0
    return elapsed, len(df)


def options_for(ds: Dataset) -> IngestOptions:
    """The upload limits a deployment that takes this file is configured with
    (``LIANGHU_MAX_UPLOAD_MB``, ``LIANGHU_MAX_FEATURES``, ``LIANGHU_MAX_VERTICES``): the
    defaults, raised to fit it (the defaults refuse the million-parcel file)."""
    base = IngestOptions()
    return IngestOptions(max_bytes=max(base.max_bytes, ds.size_bytes),
                         max_features=max(base.max_features, ds.features),
                         max_vertices=max(base.max_vertices, _round_up(2 * ds.vertices)))


def _round_up(n: int) -> int:
    """``n`` rounded up to a round setting (one significant digit): 19,801,320 → 20,000,000."""
    step = 10 ** (len(str(n)) - 1)
    return -(-n // step) * step


def time_ingest(path: Path, options: IngestOptions | None = None
                ) -> tuple[float, dict[str, float], IngestResult]:
    """Seconds for reading the file's bytes and ingesting them; the time spent in each stage."""
    marks: list[tuple[str, float]] = []

    def progress(_fraction: float, stage: str) -> None:
        marks.append((stage, time.perf_counter()))

    gc.collect()
    t0 = time.perf_counter()
    data = path.read_bytes()
    t1 = time.perf_counter()
    result = ingest_file(path.name, data, options, progress=progress)
    t2 = time.perf_counter()
    stages = {"file read (read_bytes)": t1 - t0}
    prev_name, prev_t = "start (sha256, limits)", t1
    for name, t in marks:
        stages[prev_name] = t - prev_t
        prev_name, prev_t = name, t
    stages[prev_name if prev_name != "done" else "after done (report)"] = t2 - prev_t
    return t2 - t0, stages, result


STAGE_LABELS = {
    "file read (read_bytes)": "file read: path.read_bytes()",
    "start (sha256, limits)": "start → read: sha256, size limits",
    "read": "read → validate: GDAL read (BytesIO, arrow), ids",
    "validate": "validate → convert: nulls, ids, Z, CRS",
    "convert": "convert → repair: ranges, swapped axes, datum",
    "repair": "repair → done: make_valid, types, dup ids, columns",
    "after done (report)": "done → return: findings summary",
}


def check_result(result: IngestResult, ds: Dataset) -> list[str]:
    """What the ingest of the benchmark file must find; problems, if any, as text."""
    problems = []
    if not result.ok or result.gdf is None:
        problems.append(f"ingest refused the file: {sorted(result.codes())}")
        return problems
    counts: dict[str, int] = {}
    for f in result.findings:
        if f.code == "more_findings":
            counts[f.params["code"]] = counts.get(f.params["code"], 0) + int(f.params["count"])
        else:
            counts[f.code] = counts.get(f.code, 0) + 1
    if counts.get("null_geometry", 0) != ds.null:
        problems.append(f"null_geometry findings {counts.get('null_geometry', 0)} != {ds.null}")
    repaired = counts.get("invalid_geometry", 0) + counts.get("unrepairable_geometry", 0)
    if repaired != ds.invalid:
        problems.append(f"invalid geometry findings {repaired} != {ds.invalid}")
    expected_rows = ds.features - ds.null - counts.get("unrepairable_geometry", 0)
    if len(result.gdf) != expected_rows:
        problems.append(f"{len(result.gdf)} rows out, expected {expected_rows}")
    if result.gdf.crs is None or result.gdf.crs.to_epsg() != 4326:
        problems.append(f"CRS {result.gdf.crs} is not EPSG:4326")
    return problems


def profile_ingest(path: Path, top: int = 15, options: IngestOptions | None = None) -> str:
    data = path.read_bytes()
    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    ingest_file(path.name, data, options)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def run(features: int, repeat: int, arrow_context: bool, profile: bool,
        out_json: Path, log: Callable[[str], None] = print) -> dict[str, Any]:
    info = machine()
    started = dt.datetime.now(dt.UTC)
    ds = parcels(features)
    path = ds.path
    log(f"file: {path.name}  {ds.size_bytes / 1e6:.1f} MB, {ds.features:,} features "
        f"({ds.invalid} bow-ties, {ds.null} null geometries, {ds.vertices:,} vertices)")
    vers = versions()
    log("versions: " + ", ".join(f"{k} {v}" for k, v in vers.items()))
    log(f"machine: {info['cpus']} CPUs, load average {info['loadavg_start']}")

    # warm-up: GDAL driver registration, pyproj database, the page cache holding the file
    log("warm-up …")
    _, rows = time_baseline(path)
    if arrow_context:
        time_baseline(path, use_arrow=True)
    options = options_for(ds)
    _, _, result = time_ingest(path, options)
    problems = check_result(result, ds)
    if rows != ds.features:
        problems.append(f"baseline read {rows} rows, expected {ds.features}")
    for p in problems:
        log(f"WARNING: {p}")

    runs: dict[str, Callable[[], float]] = {"baseline": lambda: time_baseline(path)[0]}
    if arrow_context:
        runs["baseline_arrow"] = lambda: time_baseline(path, use_arrow=True)[0]
    samples: dict[str, list[float]] = {k: [] for k in [*runs, "ingest"]}
    stage_samples: dict[str, list[float]] = {}

    def ingest_once() -> float:
        seconds, stages, _ = time_ingest(path, options)
        for k, v in stages.items():
            stage_samples.setdefault(k, []).append(v)
        return seconds

    runs["ingest"] = ingest_once
    order = list(runs)
    for i in range(repeat):
        for name in order if i % 2 == 0 else order[::-1]:
            samples[name].append(runs[name]())
        log(f"round {i + 1}/{repeat}: " + ", ".join(f"{k} {v[-1]:.2f} s"
                                                    for k, v in samples.items()))

    med = {k: _median(v) for k, v in samples.items()}
    ratio = med["ingest"] / med["baseline"]
    met = ratio <= TARGET and not problems  # a refused or wrong ingest meets nothing
    stage_med = {k: _median(v) for k, v in stage_samples.items()}

    log("")
    log(f"{'measurement':<56}{'median s':>10}{'× baseline':>12}")
    log("-" * 78)
    log(f"{'baseline: pyogrio.read_dataframe(path)':<56}{med['baseline']:>10.3f}{1:>12.2f}")
    if arrow_context:
        log(f"{'  context: same with use_arrow=True':<56}{med['baseline_arrow']:>10.3f}"
            f"{med['baseline_arrow'] / med['baseline']:>12.2f}")
    log(f"{'ingest: ingest_file(name, path.read_bytes())':<56}{med['ingest']:>10.3f}"
        f"{ratio:>12.2f}")
    log("  ingest stages (medians, from the progress callback):")
    for k, v in stage_med.items():
        log(f"    {STAGE_LABELS.get(k, k):<52}{v:>10.3f}{v / med['baseline']:>12.2f}")
    log("-" * 78)
    if arrow_context:
        log(f"ingest / baseline(use_arrow=True): {med['ingest'] / med['baseline_arrow']:.2f}×")
    verdict = (f"TARGET MET (ratio {ratio:.2f}× ≤ {TARGET}×)" if met
               else f"TARGET MISSED (≤{TARGET}×): ratio {ratio:.2f}×"
               + (f"; ingest did not do its job: {problems}" if problems else ""))
    log(verdict)

    prof_text = None
    if profile or not met:
        log("")
        log("cProfile of one ingest call, top 15 by cumulative time:")
        prof_text = profile_ingest(path, options=options)
        log(prof_text)

    info["loadavg_end"] = [round(v, 2) for v in os.getloadavg()]
    report = {
        "date": started.isoformat(timespec="seconds"),
        "dataset": ds.describe(),
        "versions": vers,
        "machine": info,
        "repeat": repeat,
        "samples_s": samples,
        "median_s": med,
        "stages_median_s": stage_med,
        "ratio": ratio,
        "ratio_vs_arrow_baseline": (med["ingest"] / med["baseline_arrow"]
                                    if arrow_context else None),
        "target": TARGET,
        "target_met": met,
        "problems": problems,
        "profile": prof_text,
    }
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    log(f"results: {out_json}")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench",
                                 description="ingest_file vs a bare pyogrio read, as a ratio")
    ap.add_argument("--features", type=int, default=DEFAULT_FEATURES,
                    help=f"features in the synthetic file (default {DEFAULT_FEATURES:,})")
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds (default 3)")
    ap.add_argument("--no-arrow-context", dest="arrow_context", action="store_false",
                    help="skip timing the baseline with use_arrow=True")
    ap.add_argument("--profile", action="store_true",
                    help="print a cProfile of one ingest call even if the target is met")
    ap.add_argument("--json", type=Path, default=CACHE_DIR / "last.json",
                    help="where to write the results (default bench/.cache/last.json)")
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.features < 1:
        ap.error("--repeat and --features must be at least 1")
    run(args.features, args.repeat, args.arrow_context, args.profile, args.json)
    sys.stdout.flush()
    return 0  # benchmarks report; they never fail the build


if __name__ == "__main__":
    raise SystemExit(main())
