"""The header events of a law file (通过, 批准, 修正, 修订, 公布, 施行) and the one that made this
version.

A header line may hold several events ('…批准根据2015年…通过'), an event may be wrapped over two
lines (inside a long 《决定》 title), and some lines are not events at all (a 文号, a link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .issuers import bodies_in_text, decision_bodies, outside_titles
from .metadata import find_doc_number
from .textnorm import find_dates

_DATE_RE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_OWN_EFFECTIVE_RE = re.compile(r"自(\d{4}年\d{1,2}月\d{1,2}日)起?(?:施行|实施|生效)")
_EFFECTIVE_AT_ONCE_RE = re.compile(
    r"(?:公布|发布)(?:之日)?(?:起)?(?:施行|实施|生效)|自(?:公布|发布)之日"
)
ENACTING_KINDS = ("通过", "修订", "修正")


@dataclass
class Event:
    text: str
    on: date | None
    kind: str  # 通过 / 修订 / 修正 / 批准 / 公布 / 施行 / ""
    bodies: list[str] = field(default_factory=list)  # canonical, in the order named
    decision_bodies: list[str] = field(default_factory=list)  # 《X关于…的决定》 → X
    approved: bool = False  # '…批准的《…决定》修正': the named body approved, not enacted
    effective: date | None = None  # a date of effect stated inside the event
    doc_number: str = ""


def _kind(text: str) -> str:
    outside = outside_titles(text)
    if "修订" in outside:
        return "修订"
    if "修正" in outside or "修改" in outside:
        return "修正"
    if "通过" in outside:
        return "通过"
    if "批准" in outside:
        return "批准"
    if re.search("公布|发布|印发|公告", outside):
        return "公布"
    if re.search("施行|实施|执行|生效", outside):
        return "施行"
    return ""


def _split_points(line: str) -> list[int]:
    """Where a new event starts in the line: at each date outside 《》 not read as '自…起施行'."""
    points = []
    for match in _DATE_RE.finditer(line):
        before = line[: match.start()]
        depth = before.count("《") - before.count("》")
        if depth > 0 or before.rstrip().endswith(("自", "于", "至")):
            continue
        points.append(match.start())
    return points


def split_events(lines: list[str]) -> list[str]:
    """The event texts of the header lines, one per event."""
    joined: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if joined and joined[-1].count("《") > joined[-1].count("》"):
            joined[-1] += line  # the line goes on inside a 《决定》 title
        else:
            joined.append(line)
    events: list[str] = []
    for line in joined:
        points = _split_points(line)
        cuts = [0, *[p for p in points if p > 0], len(line)]
        for start, end in zip(cuts, cuts[1:], strict=False):
            part = line[start:end].strip(" （）()，,。根据和")
            if not part:
                continue
            if events and events[-1].endswith("、"):
                events[-1] += part  # '最高人民法院审判委员会第1次会议、2001年…检察委员会…通过'
            else:
                events.append(part)
    return events


def read_event(text: str, *, province: str = "", city: str = "") -> Event:
    dates = find_dates(text.split("《")[0]) or find_dates(text)
    kind = _kind(text)
    outside = outside_titles(text)
    effective = None
    own = _OWN_EFFECTIVE_RE.search(outside) or re.search(
        r"该(?:修正|修订|决定)自(\d{4}年\d{1,2}月\d{1,2}日)", text
    )
    if own:
        effective = next(iter(find_dates(own[1])), None)
    elif dates and (kind == "施行" or _EFFECTIVE_AT_ONCE_RE.search(outside)):
        effective = dates[0]
    return Event(
        text=text,
        on=dates[0] if dates else None,
        kind=kind,
        bodies=bodies_in_text(text, province=province, city=city),
        decision_bodies=decision_bodies(text, province=province, city=city),
        approved=kind in ("修正", "修订") and "批准" in outside,
        effective=effective,
        doc_number=find_doc_number(outside),
    )


def read_events(lines: list[str], *, province: str = "", city: str = "") -> list[Event]:
    """Every dated event of the header lines (undated lines — a 文号 alone, a link — dropped)."""
    found = [read_event(text, province=province, city=city) for text in split_events(lines)]
    return [event for event in found if event.on is not None]


@dataclass
class Version:
    """What the header says about the version it heads."""

    enacted: Event | None  # the latest 通过/修订/修正 of this regulation
    published: Event | None  # the latest 公布 at or after it
    issuers: list[str]
    approvers: list[str]
    amended: bool  # this version is an amendment (修正/修订 after a first enactment)


def this_version(events: list[Event], *, until: date | None = None) -> Version:
    """The events that made the version: the latest 通过/修订/修正 (and 公布) not after `until`
    (the version date of the file name: later events are another version's or another law's).

    Issuers are the bodies of that enactment (for '省…批准的《市…决定》修正', the city's body
    that made the decision; the province approved it), else of the 公布; approvers are the bodies
    of 批准 events from the enactment on.
    """
    own = [e for e in events if until is None or e.on is None or e.on <= until]
    enacted = None
    for event in own:
        if event.kind in ENACTING_KINDS and (event.bodies or event.decision_bodies):
            if enacted is None or event.on >= enacted.on:
                enacted = event
    published = None
    for event in own:
        if event.kind == "公布" and event.bodies and (enacted is None or event.on >= enacted.on):
            published = event
    issuers: list[str] = []
    approvers: list[str] = []
    if enacted is not None and enacted.approved:
        approvers = list(enacted.bodies)
        issuers = list(enacted.decision_bodies)
        if not issuers:
            earlier = [
                e
                for e in own
                if e.kind in ENACTING_KINDS and not e.approved and e.bodies and e.on <= enacted.on
            ]
            issuers = list(earlier[-1].bodies) if earlier else []
    elif enacted is not None:
        issuers = list(enacted.bodies or enacted.decision_bodies)
    if not issuers and published is not None:
        issuers = list(published.bodies)
    since = enacted.on if enacted is not None else None
    for event in own:
        if event.kind == "批准" and (since is None or event.on >= since):
            approvers += [b for b in event.bodies if b not in approvers]
    approvers = [b for b in approvers if b not in issuers]
    amended = enacted is not None and enacted.kind in ("修正", "修订")
    return Version(enacted, published, issuers, approvers, amended)
