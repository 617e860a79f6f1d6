"""Character-level normalisation shared by every parser: pure functions, no I/O."""

from __future__ import annotations

import re
from datetime import date

# Full-width ASCII digits/letters → half-width. Chinese punctuation （，。：） is kept as printed.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_WIDTH_TABLE |= {code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)}
_WIDTH_TABLE |= {code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)}
_WIDTH_TABLE |= {0x3000: 0x20, 0x00A0: 0x20}
# Invisible characters left over by PDF/Word exports.
_WIDTH_TABLE |= {code: None for code in (0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060, 0xFFFD)}
# Control characters other than tab and newline never carry meaning in these texts.
_WIDTH_TABLE |= {code: None for code in range(0x20) if code not in (0x09, 0x0A)}
_WIDTH_TABLE |= {0x7F: None}

_CJK = r"\u3400-\u9fff"
_SPACE_DIGIT_CJK = re.compile(rf"(?<=\d)[ \t]+(?=[{_CJK}])|(?<=[{_CJK}])[ \t]+(?=\d)")
_SPACE_IN_NUMBER = re.compile(r"(?<=\d) (?=\d{3}\b)")
# OCR slips seen in the sources; each is a character that never occurs in these texts otherwise.
_OCR_FIXES = str.maketrans({"臵": "置"})


def normalize_chars(text: str) -> str:
    """Half-width digits and Latin letters, no invisible/control characters, known OCR slips."""
    return text.translate(_WIDTH_TABLE).translate(_OCR_FIXES)


def tighten_number_spaces(text: str) -> str:
    """'2014 年 8 月 7 日' → '2014年8月7日', '第 654 号' → '第654号'."""
    return _SPACE_DIGIT_CJK.sub("", text)


def clean_line(text: str) -> str:
    return tighten_number_spaces(normalize_chars(text)).strip()


_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def find_dates(text: str) -> list[date]:
    """Every valid 'YYYY年M月D日' date in the text, in order; impossible dates are skipped."""
    found = []
    for match in _DATE_RE.finditer(normalize_chars(text)):
        try:
            found.append(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            continue
    return found


def parse_date(text: str) -> date | None:
    """The first date written as YYYY年M月D日 or YYYY-MM-DD in the text, else None."""
    dates = find_dates(text)
    if dates:
        return dates[0]
    match = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", normalize_chars(text))
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None
