"""Zip archives (shapefile zips, KMZ): every entry checked before anything is decompressed."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from .base import IngestOptions, Report

_ARCHIVES = (".zip", ".kmz", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz")


def open_zip(data: bytes, rep: Report, options: IngestOptions
              ) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open an archive and check every entry *before* anything is decompressed: entry count,
    unsafe names (absolute, ``..``: zip-slip), nested archives, total size and compression ratio
    (zip bombs).  Returns the plain file members (macOS resource forks left out)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception:  # zipfile raises many types on damaged archives
        raise rep.refuse("zip_damaged") from None
    if len(infos) > options.max_zip_members:
        raise rep.refuse("zip_too_many", count=len(infos), limit=options.max_zip_members)
    members = []
    for info in infos:
        name = info.filename.replace("\\", "/")
        p = PurePosixPath(name)
        if p.is_absolute() or ".." in p.parts or re.match(r"^[A-Za-z]:", name):
            raise rep.refuse("zip_unsafe_path", name=info.filename[:200])
        if info.is_dir() or "__MACOSX" in p.parts or p.name.startswith("._"):
            continue
        if p.suffix.lower() in _ARCHIVES:
            raise rep.refuse("zip_nested", name=info.filename[:200])
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 2**20 and ratio > options.max_zip_ratio:
            raise rep.refuse("zip_bomb", name=info.filename[:200], ratio=round(ratio))
        members.append(info)
    total = sum(i.file_size for i in members)
    if total > options.max_bytes * 4:
        raise rep.refuse("zip_bomb", name=f"{len(members)} files, {total // 2**20} MB",
                         ratio=round(total / max(len(data), 1)))
    return zf, members


def member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, rep: Report) -> bytes:
    """One archive member's bytes; a damaged member (bad CRC, truncated data) is a finding."""
    try:
        return zf.read(info)
    except Exception:  # BadZipFile, zlib.error, EOFError …
        raise rep.refuse("zip_damaged") from None


def member_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, rep: Report) -> bytes:
    try:
        with zf.open(info) as f:
            return f.read(16)
    except Exception:  # BadZipFile, zlib.error, EOFError …
        raise rep.refuse("zip_damaged") from None
