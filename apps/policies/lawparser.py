"""Pure parsing of regulation texts into clauses, headings and metadata (no database access)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath

from .numerals import CN_NUMERAL_CHARS, cn_to_int
from .parsed import ParsedClause, ParsedRegulation
from .textnorm import clean_line, find_dates, normalize_chars, parse_date, tighten_number_spaces

_N = f"[{CN_NUMERAL_CHARS}]"
_MARKUP = re.compile(r"^#+\s*|\*\*|__")

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


def strip_markup(line: str) -> tuple[str, bool]:
    """Remove Markdown heading marks and bold; tell whether the line was a Markdown heading."""
    is_heading = line.lstrip().startswith("#")
    return _MARKUP.sub("", line).strip(), is_heading


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
    last = strip_markup(lines[-1])[0]
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
        text, markdown = strip_markup(normalize_chars(raw).strip())
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


# ---------------------------------------------------------------- metadata

_DOC_NUMBER_RE = re.compile(
    r"(?:中华人民共和国)?[\u4e00-\u9fff]{1,12}令\s*(?:\d{4}年)?\s*第\s*[\d一二三四五六七八九十百零]+\s*号"
    r"|[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号"
    r"|[\u4e00-\u9fff]{2,12}公告\s*\d{4}年第\s*\d+\s*号"
)
_ISSUER_EVENT_RE = re.compile(
    r"(全国人民代表大会常务委员会|全国人民代表大会|国务院|最高人民法院审判委员会|最高人民检察院检察委员会)"
)
_EFFECTIVE_RE = re.compile(
    r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起\s*(?:施行|实施|生效)"
)


def find_doc_number(text: str) -> str:
    """The first 文号 in the text, without inner spaces: 国务院令第654号, 国发〔2014〕21号."""
    match = _DOC_NUMBER_RE.search(clean_line(text))
    return re.sub(r"\s+", "", match[0]) if match else ""


def issuer_from_event(event: str) -> str:
    match = _ISSUER_EVENT_RE.search(event)
    if not match:
        return ""
    name = match[1]
    return {
        "最高人民法院审判委员会": "最高人民法院",
        "最高人民检察院检察委员会": "最高人民检察院",
    }.get(name, name)


def derive_level(*, doc_number: str, title: str, issuers: list[str], hint: str = "") -> str:
    """Legal level (效力级别) from what the document itself says, the folder name as a hint."""
    joined = "、".join(issuers)
    if hint in ("宪法",) or title.endswith("宪法"):
        return "宪法"
    if "法释" in doc_number or "高检发释字" in doc_number or hint == "司法解释":
        return "司法解释"
    if "主席令" in doc_number or "全国人民代表大会" in joined:
        return "法律"
    if "国务院令" in doc_number or hint == "行政法规":
        return "行政法规"
    if re.search(r"(部|委|局|署|行|会)令", doc_number) or hint == "部门规章":
        return "部门规章"
    if "指引" in title or "协会" in joined:
        return "行业指引"
    if re.search(r"(省|市|自治区|县|区)人民政府", joined):
        return "地方政策"
    if doc_number or issuers:
        return "规范性文件"
    if hint:
        return "法律"
    return "规范性文件"


def effective_date_from_clauses(clauses: list[ParsedClause]) -> date | None:
    """'本法自2019年1月1日起施行' in one of the last clauses (the usual 施行 clause)."""
    for clause in reversed(clauses[-5:]):
        match = _EFFECTIVE_RE.search(clause.text)
        if match:
            return parse_date(match[1])
    return None


_EVENT_KIND_RE = re.compile(r"(通过|公布|发布|修正|修订|施行|实施)")


def _events_metadata(events: list[str]) -> tuple[date | None, date | None, str, list[str]]:
    """(promulgated, effective, doc_number, issuers) from the header event lines."""
    promulgated = effective = None
    doc_number = ""
    issuers: list[str] = []
    for event in events:
        dates = find_dates(event)
        kinds = _EVENT_KIND_RE.findall(event)
        if not dates:
            continue
        if kinds and kinds[-1] in ("施行", "实施") and len(kinds) == 1:
            effective = dates[-1]
            continue
        promulgated = dates[-1] if "根据" in event else dates[0]
        doc_number = find_doc_number(event) or doc_number
        issuer = issuer_from_event(event)
        if issuer and issuer not in issuers:
            issuers = [issuer]
    return promulgated, effective, doc_number, issuers


_VERSION_IN_NAME = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")


def parse_law_markdown(text: str, *, filename: str = "") -> ParsedRegulation:
    """One law file: '# 标题', optional '# 副标题', event lines, '<!-- INFO END -->', body."""
    head, marker, body = text.partition("<!-- INFO END -->")
    if not marker:
        head, body = "", text
    head_lines = [clean_line(line) for line in head.splitlines()]
    titles = [line.lstrip("#").strip() for line in head_lines if line.startswith("#")]
    events = [line for line in head_lines if line and not line.startswith("#")]
    body_lines = body.splitlines()
    if not titles:
        # No header block: the first Markdown heading is the title.
        for index, line in enumerate(body_lines):
            if line.startswith("# "):
                titles = [clean_line(line[2:])]
                body_lines = body_lines[index + 1 :]
                break
    title = titles[0] if titles else ""
    preamble, clauses = parse_structure(body_lines)

    promulgated, effective, doc_number, issuers = _events_metadata(events)
    version = _VERSION_IN_NAME.search(PurePath(filename).name) if filename else None
    version_date = parse_date(version[1]) if version else promulgated
    category = PurePath(filename).parent.name if filename else ""
    return ParsedRegulation(
        title=title,
        subtitle=titles[1] if len(titles) > 1 else "",
        clauses=clauses,
        doc_number=doc_number or find_doc_number(" ".join(preamble[:3])),
        issuers=issuers,
        promulgated_on=version_date or promulgated,
        effective_on=effective or effective_date_from_clauses(clauses),
        level=derive_level(doc_number=doc_number, title=title, issuers=issuers, hint=category),
        events=events,
        preamble=preamble,
        version_date=version_date,
    )
