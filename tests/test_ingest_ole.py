"""Issue 16: OLE2 Excel files looked into before any cell is read (lianghu_map.ingest.ole).

* an .xls sheet's extent found on the BIFF records is what calamine builds (checked against
  calamine itself on small sheets, and on the committed xlwt-written workbooks);
* a sheet too large (a stray far cell: 5.6 KB that calamine turns into ~1 GB) is refused naming
  the sheet and its size, and calamine is never called;
* a password-protected .xlsx (EncryptionInfo + EncryptedPackage) and an .xls with FILEPASS are
  refused as password-protected, not as unreadable;
* damaged containers (a cut file, a sector chain that loops) are named, never hang.
"""

from __future__ import annotations

import io
import struct

import pytest
import python_calamine as calamine
from cfb_fixtures import MAGIC, RKRun, biff8, cfb, encrypted_xlsx, grid, xls
from conftest import ROOT

from lianghu_map.errors import Severity
from lianghu_map.ingest import IngestOptions, excel, ingest_file, ole

CORPUS = ROOT / "tests" / "corpus" / "upload" / "excel"
HEAD = ["名称", "经度", "纬度"]
POINTS = [HEAD, ["甲", 119.9, 31.7], ["乙", 119.8, 31.6]]


def _calamine_extent(data: bytes) -> dict[str, tuple[int, int]]:
    """What calamine builds for each sheet: rows, and the widest row (skip_empty_area=False)."""
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = (len(rows), max((len(r) for r in rows), default=0))
    return out


def _extents(data: bytes) -> dict[str, tuple[int, int]]:
    return {s.name: (s.rows, s.columns) for s in ole.inspect(data, 10**6).sheets}


@pytest.mark.parametrize("cells", [
    POINTS,
    {**grid(POINTS), (40, 2): "远处"},
    {**grid(POINTS), (7, 30): 1.5},
    {(12, 5): "only one cell"},
    {**grid(POINTS), (5, 1): RKRun((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))},  # to column N
])
def test_the_extent_is_what_calamine_builds(cells):
    data = xls({"点位": cells, "Sheet2": {(3, 1): 2}})
    assert _extents(data) == _calamine_extent(data)


@pytest.mark.parametrize("name", ["excel2003_dms_dates.xls", "excel2003_two_sheets.xls"])
def test_the_extent_of_workbooks_written_by_xlwt(name):
    data = (CORPUS / name).read_bytes()
    assert _extents(data) == _calamine_extent(data)


def test_a_workbook_stream_in_the_mini_stream_is_read():
    stream = biff8({"点位": POINTS}, pad=False)
    assert len(stream) < 4096
    names, found = ole.read_streams(xls({"点位": POINTS}, pad=False), {"workbook"})
    assert found == {"workbook": stream} and names == {"workbook"}


def test_a_far_cell_is_refused_naming_the_sheet_before_calamine_runs(monkeypatch):
    def never(*_a, **_k):
        raise AssertionError("calamine was called")
    monkeypatch.setattr(calamine.CalamineWorkbook, "from_filelike", never)
    data = xls({"点位": {**grid(POINTS), (65535, 255): 1}})
    assert len(data) < 8000
    res = ingest_file("points.xls", data, IngestOptions())
    (f,) = [f for f in res.findings if f.severity == Severity.ERROR]
    assert f.code == "excel_sheet_too_large"
    assert dict(f.params)["sheet"] == "点位"
    assert (dict(f.params)["rows"], dict(f.params)["columns"]) == (65536, 256)
    assert "“点位”" in f.message("zh-Hans") and "65536" in f.message("zh-Hans")
    assert '"点位"' in f.message("en") and "column 256" in f.message("en")


def test_the_bounds_are_rows_columns_and_cells(monkeypatch):
    monkeypatch.setattr(excel, "MAX_SHEET_CELLS", 1000)
    for cells, options, refused in [
        ({**grid(POINTS), (10, 99): 1}, IngestOptions(), True),  # 11 rows × 100 columns
        ({**grid(POINTS), (9, 99): 1}, IngestOptions(), False),  # 10 × 100: at the bound
        ({**grid(POINTS), (40, 2): 1}, IngestOptions(max_features=5), True),
        ({**grid(POINTS), (2, 40): 1}, IngestOptions(max_columns=40), True),
        ({**grid(POINTS), (2, 39): 1}, IngestOptions(max_columns=40), False),
    ]:
        res = ingest_file("p.xls", xls({"点位": cells}), options)
        assert ("excel_sheet_too_large" in res.codes()) == refused, (cells.keys(), options)


@pytest.mark.parametrize(("name", "data"), [
    ("locked.xlsx", encrypted_xlsx()), ("locked.xls", encrypted_xlsx(700)),
    ("locked97.xls", xls({"点位": POINTS}, password=True))])
def test_a_password_to_open_is_named(name, data):
    res = ingest_file(name, data, IngestOptions())
    assert not res.ok
    assert [f.code for f in res.findings if f.severity == Severity.ERROR] == ["excel_encrypted"]
    assert "password" in res.findings[-1].message("en")
    assert "密码" in res.findings[-1].message("zh-Hans")


def test_an_encrypted_package_is_never_read(monkeypatch):
    """Only the directory's names tell an encrypted .xlsx: its (large) package is not read."""
    data = encrypted_xlsx(2_000_000)
    seen = []
    real = ole.read_streams

    def spy(data, wanted):
        names, found = real(data, wanted)
        seen.append(set(found))
        return names, found
    monkeypatch.setattr(ole, "read_streams", spy)
    assert ole.inspect(data, 100).kind == "encrypted_xlsx"
    assert seen == [set()]


def test_damaged_containers_are_named():
    good = xls({"点位": POINTS})
    for data in (good[:2048], MAGIC + b"\0" * 600, good[:512]):
        with pytest.raises(ole.OleDamaged):
            ole.inspect(data, 100)
    # a directory chain that loops on itself: named, not followed forever
    looped = bytearray(good)
    first_dir = struct.unpack_from("<I", looped, 0x30)[0]
    struct.pack_into("<I", looped, 512 + 4 * first_dir, first_dir)
    with pytest.raises(ole.OleDamaged):
        ole.inspect(bytes(looped), 100)
    res = ingest_file("cut.xls", good[:2048], IngestOptions())
    assert "excel_unreadable" in res.codes()


def test_other_office_files_are_not_excel():
    res = ingest_file("report.xls", cfb({"WordDocument": b"\xec\xa5" + b"\0" * 5000}),
                      IngestOptions())
    assert "format_mismatch" in res.codes()


def test_an_xlsx_within_row_and_column_bounds_but_too_many_cells(monkeypatch):
    """The .xlsx guard bounds cells too, and names the sheet as Excel shows it (not the part)."""
    def never(*_a, **_k):
        raise AssertionError("calamine was called")
    monkeypatch.setattr(calamine.CalamineWorkbook, "from_filelike", never)
    data = (CORPUS / "sparse_far_cell_within_limits.xlsx").read_bytes()
    res = ingest_file("points.xlsx", data, IngestOptions())
    (f,) = [f for f in res.findings if f.severity == Severity.ERROR]
    assert f.code == "excel_sheet_too_large"
    assert (f.params["sheet"], f.params["rows"], f.params["columns"]) == ("点位表", 150000, 900)
