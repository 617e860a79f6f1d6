"""Chinese numerals and clause-number forms (第三十八条, 第38条, 三十八, 38, 第十条之一)."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)
_CN_DIGIT_STR = "零一二三四五六七八九"


def cn_to_int(text: str) -> int | None:
    """'三十八' → 38, '一百零五' → 105, '十' → 10; None if not a Chinese numeral."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in "零〇○":  # a place holder: 一百零五, 五万零一十
            digit = None
            continue
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            continue
        unit = _UNITS[ch]
        if unit == 10000:
            section = (section + (digit or 0)) * unit
            total += section
            section = 0
        else:
            section += (1 if digit is None else digit) * unit
        digit = None
    return total + section + (digit or 0)


def int_to_cn(number: int) -> str:
    """38 → '三十八', 10 → '十', 105 → '一百零五' (the form used in 第X条)."""
    if number < 0:
        raise ValueError("negative numbers have no clause form")
    if number == 0:
        return "零"
    if number >= 10000:
        high, low = divmod(number, 10000)
        rest = int_to_cn(low) if low else ""
        if 0 < low < 1000:  # 五万零一十, not 五万零十
            rest = "零" + ("一" + rest if rest.startswith("十") else rest)
        return int_to_cn(high) + "万" + rest
    parts: list[str] = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            if zero_pending:
                parts.append("零")
                zero_pending = False
            parts.append(_CN_DIGIT_STR[digit] + unit)
        elif parts:
            zero_pending = True
        if not number:
            break
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def ascii_int(text: str, *, max_digits: int) -> int | None:
    """'38' → 38; None for anything but 1..max_digits ASCII digits ('²', '٣', '', a 5,000-digit
    string): int() would raise on some of those, or take long on the last."""
    if text and len(text) <= max_digits and text.isascii() and text.isdecimal():
        return int(text)
    return None


def clause_label(number: int, suffix: str = "") -> str:
    return f"第{int_to_cn(number)}条{suffix}"


_REF_RE = re.compile(
    rf"^[第笫]?\s*(?P<num>\d+|[{CN_NUMERAL_CHARS}]+)\s*(?:条)?\s*(?P<suffix>之[{CN_NUMERAL_CHARS}]+)?$"
)


def parse_clause_number(text: str) -> tuple[int, str] | None:
    """Read what a person types to reach a clause: 38, ３８, 第38条, 第三十八条, 三十八, 第十条之一.

    Returns (number, suffix) or None when the text is not a clause number.
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _REF_RE.match(cleaned)
    if not match:
        return None
    raw = match["num"]
    number = ascii_int(raw, max_digits=6) if raw.isascii() else cn_to_int(raw)
    if number is None or number <= 0 or number > 100000:
        return None
    return number, match["suffix"] or ""
