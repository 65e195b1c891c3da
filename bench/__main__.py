"""``python -m bench [render|ingest|upload] [options]`` (``make bench``: all three).

* ``render`` — the app's map against ``st_folium(gdf.explore())`` (see :mod:`bench.render`);
* ``ingest`` — upload ingest against a bare pyogrio read (see :mod:`bench.run`);
* ``upload`` — the Upload page's report for a 3 MB file against ``ingest_file`` on the same
  bytes (see :mod:`bench.upload`).
"""

import sys

from bench import render, run, upload

args = sys.argv[1:]
which = args.pop(0) if args and args[0] in ("render", "ingest", "upload") else None
status = 0
if which in (None, "render"):
    status |= render.main(args if which else [])
if which in (None, "ingest"):
    status |= run.main(args if which else [])
if which in (None, "upload"):
    status |= upload.main(args if which else [])
raise SystemExit(status)
