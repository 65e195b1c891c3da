"""``python -m bench [render|ingest|interaction] [options]`` (``make bench``: all).

* ``render`` — the app's map against ``st_folium(gdf.explore())`` (see :mod:`bench.render`);
* ``ingest`` — upload ingest against a bare pyogrio read (see :mod:`bench.run`);
* ``interaction`` — input event → repainted map/panel in Chromium, against the code before issue
  18 (see :mod:`bench.interaction`).
"""

import sys

from bench import interaction, render, run

args = sys.argv[1:]
which = args.pop(0) if args and args[0] in ("render", "ingest", "interaction") else None
status = 0
if which in (None, "render"):
    status |= render.main(args if which else [])
if which in (None, "ingest"):
    status |= run.main(args if which else [])
if which in (None, "interaction"):
    status |= interaction.main(args if which else [])
raise SystemExit(status)
