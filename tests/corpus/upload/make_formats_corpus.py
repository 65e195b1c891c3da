"""Writes the upload corpus groups excel/, csv/, kml/ and seq/ (issue 16: the formats Chinese
analysts send) and their expected.toml.  Run from the project root:

    PYTHONPATH=src python tests/corpus/upload/make_formats_corpus.py

The files are committed; this script says how each was made.  Workbooks are written part by
part as Excel 2010+ and WPS write them (shared strings, a date style, merged title cells,
formulas with cached values, the two empty default sheets); CSV as Excel on Chinese Windows saves
"CSV (逗号分隔)" (GBK, CRLF, no BOM) and "CSV UTF-8" (BOM), and as QGIS "Save as CSV" writes;
KML as Google Earth Pro and 奥维互动地图 export; sequences as ``ogr2ogr -f GeoJSONSeq``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
EXPECTED: dict[str, list[str]] = {}

# points in the 两湖 zone (WGS84), named
PLACES = [("西太湖科创中心", 119.885, 31.712), ("滆湖湿地公园", 119.823, 31.604),
          ("武进高铁站", 119.957, 31.684), ("湖塘老街", 119.963, 31.716),
          ("嘉泽花木基地", 119.794, 31.652), ("前黄枇杷园", 119.888, 31.597)]


def dms(deg: float, style: str, axis: str) -> str:
    d, rest = divmod(round(deg * 3600), 3600)  # whole seconds, carried (59'60" is 1°00'00")
    m, s = divmod(rest, 60)
    m_full = (deg - int(deg)) * 60
    hemi = {"lon": ("E", "东经"), "lat": ("N", "北纬")}[axis]
    return {
        "ascii": f"{d}°{m:02d}'{s:02d}\"{hemi[0]}",
        "plain": f"{d}°{m:02d}'{s:02d}\"",
        "prime": f"{d}°{m:02d}′{s:02d}″",
        "chinese": f"{hemi[1]}{d}度{m:02d}分{s:02d}秒",
        "chinese_dm": f"{hemi[1]}{d}度{m_full:.2f}分",
        "spaces": f"{d} {m:02d} {s:02d}",
        "colon": f"{d}:{m:02d}:{s:02d}",
        "decmin": f"{d}°{m_full:.3f}'",
        "lead": f"{hemi[0]}{d}°{m:02d}'{s:02d}\"",
    }[style]


def expect(group: str, name: str, **fields: Any) -> None:
    lines = [f'["{name}"]']
    for key, value in fields.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}"
                              for k, v in value.items())
            lines.append(f"{key} = {{ {inner} }}")
        else:
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    EXPECTED.setdefault(group, []).append("\n".join(lines))


def write(group: str, name: str, data: bytes | None, **fields: Any) -> None:
    """``data`` None: a file this machine cannot make (xlwt missing) stays as committed."""
    folder = HERE / group
    folder.mkdir(exist_ok=True)
    if data is not None:
        (folder / name).write_bytes(data)
        assert len(data) < 50_000, name
    assert (folder / name).exists(), name
    expect(group, name, **fields)


# ------------------------------------------------------------------------------ xlsx, by hand
def _col(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


class Formula:
    def __init__(self, formula: str, cached: Any):
        self.formula, self.cached = formula, cached


class Text:
    """A number stored as text (the green triangle in Excel)."""

    def __init__(self, text: str):
        self.text = text


class Error:
    def __init__(self, code: str):
        self.code = code


def xlsx(sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None,
         app: str = "Microsoft Excel", styled_blank_rows: int = 0, tail: str = "") -> bytes:
    """A workbook as Excel writes it: shared strings, style 1 = a date, style 2 = text."""
    strings: list[str] = []
    index: dict[str, int] = {}

    def sst(text: str) -> int:
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    def cell(ref: str, v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, Formula):
            c = v.cached
            if isinstance(c, str):
                return (f'<c r="{ref}" t="str"><f>{escape(v.formula)}</f>'
                        f"<v>{escape(c)}</v></c>")
            return f'<c r="{ref}"><f>{escape(v.formula)}</f><v>{c!r}</v></c>'
        if isinstance(v, Error):
            return f'<c r="{ref}" t="e"><f>A1/0</f><v>{v.code}</v></c>'
        if isinstance(v, Text):
            return f'<c r="{ref}" s="2" t="s"><v>{sst(v.text)}</v></c>'
        if isinstance(v, dt.date):
            serial = (v - dt.date(1899, 12, 30)).days
            return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
        if isinstance(v, bool):
            return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
        if isinstance(v, int | float):
            return f'<c r="{ref}"><v>{v!r}</v></c>'
        return f'<c r="{ref}" t="s"><v>{sst(str(v))}</v></c>'

    parts: dict[str, str] = {}
    for n, (name, rows) in enumerate(sheets.items(), start=1):
        width = max((len(r) for r in rows), default=1)
        body = []
        for i, row in enumerate(rows, start=1):
            cells = "".join(cell(f"{_col(j)}{i}", v) for j, v in enumerate(row))
            body.append(f'<row r="{i}" spans="1:{width}">{cells}</row>' if cells else "")
        for k in range(styled_blank_rows if n == 1 else 0):
            r = len(rows) + 1 + k
            body.append(f'<row r="{r}" spans="1:{width}"><c r="A{r}" s="2"/></row>')
        dim = f"A1:{_col(width - 1)}{max(len(rows), 1)}" if rows else "A1"
        merge = "".join(f'<mergeCell ref="{m}"/>' for m in (merges or {}).get(name, []))
        merge = f'<mergeCells count="{len((merges or {}).get(name, []))}">{merge}</mergeCells>' \
            if merge else ""
        selected = ' tabSelected="1"' if n == 1 else ""
        parts[f"xl/worksheets/sheet{n}.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<dimension ref="{dim}"/><sheetViews><sheetView workbookViewId="0"'
            f"{selected}/></sheetViews>"
            '<sheetFormatPr defaultRowHeight="13.5"/>'
            f'<sheetData>{"".join(body)}{tail if n == 1 else ""}</sheetData>{merge}'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/></worksheet>')
    names = list(sheets)
    ct = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 for n in range(1, len(names) + 1))
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
            '+xml"/>' + ct + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/'
            'sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sharedStrings+xml"/><Override PartName="/docProps/app.xml" ContentType'
            '="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1'
            '" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>'),
        "docProps/app.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Properties xmlns="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>'
            f"{app}</Application></Properties>"),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<workbook xmlns="http://'
            'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{escape(s)}" sheetId="{n}" r:id="rId{n}"/>'
                      for n, s in enumerate(names, start=1))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
                      f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}'
                      '.xml"/>' for n in range(1, len(names) + 1))
            + f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            + f'<Relationship Id="rId{len(names) + 2}" Type="http://schemas.openxmlformats.org/'
              'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            + "</Relationships>"),
        "xl/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<styleSheet xmlns="http'
            '://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz '
            'val="11"/><name val="宋体"/><charset val="134"/></font></fonts><fills count="1">'
            '<fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" '
            'fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" '
            'borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" '
            'fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'),
        **parts,
    }
    files["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst xmlns="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount='
        f'"{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        + "</sst>")
    return zipped({name: text.encode("utf-8") for name, text in files.items()})


def xls(sheets: dict[str, list[list[Any]]]) -> bytes | None:
    """An Excel 97-2003 workbook (BIFF8), as older offices still send; written with xlwt
    (``pip install --target DIR xlwt``, DIR on PYTHONPATH: not a project dependency)."""
    try:
        import xlwt
    except ImportError:
        return None
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows_ in sheets.items():
        sheet = book.add_sheet(name)
        for i, row in enumerate(rows_):
            for j, v in enumerate(row):
                if isinstance(v, Formula):
                    sheet.write(i, j, xlwt.Formula(v.formula))
                elif isinstance(v, dt.date):
                    sheet.write(i, j, v, date_style)
                elif v is not None:
                    sheet.write(i, j, v)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


HEAD = ["序号", "名称", "经度", "纬度", "备注"]


def rows(lon=lambda x: x, lat=lambda y: y, places=PLACES) -> list[list[Any]]:
    return [[i + 1, n, lon(x), lat(y), "重点项目" if i % 2 else ""]
            for i, (n, x, y) in enumerate(places)]


def excel() -> None:
    g = "excel"
    n = len(PLACES)
    write(g, "points_jwd_three_sheets.xlsx",
          xlsx({"Sheet1": [HEAD, *rows()], "Sheet2": [], "Sheet3": []}),
          outcome="accept", codes=["csv_columns", "excel_sheet"], kept=n, total=n,
          why="Excel 2010 on Chinese Windows: 经度/纬度 on Sheet1, the two empty default sheets")
    write(g, "title_rows_merged.xlsx",
          xlsx({"点位表": [["两湖创新区重点项目点位表"], ["填报单位：武进区自然资源局", None, None,
                                                   "日期：2024-03-01"], [],
                        HEAD, *rows()]}, merges={"点位表": ["A1:E1", "A2:C2"]}),
          outcome="accept", kept=n, total=n,
          why="a title row (merged A1:E1), a unit row and a blank row above the header")
    write(g, "dms_text.xlsx",
          xlsx({"Sheet1": [HEAD, *rows(lambda x: dms(x, "ascii", "lon"),
                                       lambda y: dms(y, "ascii", "lat"))]}),
          outcome="accept", codes=["coordinates_dms"], kept=n, total=n,
          why="经度/纬度 as 119°53'06\"E / 31°42'43\"N text")
    write(g, "dms_chinese.xlsx",
          xlsx({"Sheet1": [HEAD, *rows(lambda x: dms(x, "chinese", "lon"),
                                       lambda y: dms(y, "chinese", "lat"))]}, app="WPS 表格"),
          outcome="accept", codes=["coordinates_dms"], kept=n, total=n,
          why="WPS: 东经119度53分06秒 / 北纬31度42分43秒")
    write(g, "dms_prime_and_decimal.xlsx",
          xlsx({"Sheet1": [["名称", "经度", "纬度", "坐标原文"],
                           *[[p, dms(x, "prime", "lon"), y, f"{x},{y}"] for p, x, y in PLACES]]}),
          outcome="accept", codes=["coordinates_dms"], kept=n, total=n,
          why="one column in 119°53′06″ (primes), the other in decimal degrees")
    write(g, "dms_column_and_decimal_minutes.xlsx",
          xlsx({"Sheet1": [HEAD, *rows(lambda x: dms(x, "decmin", "lon"),
                                       lambda y: dms(y, "chinese_dm", "lat"))]}),
          outcome="accept", codes=["coordinates_dms"], kept=n, total=n,
          why="decimal minutes: 119°53.100' and 北纬31度42.72分")
    write(g, "numbers_as_text.xlsx",
          xlsx({"Sheet1": [HEAD, *rows(lambda x: Text(f"{x}"), lambda y: Text(f" {y} "))]}),
          outcome="accept", kept=n, total=n,
          why="coordinates stored as text (format 文本, the green triangle), some with spaces")
    write(g, "formulas_cached.xlsx",
          xlsx({"Sheet1": [["名称", "度", "分", "经度", "纬度"],
                           *[[p, int(x), round((x - int(x)) * 60, 4),
                              Formula(f"B{i + 2}+C{i + 2}/60", x), y]
                             for i, (p, x, y) in enumerate(PLACES)]]}),
          outcome="accept", kept=n, total=n,
          why="经度 computed by a formula (=B2+C2/60): the cached value is read")
    write(g, "formula_error_row.xlsx",
          xlsx({"Sheet1": [HEAD, *rows()[:3], [4, "待核实", Error("#VALUE!"), 31.7, ""]]}),
          outcome="notes", codes=["csv_bad_value"], kept=3, total=4,
          why="a formula whose cached value is #VALUE!: that row is left out, named")
    write(g, "dates_and_numbers.xlsx",
          xlsx({"Sheet1": [["名称", "经度", "纬度", "立项日期", "投资（亿元）", "是否开工"],
                           *[[p, x, y, dt.date(2023, 3 + i, 1), 1.5 * (i + 1), i % 2 == 0]
                             for i, (p, x, y) in enumerate(PLACES)]]}),
          outcome="accept", kept=n, total=n,
          why="a date column (style numFmt 14), numbers, booleans as attributes")
    write(g, "trailing_empty_rows.xlsx",
          xlsx({"Sheet1": [HEAD, *rows(), [], [None, "", " "]]}, styled_blank_rows=40),
          outcome="accept", kept=n, total=n,
          why="formatted empty rows below the table (Excel keeps them): not rows")
    write(g, "headers_with_units.xlsx",
          xlsx({"Sheet1": [["项目名称", "X坐标（经度）", "经度(°)", "纬度(°)"],
                           *[[p, "", x, y] for p, x, y in PLACES]]}),
          outcome="accept", kept=n, total=n,
          why="headers 经度(°)/纬度(°) with units; an empty X坐标 column is not taken",
          options={"layer": "Sheet1"})
    write(g, "english_headers.xlsx",
          xlsx({"Points": [["Name", "Longitude", "Latitude", "Type"],
                           *[[p, x, y, "project"] for p, x, y in PLACES]]}),
          outcome="accept", kept=n, total=n, why="Longitude/Latitude headers")
    write(g, "wkt_column.xlsx",
          xlsx({"Sheet1": [["名称", "WKT"],
                           ["地块一", "POLYGON ((119.88 31.71, 119.89 31.71, 119.89 31.72, "
                                     "119.88 31.72, 119.88 31.71))"],
                           ["道路", "LINESTRING (119.80 31.60, 119.85 31.65)"],
                           ["站点", "POINT (119.957 31.684)"]]}),
          outcome="notes", codes=["csv_wkt_column"], kept=3, total=3,
          why="geometries in a WKT column (mixed types: noted)")
    write(g, "notes_sheet_and_points.xlsx",
          xlsx({"说明": [["本表由规划科整理"], ["坐标系：WGS84"]],
                "点位": [HEAD, *rows()]}),
          outcome="accept", codes=["excel_sheet"], kept=n, total=n,
          why="a notes sheet before the data: the sheet with coordinates is taken")
    two = {"一期": [HEAD, *rows(places=PLACES[:3])], "二期": [HEAD, *rows(places=PLACES[3:])]}
    write(g, "two_point_sheets.xlsx", xlsx(two), outcome="refuse", codes=["choose_layer"],
          why="two sheets with coordinates: the analyst chooses")
    write(g, "two_point_sheets_chosen.xlsx", xlsx(two), outcome="accept", kept=3, total=3,
          options={"layer": "二期"}, why="the same workbook, sheet 二期 chosen")
    write(g, "some_bad_rows.xlsx",
          xlsx({"Sheet1": [HEAD, *rows()[:4], [5, "待定", "待定", "", ""],
                           [6, "错误", "119°75'00\"", 31.7, ""], [7, "空坐标", None, None, "x"]]}),
          outcome="notes", codes=["csv_bad_value"], kept=4, total=7,
          why="rows with 待定, an impossible DMS value (75 minutes), empty coordinates")
    write(g, "google_maps_pairs.xlsx",
          xlsx({"Sheet1": [["名称", "坐标（谷歌地图）"],
                           *[[p, f"{y}, {x}"] for p, x, y in PLACES]]}),
          outcome="accept", codes=["coordinates_combined", "coordinates_pair_swapped"],
          kept=n, total=n, why="coordinates copied from Google Maps: latitude first, one cell")
    write(g, "dms_pairs.xlsx",
          xlsx({"Sheet1": [["名称", "经纬度"],
                           *[[p, f"{dms(x, 'ascii', 'lon')} {dms(y, 'ascii', 'lat')}"]
                             for p, x, y in PLACES]]}),
          outcome="accept", codes=["coordinates_combined"], kept=n, total=n,
          why="one cell: 119°53'06\"E 31°42'43\"N")
    write(g, "every_row_bad.xlsx",
          xlsx({"Sheet1": [HEAD, *[[i, p, "待定", "待定", ""] for i, (p, _x, _y)
                                   in enumerate(PLACES)]]}),
          outcome="refuse", codes=["table_no_valid_rows"],
          why="no row has readable coordinates")
    write(g, "no_coordinate_columns.xlsx",
          xlsx({"Sheet1": [["名称", "地址", "负责人"],
                           *[[p, "武进区", "张三"] for p, _x, _y in PLACES]]}),
          outcome="refuse", codes=["excel_no_coordinates"], why="an address list, no coordinates")
    write(g, "empty_workbook.xlsx", xlsx({"Sheet1": [], "Sheet2": []}),
          outcome="refuse", codes=["excel_empty"], why="nothing in any sheet")
    write(g, "header_only.xlsx", xlsx({"Sheet1": [HEAD]}),
          outcome="refuse", codes=["excel_empty"], why="the header row and no data")
    good = xlsx({"Sheet1": [HEAD, *rows()]})
    write(g, "damaged_truncated.xlsx", good[: len(good) // 2],
          outcome="refuse", codes=["zip_damaged"], why="a download cut in half")
    write(g, "csv_renamed.xlsx", "名称,经度,纬度\r\n科创中心,119.885,31.712\r\n".encode("gbk"),
          outcome="refuse", codes=["format_mismatch"], why="a CSV renamed to .xlsx")
    write(g, "damaged.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
          outcome="refuse", codes=["excel_unreadable"], why="an .xls whose body is lost")
    write(g, "xlsx_named_xls.xls", good, outcome="accept", kept=n, total=n,
          why="WPS saves .xlsx content under an .xls name: read by content")
    write(g, "excel2003_dms_dates.xls",
          xls({"坐标表": [["两湖创新区点位（2003 格式）"], [],
                       ["名称", "经度", "纬度", "登记日期"],
                       *[[p, dms(x, "ascii", "lon"), y, dt.date(2022, 1 + i, 15)]
                         for i, (p, x, y) in enumerate(PLACES)]]}),
          outcome="accept", codes=["coordinates_dms", "table_header_row"], kept=n, total=n,
          why="Excel 97-2003 .xls (BIFF8): a title row, DMS text, dates")
    write(g, "excel2003_two_sheets.xls",
          xls({"一期": [HEAD, *rows(places=PLACES[:3])], "二期": [HEAD, *rows(places=PLACES[3:])]}),
          outcome="refuse", codes=["choose_layer"], why=".xls with two sheets of points")
    write(g, "sparse_far_cell.xlsx",
          xlsx({"Sheet1": [HEAD, *rows()]},
               tail='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
          outcome="refuse", codes=["too_many_features"],
          why="one stray cell at XFD1048576: a dense range of 17 billion cells, refused unread")
    write(g, "wide_far_column.xlsx",
          xlsx({"Sheet1": [HEAD, *rows()]}, tail='<row r="9"><c r="ZZ9"><v>1</v></c></row>'),
          outcome="refuse", codes=["csv_too_many_columns"],
          why="a stray cell in column ZZ (702 columns) beyond the column limit",
          options={"max_columns": 500})
    write(g, "row_limit.xlsx", xlsx({"Sheet1": [HEAD, *rows() * 10]}),
          outcome="refuse", codes=["too_many_features"], options={"max_features": 20},
          why="more rows than allowed: refused by counting <row> before any cell is read")
    # m-meta: rows and columns each within bounds, together a dense range of 135 million cells
    write(g, "sparse_far_cell_within_limits.xlsx",
          xlsx({"点位表": [HEAD, *rows()]},
               tail='<row r="150000"><c r="AHP150000"><v>1</v></c></row>'),
          outcome="refuse", codes=["excel_sheet_too_large"],
          why="a stray cell at AHP150000 (row and column each allowed): 135 million cells")

    ole_files(g, n)


def ole_files(g: str, n: int) -> None:
    """m-meta (issue 16): OLE2 Excel files written byte by byte (tests/cfb_fixtures.py): .xls
    sheets bounded before they are loaded, workbooks with a password to open named."""
    import sys

    sys.path.insert(0, str(HERE.parent.parent))
    from cfb_fixtures import cfb, encrypted_xlsx, grid
    from cfb_fixtures import xls as ole_xls

    points = [HEAD, *rows()]
    write(g, "excel2003_written_here.xls", ole_xls({"点位": points}), outcome="accept",
          kept=n, total=n, why="BIFF8 written record by record: the points are read")
    write(g, "excel2003_small_stream.xls", ole_xls({"点位": points}, pad=False),
          outcome="accept", kept=n, total=n,
          why="a Workbook stream under 4096 bytes, kept in the container's mini stream")
    write(g, "excel2003_far_cell.xls",
          ole_xls({"点位": {**grid(points), (65535, 255): 1}}), outcome="refuse",
          codes=["excel_sheet_too_large"],
          why="a stray cell at IV65536: 16.7 million cells, refused before the sheet is read")
    write(g, "excel2003_far_cell_other_sheet.xls",
          ole_xls({"点位": points, "备注": {(0, 0): "说明", (60000, 3): "x"}}),
          outcome="accept", kept=n, total=n, options={"layer": "点位"},
          why="the far cell is on a sheet not chosen: that sheet is never bounded or read")
    write(g, "excel2003_row_limit.xls", ole_xls({"点位": [HEAD, *rows() * 10]}),
          outcome="refuse", codes=["excel_sheet_too_large"], options={"max_features": 20},
          why="more rows than allowed: counted on the records before the sheet is read")
    write(g, "excel2003_wide.xls", ole_xls({"点位": {**grid(points), (3, 250): 1}}),
          outcome="refuse", codes=["excel_sheet_too_large"], options={"max_columns": 200},
          why="a stray cell in column IQ (251 columns) beyond the column limit")
    write(g, "excel2003_password.xls", ole_xls({"点位": points}, password=True),
          outcome="refuse", codes=["excel_encrypted"],
          why="Excel 97-2003 with a password to open (FILEPASS, RC4)")
    write(g, "password_to_open.xlsx", encrypted_xlsx(), outcome="refuse",
          codes=["excel_encrypted"],
          why="an .xlsx with a password to open: EncryptionInfo + EncryptedPackage in OLE2")
    write(g, "password_to_open_small.xlsx", encrypted_xlsx(900), outcome="refuse",
          codes=["excel_encrypted"], why="the same, small enough for the mini stream")
    write(g, "password_xlsx_named_xls.xls", encrypted_xlsx(), outcome="refuse",
          codes=["excel_encrypted"], why="WPS keeps the .xls name of an encrypted .xlsx")
    write(g, "word_named_xls.xls", cfb({"WordDocument": b"\xec\xa5" + b"\0" * 5000}),
          outcome="refuse", codes=["format_mismatch"], why="a Word .doc renamed to .xls")
    whole = ole_xls({"点位": points})
    write(g, "excel2003_cut_short.xls", whole[:2048], outcome="refuse",
          codes=["excel_unreadable"], why="a download cut short: the sectors run past the end")


# ------------------------------------------------------------------------------ CSV
def csv_text(header: list[str], body: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        s = str(v)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s

    return "".join(",".join(cell(v) for v in r) + "\r\n" for r in [header, *body])


def csv_files() -> None:
    g = "csv"
    n = len(PLACES)
    plain = csv_text(HEAD, rows())
    write(g, "excel_gbk_crlf.csv", plain.encode("gbk"), outcome="accept",
          codes=["encoding_guessed"], kept=n, total=n,
          why='Excel "CSV (逗号分隔)" on Chinese Windows: GBK, CRLF, no BOM')
    write(g, "excel_utf8_bom.csv", b"\xef\xbb\xbf" + plain.encode(), outcome="accept",
          codes=["bom_removed"], kept=n, total=n, why='Excel "CSV UTF-8": BOM, CRLF')
    write(g, "gb18030_rare_chars.csv",
          csv_text(HEAD, [[1, "䶮山𠀀亭", 119.885, 31.712, "GB18030 四字节字"]]).encode("gb18030"),
          outcome="accept", codes=["encoding_guessed"], kept=1, total=1,
          why="characters outside GBK (four-byte GB18030)")
    write(g, "title_row_above_header.csv",
          ("两湖创新区重点项目点位表,,,,\r\n填报单位：规划科,,,,\r\n" + plain).encode("gbk"),
          outcome="accept", codes=["table_header_row"], kept=n, total=n,
          why="a sheet with a title row and a unit row saved as CSV: the header is on line 3")
    write(g, "excel_trailing_empty_rows.csv", (plain + ",,,,\r\n" * 5).encode("gbk"),
          outcome="accept", kept=n, total=n,
          why="Excel writes ',,,,' for formatted empty rows below a table: not rows")
    for style, why in [("ascii", "119°53'06\"E (quoted, doubled quotes)"),
                       ("chinese", "东经119度53分06秒"), ("spaces", "119 53 06"),
                       ("colon", "119:53:06"), ("decmin", "119°53.100'"),
                       ("prime", "119°53′06″"), ("lead", "E119°53'06\"")]:
        write(g, f"dms_{style}.csv",
              csv_text(HEAD, rows(lambda x, s=style: dms(x, s, "lon"),
                                  lambda y, s=style: dms(y, s, "lat"))).encode(),
              outcome="accept", codes=["coordinates_dms"], kept=n, total=n,
              why=f"degrees-minutes-seconds: {why}")
    write(g, "dms_gbk_chinese.csv",
          csv_text(HEAD, rows(lambda x: dms(x, "chinese", "lon"),
                              lambda y: dms(y, "chinese_dm", "lat"))).encode("gbk"),
          outcome="accept", codes=["coordinates_dms", "encoding_guessed"], kept=n, total=n,
          why="GBK CSV with 东经…度…分…秒 and 北纬…度…分")
    write(g, "dms_bad_values.csv",
          csv_text(HEAD, [*rows()[:3], [4, "甲", "119°60'00\"E", 31.7, ""],
                          [5, "乙", "31°42'43\"N", "119°53'06\"E", ""],
                          [6, "丙", "-119°53'06\"E", 31.7, ""]]).encode(),
          outcome="notes", codes=["csv_bad_value"], kept=3, total=6,
          why="60 minutes; hemispheres of the other axis (columns swapped); sign and hemisphere")
    write(g, "qgis_as_wkt.csv",
          ('WKT,name,kind\r\n"POINT (119.885 31.712)",科创中心,place\r\n'
           '"POLYGON ((119.8 31.6,119.81 31.6,119.81 31.61,119.8 31.61,119.8 31.6))",湿地,green'
           "\r\n").encode(), outcome="notes", codes=["csv_wkt_column"], kept=2, total=2,
          why='QGIS "Save as CSV", GEOMETRY=AS_WKT (mixed types noted)')
    write(g, "qgis_as_xy.csv",
          csv_text(["X", "Y", "name"], [[x, y, p] for p, x, y in PLACES]).encode(),
          outcome="accept", codes=["csv_columns"], kept=n, total=n,
          why='QGIS "Save as CSV", GEOMETRY=AS_XY')
    write(g, "headers_with_units.csv",
          csv_text(["名称", "经度（E）", "纬度（N）"], [[p, x, y] for p, x, y in PLACES])
          .encode("gbk"), outcome="accept", kept=n, total=n,
          why="headers with units in full-width brackets")
    write(g, "ovital_points.csv",
          csv_text(["名称", "纬度", "经度", "海拔", "备注"],
                   [[p, y, x, 5, ""] for p, x, y in PLACES]).encode("gbk"),
          outcome="accept", kept=n, total=n,
          why="奥维互动地图 point list: 纬度 before 经度, 海拔 column")
    write(g, "amap_picker_pairs.csv",
          csv_text(["名称", "经纬度", "备注"],
                   [[p, f"{x},{y}", "高德坐标拾取"] for p, x, y in PLACES]).encode("gbk"),
          outcome="accept", codes=["coordinates_combined"], kept=n, total=n,
          why="one 经纬度 column pasted from a map picker: 119.885,31.712")
    write(g, "pairs_with_bad_cells.csv",
          csv_text(["名称", "坐标"], [*[[p, f"{x}, {y}"] for p, x, y in PLACES[:4]],
                                    ["缺纬度", "119.9"], ["多一项", "119.9,31.7,8"]]).encode(),
          outcome="notes", codes=["coordinates_combined", "csv_bad_value"], kept=4, total=6,
          why="a 坐标 column with a cell lacking the latitude and one with three numbers")
    write(g, "every_row_bad.csv",
          csv_text(HEAD, [[i, p, "待定", "待定", ""] for i, (p, _x, _y) in enumerate(PLACES)])
          .encode(), outcome="refuse", codes=["table_no_valid_rows"],
          why="no row has readable coordinates")
    write(g, "no_coordinate_columns.csv",
          csv_text(["名称", "地址"], [[p, "武进区"] for p, _x, _y in PLACES]).encode("gbk"),
          outcome="refuse", codes=["csv_no_coordinates"], why="an address list")
    write(g, "excel_unicode_text.csv",
          ("\ufeff" + plain.replace(",", "\t")).encode("utf-16-le"),
          outcome="refuse", codes=["utf16"],
          why='Excel "Unicode 文本" (UTF-16, tabs) renamed .csv')


# ------------------------------------------------------------------------------ KML
KML_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"'
            ' xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/'
            'kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">\n')
GE_STYLES = """	<Style id="s_ylw-pushpin">
		<IconStyle><scale>1.1</scale><Icon><href>http://maps.google.com/mapfiles/kml/pushpin/ylw-pushpin.png</href></Icon>
		<hotSpot x="20" y="2" xunits="pixels" yunits="pixels"/></IconStyle>
	</Style>
	<StyleMap id="m_ylw-pushpin">
		<Pair><key>normal</key><styleUrl>#s_ylw-pushpin</styleUrl></Pair>
		<Pair><key>highlight</key><styleUrl>#s_ylw-pushpin_hl</styleUrl></Pair>
	</StyleMap>
	<Style id="poly"><LineStyle><color>ff0000ff</color><width>2</width></LineStyle>
		<PolyStyle><color>4d0000ff</color></PolyStyle></Style>
"""


def placemark(name: str, geom: str, extra: str = "", desc: str = "") -> str:
    d = f"\n\t\t<description>{desc}</description>" if desc else ""
    return (f"\t<Placemark>\n\t\t<name>{escape(name)}</name>{d}\n\t\t<styleUrl>#m_ylw-pushpin"
            f"</styleUrl>{extra}\n\t\t{geom}\n\t</Placemark>\n")


def point(x: float, y: float) -> str:
    return f"<Point><gx:drawOrder>1</gx:drawOrder><coordinates>{x},{y},0</coordinates></Point>"


def ring(x: float, y: float, d: float = 0.01) -> str:
    return " ".join(f"{a},{b},0" for a, b in [(x, y), (x + d, y), (x + d, y + d), (x, y + d),
                                               (x, y)])


def polygon(x: float, y: float) -> str:
    return (f"<Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>"
            f"{ring(x, y)}</coordinates></LinearRing></outerBoundaryIs></Polygon>")


def data(**values: Any) -> str:
    return "\n\t\t<ExtendedData>" + "".join(
        f'<Data name="{escape(k)}"><value>{escape(str(v))}</value></Data>'
        for k, v in values.items()) + "</ExtendedData>"


def kml_doc(name: str, body: str, styles: str = GE_STYLES) -> bytes:
    return (KML_HEAD + f"<Document>\n\t<name>{escape(name)}</name>\n{styles}{body}</Document>\n"
            "</kml>\n").encode()


def folder(name: str, body: str) -> str:
    return f"<Folder>\n\t<name>{escape(name)}</name>\n\t<open>1</open>\n{body}</Folder>\n"


def kml_files() -> None:
    g = "kml"
    pts = "".join(placemark(p, point(x, y), data(负责单位="武进区", 状态="在建", 投资亿元=i + 1))
                  for i, (p, x, y) in enumerate(PLACES[:3]))
    ge = kml_doc("两湖项目.kml", folder("重点项目", folder("西太湖片区", pts)
                                        + folder("滆湖片区", placemark(
                                            "湿地范围", polygon(119.82, 31.60),
                                            data(负责单位="生态办"))))
                 + folder("其他", placemark(*PLACES[3][:1], point(*PLACES[3][1:]))))
    write(g, "google_earth_folders_extendeddata.kml", ge, outcome="notes",
          codes=["remote_reference_ignored"], kept=5, total=5,
          why="Google Earth Pro: nested folders, Style/StyleMap, ExtendedData <Data>")
    schema = ('\t<Schema name="地块" id="S_dk"><SimpleField name="编号" type="string"/>'
              '<SimpleField name="面积公顷" type="double"/></Schema>\n')
    sd = "".join(placemark(f"地块{i}", polygon(119.8 + i * 0.02, 31.6),
                           f'\n\t\t<ExtendedData><SchemaData schemaUrl="#S_dk"><SimpleData name='
                           f'"编号">DK-{i:02d}</SimpleData><SimpleData name="面积公顷">{1.5 * i}'
                           "</SimpleData></SchemaData></ExtendedData>") for i in range(1, 4))
    write(g, "google_earth_schemadata.kml", kml_doc("地块.kml", schema + folder("地块", sd),
                                                    styles=""),
          outcome="accept", kept=3, total=3,
          why="Schema + SchemaData/SimpleData (a shapefile opened in Google Earth, saved)")
    multi = placemark("两处地块", "<MultiGeometry>" + polygon(119.80, 31.60)
                      + polygon(119.85, 31.62) + "</MultiGeometry>")
    write(g, "multigeometry_polygons.kml", kml_doc("m", multi, styles=""), outcome="accept",
          kept=1, total=1, why="MultiGeometry of two polygons")
    mixed = placemark("站点与道路", "<MultiGeometry>" + point(119.9, 31.7)
                      + "<LineString><coordinates>119.9,31.7,0 119.95,31.72,0</coordinates>"
                      "</LineString></MultiGeometry>")
    write(g, "multigeometry_mixed.kml", kml_doc("m", mixed, styles=""), outcome="accept",
          kept=1, total=1, why="MultiGeometry of a point and a line: one geometry collection")
    when = "".join(f"<when>2024-03-01T08:{i:02d}:00Z</when>" for i in range(4))
    coord = "".join(f"<gx:coord>{119.88 + i * 0.002} {31.71 + i * 0.001} 5</gx:coord>"
                    for i in range(4))
    track = placemark("踏勘轨迹", f"<gx:Track>{when}{coord}</gx:Track>")
    write(g, "google_earth_track.kml", kml_doc("轨迹", folder("踏勘", track), styles=""),
          outcome="accept", kept=1, total=1, why="gx:Track (a GPS track): a line")
    mtrack = placemark("两段轨迹", f"<gx:MultiTrack><gx:Track>{when}{coord}</gx:Track>"
                       f"<gx:Track>{when}{coord.replace('119.8', '119.9')}</gx:Track>"
                       "</gx:MultiTrack>")
    write(g, "google_earth_multitrack.kml", kml_doc("轨迹", mtrack, styles=""),
          outcome="accept", kept=1, total=1, why="gx:MultiTrack: a multi-line")
    html = ("<![CDATA[<table border=\"1\"><tr><td>投资</td><td>12 亿元</td></tr>"
            "<tr><td>状态</td><td><b>在建</b></td></tr></table><script>alert(1)</script>]]>")
    write(g, "cdata_html_description.kml",
          kml_doc("d", placemark("科创中心", point(119.885, 31.712), desc=html), styles=""),
          outcome="accept", kept=1, total=1,
          why="a balloon table in CDATA HTML (kept as text, escaped when shown)")
    write(g, "duplicate_folder_names.kml",
          kml_doc("奥维", folder("西太湖", folder("默认", placemark("甲", point(119.88, 31.71))))
                  + folder("滆湖", folder("默认", placemark("乙", point(119.82, 31.60)))),
                  styles=""),
          outcome="accept", kept=2, total=2, why="two folders named 默认 under different parents")
    write(g, "bad_coordinates.kml",
          kml_doc("d", placemark("好点", point(119.88, 31.71))
                  + placemark("坏点", "<Point><coordinates>119.88a,31.71</coordinates></Point>")
                  + placemark("空坐标", "<Point><coordinates> </coordinates></Point>"),
                  styles=""),
          outcome="notes", codes=["kml_bad_coordinates"], kept=1, total=3,
          why="coordinates GDAL would put at 0,0: left out, named")
    write(g, "placemark_without_geometry.kml",
          kml_doc("d", placemark("有点", point(119.88, 31.71))
                  + "\t<Placemark><name>只有名字</name></Placemark>\n", styles=""),
          outcome="notes", codes=["null_geometry"], kept=1, total=2,
          why="a placemark with a name and no geometry")
    write(g, "no_placemarks.kml", kml_doc("空", folder("空文件夹", ""), styles=""),
          outcome="refuse", codes=["no_features"], why="folders, no placemark")
    hole = ("<Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{ring(119.8, 31.6, 0.05)}</coordinates></LinearRing></outerBoundaryIs>"
            "<innerBoundaryIs><LinearRing><coordinates>"
            f"{ring(119.81, 31.61, 0.01)}</coordinates></LinearRing></innerBoundaryIs></Polygon>")
    write(g, "polygon_with_hole.kml", kml_doc("h", placemark("湖区（含岛）", hole), styles=""),
          outcome="accept", kept=1, total=1, why="a polygon with an inner boundary")
    gbk = (KML_HEAD.replace("UTF-8", "GBK") + "<Document><name>两湖</name>"
           + placemark("科创中心", point(119.885, 31.712)) + "</Document></kml>")
    write(g, "declared_gbk.kml", gbk.encode("gbk"), outcome="accept", codes=["kml_recoded"],
          kept=1, total=1, why="a KML declaring encoding GBK (older Chinese tools)")
    ovital = ('<?xml version="1.0" encoding="UTF-8"?>\r\n<kml xmlns="http://www.opengis.net/kml'
              '/2.2">\r\n<Document>\r\n<name>奥维互动地图</name>\r\n<Folder>\r\n<name>我的收藏'
              "</name>\r\n" + "".join(
                  f"<Placemark>\r\n<name>{p}</name>\r\n<description>{p}，奥维标签</description>"
                  f"\r\n<Point>\r\n<coordinates>{x:.7f},{y:.7f},0</coordinates>\r\n</Point>\r\n"
                  "</Placemark>\r\n" for p, x, y in PLACES)
              + '<Placemark>\r\n<name>巡查路线</name>\r\n<LineString>\r\n<coordinates>'
              + " ".join(f"{x:.7f},{y:.7f},0" for _p, x, y in PLACES[:3])
              + "</coordinates>\r\n</LineString>\r\n</Placemark>\r\n</Folder>\r\n</Document>"
              "\r\n</kml>\r\n")
    write(g, "ovital_export.kml", ovital.encode(), outcome="notes", codes=["mixed_geometry"],
          kept=n_places() + 1, total=n_places() + 1,
          why="奥维互动地图 export: one folder, CRLF, points and a route")
    write(g, "ovital_export.kmz", zipped({"doc.kml": ovital.encode()}), outcome="notes",
          codes=["mixed_geometry"], kept=n_places() + 1, total=n_places() + 1,
          why="the same as KMZ")
    write(g, "google_earth_with_images.kmz",
          zipped({"doc.kml": kml_doc("照片", folder("现场照片", "".join(
              placemark(p, point(x, y), desc=f'<![CDATA[<img src="files/{i}.png"/>]]>')
              for i, (p, x, y) in enumerate(PLACES[:2]))), styles=""),
                  "files/0.png": PNG, "files/1.png": PNG}),
          outcome="accept", kept=2, total=2, why="KMZ with images under files/ and doc.kml")
    write(g, "kmz_main_not_doc.kmz",
          zipped({"files/a.png": PNG, "两湖.kml": kml_doc("d", placemark(
              "科创中心", point(119.885, 31.712)), styles="")}),
          outcome="accept", kept=1, total=1, why="a KMZ whose only KML is not named doc.kml")
    whole = zipped({"doc.kml": ge})
    write(g, "damaged.kmz", whole[: len(whole) - 40], outcome="refuse", codes=["zip_damaged"],
          why="a KMZ cut short")
    write(g, "network_link.kml",
          kml_doc("n", "<NetworkLink><Link><href>http://example.com/a.kml</href></Link>"
                  "</NetworkLink>", styles=""),
          outcome="refuse", codes=["remote_reference"], why="a NetworkLink is never followed")


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def n_places() -> int:
    return len(PLACES)


def zipped(files: dict[str, bytes]) -> bytes:
    """A zip with fixed entry times: the same bytes on every run."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 9, 0, 0))
            zf.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# ------------------------------------------------------------------------------ sequences
def feature(i: int, name: str, geom: dict) -> dict:
    return {"type": "Feature", "properties": {"id": i, "name": name}, "geometry": geom}


def pt(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def seq_files() -> None:
    g = "seq"
    n = len(PLACES)
    feats = [feature(i, p, pt(x, y)) for i, (p, x, y) in enumerate(PLACES)]
    lines = [json.dumps(f, ensure_ascii=False) for f in feats]
    write(g, "ogr2ogr_points.geojsonl", ("\n".join(lines) + "\n").encode(), outcome="accept",
          kept=n, total=n, why="ogr2ogr -f GeoJSONSeq (newline-delimited)")
    write(g, "ogr2ogr_rs.geojsons", "".join(f"\x1e{s}\n" for s in lines).encode(),
          outcome="accept", kept=n, total=n, why="ogr2ogr -lco RS=YES (RFC 8142)")
    write(g, "points.ndjson", ("\n".join(lines)).encode(), outcome="accept", kept=n, total=n,
          why=".ndjson, no final newline")
    write(g, "points.geojsonseq", ("\r\n".join(lines) + "\r\n").encode(), outcome="accept",
          kept=n, total=n, why="CRLF line ends (written on Windows)")
    write(g, "blank_lines.geojsonl", ("\n\n".join(lines) + "\n\n").encode(), outcome="accept",
          kept=n, total=n, why="blank lines between records")
    write(g, "bom.geojsonl", b"\xef\xbb\xbf" + "\n".join(lines).encode(), outcome="accept",
          codes=["bom_removed"], kept=n, total=n, why="a UTF-8 BOM before the first record")
    poly = [feature(i, f"地块{i}", {"type": "Polygon", "coordinates": [[
        [119.8 + i / 50, 31.6], [119.81 + i / 50, 31.6], [119.81 + i / 50, 31.61],
        [119.8 + i / 50, 31.61], [119.8 + i / 50, 31.6]]]}) for i in range(3)]
    write(g, "polygons_rs.geojsons",
          "".join("\x1e" + json.dumps(f, ensure_ascii=False, indent=1) + "\n" for f in poly)
          .encode(), outcome="accept", kept=3, total=3,
          why="RS-delimited records spanning several lines each")
    bad = [*lines[:2], '{"type": "Feature", "properties": {"name": "断"}, "geometry": {"type": '
           '"Point", "coordinates": [119.8,', *lines[2:4],
           json.dumps(pt(119.9, 31.7)), '{"type": "Featur", "geometry": null}', "[1, 2]"]
    write(g, "bad_lines.geojsonl", "\n".join(bad).encode(), outcome="notes",
          codes=["seq_bad_line"], kept=4, total=8,
          why="a cut record, a bare geometry, a misspelt type, an array: each named by line")
    write(g, "no_features.ndjson",
          "\n".join(json.dumps({"name": p, "lon": x, "lat": y}, ensure_ascii=False)
                    for p, x, y in PLACES).encode(),
          outcome="refuse", codes=["seq_no_features"], why="plain JSON records, not GeoJSON")
    write(g, "feature_collection_as_lines.geojsonl",
          json.dumps({"type": "FeatureCollection", "features": feats[:2]}, ensure_ascii=False,
                     indent=2).encode(), outcome="refuse", codes=["seq_no_features"],
          why="a pretty-printed FeatureCollection named .geojsonl")
    write(g, "null_geometry_record.geojsonl",
          "\n".join([*lines[:2], json.dumps(feature(9, "无几何", None) | {"geometry": None},
                                            ensure_ascii=False)]).encode(),
          outcome="notes", codes=["null_geometry"], kept=2, total=3,
          why="a record with a null geometry")
    write(g, "record_limit.geojsonl", ("\n".join(lines * 5)).encode(), outcome="refuse",
          codes=["too_many_features"], options={"max_features": 10},
          why="more records than allowed, counted before parsing")
    write(g, "points.fgb", fgb(feats), outcome="accept", kept=n, total=n,
          why="FlatGeobuf (ogr2ogr -f FlatGeobuf)")
    write(g, "projected_cgcs2000.fgb", fgb(feats, crs=4549), outcome="notes",
          codes=["crs_converted"], kept=n, total=n,
          why="FlatGeobuf in CGCS2000 / 3-degree GK CM 120E: reprojected")
    good = fgb(feats)
    write(g, "damaged.fgb", good[: len(good) // 2], outcome="refuse",
          why="a FlatGeobuf cut in half", codes=["unreadable"])
    write(g, "not_fgb.fgb", b'{"type": "FeatureCollection", "features": []}',
          outcome="refuse", codes=["format_mismatch"], why="GeoJSON renamed .fgb")


def fgb(feats: list[dict], crs: int = 4326) -> bytes:
    import tempfile

    import geopandas as gpd
    import pyogrio

    gdf = gpd.GeoDataFrame.from_features(feats, crs=4326).to_crs(crs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.fgb"
        pyogrio.write_dataframe(gdf, path, driver="FlatGeobuf")
        return path.read_bytes()


def main() -> None:
    excel()
    csv_files()
    kml_files()
    seq_files()
    for group, entries in EXPECTED.items():
        header = f"# {group}: written by make_formats_corpus.py (issue 16)\n\n"
        (HERE / group / "expected.toml").write_text(header + "\n\n".join(entries) + "\n",
                                                     encoding="utf-8")
        print(group, len(entries))


if __name__ == "__main__":
    main()
