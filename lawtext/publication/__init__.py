"""Newsletters and reports extracted from PDF/Word (corpus/seeds/) parsed into `ParsedPublication`.

Pure functions, no I/O and no Django. The texts are messy: tables of contents with page numbers,
paragraphs broken by page breaks, headings in Markdown or plain, OCR slips, stray spaces in numbers.
The steps, a module each:

1. `front`: split off the front matter and the table of contents (TOC), read the metadata;
2. `assembly`: the body's lines reassembled into paragraphs and headings (`lines` classifies them);
3. articles: `newsletter` by column (栏目), TOC titles and source markers (（来源：…）), `report` by
   chapter; `embedded` finds the regulations printed in articles (their clauses through
   `lawtext.structure`);
4. `catalogue`: a report's catalogue table (附录A).
"""

from __future__ import annotations

from ..records import CatalogueEntry, ParsedPublication
from .assembly import assemble, repair_text
from .catalogue import parse_catalogue
from .front import front_matter, is_page_noise, is_toc_title, parse_toc, split_front
from .lines import clean, comparison_key, numbered_heading
from .newsletter import Draft, finish_articles, segment, wrap
from .report import is_report, report_drafts

__all__ = ["numbered_heading", "parse_catalogue", "parse_publication", "repair_text"]


def _preface(front: list[str]) -> Draft | None:
    """A 前言 in the front matter is content: it becomes the first article."""
    for index, line in enumerate(front):
        if comparison_key(clean(line)) == "前言":
            blocks = assemble(front[index + 1 :])
            return Draft("前言", "", blocks) if blocks else None
    return None


def parse_publication(text: str) -> ParsedPublication:
    """One newsletter issue or report (plain text extracted from PDF/Word) → ParsedPublication.

    Only the text is read (not its file name): missing metadata stays empty, never guessed.
    """
    lines = text.splitlines()
    toc_start, toc_first, body_start = split_front(lines)
    toc = parse_toc(lines[toc_start:body_start]) if body_start else []
    body = [line for line in lines[body_start:] if not is_page_noise(line)]
    meta = front_matter(lines[:toc_first], body[:15])
    preface = _preface(lines[:toc_start])

    catalogue: list[CatalogueEntry] = []
    report = is_report(body)
    if report:
        drafts, catalogue = report_drafts(body)
    else:

        def is_title(candidate: str) -> bool:
            return is_toc_title(candidate, toc)

        cap, width = wrap(body)
        blocks = assemble(body, cap=cap, width=width, is_title=is_title if toc else None)
        drafts = segment(blocks, toc)
    if preface is not None:
        drafts.insert(0, preface)
    return ParsedPublication(
        title=meta.title,
        articles=finish_articles(drafts, with_regulations=not report),
        publisher=meta.publisher,
        issue_label=meta.issue_label,
        published_on=meta.published_on,
        catalogue=catalogue,
    )
