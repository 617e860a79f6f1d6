"""A regulation body split into clauses (条 with their 款) under 编/章/节 headings."""

from __future__ import annotations

import re
from datetime import date

from .numerals import CN_NUMERAL_CHARS, cn_to_int, int_to_cn
from .records import ParsedClause
from .textnorm import NUMERAL as _N
from .textnorm import (
    find_dates,
    is_markdown_heading,
    normalize_chars,
    strip_markdown,
    tighten_number_spaces,
)

# A structural heading: 第一编 总则 / 第三编 合同 第一分编 通则 / 第二章 … / 第一节 …; the space
# after the kind may be missing (浙江 files: '## 第一章总则', '### 第一节一般规定').
_HEADING_RE = re.compile(rf"^第\s*{_N}+\s*(?P<kind>分编|编|章|节)(?P<gap>\s*)(?P<name>.*)$")
# What follows 第X章 in a sentence that merely refers to a chapter: 第二章规定的…, 第七节相应改为….
_HEADING_REFERENCE = re.compile(r"^(?:规定|的|、|和|及|与|或|至|第|所|中|相应|以|关于)")
# Chapters whose number the source dropped: a line holding only 总则 / 分则 / 附则.
_BARE_CHAPTER_RE = re.compile(r"^[总分附]\s*则$")
# A clause start: 第三十八条␠…, **第三十八条** …, 笫 typo, 第一百二十八 条… (space inside).
_CLAUSE_RE = re.compile(
    rf"^[第笫](?P<num>{_N}+)(?P<gap>\s*)条(?P<suffix>之{_N}+)?(?P<rest>.*)$", re.DOTALL
)
# An OCR slip in a clause number: a dash read for 一 (第三十－条); accepted only when the
# neighbours confirm it (see `_ocr_clause`).
_OCR_DASHES = "－—―ー‐-"
_OCR_CLAUSE_RE = re.compile(
    rf"^[第笫](?P<num>[{CN_NUMERAL_CHARS}{_OCR_DASHES}]+)条(?P<suffix>之{_N}+)?(?P<rest>\s.*|)$",
    re.DOTALL,
)
# A clause that starts in the middle of a line, after the end of a sentence:
# '…由主席团会议决定。 第十六条市人民代表大会会议设立秘书处…' (see `_split_mid_line`).
_MID_CLAUSE_RE = re.compile(rf"(?<=[。；！？])\s*(?=[第笫](?P<num>{_N}+)条(?P<suffix>之{_N}+)?)")
# Words after 第X条 that make it a reference rather than a label: 第五条规定的…, 第五条、第六条….
_CLAUSE_REFERENCE = re.compile(r"^(?:规定|的|、|，|,|和|及|与|或|至|第|所|中|关于|（|\(|之)")
_SPACED_REFERENCE = re.compile(r"^(?:规定|的|、|，|,|至)")
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


# A clause that brings the text into force, or repeals an older one: the usual last clause.
_FINAL_PROVISION_RE = re.compile(r"施行|生效|自.{0,40}实施|同时废止")
_LEGISLATION_LAW_IN_FORCE = date(2000, 7, 1)  # 立法法: a law states its 施行日期
_GENERAL_CHAPTER_RE = re.compile(r"^第一章\s*总\s*则$|^总\s*则$")


def incompleteness(text: str, clauses: list[ParsedClause]) -> str:
    """Why the file may be incomplete, in a short Chinese sentence, or "" when it looks whole.

    - cut off in the middle of a sentence (`truncation_problem`);
    - a header and no body at all (汕头经济特区突发公共卫生事件应急条例(2022-05-30).md);
    - a law in chapters that opens with 第一章 总则 but stops before any 附则 chapter and without a
      clause on when it takes effect (施行/生效/实施, 同时废止): e.g. 浙江省消防条例(2021-11-25).md,
      18 clauses into its 第三章. Only for texts first adopted after 立法法 came into force
      (2000-07-01; it requires every law to state its 施行日期): older ones may end without it
      (全国人民代表大会组织法, adopted 1982, amended 2021, ends on its 第四十九条). Texts in 编
      are left alone (a 民法典 part has no 附则 of its own), as are texts without chapters, whose
      ends are too varied to judge.
    """
    if problem := truncation_problem(text):
        return problem
    header, marker, body = text.partition("<!-- INFO END -->")
    if marker and not body.strip():
        return "文件只有标题和题注，没有正文"
    if not clauses or not clauses[0].label.startswith("第") or any(c.part for c in clauses):
        return ""
    if not _GENERAL_CHAPTER_RE.match(clauses[0].chapter):
        return ""
    if any(re.sub(r"\s", "", c.chapter).endswith("附则") for c in clauses):
        return ""
    if any(_FINAL_PROVISION_RE.search(c.text) for c in clauses[-3:]):
        return ""
    header_dates = find_dates(header) if marker else []
    if not header_dates or min(header_dates) < _LEGISLATION_LAW_IN_FORCE:
        return ""
    last = clauses[-1]
    return f"文件可能不完整：止于{last.chapter}{last.label}，没有附则，也没有施行条款"


def heading_name(heading: str) -> str:
    """The name of a 编/章/节 heading without its number or spaces: 第二节 监 护 → 监护 (a part
    holding a 分编, 第三编 合同 第三分编 准 合 同, names the innermost); "" when it has none."""
    names = [
        match["name"]
        for piece in re.split(r"\s+(?=第\s*\S+?(?:分编|编|章|节))", heading.strip())
        if (match := _HEADING_RE.match(piece))
    ]
    return re.sub(r"\s+", "", names[-1]) if names else ""


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _heading(text: str, markdown: bool) -> tuple[str, str] | None:
    """(kind, heading text) when the paragraph is a 编/章/节 heading or a Markdown heading.

    The heading text is normalised to '第五章 法律责任' whether or not the source had the space.
    A plain line (no Markdown) counts only when it is short and has no sentence punctuation, so
    that '第七节相应改为第八节，…' stays a sentence.
    """
    match = _HEADING_RE.match(text)
    if match and not match["gap"] and _HEADING_REFERENCE.match(match["name"]):
        match = None  # 第二章规定的…: a sentence about a chapter
    plain_ok = len(text) <= 40 and not _SENTENCE_PUNCT.search(text)
    if match and (markdown or plain_ok):
        kind = "编" if match["kind"] == "分编" else match["kind"]
        label = text[: match.start("gap")]
        name = match["name"]
        if kind == "编" and not match["gap"] and (sub := _HEADING_RE.match(name)):
            name = f"{name[: sub.start('gap')]} {sub['name']}".strip()  # 第三编合同第一分编通则
        return kind, re.sub(r"\s+", " ", f"{label} {name}".strip())
    if _BARE_CHAPTER_RE.match(text):
        return "章", re.sub(r"\s+", " ", text)
    if markdown and not _match_clause(text):
        return "章", re.sub(r"\s+", " ", text)
    return None


# A heading wrapped over two lines ends on, or is continued by, one of these.
_WRAP_END = "、，和的及与或"
_WRAP_START = "与和及或、"


def _heading_continuation(heading: str, text: str, markdown: bool, following: str | None) -> bool:
    """True when `text` is the second line of a heading wrapped over two lines.

    '## 第五章  人民代表大会及其常务委员会' + '信访事项的受理和办理' (北京市信访条例): a short plain
    line without sentence punctuation, right after the heading and right before a clause or
    another heading, that reads as the rest of a phrase (the heading ends on 、/和/的…, or the
    line starts with 与/和…, or holds 的/、/，). An unnumbered sub-heading such as '业主大会'
    (舟山市物业管理条例) has none of these and is left alone.
    """
    if markdown or len(text) > 40 or re.search(r"[。；：:]", text):
        return False
    if _match_clause(text) or _HEADING_RE.match(text) or _ITEM1_RE.match(text):
        return False
    if _ITEM2_RE.match(text) or text[0].isdigit():
        return False
    if following is not None and not (_match_clause(following) or _HEADING_RE.match(following)):
        return False
    return heading[-1] in _WRAP_END or text[0] in _WRAP_START or bool(re.search("[的、，]", text))


def _split_mid_line(text: str, last_number: int) -> list[str]:
    """The line cut before each clause that starts in its middle.

    A 第X条 after the end of a sentence starts a clause only when X is the next number
    (last_number + 1, or the same number with 之Y) and what follows is not a reference
    (规定, 的, 、 …): '…会议决定。 第十六条市人民代表大会…' (北京市人民代表大会议事规则) is split,
    '…决定。第四十三条规定的行政处罚…' (矿产资源法) is not.
    """
    pieces = []
    start = 0
    for match in _MID_CLAUSE_RE.finditer(text):
        number = cn_to_int(match["num"])
        label_end = text.index("条", match.end()) + 1 + len(match["suffix"] or "")
        after = text[label_end:].lstrip()
        # After a space only a few words still make a reference: '第八条 与飞行有关的…' is a label.
        spaced = text[label_end : label_end + 1].isspace()
        reference = _SPACED_REFERENCE if spaced else _CLAUSE_REFERENCE
        if number is None or reference.match(after) or not after:
            continue
        if not (number == last_number + 1 or (number == last_number and match["suffix"])):
            continue
        pieces.append(text[start : match.start()])
        # The label gets the space a clause line has: '第十六条市人民…' → '第十六条 市人民…'.
        pieces.append(f"{text[match.end() : label_end]} ")
        start = label_end + len(text[label_end:]) - len(text[label_end:].lstrip())
        last_number = number
    pieces.append(text[start:])
    # Rejoin each label with its text; the first piece is the rest of the clause before it.
    pairs = zip(pieces[1::2], pieces[2::2], strict=True)
    joined = [pieces[0]] + [label + rest for label, rest in pairs]
    return [piece.strip() for piece in joined if piece.strip()]


def _ocr_clause(text: str, last_number: int) -> str | None:
    """The line with its clause number repaired when an OCR slip put a dash for 一 in it.

    '第三十－条 …' after 第三十条 becomes '第三十一条 …': accepted only when reading the dash as
    一 gives the number the previous clause calls for.
    """
    match = _OCR_CLAUSE_RE.match(text)
    if not match or not any(dash in match["num"] for dash in _OCR_DASHES):
        return None
    repaired = match["num"]
    for dash in _OCR_DASHES:
        repaired = repaired.replace(dash, "一")
    number = cn_to_int(repaired)
    if number != last_number + 1 or int_to_cn(number) != repaired:
        return None
    return f"第{repaired}条{match['suffix'] or ''}{match['rest']}"


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
    last_heading: tuple[str, str] | None = None  # (kind, text) while nothing followed it yet
    pending = list(reversed(lines))  # a stack: pieces of a split line are pushed back
    while pending:
        text, markdown = pending.pop()
        last_number = clauses[-1].number if clauses else 0
        if not markdown and (repaired := _ocr_clause(text, last_number)):
            text = repaired
        if not markdown:
            own = _match_clause(text)
            pieces = _split_mid_line(text, cn_to_int(own["num"]) or 0 if own else last_number)
            if len(pieces) > 1:
                pending.extend((piece, False) for piece in reversed(pieces))
                continue
        if last_heading:
            kind, name = last_heading
            following = pending[-1][0] if pending else None
            if _heading_continuation(name, text, markdown, following):
                name = f"{name}{text}"
                if kind == "编":
                    parts_stack[-1] = name
                    part = " ".join(parts_stack)
                elif kind == "章":
                    chapter = name
                else:
                    section = name
                last_heading = None
                continue
        last_heading = None
        heading = None if _match_clause(text) else _heading(text, markdown)
        if heading:
            kind, name = heading
            if kind == "编":
                if "分编" in name:
                    # Under the current 编, replacing the 分编 before it (a file holding one 编
                    # of the 民法典 names only its 分编).
                    parts_stack = [p for p in parts_stack[:1] if "分编" not in p] + [name]
                else:
                    parts_stack = [name]
                part, chapter, section = " ".join(parts_stack), "", ""
            elif kind == "章":
                chapter, section = name, ""
            else:
                section = name
            last_heading = heading
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
