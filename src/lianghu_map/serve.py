"""Start the app's server ready for its first visitor (issue 18, Build 4: start-up).

``python -m lianghu_map.serve [app.py] [streamlit run options]`` (what ``make run`` does):
before Streamlit starts listening, the libraries are imported and the catalogue and the
default Map view are made once in this process (:func:`warm`) — the module-level caches the
first page run reads (the catalogue per store revision, each layer's feature texts, a big
layer's prepared payload).  Under a plain ``streamlit run`` the first visitor after a start
paid for all of it: about 3 s of imports (Streamlit, geopandas, folium, pyogrio) and 1–2 s of
reading the store, inside their first page load.  The server now answers its health check a
few seconds later instead.

A failure while warming is printed and the server starts anyway: warming only fills caches.

Memory (:func:`hold_memory_down`): each page run is a thread of its own, and glibc gives
threads malloc arenas of their own (up to eight per core), whose freed memory stays with the
process; a page run with a million-parcel layer frees a few hundred megabytes of passing work.
The server keeps to two arenas and hands freed pages back to the system every few seconds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
import threading
import time
from pathlib import Path

__all__ = ["hold_memory_down", "main", "warm"]

ROOT = Path(__file__).resolve().parents[2]  # the checkout: app.py, pages/
SWITCH_INTERVAL = 0.001  # s (Python's default 0.005)


def warm() -> dict[str, float]:
    """Import what a page run imports and make the default Map view once; seconds per stage."""
    laps: dict[str, float] = {}
    t = time.perf_counter()
    import folium  # noqa: F401
    import geopandas  # noqa: F401
    import pyogrio  # noqa: F401
    import streamlit_folium  # noqa: F401

    from . import analysis, catalog, mapview, selection

    laps["imports"] = time.perf_counter() - t
    t = time.perf_counter()
    cat = catalog.load_catalog()
    laps["catalog"] = time.perf_counter() - t
    t = time.perf_counter()
    flt = selection.MapFilter(layers=tuple(spec.id for spec in cat.layers))
    shown = selection.select(cat.features, cat.links, cat.meeting, flt)
    mapview.feature_groups(cat.features, shown, "zh-Hans", None, cat.layers, basemap="osm",
                           draw="zh-Hans")
    # what else the Map page derives from the catalogue and keeps (seconds each with a
    # million-parcel layer): the legend's rows, the ids a URL is checked against, the counts
    mapview.legend_html(cat.features, shown.drawn_set, "zh-Hans", cat.layers)
    selection.feature_id_set(cat.features)
    analysis.ring_centres(cat.features)
    _ = shown.counts
    laps["map"] = time.perf_counter() - t
    return laps


ARENAS = 2  # glibc malloc arenas (its default: eight per core)
TRIM_EVERY = 5.0  # s between returns of freed memory to the system
_M_ARENA_MAX = -8  # mallopt's parameter (malloc.h)


def hold_memory_down(every: float = TRIM_EVERY) -> bool:
    """Two malloc arenas, and freed memory returned to the system every ``every`` seconds
    (``malloc_trim``) by a daemon thread.  False where the C library is not glibc (nothing is
    done there)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt, trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError):
        return False
    mallopt(_M_ARENA_MAX, ARENAS)

    def run() -> None:
        while True:
            time.sleep(every)
            trim(0)

    threading.Thread(target=run, name="lianghu-malloc-trim", daemon=True).start()
    return True


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    app = Path(args.pop(0)) if args and args[0].endswith(".py") else ROOT / "app.py"
    if not app.is_file():
        sys.exit(f"lianghu_map.serve: no app script at {app}")
    hold_memory_down()
    logging.disable(logging.WARNING)  # no "missing ScriptRunContext" outside a page run
    try:
        laps = warm()
        print("lianghu-map: warmed in "
              + ", ".join(f"{k} {v:.1f} s" for k, v in laps.items()), flush=True)
    except Exception as err:  # warming fills caches only: the server starts anyway
        print(f"lianghu-map: warming failed ({type(err).__name__}: {err}); starting cold",
              flush=True)
    finally:
        logging.disable(logging.NOTSET)
    from streamlit import config
    from streamlit.web import cli

    # the server's event loop (static files: a big layer's tiles) waits for the interpreter
    # lock while a page run computes; hand it over every 1 ms instead of 5 ms
    sys.setswitchinterval(SWITCH_INTERVAL)

    # warming read Streamlit's configuration without the command line's options: read it
    # again with them, as a fresh start does (else Streamlit warns of a changed [server])
    config._config_options = None
    sys.argv = ["streamlit", "run", str(app), *args]
    cli.main()


if __name__ == "__main__":
    main()
