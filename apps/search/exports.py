"""The clauses of a search result as an export document (apps.core.export)."""

from __future__ import annotations

from datetime import date
from urllib.parse import unquote

from apps.core.export import ClauseBlock, ExportDocument, Heading, chinese_date

from .forms import MAX_PAGE_SIZE
from .selectors import search_documents

EXPORT_LIMIT = MAX_PAGE_SIZE  # the first 100 clauses, in the order of the result


def search_export_document(*, search_kwargs: dict, url: str) -> ExportDocument:
    """The first EXPORT_LIMIT clauses the search finds, each under its regulation's title."""
    kwargs = search_kwargs | {"page": 1, "page_size": EXPORT_LIMIT}
    kwargs["filters"] = {**kwargs["filters"], "type": "clause"}
    page = search_documents(**kwargs)
    query = kwargs["query"].strip() or "（全部）"
    shown = min(page.count, EXPORT_LIMIT)
    found = f"共 {page.count} 条条文" + (f"，导出前 {shown} 条" if page.count > shown else "")
    body: list[Heading | ClauseBlock] = []
    last_title = None
    for hit in page.results:
        clause = hit.clause
        title = clause.regulation.cited_title
        if title != last_title:  # the regulation's title where it changes
            body.append(Heading(title, 1))
            last_title = title
        body.append(ClauseBlock(clause.label, tuple(clause.paragraphs)))
    today = date.today()
    return ExportDocument(
        title=f"检索结果：{query}",
        filename=f"检索结果-{query}"[:80],
        footer=f"检索结果导出（{today:%Y-%m-%d}）　来源：{unquote(url)}",
        particulars=[
            ("检索式", query),
            ("结果", found),
            ("导出日期", chinese_date(today)),
        ],
        body=body,
    )
