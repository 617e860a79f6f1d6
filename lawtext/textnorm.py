"""Character-level normalisation, dates and Markdown markup shared by every parser."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import opencc

from .numerals import CN_NUMERAL_CHARS

CJK = "\u3400-\u9fff"  # the CJK ideographs of these texts, for character classes
NUMERAL = f"[{CN_NUMERAL_CHARS}]"  # one Chinese numeral character, for patterns

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

# Tabs count in law files; in publications they separate table cells and stay.
_SPACE_DIGIT_CJK = re.compile(rf"(?<=\d)[ \t]+(?=[{CJK}])|(?<=[{CJK}])[ \t]+(?=\d)")
_SPACE_DIGIT_CJK_NO_TAB = re.compile(rf"(?<=\d) +(?=[{CJK}])|(?<=[{CJK}]) +(?=\d)")
# OCR slips seen in the sources; each is a character that never occurs in these texts otherwise.
_OCR_FIXES = str.maketrans({"臵": "置"})


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def simplified_char(char: str) -> str:
    """One character in simplified Chinese (電 → 电); itself when it has no one-character form."""
    converted = _t2s().convert(char)
    return converted if len(converted) == 1 else char


def simplified(text: str) -> str:
    """The text in simplified Chinese, character for character: 電子商務法 → 电子商务法."""
    return "".join(simplified_char(char) for char in text)


_YEAR_IN_BRACKETS = re.compile(r"[\[［【(（〔]\s*(\d{4})\s*[\]］】)）〕]")
_ASCII_PARENS = str.maketrans({"(": "（", ")": "）"})


def title_spellings(typed: str) -> list[str]:
    """What a typed title or 文号 may stand for as the texts write it: in simplified Chinese
    (電子商務法 → 电子商务法), the year of a 文号 in 〔〕 whatever brackets were typed
    (国发[2014]21号 → 国发〔2014〕21号), and a title's ASCII parentheses full width."""
    text = simplified(normalize_chars(typed.strip()))
    text = _YEAR_IN_BRACKETS.sub(r"〔\1〕", text)
    return list(dict.fromkeys([typed.strip(), text, text.translate(_ASCII_PARENS)]))


def normalize_chars(text: str) -> str:
    """Half-width digits and Latin letters, no invisible/control characters, known OCR slips."""
    return text.translate(_WIDTH_TABLE).translate(_OCR_FIXES)


def tighten_number_spaces(text: str, *, tabs: bool = True) -> str:
    """'2014 年 8 月 7 日' → '2014年8月7日', '第 654 号' → '第654号' (tabs too, unless told)."""
    return (_SPACE_DIGIT_CJK if tabs else _SPACE_DIGIT_CJK_NO_TAB).sub("", text)


def clean_line(text: str) -> str:
    return tighten_number_spaces(normalize_chars(text)).strip()


# ---------------------------------------------------------------- dates

_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def find_dates(text: str, *, month_ok: bool = False) -> list[date]:
    """Every valid 'YYYY年M月D日' date in the text, in order ('YYYY年M月' as its first day when
    `month_ok`); impossible dates are skipped."""
    found = []
    for match in _DATE_RE.finditer(normalize_chars(text)):
        if match[3] is None and not month_ok:
            continue
        try:
            found.append(date(int(match[1]), int(match[2]), int(match[3] or 1)))
        except ValueError:
            continue
    return found


def parse_date(text: str) -> date | None:
    """The first date written as YYYY年M月D日 or YYYY-MM-DD in the text, else None."""
    dates = find_dates(text)
    if dates:
        return dates[0]
    match = _ISO_DATE_RE.search(normalize_chars(text))
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- Markdown

_MD_HEADING = re.compile(r"^#+\s*")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?://|www\.)[^>\s]+)>")
_NOTE_MARK_CARET = re.compile(r"\^(?=[①-⑳])")  # superscript note marks: ^① → ①
_UNDERSCORE_BOLD = re.compile(
    r"__(?=[^\s_])(.+?)(?<=[^\s_])__"
)  # __bold__, not a ____ blank to fill


def is_markdown_heading(line: str) -> bool:
    return line.lstrip().startswith("#")


def strip_markdown(line: str) -> str:
    """The text of a Markdown line: no heading marks, list bullet, bold, links or ^ marks.

    Underscores count as bold only around text: a blank to fill in (填写：____) stays.
    """
    text = _MD_HEADING.sub("", line.strip())
    if text.startswith("- "):
        text = text[2:]
    text = _MD_LINK.sub(r"\1", _MD_AUTOLINK.sub(r"\1", text))
    text = _NOTE_MARK_CARET.sub("", text)
    return _UNDERSCORE_BOLD.sub(r"\1", text).replace("**", "").strip()
