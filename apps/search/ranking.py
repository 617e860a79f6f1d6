"""What the law adds to a match's relevance: the authority of its 效力级别, and the clause that
defines a term before the clauses that use it.

Authority is a factor on the score of a match, so relevance still comes first: a clause that
holds the words many times in a short text can outrank a more authoritative one that mentions
them in passing, but between two texts that say the same thing the law comes before the
实施条例, the 司法解释 and the local regulation that repeat it. A definition is a step above the
matches that only use the term.
"""

from __future__ import annotations

import re

import numpy as np

from .caches import Generation
from .exact import SEPARATOR_CHAR, compact, occurrences
from .facets import facet_table
from .scoring import Hits

# 效力级别 in the order of 立法法: 宪法 > 法律 > 行政法规, 监察法规 > 地方性法规, 部门规章
# > 地方政府规章 > 规范性文件; a 司法解释 applies a law and ranks below it. A level not listed
# (an article of a publication) weighs as a normative document.
LEVEL_WEIGHTS = {
    "宪法": 2.2,
    "法律": 2.0,
    "行政法规": 1.6,
    "监察法规": 1.6,
    "司法解释": 1.45,
    "地方性法规": 1.25,
    "自治条例": 1.25,
    "单行条例": 1.25,
    "经济特区法规": 1.25,
    "部门规章": 1.25,
    "地方政府规章": 1.1,
}
OTHER_WEIGHT = 1.0
# A superseded version (已被修改) ranks below the text in force, even where the versions'
# clauses were renumbered and are not one lineage; a repealed one below texts in force too. An
# amending act (刑法修正案（八）, 关于修改…的决定) quotes the words it puts into the law: the law
# in its amended form comes first.
STATUS_WEIGHTS = {"已被修改": 0.5, "已废止": 0.8}
AMENDING_ACT_WEIGHT = 0.6
AMENDING_ACT = re.compile(r"修正案|关于修改")
# 本法所称X，是指… / X，是指… / X，包括… / …，为X。 / a clause opening "X是": a definition.
# Such a clause comes before those that use the term: it gains DEFINITION_STEP (times its
# authority: the law's definition before the 实施条例's), more than the words' own scores give.
# A quoted phrase is literal text and is not read as a term.
DEFINITION_STEP = 200.0
# The term (quoted or not) then 是指/指/包括, or a description ending 为X。/为X：
# (…尚未公开的信息，为内幕信息。 有下列情形之一的，为假药：).
DEFINITION_ENDINGS = tuple(compact(ending) for ending in ("，是指", "是指", "，指", "，包括"))
CLOSING_QUOTES = '”」』"'
DESCRIBED_ENDINGS = tuple(compact(ending) for ending in ("。", "："))
OPENING = compact("是")  # 法人是具有民事权利能力…: a definition when the clause opens with it
WINDOW_BEFORE, WINDOW_AFTER = 3, 4  # 所称的X / ”，是指X: what the checks above read
DEFINED_TERM_CHARS = range(2, 13)
# Several words: the closer together a document holds them, the higher it ranks — side by side
# up to 1 + PROXIMITY_WEIGHT times, fading as the shortest stretch holding all of them grows.
PROXIMITY_WEIGHT = 0.5


def authority_weights(gen: Generation) -> np.ndarray:
    """Per docnum: the weight of its 效力级别, times that of its status and of an amending act."""

    def build():
        everything = np.arange(gen.searcher.reader().doc_count_all(), dtype=np.int64)
        weights = _by_value(gen, "level", LEVEL_WEIGHTS.get, everything, OTHER_WEIGHT)
        weights *= _by_value(gen, "status", STATUS_WEIGHTS.get, everything, 1.0)
        amending = lambda slug: AMENDING_ACT_WEIGHT if AMENDING_ACT.search(slug) else None  # noqa: E731
        return weights * _by_value(gen, "regulation", amending, everything, 1.0)

    return gen.cached(("authority",), build)


def _by_value(gen: Generation, field: str, weight_of, docnums: np.ndarray, default: float):
    """Per docnum, the weight of its value of a facet field (`default` where none is given)."""
    table = facet_table(gen, field)
    weights = np.full(len(table.values) + 1, default)
    for code, value in enumerate(table.values):
        weight = weight_of(value)
        weights[code] = default if weight is None else weight
    return weights[table.codes_of(docnums)]  # -1 (no value) reads the last: the default


def defining(view, terms: list[str]) -> np.ndarray:
    """Docnums, ascending, of the documents that define one of `terms`: the term itself, not a
    longer one that ends or starts with it (敏感个人信息，是指 defines no 个人信息). Only the
    occurrences followed by a character a definition can go on with are read."""
    found = []
    for term in terms:
        if len(term) not in DEFINED_TERM_CHARS:
            continue
        needle = compact(term)
        docnums, windows = view.windows(
            needle,
            before=WINDOW_BEFORE,
            after=WINDOW_AFTER,
            followed_by=FOLLOWERS,
            select=_may_define,
        )
        found += [d for d, w in zip(docnums, windows, strict=True) if _defines(w, len(needle))]
    return np.unique(np.array(found, dtype=np.int64))


def _codes(chars: str) -> np.ndarray:
    return np.array([ord(char) for char in chars], dtype=np.uint32)


_COMMA, _IS, _DEFINE_AFTER_COMMA = ord(compact("，")), ord("是"), _codes("是指包")
_AS, _DESCRIBED_END, _QUOTES = ord("为"), _codes("".join(DESCRIBED_ENDINGS)), _codes(CLOSING_QUOTES)
# What may follow a defined term (a clause's opening X是 aside): 罚款 occurs 40,000 times.
FOLLOWERS = compact("，") + "是" + "".join(DESCRIBED_ENDINGS) + CLOSING_QUOTES


def _may_define(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The occurrences (rows of code points around them) that may be a definition — X，是指/指/
    包括, X是指, “X”…, 为X。/为X：, a clause opening X是 — for _defines to read."""
    first, second, previous = after[:, 0], after[:, 1], before[:, -1]
    return (
        ((first == _COMMA) & np.isin(second, _DEFINE_AFTER_COMMA))
        | ((first == _IS) & ((second == ord("指")) | (previous == 0)))
        | np.isin(first, _QUOTES)
        | ((previous == _AS) & np.isin(first, _DESCRIBED_END))
    )


def _defines(window: str, length: int) -> bool:
    """Whether the occurrence of a term of `length` characters at WINDOW_BEFORE in `window` is
    its definition."""
    before, after = window[:WINDOW_BEFORE], window[WINDOW_BEFORE + length :]
    # （三）X，是指 / 本法所称X，是指 / 本法所称的X，是指 / “X”，是指
    if not _is_ideograph(before[-1:]) or before.endswith(("称", "所称的")):
        if after.lstrip(CLOSING_QUOTES).startswith(DEFINITION_ENDINGS):
            return True
    if before.endswith("为") and after.startswith(DESCRIBED_ENDINGS):  # …的，为近亲属。
        return True
    return before.endswith(SEPARATOR_CHAR) and after.startswith(OPENING)  # 法人是具有…, opening it


def _is_ideograph(char: str) -> bool:
    return bool(char) and "\u4e00" <= char <= "\u9fff"


def weighed(gen: Generation, hits: Hits) -> Hits:
    """`hits` scored times their authority."""
    return Hits(hits.docnums, hits.scores * authority_weights(gen)[hits.docnums])


def with_definitions(gen: Generation, hits: Hits, definitions: np.ndarray) -> Hits:
    """`hits` with DEFINITION_STEP (times their authority) added to each of `definitions`, the
    documents that define a word of the query."""
    if not len(definitions):
        return hits
    defines = np.isin(hits.docnums, definitions)
    step = defines * DEFINITION_STEP * authority_weights(gen)[hits.docnums]
    return Hits(hits.docnums, hits.scores + step)


def shortest_span(text: str, words: list[str]) -> int | None:
    """The length of the shortest stretch of `text` that holds every word, or None."""
    found = sorted(
        (at, at + len(word), index)
        for index, word in enumerate(words)
        for at in occurrences(text, word)
    )
    best, last_seen, ends = None, {}, {}
    for start, end, index in found:
        last_seen[index], ends[index] = start, end
        if len(last_seen) == len(words):
            span = max(ends.values()) - min(last_seen.values())
            best = span if best is None else min(best, span)
    return best


def proximity_factors(texts: list[str], words: list[str]) -> np.ndarray:
    """Per text: 1 + PROXIMITY_WEIGHT × (the words' length / the shortest stretch holding all
    of them); 1 where they are not all there, or with fewer than two words."""
    factors = np.ones(len(texts))
    if len(words) < 2:
        return factors
    needed = sum(len(word) for word in words)
    for at, text in enumerate(texts):
        span = shortest_span(text, words)
        if span:
            factors[at] += PROXIMITY_WEIGHT * min(1.0, needed / span)
    return factors


# Where a defined term can end: before closing quotes and a definition's ending (X，是指).
_TERM_THEN_DEFINITION = re.compile(
    f"(?=[{re.escape(CLOSING_QUOTES)}]*(?:{'|'.join(map(re.escape, DEFINITION_ENDINGS))}))"
)


def defined_terms(body: str) -> set[str]:
    """Every term a compacted text defines, by the rules `defining` applies to one term's
    occurrences: kept with the text by the PostgreSQL backend, so that a query reads them from
    an index instead of every occurrence of its word."""
    padded = SEPARATOR_CHAR * WINDOW_BEFORE + body + SEPARATOR_CHAR * WINDOW_AFTER
    ends = {match.start() for match in _TERM_THEN_DEFINITION.finditer(body)}
    ends.update(at for at, char in enumerate(body) if char in DESCRIBED_ENDINGS)  # 为X。
    ends.update(length for length in DEFINED_TERM_CHARS if body[length : length + 1] == OPENING)
    found = set()
    for end in ends:
        for length in DEFINED_TERM_CHARS:
            start = end - length
            if start < 0:
                break
            window = padded[start : start + WINDOW_BEFORE + length + WINDOW_AFTER]
            if _defines(window, length):
                found.add(body[start:end])
    return found


def in_force_first_of(
    ranked: list[tuple[int, float]], groups: np.ndarray, in_force: np.ndarray
) -> list[tuple[int, float]]:
    """`ranked` with, in each lineage (`groups`, per ranked entry), the version in force
    (`in_force`, per ranked entry) in the place of the best ranked of its versions."""
    reordered = list(ranked)
    for group in np.unique(groups[~in_force]):
        places = np.flatnonzero(groups == group)
        if len(places) < 2 or not in_force[places].any():
            continue
        members = sorted(places, key=lambda i: (not in_force[i], i))
        for place, member in zip(places, members, strict=True):
            reordered[place] = ranked[member]
    return reordered
