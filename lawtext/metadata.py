"""What a regulation says about itself: 文号, issuing body, 效力级别, 施行日期, short title."""

from __future__ import annotations

import re
from datetime import date

from .textnorm import CJK, clean_line, parse_date

_DOC_NUMBER_RE = re.compile(
    rf"(?:中华人民共和国)?[{CJK}]{{1,12}}令\s*(?:\d{{4}}年)?\s*第\s*[\d一二三四五六七八九十百零]+\s*号"
    rf"|[{CJK}]{{1,12}}[〔\[［(（]\d{{4}}[〕\]］)）]\s*\d+\s*号"
    rf"|[{CJK}]{{2,12}}公告\s*\d{{4}}年第\s*\d+\s*号"
)
_ISSUER_EVENT_RE = re.compile(
    r"(全国人民代表大会常务委员会|全国人民代表大会|国务院|最高人民法院审判委员会|最高人民检察院检察委员会)"
)
_ISSUER_OF_COMMITTEE = {
    "最高人民法院审判委员会": "最高人民法院",
    "最高人民检察院检察委员会": "最高人民检察院",
}
_EFFECTIVE_RE = re.compile(
    r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起\s*(?:施行|实施|生效)"
)
_EFFECTIVE_ON_ISSUE_RE = re.compile(r"自(?:发布|公布|印发)之日起(?:施行|实施|生效)")


def find_doc_number(text: str) -> str:
    """The first 文号 in the text, without inner spaces: 国务院令第654号, 国发〔2014〕21号."""
    match = _DOC_NUMBER_RE.search(clean_line(text))
    return re.sub(r"\s+", "", match[0]) if match else ""


def find_effective_date(text: str) -> date | None:
    """The date of '自2019年1月1日起施行' (实施, 生效) in the text."""
    match = _EFFECTIVE_RE.search(text)
    return parse_date(match[1]) if match else None


def takes_effect_on_issue(text: str) -> bool:
    """The text says 自公布之日起施行 (发布, 印发; 实施, 生效)."""
    return _EFFECTIVE_ON_ISSUE_RE.search(text) is not None


def issuer_from_event(event: str) -> str:
    """The national body named in a header event line (通过/公布 by …), or ''."""
    match = _ISSUER_EVENT_RE.search(event)
    return _ISSUER_OF_COMMITTEE.get(match[1], match[1]) if match else ""


def derive_level(*, doc_number: str, title: str, issuers: list[str], hint: str = "") -> str:
    """Legal level (效力级别) from what the document itself says, the folder name as a hint."""
    joined = "、".join(issuers)
    if hint in ("宪法",) or title.endswith("宪法"):
        return "宪法"
    if "法释" in doc_number or "高检发释字" in doc_number or hint == "司法解释":
        return "司法解释"
    if "主席令" in doc_number or "全国人民代表大会" in joined:
        return "法律"
    if "国务院令" in doc_number or hint == "行政法规":
        return "行政法规"
    if re.search(r"(部|委|局|署|行|会)令", doc_number) or hint == "部门规章":
        return "部门规章"
    if "指引" in title or "协会" in joined:
        return "行业指引"
    if re.search(r"(省|市|自治区|县|区)人民政府", joined):
        return "地方政策"
    if doc_number or issuers:
        return "规范性文件"
    if hint:
        return "法律"
    return "规范性文件"


def short_title_for(title: str) -> str:
    """The title without 中华人民共和国 (电子商务法), or the title when nothing would be left."""
    short = title.removeprefix("中华人民共和国")
    return short if len(short) >= 2 else title
