"""Excel files in an OLE2 container (MS-CFB), written byte by byte as Excel writes them — so the
upload corpus needs no ``olefile``/``xlwt``: a BIFF8 workbook (``.xls``; optionally with the
FILEPASS record of a password to open, or a stray far cell), and a password-protected ``.xlsx``
(the ``EncryptionInfo`` and ``EncryptedPackage`` streams of MS-OFFCRYPTO).

Streams under 4096 bytes go into the mini stream (64-byte sectors), as the format requires; the
directory is a valid red-black tree only in its ordering (every entry black, right-leaning), which
readers follow."""

from __future__ import annotations

import struct

SECTOR = 512
END, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (-len(data) % size)


def _dir_entry(name: str, kind: int, start: int, size: int, child: int = FREE,
               right: int = FREE) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0" if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", FREE, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IQ", start, size))


def cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` at the root."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's order
    mini, minifat, placed = b"", [], {}
    big = []
    for name in names:
        data = streams[name]
        if len(data) < 4096:
            first, n = len(mini) // 64, max(1, -(-len(data) // 64))
            minifat += [first + i + 1 for i in range(n - 1)] + [END]
            mini += _pad(data, 64) if data else b"\0" * 64
            placed[name] = ("mini", first)
        else:
            big.append(name)
    dir_bytes = len(names) + 1
    n_dir = -(-dir_bytes * 128 // SECTOR)
    minifat_raw = _pad(b"".join(struct.pack("<I", x) for x in minifat), SECTOR) if minifat else b""
    n_minifat = len(minifat_raw) // SECTOR
    n_mini = len(_pad(mini, SECTOR)) // SECTOR
    n_big = {name: -(-len(streams[name]) // SECTOR) for name in big}
    n_data = n_dir + n_minifat + n_mini + sum(n_big.values())
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + n_data:
        n_fat += 1
    fat = [FATSECT] * n_fat
    body = []

    def run(data: bytes, count: int) -> int:
        first = len(fat)
        fat.extend(first + i + 1 for i in range(count - 1))
        fat.append(END)
        body.append(_pad(data, SECTOR))
        return first

    dir_start = len(fat)
    fat.extend(dir_start + i + 1 for i in range(n_dir - 1))
    fat.append(END)
    body.append(b"")  # the directory, written once every start is known
    minifat_start = run(minifat_raw, n_minifat) if n_minifat else END
    mini_start = run(mini, n_mini) if n_mini else END
    for name in big:
        placed[name] = ("big", run(streams[name], n_big[name]))
    entries = [_dir_entry("Root Entry", 5, mini_start, len(mini), child=1 if names else FREE)]
    for i, name in enumerate(names, 1):
        entries.append(_dir_entry(name, 2, placed[name][1], len(streams[name]),
                                  right=i + 1 if i < len(names) else FREE))
    body[0] = _pad(b"".join(entries), SECTOR)
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))
    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    header = (MAGIC + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, 4096, minifat_start,
                            n_minifat, END, 0)
              + struct.pack("<109I", *difat))
    fat_raw = b"".join(struct.pack("<I", x) for x in fat)
    return header + fat_raw + b"".join(body)


# -- BIFF8 (MS-XLS): the records of a small workbook of numbers and text


def _rec(typ: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def _bof(kind: int) -> bytes:  # 0x0005 globals, 0x0010 worksheet
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0206))


def _text(s: str) -> bytes:  # XLUnicodeString, 16-bit characters
    return struct.pack("<HB", len(s), 1) + s.encode("utf-16-le")


class RKRun(tuple):
    """Whole numbers in consecutive cells from the one it is placed at: one MULRK record, as
    Excel writes a row of numbers (the last column is in the record's last two bytes)."""


def _cell(row: int, col: int, value) -> bytes:
    if isinstance(value, RKRun):
        rks = b"".join(struct.pack("<HI", 15, (int(v) << 2) | 2) for v in value)
        return _rec(0x00BD, struct.pack("<HH", row, col) + rks
                    + struct.pack("<H", col + len(value) - 1))
    if isinstance(value, str):
        return _rec(0x0204, struct.pack("<HHH", row, col, 15) + _text(value))  # LABEL
    return _rec(0x0203, struct.pack("<HHHd", row, col, 15, float(value)))  # NUMBER


def _xf() -> bytes:
    return _rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))


Cells = dict[tuple[int, int], object] | list[list[object]]


def grid(cells: Cells) -> dict[tuple[int, int], object]:
    """Rows of values (None: no cell) as {(row, column): value}."""
    if isinstance(cells, dict):
        return cells
    return {(i, j): v for i, row in enumerate(cells) for j, v in enumerate(row) if v is not None}


def biff8(sheets: dict[str, Cells], *, password: bool = False, pad: bool = True) -> bytes:
    """A BIFF8 ``Workbook`` stream: each sheet's cells at (row, column), 0-based.  With
    ``password`` the globals carry a FILEPASS record (RC4 CryptoAPI), as Excel writes when a
    password to open is set (the records after it would be encrypted; a reader stops there).
    Excel pads the stream to 4096 bytes (out of the mini stream); ``pad=False`` does not, as
    some other writers."""
    sheets = {name: grid(cells) for name, cells in sheets.items()}
    globals_head = _bof(0x0005)
    if password:
        globals_head += _rec(0x002F, struct.pack("<HHH", 1, 4, 2) + b"\0" * 48)
    globals_head += _rec(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
    globals_head += b"".join(_xf() for _ in range(16))
    bodies = []
    for cells in sheets.values():
        rows = max((r for r, _ in cells), default=0) + 1
        cols = max((c + (len(v) if isinstance(v, RKRun) else 1) for (_, c), v in cells.items()),
                   default=1)
        bodies.append(_bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))
                      + b"".join(_cell(r, c, v) for (r, c), v in sorted(cells.items()))
                      + _rec(0x000A))

    def sheet_records(offsets: list[int]) -> bytes:
        return b"".join(_rec(0x0085, struct.pack("<IBB", pos, 0, 0) + bytes([len(name), 1])
                             + name.encode("utf-16-le"))
                        for name, pos in zip(sheets, offsets, strict=True))

    size = len(globals_head) + len(sheet_records([0] * len(sheets))) + len(_rec(0x000A))
    offsets, pos = [], size
    for body in bodies:
        offsets.append(pos)
        pos += len(body)
    stream = globals_head + sheet_records(offsets) + _rec(0x000A) + b"".join(bodies)
    return stream + b"\0" * max(0, 4096 - len(stream)) if pad else stream


def xls(sheets: dict[str, Cells], *, password: bool = False, pad: bool = True) -> bytes:
    return cfb({"Workbook": biff8(sheets, password=password, pad=pad)})


def encrypted_xlsx(package_size: int = 6000) -> bytes:
    """What Excel writes for an .xlsx with a password to open: the zip, AES-encrypted, in
    ``EncryptedPackage`` (an 8-byte size, then ciphertext) beside ``EncryptionInfo`` (agile
    encryption 4.4: an XML descriptor), and the DataSpaces storage's streams left out."""
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption xmlns='
        b'"http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
        b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining='
        b'"ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        b"</encryption>")
    cipher = bytes((i * 151 + 7) % 256 for i in range(package_size))  # stands for ciphertext
    return cfb({"EncryptionInfo": info,
                "EncryptedPackage": struct.pack("<Q", package_size) + cipher})
