"""Excel workbooks (.xlsx, .xls) of points: the point lists Chinese planning offices exchange.

Read with python-calamine (maintained, reads both formats; formulas give their cached values,
dates come as dates).  The sheet holding coordinate columns is chosen (several: the analyst
chooses, as for GeoPackage layers); the header row is the first of the top rows that names
coordinate columns (title rows and merged title cells above it are skipped); empty rows are left
out before counting; columns are matched and coordinates parsed as for CSV (:mod:`.tables`).

Before any cell is parsed an .xlsx (a zip) goes through the archive checks and its sheets' rows
are counted on the decompressed XML stream; an OLE2 file is looked into (:mod:`.ole`): a
password-protected .xlsx or .xls is refused by name, an .xls's sheets are bounded by their
farthest value cell.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile

import numpy as np
import pandas as pd
import python_calamine as calamine

from ..errors import Severity
from . import ole
from .archive import open_zip
from .base import IngestOptions, IngestResult, Read, Report
from .tables import HEADER_SCAN, header_row, is_empty, table_points

OLE2_MAGIC = ole.MAGIC  # .xls (and password-protected .xlsx)
# the dense range calamine builds for a sheet (rows × columns up to its farthest cell):
# a stray cell at IV65536 is 16.7 million cells (gigabytes once loaded); 200,000 points of 25
# columns fit
MAX_SHEET_CELLS = 5_000_000
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})(\d{1,7})\"")


def read_excel(data: bytes, options: IngestOptions, rep: Report, res: IngestResult) -> Read:
    if data.startswith(b"PK"):
        _check_xlsx(data, options, rep)
    elif data.startswith(OLE2_MAGIC):
        _check_ole(data, options, rep)
    else:
        raise rep.refuse("format_mismatch", format="Excel")
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [m.name for m in book.sheets_metadata
                  if m.typ == calamine.SheetTypeEnum.WorkSheet]
        tables = {}
        for name in sheets:
            if options.layer is not None and name != options.layer:
                continue
            # (already bounded before loading, by _check_xlsx / _check_ole)
            sheet = book.get_sheet_by_name(name)
            if sheet.height > options.max_features + HEADER_SCAN:
                raise rep.refuse("too_many_features", count=sheet.height,
                                 limit=options.max_features)
            if sheet.width > options.max_columns:
                raise rep.refuse("csv_too_many_columns", count=sheet.width,
                                 limit=options.max_columns)
            tables[name] = sheet.to_python(skip_empty_area=False)
    except calamine.PasswordError:
        raise rep.refuse("excel_encrypted") from None
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError,
            OSError) as exc:
        raise rep.refuse("excel_unreadable", detail=str(exc).replace("\n", " ")[:120]) from None
    res.layers = tuple(sheets)
    if options.layer is not None and options.layer not in sheets:
        raise rep.refuse("unknown_layer", layer=options.layer, layers=tuple(sheets))
    found = {name: header_row(rows[:HEADER_SCAN]) for name, rows in tables.items()}
    with_coords = [n for n, (_, coords) in found.items() if coords]
    if len(with_coords) > 1 and options.layer is None:
        raise rep.refuse("choose_layer", layers=tuple(with_coords))
    name = with_coords[0] if with_coords else next(
        (n for n, (h, _) in found.items() if h is not None), sheets[0] if sheets else "—")
    if name not in tables or found[name][0] is None:
        raise rep.refuse("excel_empty", sheet=name)
    if len(sheets) > 1:
        rep.add("excel_sheet", Severity.INFO, sheet=name)
    header, _ = found[name]
    if header:
        rep.add("table_header_row", Severity.INFO, row=header + 1, skipped=header)
    df, numbers = _frame(tables[name], header)
    res.total = len(df)
    if len(df) == 0:
        raise rep.refuse("excel_empty", sheet=name)
    gdf, declared, _ = table_points(df, rep, numbers, "excel_no_coordinates", sheet=name)
    return _typed(gdf), declared, tuple(sheets) if len(sheets) > 1 else ()


def _check_xlsx(data: bytes, options: IngestOptions, rep: Report) -> None:
    """Archive checks (zip bombs, entry count, unsafe names), then every sheet's extent — its
    rows, and the farthest cell named (two cells at A1 and XFD1048576 make calamine build a
    dense range of 17 billion) — is found on the decompressed stream before any cell is read."""
    zf, members = open_zip(data, rep, options)
    limit = options.max_features + HEADER_SCAN
    names = None
    for info in members:
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
            extent = _sheet_extent(zf, info, limit)
            if extent is None:
                raise rep.refuse("zip_damaged")
            rows, width = extent
            if rows > limit:
                raise rep.refuse("too_many_features", count=rows, limit=options.max_features)
            if width > options.max_columns:
                raise rep.refuse("csv_too_many_columns", count=width, limit=options.max_columns)
            if rows * width > MAX_SHEET_CELLS:  # each within bounds, together too many
                names = _sheet_parts(zf) if names is None else names
                raise _too_large(rep, options, names.get(info.filename, info.filename), rows,
                                 width)


def _too_large(rep: Report, options: IngestOptions, sheet: str, rows: int, columns: int):
    """The refusal of a sheet whose extent (rows × columns to its farthest cell) is over the
    limits."""
    return rep.refuse("excel_sheet_too_large", sheet=sheet, rows=rows, columns=columns,
                      max_rows=options.max_features, max_columns=options.max_columns,
                      max_cells=MAX_SHEET_CELLS)


_ATTR = re.compile(r'([\w:]+)="([^"]*)"')


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part ("xl/worksheets/sheet1.xml") → the sheet's name as Excel shows it, from
    xl/workbook.xml and its relationships (the first MB of each; {} when they cannot be read)."""
    def tags(part: str, tag: str) -> list[dict[str, str]]:
        try:
            with zf.open(part) as f:
                text = f.read(2**20).decode("utf-8", "replace")
        except Exception:  # missing (KeyError), damaged (BadZipFile, zlib.error …)
            return []
        return [dict(_ATTR.findall(m)) for m in re.findall(rf"<(?:\w+:)?{tag}\s([^>]*)>", text)]
    targets = {}
    for rel in tags("xl/_rels/workbook.xml.rels", "Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id", "")] = (target.lstrip("/") if target.startswith("/")
                                      else f"xl/{target}")
    return {targets[rid]: html.unescape(sheet.get("name", ""))
            for sheet in tags("xl/workbook.xml", "sheet")
            if (rid := next((v for k, v in sheet.items() if k.endswith(":id")), "")) in targets}


def _check_ole(data: bytes, options: IngestOptions, rep: Report) -> None:
    """An OLE2 file: a password-protected .xlsx or .xls is named as such; an .xls's sheets'
    extents (to the farthest value cell: what calamine would build) are bounded before any
    cell is read."""
    limit = options.max_features + HEADER_SCAN
    try:
        found = ole.inspect(data, limit)
    except ole.OleDamaged as exc:
        raise rep.refuse("excel_unreadable", detail=str(exc)[:120]) from None
    if found.encrypted:
        raise rep.refuse("excel_encrypted")
    if found.kind != "xls":  # a Word or other Office file under an Excel name
        raise rep.refuse("format_mismatch", format="Excel")
    for sheet in found.sheets:
        if options.layer is not None and sheet.name != options.layer:
            continue
        if (sheet.rows > limit or sheet.columns > options.max_columns
                or sheet.rows * sheet.columns > MAX_SHEET_CELLS):
            raise _too_large(rep, options, sheet.name, sheet.rows, sheet.columns)


def _sheet_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int
                  ) -> tuple[int, int] | None:
    """(rows, columns) a sheet spans: ``<row>`` elements counted and cell references ("XFD9")
    read on the XML stream, stopping past ``limit`` rows; None: damaged."""
    rows = last_row = width = 0
    rest = b""

    def scan(buf: bytes) -> None:
        nonlocal rows, last_row, width
        rows += len(_ROW_TAG.findall(buf))
        for letters, number in _CELL_REF.findall(buf):
            last_row = max(last_row, int(number))
            width = max(width, _column_number(letters))

    try:
        with zf.open(info) as f:
            while chunk := f.read(2**20):
                buf = rest + chunk
                cut = buf.rfind(b"<")  # (a tag cut by the chunk's end is read next time)
                cut = len(buf) if cut < 0 else cut
                scan(buf[:cut])
                rest = buf[cut:]
                if max(rows, last_row) > limit:
                    break
    except Exception:  # BadZipFile, zlib.error, EOFError …
        return None
    scan(rest)
    return max(rows, last_row), width


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _frame(rows: list[list], header: int) -> tuple[pd.DataFrame, list[int]]:
    """The data rows below ``header`` as text-or-number cells (empty rows left out), and each
    one's row number in the sheet (1-based, as Excel shows it)."""
    width = max(len(r) for r in rows[header:])
    names, seen = [], set()
    for j in range(width):
        cell = rows[header][j] if j < len(rows[header]) else None
        name = _cell(cell).strip() or _column_letter(j)
        while name in seen:
            name += "_"
        seen.add(name)
        names.append(name)
    data, numbers = [], []
    for i in range(header + 1, len(rows)):
        row = rows[i]
        if all(is_empty(v) for v in row):
            continue
        data.append([_cell(row[j]) if j < len(row) else "" for j in range(width)])
        numbers.append(i + 1)
    empty_cols = [n for j, n in enumerate(names)
                  if n == _column_letter(j) and all(r[j] == "" for r in data)]
    df = pd.DataFrame(data, columns=names, dtype=object).drop(columns=empty_cols)
    return df, numbers


def _cell(value: object) -> object:
    """A cell as the table holds it: numbers stay numbers, dates become ISO text, empty is ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds").removesuffix(" 00:00:00")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return value if isinstance(value, int | str) else str(value)


def _typed(gdf: pd.DataFrame) -> pd.DataFrame:
    """Attribute columns of numbers only become numeric; the rest text."""
    for col in gdf.columns:
        if col == gdf.geometry.name:
            continue
        values = gdf[col]
        filled = values[values != ""]
        if len(filled) and all(isinstance(v, int | float) for v in filled):
            numeric = pd.to_numeric(values.replace("", np.nan))
            gdf[col] = numeric
        else:
            gdf[col] = values.astype(str)
    return gdf


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters
