"""``python -m bench [render|ingest|meeting] [options]`` (``make bench``: all).

* ``render`` — the app's map against ``st_folium(gdf.explore())`` (see :mod:`bench.render`);
* ``ingest`` — upload ingest against a bare pyogrio read (see :mod:`bench.run`);
* ``meeting`` — a 30,000-character meeting report cleaned, split and linked (see
  :mod:`bench.meeting`).
"""

import sys

from bench import meeting, render, run

args = sys.argv[1:]
which = args.pop(0) if args and args[0] in ("render", "ingest", "meeting") else None
status = 0
if which in (None, "render"):
    status |= render.main(args if which else [])
if which in (None, "ingest"):
    status |= run.main(args if which else [])
if which in (None, "meeting"):
    status |= meeting.main(args if which else [])
raise SystemExit(status)
