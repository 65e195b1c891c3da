"""``python -m bench [NAME] [options]`` (``make bench``: every benchmark, in this order).

* ``render`` — the app's map against ``st_folium(gdf.explore())`` (see :mod:`bench.render`);
* ``ingest`` — upload ingest against a bare pyogrio read (see :mod:`bench.run`);
* ``upload`` — the Upload page's report for 3 MB files (GeoJSON parcels, QGIS boundaries, an
  Excel point list, DataV; a 16 KB file for the page's fixed cost) against ``ingest_file`` on
  the same bytes, and Streamlit's own floor (a bare page with only a file uploader; see
  :mod:`bench.upload`);
* ``meeting`` — a 30,000-character meeting report cleaned, split and linked (see
  :mod:`bench.meeting`);
* ``interaction`` — input event → repainted map/panel in Chromium, against the code before issue
  18 (see :mod:`bench.interaction`);
* ``review`` — the Reports page's review of a long report in Chromium (paste → review, theme
  change, link removal), against main before the review was made fast (see :mod:`bench.review`).
"""

import importlib
import sys

BENCHES = {"render": "bench.render", "ingest": "bench.run", "upload": "bench.upload",
           "meeting": "bench.meeting", "interaction": "bench.interaction",
           "review": "bench.review", "million": "bench.million"}

args = sys.argv[1:]
which = args.pop(0) if args and args[0] in BENCHES else None
status = 0
for name, module in BENCHES.items():
    if which in (None, name):
        status |= importlib.import_module(module).main(args if which else [])
raise SystemExit(status)
