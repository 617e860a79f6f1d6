"""One line of extracted text: its cleaned form, and what kind of line it is."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ..numerals import CN_NUMERAL_CHARS as _N
from ..textnorm import CJK, find_dates, normalize_chars, strip_markdown, tighten_number_spaces

# ---------------------------------------------------------------- character level

_GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)")  # 1 347 → 1347
# Leading labels whose following space is structural: 第二条 2011年…, 1.1 发展规模, B. 1 全球…
_LEAD_LABEL = re.compile(
    rf"^(?:[第笫][{_N}]+条(?:之[{_N}]+)?|\d+(?:\.\d+)+|[A-Z]\.\s?\d+(?:\.\s?\d+)*)\s+"
)


_CJK_GAP = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")
_CHAPTER_LABEL = re.compile(rf"^[第笫][{_N}\d]+[编章节]\s+")
_SENTENCE_MARK = re.compile(r"[，。；：！？]")


def close_cjk_gaps(text: str) -> str:
    """'或 许这一切' → '或许这一切': the PDF extraction's single spaces between two Chinese
    characters of a sentence. A line without sentence punctuation keeps them (a heading or a
    list of names: '第一章 总则', '张三 李四' space them on purpose), and so does the space
    after a leading label ('第一条 为了…')."""
    if not _SENTENCE_MARK.search(text):
        return text
    label = _LEAD_LABEL.match(text) or _CHAPTER_LABEL.match(text)
    head, rest = (text[: label.end()], text[label.end() :]) if label else ("", text)
    return head + _CJK_GAP.sub("", rest)


def tighten(text: str) -> str:
    """'2014 年 8 月 7 日' → '2014年8月7日', '1 347 亿元' → '1347亿元'.

    The space after a leading label stays: '第二条 2011年…', '1.1 发展规模'.
    """
    label = _LEAD_LABEL.match(text)
    if label and not CLAUSE_START.match(text) and re.search(r"[，。；,;]", text):
        label = None  # '38.98 万亿元，同比…' is a sentence, not a '1.1 发展规模' heading
    head, rest = (text[: label.end()], text[label.end() :]) if label else ("", text)
    rest = _GROUPED_NUMBER.sub(lambda m: m[0].replace(" ", ""), rest)
    return head + tighten_number_spaces(rest, tabs=False)


def clean(line: str) -> str:
    """One raw line as text: half-width digits/letters, no Markdown, tight numbers."""
    return tighten(strip_markdown(normalize_chars(line)))


def comparison_key(text: str) -> str:
    """Comparison key: NFKC, letters and digits only."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------- line classes

# Sentence-final punctuation: a paragraph ending otherwise continues on the next line.
_FINAL = set("。！？；：」』”’）)!?;:.…")
INNER_STOP = re.compile(r"[。！？；;!?]")
ENUM = re.compile(
    rf"^(?:[{_N}]+[、.．]|[第其][{_N}]+[，、,]|\d+(?:\.\d+)*(?:[、.．)）]|\s)|[（(][{_N}\d]+[)）]"
    rf"|[①-⑳]|(?:误区|亮点|特点|方面|问题|趋势)[{_N}]+[：:]|[A-Z]\.\s?\d)"
)
_LABEL_LINE = re.compile(
    r"^(?:电话|传真|邮箱|地址|邮编|网址|单位网址|联系电话|电子邮箱|通信地址|投稿邮箱|联系人|"
    r"E-?mail|数据来源|资料来源)\s*[:：]",
    re.IGNORECASE,
)
# Notes at a page's foot, their URL lines and their citation lines ('[R/OL] (2018-11-29) …').
_FOOTNOTE = re.compile(r"^\^?[①-⑳]|^(?:https?://|www\.)\S+$|^.{0,60}\[(?:EB|R)/OL\]")
_CJK_CHAR = re.compile(f"[{CJK}]")


def is_note(text: str) -> bool:
    """A foot-of-page note line, or a line of a note's URL/citation (hardly any CJK)."""
    return bool(_FOOTNOTE.match(text)) or ("http" in text and len(_CJK_CHAR.findall(text)) < 10)


# 图1-1 …, 表 B-1 …, 图5-1消费者… (the extraction's tightening took the space): a number with a
# dash or a letter, not a sentence about the figure ('图1-1显示，…').
_CAPTION = re.compile(
    rf"^[图表]\s?(?:[A-Z]\s?[-—–.．]?\s?\d+|\d+\s?[-—–.．]\s?\d+)(?=\s|[{CJK}《“(（\d])"
    r"(?!\s?(?:所示|显示|表明|可见))[^。；！？]{0,60}$"
)


def caption(text: str) -> bool:
    """A figure's or a table's caption line: '图 1-12 2011—2018年全国快递服务企业业务量'."""
    return bool(_CAPTION.match(text))


_SOURCE_LINE = re.compile(r"^(?:数据来源|资料来源)\s*[:：]")


def page_furniture(text: str) -> bool:
    """What a page prints beside the running text: foot-of-page notes, figure and table
    captions and their 数据来源 lines. A sentence a page break cut goes on after them."""
    return is_note(text) or bool(caption(text) or _SOURCE_LINE.match(text))


_NOTE_MARK = re.compile(r"\^?[①-⑳]+$")
COLUMN = re.compile(r"^(?:【([^【】]{1,12})】|◎\s*(\S.{0,10}))$")
REGION = re.compile(r"^\[([^\[\]]{1,12})\]$")
CLAUSE_START = re.compile(rf"^[第笫][{_N}]+\s*条")
COLOPHON = re.compile(r"^(?:送|发|抄送|报送|编辑|责任编辑|主编|校对)\s*[:：]")
# （来源：萨嘎网络科技（上海）有限公司） at the end of a paragraph: one level of nesting.
SOURCE = re.compile(r"\s*[（(]\s*来源\s*[:：]\s*((?:[^（）()]|[（(][^（）()]*[)）])+?)\s*[)）]\s*$")
_BYLINE = re.compile(
    r"^[（(]?[^（）()]{0,40}?(?:本刊记者|记者|通讯员|整理|编写|撰写|供稿|执笔)[^（）()]{0,30}[)）]$"
)
_NAME_BYLINE = re.compile(rf"^[（(][{CJK}]{{3,4}}[)）]$")
_NOT_A_NAME = re.compile(r"草案|试行|征求|修订|节选|摘编|暂行|续")


def _unbalanced(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def unfinished(text: str) -> bool:
    """True when the paragraph stops mid-sentence (no final punctuation, or an open bracket)."""
    text = _NOTE_MARK.sub("", text) or text  # '…增长18.7%。^①' ends its sentence
    return text[-1] not in _FINAL or _unbalanced(text)


def standalone(text: str) -> bool:
    """Lines that are never joined to a neighbour: table rows, labels, footnotes, markers."""
    return bool(
        "\t" in text
        or _LABEL_LINE.match(text)
        or is_note(text)
        or caption(text)
        or COLUMN.match(text)
        or REGION.match(text)
    )


def heading_like(text: str, cap: int) -> bool:
    """A short line that reads as a title: no sentence punctuation, not a label or a clause."""
    if not text or len(text) > cap or text[-1] in "。！？；，、,;!?：:" or standalone(text):
        return False
    if INNER_STOP.search(text) or _unbalanced(text) or CLAUSE_START.match(text):
        return False
    if SOURCE.search(text) or is_byline(text):
        return False
    commas = text.count("，") + text.count(",")
    if commas and not (commas == 1 and ENUM.match(text)):  # 其二，以平台化促进… / 四、X，Y
        return False
    return bool(re.search(f"[{CJK}]", text))


def is_byline(text: str) -> bool:
    if _BYLINE.match(text):
        return True
    return bool(_NAME_BYLINE.match(text)) and not _NOT_A_NAME.search(text)


def first_date(text: str, *, month_ok: bool = False) -> date | None:
    """The first valid YYYY年M月D日 date (or YYYY年M月, as day 1, when month_ok)."""
    dates = find_dates(tighten(normalize_chars(text)), month_ok=month_ok)
    return dates[0] if dates else None


_NUMBERED_HEADING = re.compile(
    r"^(\d{1,2}(?:\.\d{1,2}){1,3}|[A-Z]\.\s?\d{1,2}(?:\.\s?\d{1,2}){0,2})"
    rf"\s*([{CJK}《“][^。；！？;!?]{{1,30}})$"
)
_UNIT_START = re.compile(r"^[亿万千百元个倍年月日%]")


def numbered_heading(text: str) -> int | None:
    """The level of a report's numbered heading ('5.2 主要挑战' → 2, '5.2.1 …' → 3; in an
    appendix 'B. 1 全球电子商务概述' → 2, 'B. 1. 1 …' → 3), or None
    for any other paragraph ('2.5 亿元' is an amount, '38.98 万亿元，同比…' a sentence)."""
    match = _NUMBERED_HEADING.match(text)
    if match is None or _UNIT_START.match(match[2]):
        return None
    return match[1].count(".") + 1
