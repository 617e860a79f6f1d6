"""Regulations and clauses exported as Word and PDF, read back as a reader's tools read them."""

import io
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document

from apps.core import export
from apps.policies.models import Regulation

pytestmark = pytest.mark.django_db
SLUG = "电子商务法-2018-08-31"
LAW = "/regulations/" + quote(SLUG) + "/"
API = "/api/v1/regulations/" + quote(SLUG) + "/"


@pytest.fixture
def law():
    return Regulation.objects.get(slug=SLUG)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _in_order(text: str, pieces: list[str]) -> list[str]:
    """The pieces not found in `text` after the previous one."""
    missing, position = [], 0
    for piece in pieces:
        found = text.find(piece, position)
        if found == -1:
            missing.append(piece)
        else:
            position = found + len(piece)
    return missing


def _clause_openings(regulation) -> list[str]:
    """Each clause's label and first words, in order (what a reader checks a print against)."""
    return [_compact(c.label + c.paragraphs[0][:12]) for c in regulation.clauses.order_by("order")]


def test_the_word_file_holds_every_clause_in_order_with_headings_styled_as_headings(client, law):
    response = client.get(LAW + "export.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == export.FORMATS["docx"]
    assert quote("中华人民共和国电子商务法") in response["Content-Disposition"]
    word = Document(io.BytesIO(response.content))
    paragraphs = word.paragraphs
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == law.title
    headings = [p.text for p in paragraphs if p.style.name.startswith("Heading")]
    chapters = list(dict.fromkeys(c.chapter for c in law.clauses.order_by("order") if c.chapter))
    assert len(chapters) == 7 and _in_order("|".join(headings), chapters) == []
    text = _compact("".join(p.text for p in paragraphs))
    assert _in_order(text, _clause_openings(law)) == []
    every_paragraph = [_compact(line) for c in law.clauses.all() for line in c.paragraphs]
    assert all(line in text for line in every_paragraph)  # every 款, not only the openings
    labels = [r.text for p in paragraphs for r in p.runs if r.bold]
    assert labels == [c.label for c in law.clauses.order_by("order")]
    footer = word.sections[0].footer.paragraphs[0].text
    assert "电子商务法" in footer and law.version_label in footer and SLUG in footer


def test_the_pdf_reads_back_every_clause_in_order(client, law, tmp_path):
    response = client.get(LAW + "export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "law.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    compact = _compact(text)
    assert compact.startswith(_compact(law.title))
    assert _in_order(compact, _clause_openings(law)) == []
    assert "第七章" in compact and SLUG in compact  # a heading; the source in the footer
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 5


def test_one_clause_exports_with_its_chapter(client, law):
    clause = law.clauses.get(number=9)
    response = client.get(LAW + "clauses/9/export.docx")
    word = Document(io.BytesIO(response.content))
    texts = [p.text for p in word.paragraphs]
    assert clause.chapter in texts
    assert _compact("".join(texts)).endswith(_compact(clause.text))


def test_the_api_answers_the_format_asked_by_parameter_or_accept_header(client):
    by_param = client.get(API + "export/", {"format": "docx"})
    assert by_param.status_code == 200 and by_param["Content-Type"] == export.FORMATS["docx"]
    by_accept = client.get(API + "export/", HTTP_ACCEPT="application/pdf")
    assert by_accept.status_code == 200 and by_accept.content.startswith(b"%PDF")
    clause = client.get(API + "clauses/9/export/", {"format": "docx"})
    assert clause.status_code == 200
    unsaid = client.get(API + "export/", HTTP_ACCEPT="*/*")  # neither says: Word
    assert unsaid.status_code == 200 and unsaid["Content-Type"] == export.FORMATS["docx"]


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [
        (API + "export/", {"format": "xls"}, 400, "format"),
        (API + "export/", {"format": ""}, 400, "format"),
        ("/api/v1/regulations/没有这部法/export/", {"format": "pdf"}, 404, "没有标识"),
        (API + "clauses/999/export/", {"format": "pdf"}, 404, ""),
    ],
)
def test_bad_export_requests_are_clear_errors_in_the_api_shape(client, path, params, status, words):
    response = client.get(path, params)
    assert response.status_code == status
    assert words in response.json()["error"]["message"]


def test_a_catalogue_entry_cannot_be_exported_and_the_page_offers_no_download(client):
    entry = Regulation.objects.filter(has_full_text=False).first()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "下载 PDF" not in page
    response = client.get(entry.get_absolute_url() + "export.pdf")
    assert response.status_code == 404 and "没有全文" in response.content.decode()
    api = client.get(f"/api/v1/regulations/{quote(entry.slug)}/export/", {"format": "docx"})
    assert api.status_code == 404 and "没有全文" in api.json()["error"]["message"]
    assert client.get("/regulations/没有这部法/export.pdf").status_code == 404
    assert client.get(LAW + "export.xls").status_code == 404


def test_the_pages_link_their_downloads(client, law):
    page = client.get(LAW).content.decode()
    assert f'href="{LAW}export.docx"' in page and f'href="{LAW}export.pdf"' in page
    clause_page = client.get(LAW + "clauses/9/").content.decode()
    assert f'href="{LAW}clauses/9/export.pdf"' in clause_page


def _export_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("export-*"))


@pytest.mark.parametrize(
    "printer",
    [
        # Writes half a PDF and fails.
        "#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) printf '%%PDF-1.4 half' > "
        '"${a#--print-to-pdf=}";; esac; done\nexit 1\n',
        # Writes half a PDF and hangs past the timeout.
        "#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) printf '%%PDF-1.4 half' > "
        '"${a#--print-to-pdf=}";; esac; done\nsleep 30\n',
    ],
    ids=["fails", "hangs"],
)
def test_an_interrupted_pdf_export_is_a_503_and_leaves_nothing_on_disk(
    client, settings, monkeypatch, tmp_path, printer
):
    script = tmp_path / "chromium"
    script.write_text(printer)
    script.chmod(0o755)
    settings.CHROMIUM_PATH = str(script)
    monkeypatch.setattr(export, "PRINT_TIMEOUT_SECONDS", 1)
    before = _export_folders()
    response = client.get(LAW + "export.pdf")
    assert response.status_code == 503 and "PDF" in response.content.decode()
    assert _export_folders() == before
    api = client.get(API + "export/", {"format": "pdf"})
    assert api.status_code == 503 and api.json()["error"]["message"]
    assert _export_folders() == before


def test_without_chromium_a_pdf_export_says_so(client, settings):
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    response = client.get(API + "export/", {"format": "pdf"})
    assert response.status_code == 503 and "Chromium" in response.json()["error"]["message"]
    assert client.get(API + "export/", {"format": "docx"}).status_code == 200  # Word still


def test_the_footer_cannot_break_out_of_the_print_stylesheet():
    hostile = 'a"</style><script>alert(1)</script>\\'
    css = export.css_string(hostile)
    assert css.startswith('"') and css.endswith('"')
    inner = css[1:-1]
    assert '"' not in inner and "<" not in inner and "\\\\" not in inner.replace("\\5c ", "")


def test_the_clauses_of_a_search_export_in_the_order_found(client):
    page = client.get("/search/", {"q": "平台内经营者", "type": "clause"}).content.decode()
    assert "/search/export.docx?" in page and "/search/export.pdf?" in page
    response = client.get("/search/export.docx", {"q": "平台内经营者"})
    assert response.status_code == 200
    api = client.get("/api/v1/search/", {"q": "平台内经营者", "type": "clause", "page_size": 100})
    found = api.json()["results"]
    word = Document(io.BytesIO(response.content))
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "检索结果：平台内经营者"
    labels = [r.text for p in word.paragraphs for r in p.runs if r.bold]
    assert labels == [hit["label"] for hit in found] and len(labels) > 10
    body = _compact("".join(texts))
    assert _in_order(body, [_compact(hit["label"] + hit["text"][:12]) for hit in found]) == []
    assert client.get("/search/export.docx", {"q": "平台", "page_size": "abc"}).status_code == 400
    assert client.get("/search/export.xls", {"q": "平台"}).status_code == 404


def test_the_search_export_api_answers_word_or_pdf_and_errors_in_its_shape(client):
    response = client.get("/api/v1/search/export/", {"q": "平台内经营者", "format": "docx"})
    assert response.status_code == 200 and response["Content-Type"] == export.FORMATS["docx"]
    bad = client.get("/api/v1/search/export/", {"q": "平台", "format": "docx", "page_size": 0})
    assert bad.status_code == 400 and "page_size" in bad.json()["error"]["fields"]
    assert client.get("/api/v1/search/export/", {"q": "平台", "format": "odt"}).status_code == 400


def test_past_the_export_limit_a_reader_gets_a_page_saying_so_not_a_file(client, throttle_rates):
    throttle_rates(anon="1000/minute", user="1000/minute", export="1/minute")
    assert client.get(LAW + "export.docx").status_code == 200
    refused = client.get(LAW + "export.docx")
    assert refused.status_code == 429 and "Content-Disposition" not in refused
    assert (
        refused["Content-Type"].startswith("text/html")
        and "请求过于频繁" in refused.content.decode()
    )
    api = client.get(API + "export/", {"format": "docx"})
    assert api.status_code == 429 and api.json()["error"]["code"]


def test_a_search_typed_with_control_characters_exports_without_them(client):
    response = client.get("/api/v1/search/export/", {"q": "平台\x1c内经营者", "format": "docx"})
    assert response.status_code == 200
    word = Document(io.BytesIO(response.content))
    assert word.paragraphs[0].text == "检索结果：平台内经营者"


def test_an_export_counts_once_against_the_general_limit_not_by_its_cpu_time(
    client, settings, throttle_rates
):
    throttle_rates(anon="3/minute", user="1000/minute", export="100/minute")
    settings.SEARCH_COST_UNIT_MS = 1  # a Word file takes far more than 1 ms of CPU
    statuses = [client.get(LAW + "export.docx").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
