"""A newsletter issue cut into articles by column (栏目), table of contents and source markers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..records import (
    ParsedArticle,
)
from .assembly import Block
from .embedded import extract_regulations
from .front import TocEntry, toc_match
from .lines import COLOPHON, COLUMN, ENUM, REGION, SOURCE, clean, is_byline


@dataclass
class Draft:
    title: str
    column: str
    blocks: list[Block] = field(default_factory=list)
    source: str = ""
    ended: bool = False  # its source marker or byline has been seen
    title_open: bool = True  # subtitle lines may still follow the title
    subtitle: bool = False

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks]

    def add(self, block: Block) -> None:
        self.title_open = False
        self.blocks.append(block)


def wrap(lines: list[str]) -> tuple[int, int]:
    """(longest plain heading, wrap width): (45, 0), or less when hard-wrapped at a fixed width."""
    lengths = [len(clean(line)) for line in lines if line.strip()]
    if not lengths:
        return 45, 0
    width, _ = Counter(lengths).most_common(1)[0]
    near = sum(1 for length in lengths if abs(length - width) <= 2)
    if width >= 20 and near / len(lengths) >= 0.35:
        return min(45, int(width * 0.85)), width
    return 45, 0


def segment(blocks: list[Block], toc: list[TocEntry]) -> list[Draft]:
    """Blocks → article drafts.

    A heading starts an article when it opens a column, matches the next TOC titles, follows an
    article that ended with its source or byline, or stands in a news column (…动态). Numbered and
    other headings are sub-headings and stay in the body. (One pass over the blocks with the
    state of the current column and article; split up, that state would have to travel along.)
    """
    drafts: list[Draft] = []
    toc_columns = {entry.column for entry in toc if entry.column}
    column, fresh, pointer = "", True, 0
    current: Draft | None = None
    for index, block in enumerate(blocks):
        text = block.text
        if COLOPHON.match(text) or REGION.match(text):
            continue
        column_match = COLUMN.match(text)
        if column_match or (block.heading and text in toc_columns):
            column = (column_match[1] or column_match[2]).strip() if column_match else text
            fresh = True
            continue
        if not toc and block.heading and len(text) <= 8 and (current is None or current.ended):
            following = next((b for b in blocks[index + 1 :] if not REGION.match(b.text)), None)
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
            match = toc_match(text, toc, pointer)
            starts = (
                current is None
                or fresh
                or match is not None
                or (not ENUM.match(text) and (current.ended or "动态" in column))
            )
            if starts:
                if match is not None:
                    pointer = match + 1
                    column = toc[match].column or column
                current = Draft(_tidy_title(text), column)
                drafts.append(current)
                fresh = False
                continue
        if current is None:
            current = Draft("", column, title_open=False)
            drafts.append(current)
        source = SOURCE.search(text)
        if source and not block.heading and not current.source:
            current.source = source[1].strip()
            current.ended = True
            text = text[: source.start()].strip()
            if not text:
                continue
            block = Block(text, heading=False, gap=block.gap)
        elif is_byline(text):
            current.ended = True
        current.add(block)
    return drafts


def _tidy_title(text: str) -> str:
    return re.sub(r"\s+(?=—)", "", text)


def finish_articles(drafts: list[Draft], *, with_regulations: bool) -> list[ParsedArticle]:
    """Fold drafts without a body into the previous article, then build the articles in order."""
    kept: list[Draft] = []
    for draft in drafts:
        if not draft.blocks and not draft.title:
            continue
        if not draft.blocks and kept:
            kept[-1].blocks.append(Block(draft.title, heading=True))
            continue
        kept.append(draft)
    articles = []
    for order, draft in enumerate(kept):
        regulations = extract_regulations(draft.title, draft.blocks) if with_regulations else []
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
