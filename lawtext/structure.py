"""A regulation body split into clauses (条 with their 款) under 编/章/节 headings."""

from __future__ import annotations

import re

from .numerals import cn_to_int
from .records import ParsedClause
from .textnorm import NUMERAL as _N
from .textnorm import is_markdown_heading, normalize_chars, strip_markdown, tighten_number_spaces

# A structural heading: 第一编 总则 / 第三编 合同 第一分编 通则 / 第二章 … / 第一节 …
_HEADING_RE = re.compile(rf"^第\s*{_N}+\s*(?P<kind>分编|编|章|节)(?:\s+|$)(?P<name>.*)$")
# A clause start: 第三十八条␠…, **第三十八条** …, 笫 typo, 第一百二十八 条… (space inside).
_CLAUSE_RE = re.compile(
    rf"^[第笫](?P<num>{_N}+)(?P<gap>\s*)条(?P<suffix>之{_N}+)?(?P<rest>.*)$", re.DOTALL
)
# Items of documents without 第X条: 一、… (level 1) and （一）… (level 2).
_ITEM1_RE = re.compile(rf"^(?P<num>{_N}+)、(?P<rest>.*)$", re.DOTALL)
_ITEM2_RE = re.compile(rf"^[（(](?P<num>{_N}+)[）)](?P<rest>.*)$", re.DOTALL)
_SENTENCE_PUNCT = re.compile(r"[。；，：！？]")


def _match_clause(text: str) -> re.Match[str] | None:
    match = _CLAUSE_RE.match(text)
    if not match:
        return None
    rest = match["rest"]
    # 第五十条的规定… is a reference, not a clause start: a clause label is followed by a space
    # (or the line ends), except in the '第一百二十八 条侦查…' typo where the gap gives it away.
    if rest and not rest[0].isspace() and not match["gap"]:
        return None
    return match


# A last line ending on one of these stops mid-sentence (a semicolon announces another item).
_CUT_OFF_ENDINGS = "，、；（《“"


def truncation_problem(text: str) -> str | None:
    """Why the text looks cut off in the middle of a clause, or None.

    Its last line ends with a comma, an enumeration comma, a semicolon or an opening bracket or
    quote; leaves a 《 or （ open; or is a clause line that has begun a sentence with a comma and
    stops on a character. (A missing final 。 alone is not enough: official texts end with tables
    and 附件 lines; an unclosed ” occurs in a genuine 宪法修正案.)
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    last = strip_markdown(lines[-1])
    if not last:
        return None
    cut_in_sentence = bool(_match_clause(last)) and "，" in last and _is_cjk(last[-1])
    left_open = any(last.count(a) > last.count(b) for a, b in ("《》", "（）", "()"))
    if last[-1] in _CUT_OFF_ENDINGS or cut_in_sentence or left_open:
        return f"文件在条文中间截断：最后一行“…{last[-20:]}”没有结束"
    return None


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _heading(text: str, markdown: bool) -> tuple[str, str] | None:
    """(kind, heading text) when the paragraph is a 编/章/节 heading or a Markdown heading."""
    match = _HEADING_RE.match(text)
    plain_ok = len(text) <= 40 and not _SENTENCE_PUNCT.search(text)
    if match and (markdown or plain_ok):
        kind = "编" if match["kind"] == "分编" else match["kind"]
        return kind, re.sub(r"\s+", " ", text)
    if markdown and not _match_clause(text):
        return "章", re.sub(r"\s+", " ", text)
    return None


def parse_structure(paragraphs: list[str]) -> tuple[list[str], list[ParsedClause]]:
    """Split a regulation body into (preamble paragraphs, clauses).

    Clauses are 第X条 paragraphs with the paragraphs (款) that follow them; when the text has no
    第X条 at all, its numbered items are the clauses instead (see `_parse_items`).
    """
    lines = []
    for raw in paragraphs:
        # Tighten '2014 年' only after reading the label: '第二条 2011年…' needs its space.
        line = normalize_chars(raw).strip()
        text, markdown = strip_markdown(line), is_markdown_heading(line)
        if text:
            lines.append((text, markdown))
    if not any(_match_clause(text) for text, _ in lines):
        return _parse_items(lines)

    preamble: list[str] = []
    clauses: list[ParsedClause] = []
    part = chapter = section = ""
    parts_stack: list[str] = []
    for text, markdown in lines:
        heading = None if _match_clause(text) else _heading(text, markdown)
        if heading:
            kind, name = heading
            if kind == "编":
                if "分编" in name:
                    parts_stack = parts_stack[:1] + [name]
                else:
                    parts_stack = [name]
                part, chapter, section = " ".join(parts_stack), "", ""
            elif kind == "章":
                chapter, section = name, ""
            else:
                section = name
            continue
        match = _match_clause(text)
        if match:
            number = cn_to_int(match["num"])
            suffix = match["suffix"] or ""
            label = f"第{match['num']}条{suffix}"
            first = tighten_number_spaces(match["rest"]).strip()
            clauses.append(
                ParsedClause(
                    number=number or 0,
                    suffix=suffix,
                    label=label,
                    paragraphs=[first] if first else [],
                    part=part,
                    chapter=chapter,
                    section=section,
                )
            )
        elif clauses:
            clauses[-1].paragraphs.append(tighten_number_spaces(text))
        else:
            preamble.append(tighten_number_spaces(text))
    return preamble, clauses


def _parse_items(lines: list[tuple[str, bool]]) -> tuple[list[str], list[ParsedClause]]:
    """Clauses of a document numbered 一、… / （一）… instead of 第X条.

    When the （一） items are numbered uniquely through the whole text (as in 若干意见 whose
    （一）…（二十） run across the 一、二、 headings), they are the clauses and 一、 lines are their
    chapter headings. Otherwise the 一、 items are the clauses and （一） items stay inside them.
    """
    level2 = [cn_to_int(m["num"]) for t, _ in lines if (m := _ITEM2_RE.match(t))]
    use_level2 = bool(level2) and level2 == list(range(1, len(level2) + 1))
    item_re = _ITEM2_RE if use_level2 else _ITEM1_RE
    preamble: list[str] = []
    clauses: list[ParsedClause] = []
    chapter = ""
    expected = 1
    for raw_text, _markdown in lines:
        text = tighten_number_spaces(raw_text)
        match = item_re.match(text)
        number = cn_to_int(match["num"]) if match else None
        if match and number == expected:
            expected += 1
            label = f"（{match['num']}）" if use_level2 else f"{match['num']}、"
            clauses.append(
                ParsedClause(number=number, label=label, paragraphs=[text], chapter=chapter)
            )
            continue
        if use_level2 and _ITEM1_RE.match(text) and len(text) <= 40:
            chapter = text
            continue
        if clauses:
            clauses[-1].paragraphs.append(text)
        else:
            preamble.append(text)
    return preamble, clauses
