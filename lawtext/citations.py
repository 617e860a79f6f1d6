"""Find references to regulations and clauses in clause text (the policies app resolves them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import cn_to_int
from .textnorm import NUMERAL as _N

_SELF_WORDS = (
    "本法",
    "本条例",
    "本规定",
    "本办法",
    "本指引",
    "本解释",
    "本细则",
    "本决定",
    "本规则",
)

# 《title》 possibly followed by 第X条 / a name such as 刑法 or 本法 before 第X条 / a bare 第X条.
_CITATION_RE = re.compile(
    rf"《(?P<title>[^《》\n]{{2,80}})》(?:第(?P<num>{_N}+)条(?P<suffix>之{_N}+)?)?"
    rf"|(?P<prefix>[\u4e00-\u9fff]{{1,20}}?(?:法|条例|规定|办法|指引|解释|细则))?"
    rf"第(?P<num2>{_N}+)条(?P<suffix2>之{_N}+)?"
)
# Continuation of a list: 第七十一条、第七十二条和第七十三条 / 第七十一条至第七十三条.
_CONTINUATION_RE = re.compile(
    rf"(?:、|，|和|及|以及|或者|或|至)(第(?P<num>{_N}+)条(?P<suffix>之{_N}+)?)"
)


@dataclass(frozen=True)
class FoundCitation:
    raw: str
    start: int
    end: int
    target_title: str = ""  # "" = the citing regulation itself
    number: int | None = None
    suffix: str = ""
    # For 'XX法第X条' the text before 第 may hold more than the name ('依照刑法'): every suffix of
    # it is a candidate name, longest first; the resolver keeps the longest known title.
    title_candidates: tuple[str, ...] = ()


def _candidates(prefix: str) -> tuple[str, ...]:
    return tuple(prefix[i:] for i in range(len(prefix) - 1))


def find_citations(text: str) -> list[FoundCitation]:
    found: list[FoundCitation] = []
    position = 0
    while match := _CITATION_RE.search(text, position):
        position = match.end()
        if match["title"]:
            title, raw_num, suffix = match["title"], match["num"], match["suffix"] or ""
            candidates: tuple[str, ...] = ()
            start = match.start()
        else:
            prefix = match["prefix"] or ""
            raw_num, suffix = match["num2"], match["suffix2"] or ""
            self_word = next((word for word in _SELF_WORDS if prefix.endswith(word)), "")
            candidates = _candidates(prefix) if prefix and not self_word else ()
            title = candidates[-1] if candidates else ""
            # Link only 本法第X条 / 第X条, not the words before it; the resolver widens a named
            # reference (刑法第X条) to the name it recognises.
            start = match.start("num2") - 1 - len(self_word)
        number = cn_to_int(raw_num) if raw_num else None
        found.append(
            FoundCitation(
                raw=text[start : match.end()],
                start=start,
                end=match.end(),
                target_title=title,
                number=number,
                suffix=suffix,
                title_candidates=candidates,
            )
        )
        if number is None:
            continue
        while cont := _CONTINUATION_RE.match(text, position):
            found.append(
                FoundCitation(
                    raw=cont[1],
                    start=cont.start(1),
                    end=cont.end(1),
                    target_title=title,
                    number=cn_to_int(cont["num"]),
                    suffix=cont["suffix"] or "",
                    title_candidates=candidates,
                )
            )
            position = cont.end()
    return found
