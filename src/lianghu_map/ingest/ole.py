"""What an OLE2 (Compound File Binary, MS-CFB) Excel file is, found before any cell is read.

Two kinds of Excel file come in an OLE2 container:

* an Excel 97-2003 workbook (``.xls``): a ``Workbook`` stream (``Book`` for Excel 5/95) of BIFF
  records; a ``FILEPASS`` record in its globals means it is encrypted (a password to open);
* a password-protected ``.xlsx``: Excel encrypts the whole zip into an ``EncryptedPackage``
  stream, with an ``EncryptionInfo`` stream beside it (MS-OFFCRYPTO).

:func:`inspect` tells them apart and, for a workbook, gives each worksheet's extent (rows and
columns up to its farthest cell holding a value) by walking the records' headers: calamine builds
a dense range up to the farthest cell, so a stray cell at IV65536 must be found unread.

Damage (a broken sector chain, a stream running past the file) is a :class:`OleDamaged`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["MAGIC", "OleDamaged", "OleFile", "SheetExtent", "inspect", "read_streams"]

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_ENCRYPTED_XLSX = {"encryptioninfo", "encryptedpackage"}
# BIFF record types (MS-XLS 2.3)
_BOF, _EOF, _FILEPASS, _BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085
_CELLS = {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6}  # row, col first
_MULRK = 0x00BD  # row, first col, …, last col (the record's last two bytes)


class OleDamaged(ValueError):
    """The container or its workbook stream cannot be followed; the reason in English."""


@dataclass(frozen=True)
class SheetExtent:
    name: str
    rows: int  # up to the farthest row holding a value (1-based), or past the limit
    columns: int


@dataclass(frozen=True)
class OleFile:
    kind: str  # "encrypted_xlsx" | "xls" | "other"
    encrypted: bool  # an .xls with a password to open (FILEPASS), or an encrypted .xlsx
    sheets: tuple[SheetExtent, ...] = ()  # worksheets of an unencrypted .xls


def inspect(data: bytes, row_limit: int) -> OleFile:
    """What the OLE2 file ``data`` holds; a sheet's rows are counted until past ``row_limit``."""
    names, streams = read_streams(data, {"workbook", "book"})
    if names >= _ENCRYPTED_XLSX:  # (the encrypted package itself is never read)
        return OleFile("encrypted_xlsx", True)
    book = streams.get("workbook", streams.get("book"))
    if book is None:
        return OleFile("other", False)
    return _workbook(book, row_limit)


# -- the container (MS-CFB 2.2-2.6)


def read_streams(data: bytes, wanted: set[str]) -> tuple[set[str], dict[str, bytes]]:
    """The names (lower case) of every stream the container holds, and the content of those
    named in ``wanted``."""
    if len(data) < 512 or not data.startswith(MAGIC):
        raise OleDamaged("no OLE2 header")
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise OleDamaged(f"sector shift {shift}/{mini_shift}")
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, _n_minifat, first_difat, n_difat = struct.unpack_from(
        "<IIIII", data, 0x38)
    n_sectors = max(0, (len(data) - size) // size)

    def sector(n: int) -> bytes:
        if n >= n_sectors:
            raise OleDamaged(f"sector {n} past the end of the file")
        return data[(n + 1) * size:(n + 2) * size]

    # the FAT: its sectors are listed in the header's 109 DIFAT entries, then in DIFAT sectors
    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    per = size // 4
    n, seen = first_difat, 0
    while n not in (_END, _FREE) and seen <= n_difat:
        entries = struct.unpack_from(f"<{per}I", sector(n))
        fat_sectors += entries[:-1]
        n, seen = entries[-1], seen + 1
    fat: list[int] = []
    for s in fat_sectors[:n_fat]:
        fat += struct.unpack_from(f"<{per}I", sector(s))

    def chain(start: int, table: list[int]) -> list[int]:
        out, n = [], start
        while n not in (_END, _FREE):
            if n >= len(table) or len(out) > len(table):
                raise OleDamaged(f"a sector chain is broken at {n}")
            out.append(n)
            n = table[n]
        return out

    directory = b"".join(sector(n) for n in chain(first_dir, fat))
    entries = []
    for off in range(0, len(directory) - 127, 128):
        name_len = struct.unpack_from("<H", directory, off + 0x40)[0]
        kind = directory[off + 0x42]
        start, length = struct.unpack_from("<IQ", directory, off + 0x74)
        if shift == 9:
            length &= 0xFFFFFFFF  # version 3: the high half may hold junk
        name = directory[off:off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        entries.append((name.lower(), kind, start, length))
    if not entries or entries[0][1] != 5:
        raise OleDamaged("no root entry")
    _, _, root_start, root_len = entries[0]

    def regular(start: int, length: int) -> bytes:
        out = b"".join(sector(n) for n in chain(start, fat))
        if len(out) < length:
            raise OleDamaged("a stream runs past its sectors")
        return out[:length]

    mini_stream = minifat = None
    found = {}
    names = {name for name, kind, _, _ in entries[1:] if kind == 2}
    for name, kind, start, length in entries[1:]:
        if kind != 2 or name not in wanted or name in found:
            continue
        if length >= cutoff:
            found[name] = regular(start, length)
            continue
        if mini_stream is None:  # streams under the cutoff are 64-byte pieces of the root's
            mini_stream = regular(root_start, root_len)
            raw = b"".join(sector(n) for n in chain(first_minifat, fat))
            minifat = list(struct.unpack_from(f"<{len(raw) // 4}I", raw))
        out = b"".join(mini_stream[n * 64:(n + 1) * 64] for n in chain(start, minifat))
        if len(out) < length:
            raise OleDamaged(f"the stream {name} runs past the mini stream")
        found[name] = out[:length]
    return names, found


# -- the workbook stream (MS-XLS 2.1.4, 2.4.28 BoundSheet8)


def _records(stream: bytes, pos: int):
    """(type, data, next position) of each record from ``pos`` to the end of the stream."""
    while pos + 4 <= len(stream):
        typ, length = struct.unpack_from("<HH", stream, pos)
        end = pos + 4 + length
        if end > len(stream):
            raise OleDamaged(f"a record at {pos} runs past the workbook stream")
        yield typ, stream[pos + 4:end]
        pos = end


def _workbook(stream: bytes, row_limit: int) -> OleFile:
    sheets: list[tuple[str, int]] = []
    biff8 = True
    for typ, rec in _records(stream, 0):
        if typ == _BOF:
            biff8 = len(rec) >= 2 and struct.unpack_from("<H", rec)[0] == 0x0600
        elif typ == _FILEPASS:
            return OleFile("xls", True)
        elif typ == _BOUNDSHEET and len(rec) >= 7:
            pos, _visible, sheet_type = struct.unpack_from("<IBB", rec)
            if sheet_type == 0:  # a worksheet (not a chart or macro sheet)
                sheets.append((_sheet_name(rec[6:], biff8), pos))
        elif typ == _EOF:  # the end of the globals
            break
    return OleFile("xls", False, tuple(_extent(stream, name, pos, row_limit)
                                       for name, pos in sheets))


def _sheet_name(rec: bytes, biff8: bool) -> str:
    n = rec[0] if rec else 0
    if not biff8:
        return rec[1:1 + n].decode("cp1252", "replace")
    wide = len(rec) > 1 and rec[1] & 1
    raw = rec[2:2 + n * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


def _extent(stream: bytes, name: str, pos: int, row_limit: int) -> SheetExtent:
    """The sheet's farthest value cell, from its BOF at ``pos`` to its EOF."""
    rows = columns = 0
    if not 0 <= pos < len(stream):
        raise OleDamaged(f"the sheet {name} starts past the workbook stream")
    depth = 0  # a chart embedded in the sheet has a BOF … EOF of its own
    for typ, rec in _records(stream, pos):
        depth += (typ == _BOF) - (typ == _EOF)
        if depth <= 0:
            break
        if (typ in _CELLS or typ == _MULRK) and len(rec) >= 4:
            row, col = struct.unpack_from("<HH", rec)
            if typ == _MULRK and len(rec) >= 6:
                col = struct.unpack_from("<H", rec, len(rec) - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, col + 1)
            if rows > row_limit:
                break
    return SheetExtent(name, rows, columns)
