"""A publication's front matter (title, publisher, issue, date) and table of contents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from ..textnorm import CJK, normalize_chars
from .lines import COLUMN, SOURCE, clean, comparison_key, first_date, is_byline, tighten

_TOC_MARKER = re.compile(r"^(?:目录|contents)$", re.IGNORECASE)
_TOC_LEADER = re.compile(r"(?:\.{3,}|…{2,}|·{3,})\s*\d*\s*$")
_TOC_PAGE = re.compile(r"(?:\t|\s)\s*\d{1,3}\s*$")
_PUB_TITLE = re.compile(
    rf"^[{CJK}]{{2,16}}(?:资讯|动态|报告|通讯|简报|快讯|周刊|月刊|年鉴|专刊|通报)(?:\d{{4}})?$"
)
_ISSUE = re.compile(
    r"(?P<year>\d{4})年?(?:(?P<month>\d{1,2})月)?第(?P<no>\d+)(?P<unit>[期刊])"
    r"[（(]?总第(?P<total>\d+)期[)）]?"
)
_ORG = re.compile(rf"^[{CJK}]{{3,30}}(?:司|部|局|委员会|协会|中心|研究院|商会)$")
_DATE_LINE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:\s*[(（][^)）]*[)）])?")
_RUNNING_HEADER = re.compile(rf"^[{CJK}]{{2,16}}\s*[·•]\s*\d{{4}}$")
_PAGE_NUMBER = re.compile(r"^(?:\d{1,3}|[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页)$")


@dataclass
class TocEntry:
    title: str
    column: str = ""


def _toc_like(text: str) -> bool:
    if not re.search(f"[{CJK}]", text):
        return False
    if _TOC_LEADER.search(text):
        return True
    return bool(_TOC_PAGE.search(text)) and len(text) <= 90


def split_front(lines: list[str]) -> tuple[int, int, int]:
    """(TOC start, first TOC entry, body start) as line indexes; no TOC gives (0, 0, 0)."""
    limit = max(60, len(lines) // 3)
    marker = next(
        (
            i
            for i, line in enumerate(lines[:limit])
            if _TOC_MARKER.match(comparison_key(clean(line)))
        ),
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


def parse_toc(lines: list[str]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    column = ""
    for line in lines:
        raw = normalize_chars(line).strip()
        text = clean(raw)
        if not text:
            continue
        column_match = COLUMN.match(text)
        if column_match:
            column = (column_match[1] or column_match[2]).strip()
        elif _toc_like(raw):
            title = _TOC_PAGE.sub("", _TOC_LEADER.sub("", text)).strip()
            entries.append(TocEntry(tighten(title), column))
        elif text.startswith("—") and entries:
            entries[-1].title += text
    return entries


def toc_match(
    text: str, toc: list[TocEntry], start: int = 0, window: int = 4, *, strict: bool = False
) -> int | None:
    """Index of the TOC entry (among `window` entries from `start`) that names this heading.

    Titles differ a little between TOC and body (subtitles, a word added or changed); `strict`
    is for bare lines, which may also merely contain a title in a sentence.
    """
    key = comparison_key(text)
    if len(key) < 2:
        return None
    for index in range(start, min(len(toc), start + window)):
        other = comparison_key(toc[index].title)
        if strict:
            contained = key.startswith(other) or key in other
        else:
            contained = key in other or other in key
        if key == other or (min(len(key), len(other)) >= 6 and contained):
            return index
        if SequenceMatcher(None, key, other).ratio() >= 0.75:
            return index
    return None


def is_toc_title(text: str, toc: list[TocEntry]) -> bool:
    """A body line that is one of the TOC titles, though it may not look like a heading."""
    if text[-1] in "。；：，" or len(text) > 80 or SOURCE.search(text) or is_byline(text):
        return False
    return toc_match(text, toc, 0, len(toc), strict=True) is not None


@dataclass
class FrontMatter:
    title: str = ""
    publisher: str = ""
    issue_label: str = ""
    published_on: date | None = None


def front_matter(front: list[str], head: list[str]) -> FrontMatter:
    """Title, publisher, issue and date from the front matter (title also from the first lines)."""
    meta = FrontMatter()
    texts = [clean(line) for line in front if clean(line)]
    candidates = texts[:40] or [clean(line) for line in head if clean(line)][:10]
    for index, text in enumerate(candidates):
        compact = re.sub(rf"(?<=[{CJK}])\s+(?=[{CJK}\d])", "", text)
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
        match = re.match(rf"^([{CJK}（）()]{{4,40}})主办$", text)
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
    full = next((d for t in standalone if (d := first_date(t))), None)
    month_only = next((d for t in standalone if (d := first_date(t, month_ok=True))), None)
    meta.published_on = full or issue_date or month_only
    return meta


def is_page_noise(line: str) -> bool:
    """Page numbers and running headers ('中国电子商务报告·2018')."""
    text = normalize_chars(line).strip()
    return bool(text) and bool(_PAGE_NUMBER.match(text) or _RUNNING_HEADER.match(text))
