"""An article's stored paragraphs laid out for reading: headings at their level, figure and
table captions, tables rebuilt from their tab-separated rows, and foot-of-page notes collected
as footnotes linked from their markers.

The stored text stays as parsed (it is what search reads); this is how a page shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import caption, is_note, numbered_heading

MARKERS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# A note's marker in running text follows a word, a number or a closing mark; one after
# '：；，、' or at the start is an enumeration ('包括：①加强监管；②…'), not a note's marker.
_TEXT_MARKER = re.compile(rf"(?<=[^\s：:；;，,、（(])\^?([{MARKERS}])")
_NOTE_START = re.compile(rf"^\^?([{MARKERS}])\s*")
_UNIT = re.compile(r"^[（(]\s*单位\s*[:：][^）)]{1,30}[）)]$")
_SOURCE = re.compile(r"^(?:数据来源|资料来源)\s*[:：]")
_CITATION = re.compile(r"https?://|www\.|\[(?:EB|R)\s?[/\\]\s?OL\]", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"^[-+]?[\d.,]+%?[a-z]?$|^—$")


@dataclass(frozen=True)
class Piece:
    """A run of text, or (note > 0) the marker of footnote number `note`."""

    text: str
    note: int = 0


@dataclass
class Element:
    kind: str  # paragraph, heading, caption, unit, source, table
    pieces: list[Piece] = field(default_factory=list)
    level: int = 0  # a heading's level: 2 for '5.2', 3 for '5.2.1'
    header: list[list[str]] = field(default_factory=list)  # a table's header rows
    rows: list[list[str]] = field(default_factory=list)  # a table's body rows
    captions: list[Element] = field(default_factory=list)  # a table's caption and unit lines

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)

    @property
    def header_spans(self) -> list[list[tuple[str, int]]]:
        """A table's header rows as (text, columns spanned): above the last header row, an empty
        cell belongs to the cell on its left ('2017年' over '全年' and '12月')."""
        spanned = []
        for number, row in enumerate(self.header):
            cells: list[tuple[str, int]] = []
            for index, text in enumerate(row):
                if text == "" and index and cells and number < len(self.header) - 1:
                    cells[-1] = (cells[-1][0], cells[-1][1] + 1)
                else:
                    cells.append((text, 1))
            spanned.append(cells)
        return spanned


@dataclass
class Footnote:
    number: int  # 1, 2, … through the article (the source restarts ① on every page)
    text: str
    linked: bool  # a marker in the text points to it


@dataclass
class Layout:
    elements: list[Element]
    footnotes: list[Footnote]

    @property
    def headings(self) -> list[Element]:
        return [element for element in self.elements if element.kind == "heading"]


def note_start(text: str) -> str:
    """The marker a foot-of-page note starts with ('① 国家信息中心. …' → '①'), or ''."""
    match = _NOTE_START.match(text)
    return match[1] if match and len(text) > match.end() else ""


def table_rows(lines: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Tab-separated rows → (header rows, body rows), every row as wide as the widest.

    Header rows are the leading rows that are mostly not numbers, and a first row with an empty
    corner cell ('· 2018 · 2019e'). A row one cell short lost
    its empty corner cell (the extraction strips the line's leading tab) and is padded on the
    left, unless it already holds empty cells: those mark cells spanning two columns
    ('分类 · 2017年 · · 2018年 · · 年增长'), and it is padded on the right.
    """
    rows = [[cell.strip() for cell in line.split("\t")] for line in lines]
    width = max(len(row) for row in rows)
    for index, row in enumerate(rows):
        missing = width - len(row)
        if missing and "" not in row:
            rows[index] = [""] * missing + row
        else:
            rows[index] = row + [""] * missing

    def numeric(row: list[str]) -> bool:
        cells = [cell for cell in row[1:] if cell]
        return bool(cells) and sum(map(bool, map(_NUMBER_CELL.match, cells))) * 2 >= len(cells)

    header_size = 1 if rows[0][0] == "" else 0  # a corner cell: the first row names columns
    while header_size < len(rows) - 1 and not numeric(rows[header_size]):
        header_size += 1
    return rows[:header_size], rows[header_size:]


def article_layout(paragraphs: list[str]) -> Layout:
    """The paragraphs of an article → its elements and footnotes.

    A note ('① 交易服务是指…') is the footnote of the latest marker '①' before it in the text
    that no note has taken yet: markers restart on every page, and a page's notes follow the
    text that marks them. The lines of a note's address and citation go on the same note. A
    paragraph starting with a marker that no text awaits is a note only when it reads as one
    (an address, an [EB/OL] citation); otherwise it is an enumerated paragraph.
    """
    elements: list[Element] = []
    footnotes: list[Footnote] = []
    # Each marker in running text, in order: (its element, piece index, symbol), until a note
    # takes it.
    waiting: list[tuple[Element, int, str]] = []
    table: list[str] = []

    def flush_table() -> None:
        if table:
            header, rows = table_rows(table)
            captions: list[Element] = []  # the caption and unit lines just before go with it
            while elements and elements[-1].kind in ("caption", "unit") and len(captions) < 2:
                captions.insert(0, elements.pop())
            elements.append(Element("table", header=header, rows=rows, captions=captions))
            table.clear()

    def running(kind: str, text: str, level: int = 0) -> None:
        element = Element(kind, level=level)
        pieces = element.pieces
        position = 0
        for match in _TEXT_MARKER.finditer(text):
            if match.start() > position:
                pieces.append(Piece(text[position : match.start()]))
            waiting.append((element, len(pieces), match[1]))
            pieces.append(Piece(match[1]))
            position = match.end()
        if position < len(text):
            pieces.append(Piece(text[position:]))
        elements.append(element)

    def take_marker(symbol: str) -> bool:
        for at in range(len(waiting) - 1, -1, -1):
            element, piece, waiting_symbol = waiting[at]
            if waiting_symbol == symbol:
                del waiting[at]
                element.pieces[piece] = Piece(symbol, note=len(footnotes) + 1)
                return True
        return False

    previous_note = False
    for text in paragraphs:
        if "\t" in text:
            table.append(text)
            previous_note = False
            continue
        flush_table()
        symbol = note_start(text)
        if symbol and (any(s == symbol for *_, s in waiting) or _CITATION.search(text)):
            linked = take_marker(symbol)
            body = text[_NOTE_START.match(text).end() :]
            footnotes.append(Footnote(len(footnotes) + 1, body, linked))
            previous_note = True
            continue
        if previous_note and is_note(text) and not symbol:  # the note's address or citation line
            footnotes[-1].text = f"{footnotes[-1].text} {text}"
            continue
        previous_note = False
        if caption(text):
            running("caption", text)
        elif _UNIT.match(text):
            running("unit", text)
        elif _SOURCE.match(text):
            running("source", text)
        elif level := numbered_heading(text):
            running("heading", text, level)
        else:
            running("paragraph", text)
    flush_table()
    return Layout(elements, footnotes)
