"""Parse PDF-extracted newsletters and reports (corpus/seeds/) into `ParsedPublication`.

Pure functions, no I/O and no Django. The texts are messy: tables of contents with page numbers,
paragraphs broken by page breaks, headings in Markdown or plain, OCR slips, stray spaces in numbers.
The steps are:

1. split off the front matter and the table of contents (TOC), read the metadata from the former;
2. `repair_text`-style assembly of the body into paragraphs and headings;
3. articles: newsletters by column (栏目), TOC titles and source markers (（来源：…）), reports by
   chapter; regulations embedded in articles go through `lawparser.parse_structure`;
4. a report's catalogue table (附录A) through `parse_catalogue`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from apps.policies.lawparser import derive_level, parse_structure
from apps.policies.parsed import (
    CatalogueEntry,
    ParsedArticle,
    ParsedClause,
    ParsedPublication,
    ParsedRegulation,
)
from apps.policies.textnorm import normalize_chars

_CJK = "\u3400-\u9fff"
_N = "零〇一二三四五六七八九十百千两"

# ---------------------------------------------------------------- character level

_SPACE_DIGIT_CJK = re.compile(rf"(?<=\d) +(?=[{_CJK}])|(?<=[{_CJK}]) +(?=\d)")
_GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)")  # 1 347 → 1347
# Leading labels whose following space is structural: 第二条 2011年…, 1.1 发展规模, B. 1 全球…
_LEAD_LABEL = re.compile(
    rf"^(?:[第笫][{_N}]+条(?:之[{_N}]+)?|\d+(?:\.\d+)+|[A-Z]\.\s?\d+(?:\.\s?\d+)*)\s+"
)
_MD_HEADING = re.compile(r"^#+\s*")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?://|www\.)[^>\s]+)>")


def _tighten(text: str) -> str:
    """'2014 年 8 月 7 日' → '2014年8月7日', '1 347 亿元' → '1347亿元'.

    The space after a leading label stays: '第二条 2011年…', '1.1 发展规模'.
    """
    label = _LEAD_LABEL.match(text)
    if label and not _CLAUSE_START.match(text) and re.search(r"[，。；,;]", text):
        label = None  # '38.98 万亿元，同比…' is a sentence, not a '1.1 发展规模' heading
    head, rest = (text[: label.end()], text[label.end() :]) if label else ("", text)
    rest = _GROUPED_NUMBER.sub(lambda m: m[0].replace(" ", ""), rest)
    return head + _SPACE_DIGIT_CJK.sub("", rest)


def _strip_markup(text: str) -> str:
    text = _MD_HEADING.sub("", text.strip())
    if text.startswith("- "):
        text = text[2:]
    text = _MD_LINK.sub(r"\1", _MD_AUTOLINK.sub(r"\1", text))
    text = re.sub(r"\^(?=[①-⑳])", "", text)  # superscript note marks: ^① → ①
    return text.replace("**", "").strip()


def _clean(line: str) -> str:
    """One raw line as text: half-width digits/letters, no Markdown, tight numbers."""
    return _tighten(_strip_markup(normalize_chars(line)))


def _key(text: str) -> str:
    """Comparison key: NFKC, letters and digits only."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------- line classes

# Sentence-final punctuation: a paragraph ending otherwise continues on the next line.
_FINAL = set("。！？；：」』”’）)!?;:.…")
_INNER_STOP = re.compile(r"[。！？；;!?]")
_ENUM = re.compile(
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
_CJK_CHAR = re.compile(f"[{_CJK}]")


def _is_note(text: str) -> bool:
    """A foot-of-page note line, or a line of a note's URL/citation (hardly any CJK)."""
    return bool(_FOOTNOTE.match(text)) or ("http" in text and len(_CJK_CHAR.findall(text)) < 10)


_CAPTION = re.compile(r"^[图表]\s*[A-Z]?\d*[-—.．]?\s?\d+\s")  # 图1-1 …, 表 B-1 …
_NOTE_MARK = re.compile(r"\^?[①-⑳]+$")
_COLUMN = re.compile(r"^(?:【([^【】]{1,12})】|◎\s*(\S.{0,10}))$")
_REGION = re.compile(r"^\[([^\[\]]{1,12})\]$")
_CLAUSE_START = re.compile(rf"^[第笫][{_N}]+\s*条")
_COLOPHON = re.compile(r"^(?:送|发|抄送|报送|编辑|责任编辑|主编|校对)\s*[:：]")
# （来源：萨嘎网络科技（上海）有限公司） at the end of a paragraph: one level of nesting.
_SOURCE = re.compile(
    r"\s*[（(]\s*来源\s*[:：]\s*((?:[^（）()]|[（(][^（）()]*[)）])+?)\s*[)）]\s*$"
)
_BYLINE = re.compile(
    r"^[（(]?[^（）()]{0,40}?(?:本刊记者|记者|通讯员|整理|编写|撰写|供稿|执笔)[^（）()]{0,30}[)）]$"
)
_NAME_BYLINE = re.compile(rf"^[（(][{_CJK}]{{3,4}}[)）]$")
_NOT_A_NAME = re.compile(r"草案|试行|征求|修订|节选|摘编|暂行|续")


def _unbalanced(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _unfinished(text: str) -> bool:
    """True when the paragraph stops mid-sentence (no final punctuation, or an open bracket)."""
    text = _NOTE_MARK.sub("", text) or text  # '…增长18.7%。^①' ends its sentence
    return text[-1] not in _FINAL or _unbalanced(text)


def _standalone(text: str) -> bool:
    """Lines that are never joined to a neighbour: table rows, labels, footnotes, markers."""
    return bool(
        "\t" in text
        or _LABEL_LINE.match(text)
        or _is_note(text)
        or _CAPTION.match(text)
        or _COLUMN.match(text)
        or _REGION.match(text)
    )


def _heading_like(text: str, cap: int) -> bool:
    """A short line that reads as a title: no sentence punctuation, not a label or a clause."""
    if not text or len(text) > cap or text[-1] in "。！？；，、,;!?：:" or _standalone(text):
        return False
    if _INNER_STOP.search(text) or _unbalanced(text) or _CLAUSE_START.match(text):
        return False
    if _SOURCE.search(text) or _is_byline(text):
        return False
    commas = text.count("，") + text.count(",")
    if commas and not (commas == 1 and _ENUM.match(text)):  # 其二，以平台化促进… / 四、X，Y
        return False
    return bool(re.search(f"[{_CJK}]", text))


def _is_byline(text: str) -> bool:
    if _BYLINE.match(text):
        return True
    return bool(_NAME_BYLINE.match(text)) and not _NOT_A_NAME.search(text)


# ---------------------------------------------------------------- paragraph assembly


@dataclass
class _Block:
    text: str
    heading: bool = False  # a title-like line (Markdown heading, bold line or short plain line)
    gap: bool = True  # a blank line (or the start) precedes it


def _join(left: str, right: str) -> str:
    """Rejoin a broken sentence: no space, except between two Latin letters/digits."""
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def _assemble(
    lines: list[str],
    *,
    cap: int = 40,
    width: int = 0,
    is_title: Callable[[str], bool] | None = None,
) -> list[_Block]:
    """Raw lines → repaired paragraphs and headings.

    A paragraph that stops mid-sentence absorbs the following lines (across blank lines) until a
    sentence ends; headings, clause starts, table rows and Markdown structure interrupt it. In text
    hard-wrapped at `width`, a full line ending in ；：” also continues.
    """

    def open_end(text: str, last: str) -> bool:
        if _unfinished(text):
            return True
        return bool(width) and len(last) >= width - 2 and text[-1] in "；：;:”’」』"

    blocks: list[_Block] = []
    deferred: list[_Block] = []
    pending: _Block | None = None
    gap = True
    for line in lines:
        raw = normalize_chars(line).strip()
        if not raw:
            gap = True
            continue
        text = _clean(raw)
        line_gap, gap = gap, False
        if not text:
            continue
        bold_line = raw.startswith("**") and raw.endswith("**") and raw.count("**") == 2
        explicit = raw.startswith("#") or bold_line
        if pending is not None and _is_note(text):
            deferred.append(_Block(text, gap=line_gap))  # a page's notes: after the paragraph
            continue
        if pending is not None:
            strong = explicit or raw.startswith(("**", "- ")) or _standalone(text)
            if not strong and not _CLAUSE_START.match(text):
                pending.text = _join(pending.text, text)
                if not open_end(pending.text, text):
                    blocks += [pending, *deferred]
                    pending, deferred = None, []
                continue
            blocks += [pending, *deferred]
            pending, deferred = None, []
        titled = is_title is not None and is_title(text) and len(text) <= 80
        if explicit or titled or _heading_like(text, cap):
            blocks.append(_Block(text, heading=True, gap=line_gap))
        elif _standalone(text) or not open_end(text, text):
            blocks.append(_Block(text, gap=line_gap))
        else:
            pending = _Block(text, gap=line_gap)
    if pending is not None:
        blocks.append(pending)
    return blocks + deferred


def repair_text(lines: list[str]) -> list[str]:
    """Repair extracted text: paragraphs (lines, blank or not) in, repaired paragraphs out.

    Rejoins sentences broken by page breaks or line wraps (also across blank lines), makes digits
    and Latin letters half-width, removes stray spaces between digits and CJK ('2014 年' → '2014年',
    '第 654 号' → '第654号') and inside grouped numbers ('1 347' → '1347'), fixes 臵 → 置 and drops
    Markdown markup. Wording is never added or removed. A short line without any punctuation reads
    as a heading and stays on its own; foot-of-page notes that interrupt a sentence follow it.
    """
    return [block.text for block in _assemble(lines)]


# ---------------------------------------------------------------- dates


_DATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")


def _date(text: str, *, month_ok: bool = False) -> date | None:
    """The first valid YYYY年M月D日 date (or YYYY年M月, as day 1, when month_ok)."""
    for match in _DATE.finditer(_tighten(normalize_chars(text))):
        if match[3] is None and not month_ok:
            continue
        try:
            return date(int(match[1]), int(match[2]), int(match[3] or 1))
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------- front matter and TOC

_TOC_MARKER = re.compile(r"^(?:目录|contents)$", re.IGNORECASE)
_TOC_LEADER = re.compile(r"(?:\.{3,}|…{2,}|·{3,})\s*\d*\s*$")
_TOC_PAGE = re.compile(r"(?:\t|\s)\s*\d{1,3}\s*$")
_PUB_TITLE = re.compile(
    rf"^[{_CJK}]{{2,16}}(?:资讯|动态|报告|通讯|简报|快讯|周刊|月刊|年鉴|专刊|通报)(?:\d{{4}})?$"
)
_ISSUE = re.compile(
    r"(?P<year>\d{4})年?(?:(?P<month>\d{1,2})月)?第(?P<no>\d+)(?P<unit>[期刊])"
    r"[（(]?总第(?P<total>\d+)期[)）]?"
)
_ORG = re.compile(rf"^[{_CJK}]{{3,30}}(?:司|部|局|委员会|协会|中心|研究院|商会)$")
_DATE_LINE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:\s*[(（][^)）]*[)）])?")
_RUNNING_HEADER = re.compile(rf"^[{_CJK}]{{2,16}}\s*[·•]\s*\d{{4}}$")
_PAGE_NUMBER = re.compile(r"^(?:\d{1,3}|[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页)$")


@dataclass
class _TocEntry:
    title: str
    column: str = ""


def _toc_like(text: str) -> bool:
    if not re.search(f"[{_CJK}]", text):
        return False
    if _TOC_LEADER.search(text):
        return True
    return bool(_TOC_PAGE.search(text)) and len(text) <= 90


def _split_front(lines: list[str]) -> tuple[int, int, int]:
    """(TOC start, first TOC entry, body start) as line indexes; no TOC gives (0, 0, 0)."""
    limit = max(60, len(lines) // 3)
    marker = next(
        (i for i, line in enumerate(lines[:limit]) if _TOC_MARKER.match(_key(_clean(line)))),
        None,
    )
    if marker is None:
        marker = next(
            (i for i, line in enumerate(lines[:limit]) if _TOC_LEADER.search(line.strip())), None
        )
        if marker is None:
            return 0, 0, 0
        marker -= 1
    first = last = None
    quiet = 0
    for index in range(marker + 1, len(lines)):
        text = normalize_chars(lines[index]).strip()
        if not text:
            continue
        if _toc_like(text):
            first = index if first is None else first
            last, quiet = index, 0
        elif last is not None:
            quiet += 1
            if quiet > 6:
                break
        elif index - marker > 80:
            break
    if last is None:
        return 0, 0, 0
    return marker, first if first is not None else marker, last + 1


def _parse_toc(lines: list[str]) -> list[_TocEntry]:
    entries: list[_TocEntry] = []
    column = ""
    for line in lines:
        raw = normalize_chars(line).strip()
        text = _clean(raw)
        if not text:
            continue
        column_match = _COLUMN.match(text)
        if column_match:
            column = (column_match[1] or column_match[2]).strip()
        elif _toc_like(raw):
            title = _TOC_PAGE.sub("", _TOC_LEADER.sub("", text)).strip()
            entries.append(_TocEntry(_tighten(title), column))
        elif text.startswith("—") and entries:
            entries[-1].title += text
    return entries


def _toc_match(
    text: str, toc: list[_TocEntry], start: int = 0, window: int = 4, *, strict: bool = False
) -> int | None:
    """Index of the TOC entry (among `window` entries from `start`) that names this heading.

    Titles differ a little between TOC and body (subtitles, a word added or changed); `strict`
    is for bare lines, which may also merely contain a title in a sentence.
    """
    key = _key(text)
    if len(key) < 2:
        return None
    for index in range(start, min(len(toc), start + window)):
        other = _key(toc[index].title)
        if strict:
            contained = key.startswith(other) or key in other
        else:
            contained = key in other or other in key
        if key == other or (min(len(key), len(other)) >= 6 and contained):
            return index
        if SequenceMatcher(None, key, other).ratio() >= 0.75:
            return index
    return None


def _toc_title(text: str, toc: list[_TocEntry]) -> bool:
    """A body line that is one of the TOC titles, though it may not look like a heading."""
    if text[-1] in "。；：，" or len(text) > 80 or _SOURCE.search(text) or _is_byline(text):
        return False
    return _toc_match(text, toc, 0, len(toc), strict=True) is not None


@dataclass
class _Meta:
    title: str = ""
    publisher: str = ""
    issue_label: str = ""
    published_on: date | None = None


def _metadata(front: list[str], head: list[str]) -> _Meta:
    """Title, publisher, issue and date from the front matter (title also from the first lines)."""
    meta = _Meta()
    texts = [_clean(line) for line in front if _clean(line)]
    candidates = texts[:40] or [_clean(line) for line in head if _clean(line)][:10]
    for index, text in enumerate(candidates):
        compact = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}\d])", "", text)
        if _PUB_TITLE.match(compact):
            meta.title = compact
            following = candidates[index + 1] if index + 1 < len(candidates) else ""
            if re.fullmatch(r"\d{4}", following) and not re.search(r"\d{4}$", compact):
                meta.title += following
            break
    for index, text in enumerate(texts):
        match = re.match(r"^(?:主办单位|主办)\s*[:：]\s*(.*)$", text)
        if match:
            value = match[1] or (texts[index + 1] if index + 1 < len(texts) else "")
            meta.publisher = value.strip()
            break
        match = re.match(rf"^([{_CJK}（）()]{{4,40}})主办$", text)
        if match:
            meta.publisher = match[1]
            break
    if not meta.publisher:
        meta.publisher = next(
            (t for t in texts[:30] if _ORG.match(t) and t != meta.title and "报告" not in t), ""
        )
    issue_date = None
    for text in texts:
        match = _ISSUE.search(re.sub(r"\s+", "", text))
        if match:
            month = f"{int(match['month'])}月" if match["month"] else ""
            meta.issue_label = (
                f"{match['year']}年{month}第{match['no']}{match['unit']}(总第{match['total']}期)"
            )
            if match["month"]:
                issue_date = date(int(match["year"]), int(match["month"]), 1)
            break
    standalone = [t for t in texts if _DATE_LINE.fullmatch(t)]
    full = next((d for t in standalone if (d := _date(t))), None)
    month_only = next((d for t in standalone if (d := _date(t, month_ok=True))), None)
    meta.published_on = full or issue_date or month_only
    return meta


# ---------------------------------------------------------------- embedded regulations

_REG_NAME = re.compile(
    r"(?:条例|规定|办法|细则|意见|纲要|指引|决定|规则|准则|通知|公告|批复|方案|规划|法)"
    r"(?:[（(][^（）()]{1,20}[)）])?$"
)
_QUOTED = re.compile(r"《([^《》]{2,80})》")
_DOC_NUMBER = re.compile(
    rf"(?:中华人民共和国)?[{_CJK}]{{1,12}}令\s*(?:\d{{4}}年)?\s*第\s*\d+\s*号"
    rf"|[{_CJK}]{{1,12}}[〔\[［][12]\d{{3}}[〕\]］]\s*\d+\s*号"
    rf"|[{_CJK}]{{2,12}}公告\s*\d{{4}}年第\s*\d+\s*号"
)
# A signature line naming the issuing body: 国务院, 上海市人民政府, 工商总局 …
_SIGNATURE_ORG = re.compile(
    rf"^(?:国务院|[{_CJK}]{{2,30}}(?:人民政府|总局|部|委员会|委|办公厅|办公室|局|院|署|银行|协会))$"
)
_ISSUED_TRAILER = re.compile(
    rf"^[（(]([{_CJK}]{{2,30}}?)\s*(\d{{4}}年\d{{1,2}}月\d{{1,2}}日)\s*(?:发布|公布|印发)[)）]$"
)
_EFFECTIVE = re.compile(r"自(\d{4}年\d{1,2}月\d{1,2}日)起(?:施行|实施|生效)")
_EFFECTIVE_ON_ISSUE = re.compile(r"自(?:发布|公布|印发)之日起(?:施行|实施|生效)")
_STANDALONE_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_YEAR_SUFFIX = re.compile(r"^[（(][^（）()]*\d{4}[^（）()]*[)）]$")
# Short names the signatures use, as the issuing bodies call themselves in full.
_ISSUER_ALIASES = {
    "工商总局": "国家工商行政管理总局",
    "网信办": "国家互联网信息办公室",
    "国家网信办": "国家互联网信息办公室",
}
_MIN_CLAUSES = 3


def _is_reg_name(text: str) -> bool:
    return len(text) <= 80 and not _ENUM.match(text) and bool(_REG_NAME.search(text))


def _issuers(header: list[str], doc_number: str, trailer: str) -> list[str]:
    """Issuers: 'X文件' letterhead, signature lines, the X of 'X令' in the 文号, the trailer."""
    found: list[str] = []
    for text in header:
        match = re.match(rf"^([{_CJK}]{{2,30}})文件(?:\s|$)", text)
        if match:
            found.append(match[1])
        elif _SIGNATURE_ORG.match(text):
            found.append(text)
    if not found and doc_number:
        match = re.match(rf"^(?:中华人民共和国)?([{_CJK}]+?)令", doc_number)
        if match:
            found.append(match[1])
    trailer_match = _ISSUED_TRAILER.match(trailer)
    if not found and trailer_match:
        found.append(trailer_match[1])
    unique: list[str] = []
    for name in found:
        name = _ISSUER_ALIASES.get(name, name)
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
        if _key(quoted) == _key(name):
            name = quoted  # the form the covering text cites: 《…（2014—2020 年）》
            break
    trailer = ""
    last = clauses[-1].paragraphs if clauses else []
    if last and _ISSUED_TRAILER.match(last[-1]):
        trailer = last.pop()
    header_text = "\n".join(header)
    doc_match = _DOC_NUMBER.search(header_text)
    doc_number = re.sub(r"\s+", "", doc_match[0]) if doc_match else ""
    issuers = _issuers(header, doc_number, trailer)
    dates = [d for text in header if _STANDALONE_DATE.match(text) and (d := _date(text))]
    promulgated = dates[-1] if dates else (_date(trailer) if trailer else None)
    everything = "\n".join([header_text, *body])
    effective_match = _EFFECTIVE.search(everything)
    effective = _date(effective_match[1]) if effective_match else None
    if effective is None and _EFFECTIVE_ON_ISSUE.search(everything):
        effective = promulgated
    title = _tighten(name)
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


def _extract_regulations(title: str, blocks: list[_Block]) -> list[ParsedRegulation]:
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


# ---------------------------------------------------------------- newsletters


@dataclass
class _Draft:
    title: str
    column: str
    blocks: list[_Block] = field(default_factory=list)
    source: str = ""
    ended: bool = False  # its source marker or byline has been seen
    title_open: bool = True  # subtitle lines may still follow the title
    subtitle: bool = False

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks]

    def add(self, block: _Block) -> None:
        self.title_open = False
        self.blocks.append(block)


def _wrap(lines: list[str]) -> tuple[int, int]:
    """(longest plain heading, wrap width): (45, 0), or less when hard-wrapped at a fixed width."""
    lengths = [len(_clean(line)) for line in lines if line.strip()]
    if not lengths:
        return 45, 0
    width, _ = Counter(lengths).most_common(1)[0]
    near = sum(1 for length in lengths if abs(length - width) <= 2)
    if width >= 20 and near / len(lengths) >= 0.35:
        return min(45, int(width * 0.85)), width
    return 45, 0


def _segment(blocks: list[_Block], toc: list[_TocEntry]) -> list[_Draft]:
    """Blocks → article drafts.

    A heading starts an article when it opens a column, matches the next TOC titles, follows an
    article that ended with its source or byline, or stands in a news column (…动态). Numbered and
    other headings are sub-headings and stay in the body.
    """
    drafts: list[_Draft] = []
    toc_columns = {entry.column for entry in toc if entry.column}
    column, fresh, pointer = "", True, 0
    current: _Draft | None = None
    for index, block in enumerate(blocks):
        text = block.text
        if _COLOPHON.match(text) or _REGION.match(text):
            continue
        column_match = _COLUMN.match(text)
        if column_match or (block.heading and text in toc_columns):
            column = (column_match[1] or column_match[2]).strip() if column_match else text
            fresh = True
            continue
        if not toc and block.heading and len(text) <= 8 and (current is None or current.ended):
            following = next((b for b in blocks[index + 1 :] if not _REGION.match(b.text)), None)
            if following is not None and following.heading:
                column, fresh = text, True
                continue
        if current is not None and current.title_open and block.heading:
            # ——subtitle lines (and their unbroken continuation) belong to the title
            if text.startswith("—") or (current.subtitle and not block.gap):
                current.title = _tidy_title(current.title + text)
                current.subtitle = True
                continue
        if block.heading:
            match = _toc_match(text, toc, pointer)
            starts = (
                current is None
                or fresh
                or match is not None
                or (not _ENUM.match(text) and (current.ended or "动态" in column))
            )
            if starts:
                if match is not None:
                    pointer = match + 1
                    column = toc[match].column or column
                current = _Draft(_tidy_title(text), column)
                drafts.append(current)
                fresh = False
                continue
        if current is None:
            current = _Draft("", column, title_open=False)
            drafts.append(current)
        source = _SOURCE.search(text)
        if source and not block.heading and not current.source:
            current.source = source[1].strip()
            current.ended = True
            text = text[: source.start()].strip()
            if not text:
                continue
            block = _Block(text, heading=False, gap=block.gap)
        elif _is_byline(text):
            current.ended = True
        current.add(block)
    return drafts


def _tidy_title(text: str) -> str:
    return re.sub(r"\s+(?=—)", "", text)


def _finish(drafts: list[_Draft], *, with_regulations: bool) -> list[ParsedArticle]:
    """Fold drafts without a body into the previous article, then build the articles in order."""
    kept: list[_Draft] = []
    for draft in drafts:
        if not draft.blocks and not draft.title:
            continue
        if not draft.blocks and kept:
            kept[-1].blocks.append(_Block(draft.title, heading=True))
            continue
        kept.append(draft)
    articles = []
    for order, draft in enumerate(kept):
        regulations = _extract_regulations(draft.title, draft.blocks) if with_regulations else []
        articles.append(
            ParsedArticle(
                title=draft.title,
                body="\n".join(draft.paragraphs),
                order=order,
                column=draft.column,
                source=draft.source,
                regulations=regulations,
            )
        )
    return articles


# ---------------------------------------------------------------- reports and catalogue

_CHAPTER_LABEL = re.compile(r"^\|?\s*(第\s*\d+\s*章)\s*\|?$")
_CHAPTER_INLINE = re.compile(r"^(第\d+章)\s+([^。，；：\t]{2,40})$")
_APPENDIX = re.compile(r"^附录\s*([A-Z])\s+([^\t]{2,40})$")
_SPLIT_CHAPTER_AT = 8  # a chapter with this many x.y sections (one per province) is split


@dataclass
class _Unit:
    kind: str  # chapter / appendix
    label: str  # 第8章, 附录 B
    title: str
    lines: list[str] = field(default_factory=list)


def _is_report(lines: list[str]) -> bool:
    """A report has chapters: '| 第1章 |' or '第1章 标题' lines."""
    texts = (_clean(line) for line in lines)
    return sum(1 for t in texts if _CHAPTER_LABEL.match(t) or _CHAPTER_INLINE.match(t)) >= 2


def _report_units(lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    awaiting_title = False
    for line in lines:
        text = _clean(line)
        label = _CHAPTER_LABEL.match(text)
        inline = _CHAPTER_INLINE.match(text)
        appendix = _APPENDIX.match(text)
        if label:
            units.append(_Unit("chapter", re.sub(r"\s+", "", label[1]), ""))
            awaiting_title = True
        elif inline:
            units.append(_Unit("chapter", inline[1], inline[2].strip()))
        elif appendix:
            units.append(_Unit("appendix", text, appendix[2].strip()))
        elif awaiting_title and text:
            units[-1].title = text
            awaiting_title = False
        elif units:
            units[-1].lines.append(line)
        elif text:  # text before the first chapter
            units.append(_Unit("chapter", "", text))
    return units


def _report(lines: list[str]) -> tuple[list[_Draft], list[CatalogueEntry]]:
    """A report: one article per chapter, or per x.y section in a chapter of many sections."""
    drafts: list[_Draft] = []
    catalogue: list[CatalogueEntry] = []
    for unit in _report_units(lines):
        if unit.kind == "appendix":
            rows = parse_catalogue(unit.lines)
            if rows:
                catalogue.extend(rows)
            else:
                drafts.append(_Draft(unit.label, "", _assemble(unit.lines)))
            continue
        column = f"{unit.label} {unit.title}".strip()
        number = re.sub(r"\D", "", unit.label)
        section_re = re.compile(rf"^{number}\.(\d+)\s*([{_CJK}].{{0,30}})$") if number else None
        starts = [
            (i, match[2])
            for i, line in enumerate(unit.lines)
            if section_re
            and (match := section_re.match(_clean(line)))
            and not _INNER_STOP.search(match[2])
        ]
        if len(starts) < _SPLIT_CHAPTER_AT:
            drafts.append(_Draft(unit.title, column, _assemble(unit.lines)))
            continue
        intro = _assemble(unit.lines[: starts[0][0]])
        if intro:
            drafts.append(_Draft(unit.title, column, intro))
        for position, (start, name) in enumerate(starts):
            end = starts[position + 1][0] if position + 1 < len(starts) else len(unit.lines)
            drafts.append(_Draft(name.strip(), column, _assemble(unit.lines[start + 1 : end])))
    return drafts, catalogue


def parse_catalogue(lines: list[str]) -> list[CatalogueEntry]:
    """Rows of a tab-separated catalogue table: 发文部门 / 发布日期 / 文号 / 名称.

    Header rows, '续 表' lines and anything without a date in the second cell are skipped; several
    issuing bodies in one cell are separated by 、. `order` is the row index.
    """
    entries: list[CatalogueEntry] = []
    for line in lines:
        cells = [_tighten(normalize_chars(cell)).strip() for cell in line.split("\t")]
        if len(cells) < 4:
            continue
        issued = _date(cells[1])
        title = " ".join(cell for cell in cells[3:] if cell)
        if issued is None or not title:
            continue
        entries.append(
            CatalogueEntry(
                title=title,
                doc_number=re.sub(r"\s+", "", cells[2]),
                issuers=[name.strip() for name in cells[0].split("、") if name.strip()],
                promulgated_on=issued,
                order=len(entries),
            )
        )
    return entries


# ---------------------------------------------------------------- entry point


def _noise(line: str) -> bool:
    """Page numbers and running headers ('中国电子商务报告·2018')."""
    text = normalize_chars(line).strip()
    return bool(text) and bool(_PAGE_NUMBER.match(text) or _RUNNING_HEADER.match(text))


def _preface(front: list[str]) -> _Draft | None:
    """A 前言 in the front matter is content: it becomes the first article."""
    for index, line in enumerate(front):
        if _key(_clean(line)) == "前言":
            blocks = _assemble(front[index + 1 :])
            return _Draft("前言", "", blocks) if blocks else None
    return None


def parse_publication(text: str, *, filename: str = "") -> ParsedPublication:
    """One newsletter issue or report (plain text extracted from PDF/Word) → ParsedPublication.

    `filename` is accepted for symmetry with `parse_law_markdown`; nothing is read from it, so
    missing metadata stays empty rather than guessed.
    """
    lines = text.splitlines()
    toc_start, toc_first, body_start = _split_front(lines)
    toc = _parse_toc(lines[toc_start:body_start]) if body_start else []
    body = [line for line in lines[body_start:] if not _noise(line)]
    meta = _metadata(lines[:toc_first], body[:15])
    preface = _preface(lines[:toc_start])

    catalogue: list[CatalogueEntry] = []
    report = _is_report(body)
    if report:
        drafts, catalogue = _report(body)
    else:

        def is_title(candidate: str) -> bool:
            return _toc_title(candidate, toc)

        cap, width = _wrap(body)
        blocks = _assemble(body, cap=cap, width=width, is_title=is_title if toc else None)
        drafts = _segment(blocks, toc)
    if preface is not None:
        drafts.insert(0, preface)
    return ParsedPublication(
        title=meta.title,
        articles=_finish(drafts, with_regulations=not report),
        publisher=meta.publisher,
        issue_label=meta.issue_label,
        published_on=meta.published_on,
        catalogue=catalogue,
    )
