"""Works and versions of the whole corpus: how ingestion grouped the versions, and whether each
work has exactly one version in force where the catalogue and the dates say so.

    .venv/bin/python benchmarks/versions.py [--reuse DIR]

Ingests the shipped corpus into a throw-away database (or reads one kept by `--reuse`), then
checks the grouping against an independent reading: the version dates in the file names
(标题(YYYY-MM-DD).md) of each folder, grouped by title alone. Prints works, versions, statuses
by kind, and every work it could not group or date.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import ROOT, throwaway_django  # noqa: E402

_FILE_NAME = re.compile(r"^(?P<title>.+)\((?P<date>\d{4}-\d{2}-\d{2})\)\.md$")


def file_name_versions(corpus: Path) -> dict[str, set[str]]:
    """Per title in the file names (中华人民共和国 dropped), the version dates they carry."""
    found: dict[str, set[str]] = collections.defaultdict(set)
    for path in corpus.rglob("*.md"):
        match = _FILE_NAME.match(path.name)
        if match and path.parent.name != "corpus":
            title = match["title"].replace("中华人民共和国", "")
            found[title].add(match["date"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", type=Path, help="a folder kept from an earlier run")
    args = parser.parse_args()
    throwaway_django("versions-", reuse=args.reuse)
    from django.core.management import call_command

    from apps.policies.models import Regulation, Status, Work

    if not Regulation.objects.exists():
        started = time.perf_counter()
        call_command("ingest", verbosity=0)
        print(f"ingested the corpus in {time.perf_counter() - started:.0f} s")

    works = Work.objects.prefetch_related("versions")
    versions = Regulation.objects.count()
    statuses = collections.Counter(Regulation.objects.values_list("status", flat=True))
    several = [w for w in works if w.version_count > 1]
    print(f"works: {works.count()}   versions: {versions}")
    in_several = sum(w.version_count for w in several)
    print(f"works with several versions: {len(several)} ({in_several} versions)")
    print("statuses: " + ", ".join(f"{s} {statuses.get(s, 0)}" for s in Status.values))

    in_force = collections.Counter()
    problems: list[str] = []
    for work in several:
        kinds = [v.status for v in work.versions.all()]
        n = kinds.count(Status.IN_FORCE)
        in_force[n] += 1
        if n != 1 and not (n == 0 and Status.REPEALED in kinds):
            problems.append(f"{work.title}: {n} versions in force ({'、'.join(kinds)})")
        undated = [v.slug for v in work.versions.all() if v.in_force_from is None]
        if undated:
            problems.append(f"{work.title}: cannot date {'、'.join(undated)}")
    print(
        "several-version works with exactly one version in force: "
        f"{in_force[1]} of {len(several)}; none in force (repealed): {in_force[0]}; "
        f"more than one: {sum(n for k, n in in_force.items() if k > 1)}"
    )

    # The independent reading: titles with several dated files should be one work each.
    by_title = file_name_versions(ROOT / "fixtures" / "corpus")
    expected = {t: d for t, d in by_title.items() if len(d) > 1}
    records = collections.defaultdict(list)
    for regulation in Regulation.objects.exclude(promulgated_on=None):
        records[regulation.title.replace("中华人民共和国", "")].append(regulation)
    grouped = 0
    for title, dates in sorted(expected.items()):
        found = [r for r in records[title] if r.promulgated_on.isoformat() in dates]
        works_of = {r.work_id for r in found}
        if len(works_of) == 1 and len(found) > 1:
            grouped += 1
        else:
            problems.append(
                f"{title}: {len(dates)} dated files ({'、'.join(sorted(dates))}) → "
                f"{len(found)} records in {len(works_of)} works"
            )
    print(
        f"titles with several dated files (file names): {len(expected)}; one work each: {grouped}"
    )
    print(f"could not group or date: {len(problems)}")
    for line in problems:
        print("  " + line)


if __name__ == "__main__":
    main()
