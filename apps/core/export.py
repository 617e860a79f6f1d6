"""Documents that leave the site: a regulation, a clause or search results in the official layout
(title, particulars, 沿革, 编/章/节 headings, clauses with each 款 a paragraph, the version and
source in a footer), written as Word (python-docx) or PDF (Chromium's own print to PDF, which
sets the Noto CJK fonts as the pages do).

Nothing is written where a reader could find it half done: the PDF is printed in a temporary
folder removed whatever happens, and a response is sent only once the whole file is in memory.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# Below gunicorn's worker timeout (30 s): the print is stopped, and its folder removed, before
# gunicorn would kill the worker and leave Chromium running.
PRINT_TIMEOUT_SECONDS = 20


class FormatConverter:
    """`<export_format:fmt>` in a URL: docx or pdf, anything else a 404 before the view."""

    regex = "docx|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def chinese_date(day) -> str:
    """2018年8月31日; empty for no day."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


DEFAULT_FORMAT = "docx"


def requested_format(format_param: str | None, accept: str) -> str | None:
    """docx or pdf: the `format` parameter, else the first of them the Accept header names,
    else DEFAULT_FORMAT; None for a `format` that is neither (the caller answers 400)."""
    if format_param is not None:  # given, even empty: it must name a format
        return format_param if format_param in FORMATS else None
    for kind in (part.split(";")[0].strip() for part in accept.split(",")):
        for fmt, media_type in FORMATS.items():
            if kind == media_type:
                return fmt
    return DEFAULT_FORMAT


class NotExportable(Exception):
    """The thing asked holds no text to export (a catalogue entry): a 404, there is no text."""


class ExportUnavailable(Exception):
    """The PDF engine is missing or failed: the export cannot be made here and now."""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1: 编 (or a regulation's title inside search results), 2: 章, 3: 节


@dataclass(frozen=True)
class ClauseBlock:
    label: str  # 第一条
    paragraphs: tuple[str, ...]  # its 款


@dataclass(frozen=True)
class ExportDocument:
    title: str
    filename: str  # without the extension
    footer: str  # the version and the source address
    particulars: list[tuple[str, str]] = field(default_factory=list)  # (制定机关, …)
    history: list[str] = field(default_factory=list)  # 制定与修改沿革
    preamble: list[str] = field(default_factory=list)
    body: list[Heading | ClauseBlock] = field(default_factory=list)


def export_response(document: ExportDocument, fmt: str) -> HttpResponse:
    """The document as a download in `fmt` (docx or pdf)."""
    content = docx_bytes(document) if fmt == "docx" else pdf_bytes(document)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    name = f"{document.filename}.{fmt}"
    # RFC 6266: an ASCII fallback, and the Chinese name for every browser since 2012.
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.{fmt}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    return response


# Characters XML 1.0 cannot hold (python-docx refuses them): a search typed with control
# characters is exported without them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def docx_bytes(document: ExportDocument) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def xml(text: str) -> str:
        return _NOT_XML.sub("", text)

    word = Document()
    normal = word.styles["Normal"]
    normal.font.size = Pt(12)
    # Word picks the East Asian font apart from the Latin one; without it CJK text falls back
    # to whatever the reader's Word has.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    title = word.add_heading(xml(document.title), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, value in document.particulars:
        word.add_paragraph(xml(f"{name}：{value}"))
    if document.history:
        word.add_heading("制定与修改沿革", level=1)
        for line in document.history:
            word.add_paragraph(xml(line))
    for line in document.preamble:
        word.add_paragraph(xml(line))
    for block in document.body:
        if isinstance(block, Heading):
            word.add_heading(xml(block.text), level=block.level)
            continue
        first, *rest = block.paragraphs or ("",)
        paragraph = word.add_paragraph()
        paragraph.add_run(xml(block.label)).bold = True
        paragraph.add_run(xml(f"　{first}"))
        for line in rest:
            word.add_paragraph(xml(line)).paragraph_format.first_line_indent = Pt(24)
    word.sections[0].footer.paragraphs[0].text = xml(document.footer)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def pdf_bytes(document: ExportDocument) -> bytes:
    """Chromium prints the document's HTML (templates/export/document.html) to PDF."""
    chromium = shutil.which(settings.CHROMIUM_PATH)
    if chromium is None:
        missing = settings.CHROMIUM_PATH
        raise ExportUnavailable(f"PDF 导出需要 Chromium（{missing}），本服务器未安装。")
    html = render_to_string(
        "export/document.html", {"document": document, "footer_css": css_string(document.footer)}
    )
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    try:
        page, pdf = folder / "document.html", folder / "document.pdf"
        page.write_text(html, encoding="utf-8")
        # At a lower priority: the pages and searches of other clients come first on the CPU.
        command = [
            *(["nice", "-n", "10"] if shutil.which("nice") else []),
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder / 'profile'}",  # concurrent exports share nothing
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        # A session of its own: on a timeout Chromium's helper processes go with it, and none
        # writes into the folder once it is removed.
        printer = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            returncode = printer.wait(timeout=PRINT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise ExportUnavailable("PDF 生成超时，请稍后再试。") from None
        finally:  # timed out or interrupted: Chromium and its helpers go too
            with suppress(ProcessLookupError):
                os.killpg(printer.pid, signal.SIGKILL)
            printer.wait()
        content = pdf.read_bytes() if pdf.exists() else b""
        if returncode != 0 or not content.rstrip().endswith(b"%%EOF"):
            raise ExportUnavailable("PDF 生成失败，请稍后再试。")  # nothing half-written goes out
        return content
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that cannot end the string or the <style> element."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '\\"<>&' or ord(char) < 32 else char for char in text
    )
    return f'"{escaped}"'
