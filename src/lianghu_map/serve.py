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
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

__all__ = ["main", "warm"]

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

    from . import catalog, mapview, selection

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
    _ = shown.counts
    laps["map"] = time.perf_counter() - t
    return laps


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    app = Path(args.pop(0)) if args and args[0].endswith(".py") else ROOT / "app.py"
    if not app.is_file():
        sys.exit(f"lianghu_map.serve: no app script at {app}")
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
