"""Read a report's text from an uploaded file: .txt (UTF-8 or GB18030), .md, .docx, .pdf.

``read_report_text(name, data)`` returns the text; bad input raises a :class:`ReportSourceError`
subclass (from :mod:`..errors`) naming the problem.  .docx is read with the standard library (a
zip of XML: paragraphs of ``word/document.xml``); .pdf needs a text layer (pypdf): a scanned PDF
without one is refused, not guessed at.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath
from xml.etree import ElementTree

from ..errors import (
    ReportDamaged,
    ReportEmpty,
    ReportEncoding,
    ReportFileTooLarge,
    ReportFormatUnsupported,
    ReportNoTextLayer,
)

__all__ = ["FORMATS", "MAX_BYTES", "read_report_text"]

FORMATS = (".txt", ".md", ".docx", ".pdf")
MAX_BYTES = 20 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_XML = 50 * 1024 * 1024  # uncompressed document.xml (a zip bomb is refused)


def _decode(name: str, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportEncoding(name)


def _markdown(text: str) -> str:
    """Markdown markup that is not text: heading hashes, emphasis, link targets, images."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"^\s{0,3}>\s?", "", text, flags=re.M)
    return re.sub(r"(\*\*|__|\*|`)", "", text)


def _docx(name: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > _MAX_XML:
                raise ReportFileTooLarge(name, limit_mb=_MAX_XML // 1024 // 1024)
            xml = z.read(info)
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError, OSError) as exc:
        raise ReportDamaged(name) from exc
    lines = []
    for p in root.iter(f"{_W}p"):
        parts = []
        for node in p.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def _pdf(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ReportDamaged(name) from exc
    # some CID fonts extract with control characters (NUL) between the glyphs: not text
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", "\n".join(pages))
    if not re.search(r"\w", text):
        raise ReportNoTextLayer(name, pages=len(pages))
    return text


def read_report_text(name: str, data: bytes) -> str:
    """The text of the uploaded file ``name`` (its bytes ``data``)."""
    ext = PurePath(name).suffix.lower()
    if ext not in FORMATS:
        raise ReportFormatUnsupported(name, ext=ext or "—")
    if len(data) > MAX_BYTES:
        raise ReportFileTooLarge(name, limit_mb=MAX_BYTES // 1024 // 1024)
    if ext == ".docx":
        text = _docx(name, data)
    elif ext == ".pdf":
        text = _pdf(name, data)
    else:
        text = _decode(name, data)
        if ext == ".md":
            text = _markdown(text)
    if not text.strip():
        raise ReportEmpty(name)
    return text
