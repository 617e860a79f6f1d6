"""Versions of one work: which titles name one work, each version's label and status on a day,
and the clause-by-clause comparison of two versions (aligned by content, since amendments
renumber)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from .catalogue_db import normalize_title
from .events import ENACTING_KINDS, Event
from .textnorm import normalize_chars

__all__ = [
    "ClausePair",
    "STATUS_AMENDED",
    "STATUS_IN_FORCE",
    "STATUS_NOT_YET",
    "STATUS_REPEALED",
    "align_clauses",
    "char_diff",
    "status_on",
    "version_label",
    "work_key",
]

STATUS_NOT_YET = "尚未生效"
STATUS_IN_FORCE = "现行有效"
STATUS_AMENDED = "已被修改"
STATUS_REPEALED = "已废止"

# The full names of enacting bodies inside titles, folded to the short ones (longest first):
# 北京市人民代表大会常务委员会组成人员守则 and 北京市人大常委会组成人员守则 are one work.
_BODY_SHORT_NAMES = (
    ("人民代表大会常务委员会", "人大常委会"),
    ("人民代表大会", "人大"),
    ("常务委员会", "常委会"),
)
_QUOTES_RE = re.compile(r"[《》〈〉<>\"“”]")


def work_key(title: str) -> str:
    """The form of a title that every version of one work shares: one bracket width, no spaces,
    no 中华人民共和国 prefix, simplified characters, the short names of enacting bodies."""
    text = normalize_title(normalize_chars(_QUOTES_RE.sub("", title)))
    for full, short in _BODY_SHORT_NAMES:
        text = text.replace(full, short)
    return text


def version_label(events: list[Event], *, until: date | None = None) -> str:
    """The customary name of a version from its header events: '2018年修正', '2023年修订', or
    '1993年' for the text first adopted; empty when no enacting event is dated.

    `until` is the version's own date: later events belong to later versions.
    """
    enacted = [
        e for e in events if e.kind in ENACTING_KINDS and e.on and (until is None or e.on <= until)
    ]
    if not enacted:
        return ""
    last = max(enacted, key=lambda e: e.on)
    kind = last.kind if last.kind in ("修正", "修订") and len(enacted) > 1 else ""
    return f"{last.on.year}年{kind}"


def status_on(
    day: date,
    *,
    effective_on: date | None,
    expires_on: date | None,
    superseded: bool,
    repealed: bool,
) -> str:
    """The status of a version on `day`, from its dates alone.

    `expires_on` is the day it stopped applying (the next version's 施行, or the repeal's);
    `superseded`: a later version replaced it then; `repealed`: the work was repealed (the
    catalogue may not say when: then it is 已废止 from its effect on, as far as is known).
    """
    if effective_on and day < effective_on:
        return STATUS_NOT_YET
    if expires_on and day >= expires_on:
        return STATUS_AMENDED if superseded else STATUS_REPEALED
    if repealed and not expires_on:
        return STATUS_REPEALED
    return STATUS_IN_FORCE


# ---------------------------------------------------------------- comparing two versions

SAME, CHANGED, ADDED, REMOVED, MOVED = "same", "changed", "added", "removed", "moved"
MIN_SIMILARITY = 0.45  # below it two clauses are not one clause amended, but one removed, one added


@dataclass(frozen=True)
class ClausePair:
    """One line of a comparison: indices into the old and new clause lists (None: absent)."""

    old: int | None
    new: int | None
    change: str  # same / changed / added / removed / moved


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def align_clauses(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[ClausePair]:
    """Clause-by-clause comparison of two versions, each a list of (label, text) in order.

    Identical texts are paired first wherever they stand (same, or moved when the label
    differs); the rest are aligned in order by the similarity of their character bigrams
    (changed), and what finds no partner is removed or added. Pairs come in the new version's
    order, each removed clause after the clause that preceded it in the old version.
    """
    partner: dict[int, int] = {}
    by_text: dict[str, list[int]] = {}
    for j, (_, text) in enumerate(new):
        by_text.setdefault(text, []).append(j)
    for i, (_, text) in enumerate(old):
        if by_text.get(text):
            partner[i] = by_text[text].pop(0)
    taken = set(partner.values())
    rest_old = [i for i in range(len(old)) if i not in partner]
    rest_new = [j for j in range(len(new)) if j not in taken]
    grams_old = {i: _bigrams(old[i][1]) for i in rest_old}
    grams_new = {j: _bigrams(new[j][1]) for j in rest_new}
    # Order-preserving alignment of the rest, maximising the summed similarity.
    rows, cols = len(rest_old), len(rest_new)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for r in range(rows - 1, -1, -1):
        for c in range(cols - 1, -1, -1):
            score = _similarity(grams_old[rest_old[r]], grams_new[rest_new[c]])
            pair = best[r + 1][c + 1] + score if score >= MIN_SIMILARITY else -1.0
            best[r][c] = max(pair, best[r + 1][c], best[r][c + 1])
    r = c = 0
    while r < rows and c < cols:
        score = _similarity(grams_old[rest_old[r]], grams_new[rest_new[c]])
        if score >= MIN_SIMILARITY and best[r][c] == best[r + 1][c + 1] + score:
            partner[rest_old[r]] = rest_new[c]
            r, c = r + 1, c + 1
        elif best[r][c] == best[r + 1][c]:
            r += 1
        else:
            c += 1
    return _in_new_order(old, new, partner)


def _in_new_order(old, new, partner: dict[int, int]) -> list[ClausePair]:
    old_of = {j: i for i, j in partner.items()}
    pairs: list[ClausePair] = []
    removed_after: dict[int | None, list[int]] = {}
    last_partnered = None
    for i in range(len(old)):
        if i in partner:
            last_partnered = partner[i]
        else:
            removed_after.setdefault(last_partnered, []).append(i)
    pairs += [ClausePair(i, None, REMOVED) for i in removed_after.get(None, [])]
    for j, (label, text) in enumerate(new):
        i = old_of.get(j)
        if i is None:
            pairs.append(ClausePair(None, j, ADDED))
        else:
            old_label, old_text = old[i]
            change = CHANGED if old_text != text else SAME if old_label == label else MOVED
            pairs.append(ClausePair(i, j, change))
        pairs += [ClausePair(k, None, REMOVED) for k in removed_after.get(j, [])]
    return pairs


def char_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The changes from `old` to `new`, character by character: ('=', text), ('-', deleted)
    and ('+', inserted) in reading order."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pieces: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("=", old[a1:a2]))
            continue
        if a2 > a1:
            pieces.append(("-", old[a1:a2]))
        if b2 > b1:
            pieces.append(("+", new[b1:b2]))
    return pieces
