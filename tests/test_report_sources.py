"""Reading a report's text from .txt, .md, .docx and .pdf, and the typed errors for bad files."""

import io
import zipfile

import pytest

from lianghu_map.errors import (
    ReportDamaged,
    ReportEmpty,
    ReportEncoding,
    ReportFormatUnsupported,
    ReportNoTextLayer,
)
from lianghu_map.meeting.sources import read_report_text

TEXT = "一、要把“现代化”作为最鲜明标识\n要推进常州南站樞紐规划研究。"


def _docx(paragraphs: list[str]) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p[:3]}</w:t></w:r><w:r><w:t>{p[3:]}</w:t></w:r></w:p>"
                   for p in paragraphs)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}' \
          "</w:body></w:document>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def _pdf(text: str | None) -> bytes:
    from fpdf import FPDF

    from lianghu_map.fonts import cjk_font_path

    pdf = FPDF()
    pdf.add_page()
    if text is not None:
        pdf.add_font("cjk", fname=str(cjk_font_path()))
        pdf.set_font("cjk", size=12)
        pdf.multi_cell(0, 10, text)
    else:
        pdf.set_fill_color(0, 0, 0)
        pdf.rect(20, 20, 50, 50, style="F")  # a "scan": marks, no text
    return bytes(pdf.output())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_txt_in_utf8_and_gb18030(encoding):
    assert read_report_text("r.txt", TEXT.encode(encoding)) == TEXT


def test_markdown_markup_dropped():
    md = "# 推进会\n\n**要推进**[常州南站](https://x.org)建设。\n![图](a.png)"
    assert read_report_text("r.md", md.encode()) == "推进会\n\n要推进常州南站建设。\n"


def test_docx_paragraphs():
    assert read_report_text("r.docx", _docx(TEXT.split("\n"))) == TEXT


def test_damaged_docx():
    with pytest.raises(ReportDamaged) as err:
        read_report_text("r.docx", _docx(["x"])[:100])
    assert "r.docx" in err.value.message("zh-Hans") and "damaged" in err.value.message("en")
    no_body = io.BytesIO()
    with zipfile.ZipFile(no_body, "w") as z:
        z.writestr("other.xml", "<a/>")
    with pytest.raises(ReportDamaged):
        read_report_text("r.docx", no_body.getvalue())


def test_bad_encoding_unsupported_type_and_empty():
    with pytest.raises(ReportEncoding):
        read_report_text("r.txt", b"\xff\xfe\x00\xd8\x00\xdc" * 3 + b"\x81")
    with pytest.raises(ReportFormatUnsupported) as err:
        read_report_text("r.doc", b"abc")
    assert ".doc" in err.value.message("en")
    with pytest.raises(ReportEmpty):
        read_report_text("r.txt", b"  \n ")


def test_pdf_with_a_text_layer():
    text = read_report_text("r.pdf", _pdf("要推进常州南站枢纽规划研究。"))
    assert "常州南站枢纽" in text


def test_scanned_pdf_without_text_refused():
    with pytest.raises(ReportNoTextLayer) as err:
        read_report_text("scan.pdf", _pdf(None))
    assert "scan.pdf" in err.value.message("zh-Hant") and "1" in err.value.message("en")


def test_damaged_pdf():
    with pytest.raises(ReportDamaged):
        read_report_text("r.pdf", b"%PDF-1.4\n garbage")
