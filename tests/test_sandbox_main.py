"""The ingest worker never runs the parent's main script again (issue 16 item 9: under
Streamlit the app script is ``__main__``, and every worker ran ``app.py`` and the Map page
before reading a byte — most of a 3 MB upload's report time)."""

from __future__ import annotations

import sys
import types

from lianghu_map.sandbox import run_ingest

POINT = (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
         b'"geometry": {"type": "Point", "coordinates": [119.8, 31.6]}}]}')


def test_worker_does_not_run_the_parents_main_script(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    script = tmp_path / "fake_app.py"  # what Streamlit sets as __main__ for a script run
    script.write_text(f"open({str(marker)!r}, 'w').write('the worker ran me')\n")
    fake = types.ModuleType("__main__")
    fake.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake)
    res = run_ingest("point.geojson", POINT)
    assert res.ok and len(res.gdf) == 1
    assert not marker.exists()
