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


# 效力级别 in the taxonomy of the 国家法律法规数据库, in order of authority.
LEVELS = (
    "宪法",
    "法律",
    "行政法规",
    "监察法规",
    "司法解释",
    "地方性法规",
    "自治条例",
    "单行条例",
    "经济特区法规",
    "部门规章",
    "地方政府规章",
    "规范性文件",
    "地方规范性文件",
    "行业指引",
)
# Corpus folders whose texts are 法律 (the law categories of the national collection), and every
# category folder of that collection.
LAW_FOLDERS = frozenset(
    "宪法相关法 民法典 民法商法 行政法 经济法 社会法 刑法 诉讼与非诉讼程序法".split()
)
CATEGORY_FOLDERS = LAW_FOLDERS | {"宪法", "行政法规", "司法解释", "部门规章", "其他"}
_LOCAL_CONGRESS_RE = re.compile(
    rf"^(?!全国)([{CJK}]{{2,20}}?(?:省|自治区|市|自治州|自治县|县|区))人民代表大会(?:常务委员会)?$"
)
_LOCAL_GOVERNMENT_RE = re.compile(rf"^[{CJK}]{{2,20}}?(?:省|自治区|市|自治州|县|区)人民政府")
# Places with 经济特区 legislative power (立法法 第八十四条).
_SPECIAL_ZONE_PLACES = ("深圳市", "珠海市", "汕头市", "厦门市", "海南省")
_COURTS = ("最高人民法院", "最高人民检察院")


def derive_level(
    *, doc_number: str, title: str, issuers: list[str], hint: str = "", local: bool = False
) -> str:
    """效力级别 (one of LEVELS) from the enacting bodies, the 文号 and the title; `hint` is the
    corpus folder (宪法, 行政法规, 司法解释, 部门规章, a law category …) and `local` says the file
    is from a local collection. '' when it cannot be told: never a default."""
    joined = "、".join(issuers)
    if hint == "宪法" or title.endswith("宪法") or re.search("宪法修正案", title):
        if not issuers or any(b.startswith("全国人民代表大会") for b in issuers):
            return "宪法"
    if "国家监察委员会" in issuers:
        return "监察法规"
    if any(b in _COURTS for b in issuers) or re.search("法释|高检发释字", doc_number):
        return "司法解释"
    if hint == "司法解释" and not issuers:
        return "司法解释"
    if any(b.startswith("全国人民代表大会") for b in issuers) or "主席令" in doc_number:
        return "法律"
    congress = next((m for b in issuers if (m := _LOCAL_CONGRESS_RE.match(b))), None)
    if congress or (local and not issuers):
        place = congress[1] if congress else ""
        if re.search("自治条例$", title):
            return "自治条例"
        if re.search("自治(?:州|县)$", place) and re.search("条例$", title):
            return "单行条例"
        if "经济特区" in title and (place in _SPECIAL_ZONE_PLACES or not congress):
            return "经济特区法规"
        return "地方性法规"
    if _LOCAL_GOVERNMENT_RE.match(joined):
        return "地方政府规章" if "令" in doc_number or hint == "地方政府规章" else "地方规范性文件"
    # In the 行政法规 folder also what a ministry issued with the 国务院's approval: the national
    # database classes it with the 行政法规.
    if "国务院令" in doc_number or hint == "行政法规":
        return "行政法规"
    if re.search(r"(?:部|委|局|署|行|会)(?:第\d+号)?令", doc_number) or hint == "部门规章":
        return "部门规章"
    if "指引" in title or "协会" in joined:
        return "行业指引"
    if doc_number or issuers:
        return "规范性文件"
    if hint in LAW_FOLDERS:
        return "法律"
    return ""


def short_title_for(title: str) -> str:
    """The title without 中华人民共和国 (电子商务法), or the title when nothing would be left."""
    short = title.removeprefix("中华人民共和国")
    return short if len(short) >= 2 else title


# How regulation titles end (法, 条例, 规定 …, before a closing （一）/（试行）): a typed word
# that does not end so is not looked up as a title.
_TITLE_ENDING = re.compile(
    r"(法|法典|条例|规定|办法|细则|解释|通知|决定|规则|安排|意见|批复|答复|公告|目录|纲要|章程|准则"
    r"|指引|规划|方案|标准|程序|令|决议|宪法|修正案)(（[^（）]*）|\([^()]*\))?$"
)


def could_be_title(name: str) -> bool:
    """Whether `name` ends as a regulation title does (电子商务法, 快递暂行条例（修订）)."""
    return bool(_TITLE_ENDING.search(name.strip().strip("《》")))
