"""A regulation (one version) or one clause as an export document (apps.core.export)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote

from apps.core.export import ClauseBlock, ExportDocument, Heading, NotExportable, chinese_date

from .models import Clause, Regulation
from .selectors import regulation_clauses


def _particulars(regulation: Regulation) -> list[tuple[str, str]]:
    issuers = "、".join(body.name for body in regulation.issuers.all())
    region = " · ".join(p for p in (regulation.province, regulation.city) if p)
    rows = [
        ("效力级别", regulation.level),
        ("文号", regulation.doc_number),
        ("制定机关", issuers),
        ("地区", region),
        ("发布日期", chinese_date(regulation.promulgated_on)),
        ("施行日期", chinese_date(regulation.in_force_from or regulation.effective_on)),
        ("失效日期", chinese_date(regulation.expires_on)),
        ("时效性", regulation.status),
        ("版本", regulation.version_label),
    ]
    return [(name, value) for name, value in rows if value]


def body_blocks(clauses: Iterable[Clause]) -> list[Heading | ClauseBlock]:
    """The clauses with their 编/章/节 headings, each heading where it changes (a 第一章 under a
    new 编 is a new heading even if it bears the name of the last one)."""
    blocks: list[Heading | ClauseBlock] = []
    where: tuple[str, ...] = ()
    for clause in clauses:
        path = (clause.part, clause.chapter, clause.section)
        for depth, text in enumerate(path, start=1):
            if text and path[:depth] != where[:depth]:
                blocks.append(Heading(text, depth))
        where = path
        blocks.append(ClauseBlock(clause.label, tuple(clause.paragraphs)))
    return blocks


def _footer(regulation: Regulation, url: str) -> str:
    version = regulation.version_label or regulation.status
    return f"{regulation.cited_title}（{version}）　来源：{unquote(url)}"  # readable, not %E4…


def regulation_export_document(*, regulation: Regulation, url: str) -> ExportDocument:
    if not regulation.has_full_text:
        raise NotExportable(f"{regulation.display_title}只收录了目录信息，没有全文，无法导出。")
    version = f"（{regulation.version_label}）" if regulation.version_label else ""
    return ExportDocument(
        title=regulation.title,
        filename=regulation.title + version,
        footer=_footer(regulation, url),
        particulars=_particulars(regulation),
        history=[line for line in regulation.events.splitlines() if line.strip()],
        preamble=[line for line in regulation.preamble.splitlines() if line.strip()],
        body=body_blocks(regulation_clauses(regulation=regulation)),
    )


def clause_export_document(*, clause: Clause, url: str) -> ExportDocument:
    regulation = clause.regulation
    return ExportDocument(
        title=regulation.title,
        filename=f"{regulation.title}{clause.label}",
        footer=_footer(regulation, url),
        particulars=_particulars(regulation),
        body=body_blocks([clause]),
    )
