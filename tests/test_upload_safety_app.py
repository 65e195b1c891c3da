"""AppTest (issue 19): the Upload page with hostile files — a NUL in the file name, a bomb, a
remote reference, GDAL's own English — shows a message in the UI language, never a traceback,
never Python's or GDAL's raw text, never a server path."""

from __future__ import annotations

import re

import ingest_fixtures as fx
import pytest
from test_upload_app import _report, _upload, _upload_page, store_dir  # noqa: F401 (fixture)

LEAKS = re.compile(r"Traceback|maximum recursion|not recognized as|too complex|/tmp/|/vsimem/"
                   r"|/work/|site-packages|Error:", re.IGNORECASE)


def _page_text(at) -> str:
    parts = [_report(at)]
    parts += [e.value for e in at.error] + [s.value for s in at.success]
    parts += [m.value for m in at.markdown]
    return "\n".join(parts)


@pytest.mark.parametrize(("name", "data", "zh"), [
    ("a\x00b\n.geojson", fx.geojson_ref()[1], None),
    (*fx.json_deep(), "嵌套层数过深"),
    (*fx.csv_wide(200000), "超过上限 1000 列"),
    (*fx.gpkg_recursive_view(), "是视图"),
    ("odd.kml", b"<foo/>", "无法识别文件内容的格式"),
    ("x.geojson", fx.remote_references("http://127.0.0.1:9")["geojson crs link"][1],
     "远程内容"),
])
def test_hostile_upload_is_told_in_chinese(name, data, zh):
    at = _upload(_upload_page("zh-Hans"), name, data)
    assert not at.exception
    text = _page_text(at)
    assert not LEAKS.search(text), LEAKS.search(text)
    if zh is None:  # the NUL file is fine: read, its name shown without control characters
        assert any("个要素" in s.value for s in at.success), text
        assert "ab.geojson" in _report(at) or "ab.geojson" in text
        assert "\x00" not in text
    else:
        assert at.error and zh in _report(at), _report(at)
