"""What the pipeline ingests as one unit: a file, or the files of one work split over several
(the 民法典: one file per 编, with the numbering continuing from file to file)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from lawtext.numerals import int_to_cn
from lawtext.records import ParsedRegulation
from lawtext.textnorm import clean_line

_HEADER_BYTES = 4096


@dataclass(frozen=True)
class IngestUnit:
    paths: tuple[Path, ...]

    @property
    def is_work(self) -> bool:
        return len(self.paths) > 1


def _header(path: Path) -> tuple[str, str, tuple[str, ...]] | None:
    """(title, subtitle, header events) of a law file, read from its first bytes, or None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEADER_BYTES).decode("utf-8", errors="ignore")
    except OSError:
        return None
    head, marker, _ = head.partition("<!-- INFO END -->")
    if not marker:
        return None
    lines = [clean_line(line) for line in head.splitlines()]
    titles = [line.lstrip("#").strip() for line in lines if line.startswith("#")]
    events = tuple(line for line in lines if line and not line.startswith("#"))
    if len(titles) != 2:
        return None
    return titles[0], titles[1], events


def ingest_units(files: list[Path]) -> list[IngestUnit]:
    """Files in their order, those of one work (same folder, title and first header event, each
    with the name of its 编 as a subtitle) gathered into one unit where the first of them stood."""
    groups: dict[tuple, list[Path]] = defaultdict(list)
    keys: dict[Path, tuple] = {}
    for path in files:
        if path.suffix != ".md":
            continue
        header = _header(path)
        if header:
            title, _subtitle, events = header
            # One work's files share the event that enacted it; a later line (施行) may be
            # missing from some of them.
            keys[path] = (path.parent, title, events[:1])
            groups[keys[path]].append(path)
    units: list[IngestUnit] = []
    placed: set[tuple] = set()
    for path in files:
        key = keys.get(path)
        if key is None or len(groups[key]) < 2:
            units.append(IngestUnit((path,)))
        elif key not in placed:
            placed.add(key)
            units.append(IngestUnit(tuple(groups[key])))
    return units


def part_heading(position: int, subtitle: str) -> str:
    """'第二编 物权' for the second part, subtitled 物权编; 附则 stays as it is."""
    name = subtitle.strip()
    if name.startswith("附则"):
        return name
    return f"第{int_to_cn(position)}编 {name.removesuffix('编')}"


def work_merge(parts: list[ParsedRegulation]) -> ParsedRegulation:
    """One regulation from the parsed files of a work, in the order of their clause numbers; each
    clause under its part's 编 (before any 分编 heading of the file itself)."""
    ordered = sorted(parts, key=lambda p: p.clauses[0].number if p.clauses else 10**9)
    first = ordered[0]
    clauses = []
    position = 0
    for part in ordered:
        if not part.subtitle.startswith("附则"):
            position += 1
        heading = part_heading(position, part.subtitle)
        for clause in part.clauses:
            clause.part = f"{heading} {clause.part}".strip()
            clauses.append(clause)
    # The first part's header has every event (a later file may lack its 施行 line): its
    # metadata, with all the parts' clauses and preambles.
    return replace(
        first,
        subtitle="",
        clauses=clauses,
        preamble=[line for part in ordered for line in part.preamble],
        incomplete="；".join(f"{p.subtitle}：{p.incomplete}" for p in ordered if p.incomplete),
    )
