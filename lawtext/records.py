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
    # 制定机关: canonical names of the bodies that enacted or issued this version (first = main).
    issuers: list[str] = field(default_factory=list)
    # 批准机关: canonical names of the bodies that approved it (省人大常委会 for a city's 条例).
    approvers: list[str] = field(default_factory=list)
    promulgated_on: date | None = None  # 公布日期 of this version
    effective_on: date | None = None  # 施行日期 of this version (not the original law's)
    level: str = ""  # 效力级别 (宪法, 法律, 行政法规, 地方性法规 …); "" when it cannot be told
    events: list[str] = field(default_factory=list)  # header lines: 通过/公布/修正/施行 …
    preamble: list[str] = field(default_factory=list)  # text before the first clause
    version_date: date | None = None
    province: str = ""  # 地区 of a local regulation: 浙江省, 上海市 …
    city: str = ""  # and its city below the province, when it is a city's: 杭州市, 深圳市 …
    incomplete: str = ""  # why the text may be cut off before its end ("" when it looks whole)
    # Fields that could not be read from the sources, each said in one line (left empty, never
    # guessed): "未能识别制定机关", "未能识别效力级别" …
    problems: list[str] = field(default_factory=list)


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
