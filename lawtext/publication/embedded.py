"""Regulation texts printed inside an article, with the metadata of their covering text."""

from __future__ import annotations

import re

from ..issuers import canonical_issuer
from ..metadata import derive_level, find_doc_number, find_effective_date, takes_effect_on_issue
from ..records import (
    ParsedClause,
    ParsedRegulation,
)
from ..structure import parse_structure
from ..textnorm import CJK
from .assembly import Block
from .lines import ENUM, comparison_key, first_date, tighten

_REG_NAME = re.compile(
    r"(?:条例|规定|办法|细则|意见|纲要|指引|决定|规则|准则|通知|公告|批复|方案|规划|法)"
    r"(?:[（(][^（）()]{1,20}[)）])?$"
)
_QUOTED = re.compile(r"《([^《》]{2,80})》")
# A signature line naming the issuing body: 国务院, 上海市人民政府, 工商总局 …
_SIGNATURE_ORG = re.compile(
    rf"^(?:国务院|[{CJK}]{{2,30}}(?:人民政府|总局|部|委员会|委|办公厅|办公室|局|院|署|银行|协会))$"
)
_ISSUED_TRAILER = re.compile(
    rf"^[（(]([{CJK}]{{2,30}}?)\s*(\d{{4}}年\d{{1,2}}月\d{{1,2}}日)\s*(?:发布|公布|印发)[)）]$"
)
_STANDALONE_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_YEAR_SUFFIX = re.compile(r"^[（(][^（）()]*\d{4}[^（）()]*[)）]$")
_MIN_CLAUSES = 3


def _is_reg_name(text: str) -> bool:
    return len(text) <= 80 and not ENUM.match(text) and bool(_REG_NAME.search(text))


def _issuers(header: list[str], doc_number: str, trailer: str) -> list[str]:
    """Issuers: 'X文件' letterhead, signature lines, the X of 'X令' in the 文号, the trailer."""
    found: list[str] = []
    for text in header:
        match = re.match(rf"^([{CJK}]{{2,30}})文件(?:\s|$)", text)
        if match:
            found.append(match[1])
        elif _SIGNATURE_ORG.match(text):
            found.append(text)
    if not found and doc_number:
        match = re.match(rf"^(?:中华人民共和国)?([{CJK}]+?)令", doc_number)
        if match:
            found.append(match[1])
    trailer_match = _ISSUED_TRAILER.match(trailer)
    if not found and trailer_match:
        found.append(trailer_match[1])
    unique: list[str] = []
    for name in found:
        name = canonical_issuer(name)  # short names as in lawtext/data/issuing_bodies.csv
        if name not in unique:
            unique.append(name)
    return unique


def _regulation(
    name: str, header: list[str], body: list[str], preamble: list[str], clauses: list[ParsedClause]
) -> ParsedRegulation:
    """Metadata from the header (令/文号/公告 lines and signature) and the clauses."""
    if preamble and _YEAR_SUFFIX.match(preamble[0]):  # 纲要 + （2014～2020 年） on its own line
        name, preamble = name + preamble[0], preamble[1:]
    for quoted in (q for text in header for q in _QUOTED.findall(text)):
        if comparison_key(quoted) == comparison_key(name):
            name = quoted  # the form the covering text cites: 《…（2014—2020 年）》
            break
    trailer = ""
    last = clauses[-1].paragraphs if clauses else []
    if last and _ISSUED_TRAILER.match(last[-1]):
        trailer = last.pop()
    header_text = "\n".join(header)
    doc_number = find_doc_number(header_text)
    issuers = _issuers(header, doc_number, trailer)
    dates = [d for text in header if _STANDALONE_DATE.match(text) and (d := first_date(text))]
    promulgated = dates[-1] if dates else (first_date(trailer) if trailer else None)
    everything = "\n".join([header_text, *body])
    effective = find_effective_date(everything)
    if effective is None and takes_effect_on_issue(everything):
        effective = promulgated
    title = tighten(name)
    return ParsedRegulation(
        title=title,
        clauses=clauses,
        doc_number=doc_number,
        issuers=issuers,
        promulgated_on=promulgated,
        effective_on=effective,
        level=derive_level(doc_number=doc_number, title=title, issuers=issuers),
        preamble=preamble,
        version_date=promulgated,
    )


def extract_regulations(title: str, blocks: list[Block]) -> list[ParsedRegulation]:
    """Regulation texts in an article: a name heading followed by at least three clauses/items.

    Headings between two regulations (令, 通知/公告 covering texts, signatures) are the header the
    metadata comes from; a heading with too few clauses after it is header material as well.
    """
    starts = [-1] if _is_reg_name(title) else []
    starts += [i for i, block in enumerate(blocks) if block.heading and _is_reg_name(block.text)]
    regulations: list[ParsedRegulation] = []
    header_from = 0
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(blocks)
        body = [block.text for block in blocks[start + 1 : end]]
        preamble, clauses = parse_structure(body)
        if len(clauses) < _MIN_CLAUSES:
            continue
        header = [title] if header_from == 0 else []
        header += [block.text for block in blocks[header_from : max(start, 0)]]
        name = title if start < 0 else blocks[start].text
        regulations.append(_regulation(name, header, body, preamble, clauses))
        header_from = end
    return regulations
