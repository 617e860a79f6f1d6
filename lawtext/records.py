"""The records the parsers return: plain data, written to the database by the apps above.

Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ParsedClause:
    number: int  # 38 for 第三十八条, 5 for （五）
    label: str  # 第三十八条 / 第三十八条之一 / （五）
    paragraphs: list[str]  # 款, in order; items （一）… stay inside their paragraph list
    suffix: str = ""  # "之一", "之二" … for inserted clauses
    part: str = ""  # 编 heading, e.g. "第一编 总则"
    chapter: str = ""  # 章 heading, e.g. "第二章 电子商务经营者"
    section: str = ""  # 节 heading, e.g. "第一节 一般规定"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedRegulation:
    title: str
    clauses: list[ParsedClause] = field(default_factory=list)
    subtitle: str = ""
    doc_number: str = ""  # 文号, e.g. 国务院令第654号, 国发〔2014〕21号
    issuers: list[str] = field(default_factory=list)  # 发文机关
    promulgated_on: date | None = None  # 发布/公布日期
    effective_on: date | None = None  # 施行日期
    level: str = ""  # 法律/行政法规/部门规章/规范性文件/行业指引/地方政策 …
    events: list[str] = field(default_factory=list)  # header lines: 通过/公布/修正/施行 …
    preamble: list[str] = field(default_factory=list)  # text before the first clause
    version_date: date | None = None


@dataclass
class CatalogueEntry:
    """One row of a regulation catalogue table (metadata only, no clauses)."""

    title: str
    doc_number: str = ""
    issuers: list[str] = field(default_factory=list)
    promulgated_on: date | None = None
    order: int = 0


@dataclass
class ParsedArticle:
    title: str
    body: str  # repaired text, paragraphs separated by "\n"
    order: int
    column: str = ""  # 栏目, e.g. 政策规范 (without 【】)
    source: str = ""  # stated source, e.g. 本刊编辑部整理 from （来源：本刊编辑部整理）
    regulations: list[ParsedRegulation] = field(default_factory=list)  # embedded texts


@dataclass
class ParsedPublication:
    title: str
    articles: list[ParsedArticle] = field(default_factory=list)
    publisher: str = ""
    issue_label: str = ""  # e.g. 2014年8月第7期(总第138期)
    published_on: date | None = None
    catalogue: list[CatalogueEntry] = field(default_factory=list)
