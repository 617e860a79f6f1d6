"""An independent count of the clauses of a law file, to check the structure parser against.

Deliberately simple and written apart from `structure.py` (no shared code or patterns): it counts
the lines of the body (after `<!-- INFO END -->`) that begin with a clause label, 第X条 or
第X条之Y. A label may be in bold (`**第一条**`), written with the 笫 typo, have a space (ASCII or
full-width) inside or after the number, and must be followed by a space, the end of the line, or
the closing `**`; `第五十条的规定…` at the start of a line is a reference, not a clause.

A text without any clause line is numbered by items instead (决定, 决议, amendments): then the
count is the number of its top-level items 一、二、三、… counted in sequence, or of its
（一）（二）… items when those run 1, 2, 3 … through the whole text (若干意见 whose
（一）…（二十） run across their 一、二、 headings).
"""

from __future__ import annotations

import re

_MARKER = "<!-- INFO END -->"
_DIGITS = "零〇一二三四五六七八九"
_NUMBER_CHARS = _DIGITS + "十百千两"
_DIGIT_VALUES = {char: value for value, char in enumerate("零一二三四五六七八九")}
_DIGIT_VALUES |= {"〇": 0, "两": 2}
_NUM = f"[{_NUMBER_CHARS}]+"
# The label at the start of a line: optional '#'/'**' markup, 第/笫, number (a space may slip in),
# 条, optional 之Y, then a space, the end of the line or a closing '**'.
_LABEL = re.compile(
    rf"^(?:#+\s*)?(?:\*\*)?\s*[第笫]\s*[{_NUMBER_CHARS}][{_NUMBER_CHARS} \u3000]*条"
    rf"(?:之{_NUM})?(?=[\s\u3000]|\*\*|$)"
)
# '第一百二十八 条侦查…': a space before 条 marks a label even without a space after it.
_LABEL_SPACED = re.compile(rf"^(?:\*\*)?\s*[第笫]{_NUM}[ \u3000]+条")
_TOP_ITEM = re.compile(rf"^(?:#+\s*)?(?:\*\*)?\s*({_NUM})、")
_SUB_ITEM = re.compile(rf"^(?:#+\s*)?(?:\*\*)?\s*[（(]({_NUM})[）)]")


def _value(numeral: str) -> int:
    """'三十八' → 38, '一百零五' → 105 (small, self-contained: up to the thousands)."""
    total, digit = 0, 0
    for char in numeral:
        if char in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[char]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[char]
            total += (digit or 1) * unit
            digit = 0
    return total + digit


def body_lines(text: str) -> list[str]:
    """The non-empty lines after the header marker (the whole text when there is none)."""
    _, marker, body = text.partition(_MARKER)
    lines = body.splitlines() if marker else text.splitlines()
    return [line.strip() for line in lines if line.strip()]


def is_clause_line(line: str) -> bool:
    """True when the line begins with a clause label (第X条 / 第X条之Y)."""
    line = line.strip()
    return bool(_LABEL.match(line) or _LABEL_SPACED.match(line))


def _items_in_sequence(lines: list[str], pattern: re.Pattern[str]) -> tuple[int, int]:
    """(items counted in sequence 1, 2, 3 …, lines that look like an item at all)."""
    expected, seen = 1, 0
    for line in lines:
        match = pattern.match(line)
        if not match:
            continue
        seen += 1
        if _value(match[1]) == expected:
            expected += 1
    return expected - 1, seen


def count_clause_lines(text: str) -> int:
    """How many clauses the file has, counted line by line (see the module docstring)."""
    lines = body_lines(text)
    clauses = sum(1 for line in lines if is_clause_line(line))
    if clauses:
        return clauses
    sub_items, sub_lines = _items_in_sequence(lines, _SUB_ITEM)
    if sub_items and sub_items == sub_lines:
        return sub_items
    return _items_in_sequence(lines, _TOP_ITEM)[0]
