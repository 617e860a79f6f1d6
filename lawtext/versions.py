"""Versions of one work: which titles name one work, each version's label and status on a day,
and the clause-by-clause comparison of two versions (aligned by content, since amendments
renumber)."""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .catalogue_db import normalize_title
from .events import ENACTING_KINDS, Event
from .textnorm import normalize_chars

__all__ = [
    "ADDED",
    "CHANGED",
    "ClausePair",
    "MOVED",
    "REMOVED",
    "SAME",
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
    ended = STATUS_AMENDED if superseded else STATUS_REPEALED
    if expires_on:
        return ended if day >= expires_on else STATUS_IN_FORCE
    # Ended on a day nobody recorded (a later version with no known start, a repeal the
    # catalogue does not date): ended, as far as is known.
    return ended if superseded or repealed else STATUS_IN_FORCE


# ---------------------------------------------------------------- comparing two versions

SAME, CHANGED, ADDED, REMOVED, MOVED = "same", "changed", "added", "removed", "moved"
# Below these cosines two clauses are not one clause amended, but one removed and one added.
# A 修订 rewrites clauses a lot (国境卫生检疫法 2018 → 2024: 第一条 ↔ 第一条 scores 0.25), while
# unrelated clauses of one law mostly score under 0.25: their shared words weigh little. So a
# pair scoring between the two must also stand at about the same relative place in both texts.
MIN_SIMILARITY = 0.3
MIN_SIMILARITY_IN_PLACE = 0.2
IN_PLACE = 0.05  # the difference of the relative places (clause index / clause count)
# Between candidates of near equal similarity, the one at the same relative place wins.
PLACE_WEIGHT = 0.05


@dataclass(frozen=True)
class ClausePair:
    """One line of a comparison: indices into the old and new clause lists (None: absent)."""

    old: int | None
    new: int | None
    change: str  # same / changed / added / removed / moved


def _bigram_counts(text: str) -> Counter:
    text = re.sub(r"\s+", "", text)
    return Counter(text[i : i + 2] for i in range(len(text) - 1)) or Counter({text: 1})


def _weighted_vectors(texts: list[str]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of character bigrams: words every clause of the law shares (国境,
    检疫) weigh little, the words of a clause's own subject much."""
    counts = [_bigram_counts(t) for t in texts]
    documents = Counter(gram for c in counts for gram in c)
    total = len(counts)
    vectors = []
    for c in counts:
        vector = {g: (1 + math.log(n)) * math.log(1 + total / documents[g]) for g, n in c.items()}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        vectors.append({g: w / norm for g, w in vector.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(g, 0.0) for g, w in a.items())


def align_clauses(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[ClausePair]:
    """Clause-by-clause comparison of two versions, each a list of (label, text) in order.

    Identical texts are paired first wherever they stand (same, or moved when the label
    differs); the rest are paired most similar first (cosine of TF-IDF weighted character
    bigrams; a weak likeness counts only at the same relative place, where it also breaks
    ties), one partner each, so a restructured law's clauses find theirs wherever they moved
    (changed). What finds no partner is removed or added. Pairs come in the new version's
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
    vectors = _weighted_vectors([t for _, t in old] + [t for _, t in new])
    old_vectors, new_vectors = vectors[: len(old)], vectors[len(old) :]
    candidates = []
    for i in rest_old:
        for j in rest_new:
            similarity = _cosine(old_vectors[i], new_vectors[j])
            if similarity < MIN_SIMILARITY_IN_PLACE:
                continue
            distance = abs(i / len(old) - j / len(new))
            if similarity >= MIN_SIMILARITY or distance <= IN_PLACE:
                candidates.append((similarity + PLACE_WEIGHT * (1 - distance), i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    for _, i, j in candidates:
        if i not in partner and j not in taken:
            partner[i] = j
            taken.add(j)
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
