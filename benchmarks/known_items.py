"""Known-item search: does a lawyer's query find the clause they mean first? Ours vs naive.

    .venv/bin/python benchmarks/known_items.py [--reuse DIR] [--kind KIND] [--json FILE]
    .venv/bin/python benchmarks/known_items.py --reuse var --check   # verify the query file only

Each row of benchmarks/known_items.tsv is a query as a lawyer or compliance officer types it
(a remembered phrase, a few words, a paraphrase, an article or 款/项 reference, a short name, a
doctrine, a defined term, a phrase a law states and lower texts repeat) and the ONE clause (or
regulation) meant. Ingests the shipped corpus (fixtures/corpus, ~2.5 min) into a throw-away
database and index, or reads a folder already ingested (`--reuse DIR`, e.g. var), then:

- verifies every row against the version in force (status 现行有效): the regulation and clause
  exist, a `phrase`/`authority` occurs in the clause, every `words` word does, a `paraphrase`
  has a word that does not (and one that does), a `defining` term is in its definition, an
  `article`/`shortname` names the title. Rows that fail are reported and left out;
- searches each query through the selector as the search box does (every type, versions
  collapsed, first page of 10), after one untimed warm-up pass, the result cache cleared before
  each timed query;
- searches it in the naive set-up (apps/search/naive.py: haystack's Whoosh backend, jieba's
  ChineseAnalyzer, Whoosh's QueryParser), built in a temporary folder in the same run over every
  clause of the database (id = clause pk) and every regulation (id = r<pk>, title + preamble).

A hit is right when it is the target itself: the clause with that number and suffix in the
version in force of the regulation with that title (中华人民共和国 dropped), or, when no article
is given, that regulation. The same article of a superseded version is counted wrong (its text
is another one) and marked in the failure list. Prints top-1 and top-3 per kind and overall for
both, the selector's p50/p95, and every query ours does not answer first. Always exits 0 but with
--check, which exits 1 when a row fails its verification.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, throwaway_django  # noqa: E402
from search_quality import percentile as _percentile_ms  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "known_items.tsv"
KINDS = (
    "phrase",
    "words",
    "paraphrase",
    "article",
    "shortname",
    "provision",
    "doctrine",
    "defining",
    "authority",
)
PREFIX = "中华人民共和国"
PAGE_SIZE = 10
TOP = (1, 3)
_NUMERAL = "[一二三四五六七八九十百零〇\\d]+"
_PROVISION = re.compile(
    rf"条(?:第(?P<paragraph>{_NUMERAL})款)?(?:第[（(]?(?P<item>{_NUMERAL})[）)]?项)?\s*$"
)
_ITEM_LINE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")


@dataclass(frozen=True)
class KnownItem:
    line: int
    kind: str
    query: str
    title: str  # without 中华人民共和国
    number: int | None  # None: the regulation itself is meant
    suffix: str  # '' or 之一, 之二 …
    note: str

    @property
    def expected(self) -> str:
        if self.number is None:
            return f"{self.title}（法规）"
        return f"{self.title} 第{self.number}条{self.suffix}"


def read_items(path: Path) -> list[KnownItem]:
    """The rows of the query file; a malformed line stops the run with its line number."""
    items = []
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if cells[:4] != ["kind", "query", "title", "article"]:
                raise SystemExit(f"{path}:{number}: the header line must be kind, query, …")
            header_seen = True
            continue
        if len(cells) not in (4, 5):
            raise SystemExit(f"{path}:{number}: {len(cells)} columns, expected 4 or 5")
        kind, query, title, article = (c.strip() for c in cells[:4])
        if kind not in KINDS:
            raise SystemExit(f"{path}:{number}: unknown kind {kind!r}")
        article_number, suffix = None, ""
        if article:
            digits, _, rest = article.partition("之")
            if not digits.isdigit():
                raise SystemExit(f"{path}:{number}: article {article!r} is not N or N之一")
            article_number, suffix = int(digits), ("之" + rest if rest else "")
        note = cells[4].strip() if len(cells) > 4 else ""
        items.append(
            KnownItem(number, kind, query, title.removeprefix(PREFIX), article_number, suffix, note)
        )
    return items


# ---------------------------------------------------------------- targets and verification


@dataclass
class Target:
    regulations: set[int]  # the versions in force with the title
    clauses: set[int]  # their clause with the number (empty when the regulation is meant)
    texts: list[str]  # those clauses' texts

    def naive_ids(self, number) -> set[str]:
        if number is None:
            return {f"r{pk}" for pk in self.regulations}
        return {str(pk) for pk in self.clauses}


def find_target(item: KnownItem) -> Target:
    from apps.policies.models import Clause, Regulation, Status

    regulations = set(
        Regulation.objects.filter(
            status=Status.IN_FORCE, title__in=[item.title, PREFIX + item.title]
        ).values_list("pk", flat=True)
    )
    clauses, texts = set(), []
    if item.number is not None and regulations:
        for pk, text in Clause.objects.filter(
            regulation__in=regulations, number=item.number, suffix=item.suffix
        ).values_list("pk", "text"):
            clauses.add(pk)
            texts.append(text)
    return Target(regulations, clauses, texts)


def verify(item: KnownItem, target: Target) -> list[str]:
    """What is wrong with a row, checked against the version in force ([] when nothing)."""
    from lawtext.shortnames import full_name_for

    if not target.regulations:
        return [f"no regulation in force titled {item.title}"]
    if item.number is not None and not target.clauses:
        return [f"{item.title} in force has no 第{item.number}条{item.suffix}"]
    problems = []
    words = item.query.split()
    in_text = [any(w in text for text in target.texts) for w in words]
    needs_clause = {"phrase", "words", "paraphrase", "provision", "doctrine", "defining"}
    if item.number is None and item.kind in needs_clause | {"article", "authority"}:
        problems.append(f"a {item.kind} row needs an article")
    elif item.kind == "phrase":
        if len(words) != 1 or not 6 <= len(item.query) <= 20:
            problems.append("a phrase is one fragment of 6–20 characters")
        if not all(in_text):
            problems.append("the phrase is not in the clause")
    elif item.kind == "authority":
        if len(words) != 1 or not all(in_text):
            problems.append("the phrase is not in the clause")
    elif item.kind == "words":
        if not 2 <= len(words) <= 4:
            problems.append("words are two to four words")
        missing = [w for w, found in zip(words, in_text, strict=True) if not found]
        if missing:
            problems.append(f"not in the clause: {' '.join(missing)}")
    elif item.kind == "paraphrase":
        if not 2 <= len(words) <= 4:
            problems.append("a paraphrase is two to four words")
        if all(in_text):
            problems.append("every word is in the clause: this is a words row")
        if not any(in_text):
            problems.append("no word is in the clause")
    elif item.kind == "defining":
        if not all(in_text):
            problems.append("the defined term is not in the clause")
    elif item.kind in ("article", "provision"):
        name = item.query.partition("第")[0].strip().removeprefix(PREFIX)
        if name != item.title:
            problems.append(f"the query names {name!r}, not {item.title}")
        if item.kind == "provision" and not provision_in(item.query, target.texts):
            problems.append("the clause has no such 款/项 (or the query names none)")
    elif item.kind == "shortname":
        name = item.query.partition("第")[0].strip()
        if full_name_for(name) != item.title:
            problems.append(f"{name!r} is not a short name of {item.title} (short_names.csv)")
        if ("第" in item.query) != (item.number is not None):
            problems.append("an article in the query needs one in the row, and none without")
    return problems


def provision_in(query: str, texts: list[str]) -> bool:
    """The query names a 款 and/or 项 (第三款第二项, 第（四）项) that the clause has.

    Read here, not with the engine's own parser: a 款 is a line, a 项 a line （一）… after it;
    a 项 without a 款 is one of the clause's items (of its one 款 that has items).
    """
    from lawtext.numerals import cn_to_int

    match = _PROVISION.search(query)
    if not match or not (match["paragraph"] or match["item"]):
        return False

    def number(text):
        return int(text) if text and text.isdigit() else cn_to_int(text) if text else None

    paragraph, item = number(match["paragraph"]), number(match["item"])
    for text in texts:
        paragraphs: list[list[str]] = []
        for line in text.splitlines():
            if _ITEM_LINE.match(line) and paragraphs:
                paragraphs[-1].append(line)
            else:
                paragraphs.append([line])
        if paragraph:
            chosen = paragraphs[paragraph - 1] if paragraph <= len(paragraphs) else None
        else:
            chosen = next((p for p in paragraphs if len(p) > 1), None)
        if chosen is not None and (item is None or item <= len(chosen) - 1):
            return True
    return False


# ---------------------------------------------------------------- searching


@dataclass
class Outcome:
    rank: int | None  # 1-based rank of the target in the first page, None when absent
    first: str  # what came first
    seconds: float
    mode: str = ""
    other_version: bool = False  # the first hit is the target's article in a superseded version


def hit_label(regulation, clause=None, kind="") -> str:
    from apps.policies.models import Status

    if regulation is None:
        return kind or "?"
    title = regulation.title.removeprefix(PREFIX)
    label = f"{title} {clause.label}" if clause is not None else f"{title}（{kind or '法规'}）"
    if regulation.status != Status.IN_FORCE:
        label += f" [{regulation.status}]"
    return label


def same_article(item: KnownItem, regulation, clause) -> bool:
    """The first hit has the target's title and article (whatever its version)."""
    if regulation is None or regulation.title.removeprefix(PREFIX) != item.title:
        return False
    if item.number is None:
        return clause is None
    return clause is not None and (clause.number, clause.suffix) == (item.number, item.suffix)


def search_ours(item: KnownItem, target: Target) -> Outcome:
    from haystack import connections

    from apps.search.selectors import search_documents

    connections["default"].get_backend().clear_result_cache()
    started = time.perf_counter()
    page = search_documents(query=item.query, filters={}, page_size=PAGE_SIZE)
    seconds = time.perf_counter() - started
    rank = None
    for position, hit in enumerate(page.results, start=1):
        if item.number is None:
            right = hit.type == "regulation" and hit.regulation.pk in target.regulations
        else:
            right = hit.type == "clause" and hit.clause.pk in target.clauses
        if right:
            rank = position
            break
    if not page.results:
        return Outcome(rank, "(nothing)", seconds, page.mode)
    first = page.results[0]
    if first.type == "article":
        label = f"文章 {first.title}"
    else:
        label = hit_label(first.regulation, first.clause, "法规")
    other = rank != 1 and same_article(item, first.regulation, first.clause)
    return Outcome(rank, label, seconds, page.mode, other)


def search_naive(item: KnownItem, target: Target, naive) -> Outcome:
    from apps.policies.models import Clause, Regulation

    started = time.perf_counter()
    try:
        ids, _ = naive.search(item.query, limit=PAGE_SIZE)
    except Exception as error:  # the query parser's own failure is a miss, not a crash
        return Outcome(None, f"(error: {type(error).__name__})", time.perf_counter() - started)
    seconds = time.perf_counter() - started
    wanted = target.naive_ids(item.number)
    rank = next((n for n, i in enumerate(ids, start=1) if i in wanted), None)
    if not ids:
        return Outcome(rank, "(nothing)", seconds)
    first = ids[0]
    if first.startswith("r"):
        regulation, clause = Regulation.objects.get(pk=int(first[1:])), None
    else:
        clause = Clause.objects.select_related("regulation").get(pk=int(first))
        regulation = clause.regulation
    other = rank != 1 and same_article(item, regulation, clause)
    return Outcome(rank, hit_label(regulation, clause, "法规"), seconds, other_version=other)


def build_naive(folder: Path):
    """The naive index over every clause (id = pk) and every regulation (id = r<pk>)."""
    from apps.policies.models import Clause, Regulation
    from apps.search.naive import NaiveIndex

    def documents():
        yield from Clause.objects.values_list("pk", "text").iterator()
        for pk, title, preamble in Regulation.objects.values_list("pk", "title", "preamble"):
            yield f"r{pk}", f"{title}\n{preamble}"

    naive = NaiveIndex(str(folder))
    return naive, naive.build(documents())


# ---------------------------------------------------------------- figures


def percentile(seconds: list[float], fraction: float) -> float:
    """In milliseconds, to 0.1, as search_quality.py reads a percentile."""
    return round(_percentile_ms(seconds, fraction), 1)


def rates(outcomes: list[Outcome]) -> dict:
    n = len(outcomes)
    figures = {"n": n}
    for k in TOP:
        hits = sum(1 for o in outcomes if o.rank is not None and o.rank <= k)
        figures[f"top{k}"] = hits
        figures[f"top{k}_pct"] = round(100 * hits / n, 1) if n else None
    figures["top1_other_version"] = sum(o.other_version for o in outcomes)
    return figures


def summarize(rows, naive_seconds) -> dict:
    by_kind = collections.defaultdict(list)
    for item, ours, base in rows:
        by_kind[item.kind].append((ours, base))
    figures = {"kinds": {}}
    for kind in KINDS:
        if by_kind.get(kind):
            pairs = by_kind[kind]
            figures["kinds"][kind] = {
                "ours": rates([o for o, _ in pairs]),
                "naive": rates([b for _, b in pairs]),
            }
    figures["overall"] = {
        "ours": rates([o for _, o, _ in rows]),
        "naive": rates([b for _, _, b in rows]),
    }
    ours_times = [o.seconds for _, o, _ in rows]
    base_times = [b.seconds for _, _, b in rows]
    figures["selector_ms"] = {
        "p50": percentile(ours_times, 0.5),
        "p95": percentile(ours_times, 0.95),
    }
    figures["naive_ms"] = {"p50": percentile(base_times, 0.5), "p95": percentile(base_times, 0.95)}
    figures["naive_index_seconds"] = round(naive_seconds, 1)
    figures["partial_mode"] = sum(1 for _, o, _ in rows if o.mode == "partial")
    figures["queries"] = [
        {
            "kind": item.kind,
            "query": item.query,
            "expected": item.expected,
            "ours_rank": ours.rank,
            "ours_first": ours.first,
            "ours_mode": ours.mode,
            "ours_ms": round(ours.seconds * 1000, 1),
            "naive_rank": base.rank,
            "naive_first": base.first,
        }
        for item, ours, base in rows
    ]
    return figures


def print_table(figures: dict) -> None:
    header = f"{'kind':<12}{'n':>4}{'ours@1':>9}{'ours@3':>9}{'naive@1':>9}{'naive@3':>9}"
    print("\n" + header)
    print("-" * len(header))
    rows = [*figures["kinds"].items(), ("overall", figures["overall"])]
    for kind, f in rows:
        if kind == "overall":
            print("-" * len(header))
        o, b = f["ours"], f["naive"]
        print(
            f"{kind:<12}{o['n']:>4}{o['top1_pct']:>8}%{o['top3_pct']:>8}%"
            f"{b['top1_pct']:>8}%{b['top3_pct']:>8}%"
        )
    o, b = figures["overall"]["ours"], figures["overall"]["naive"]
    print(
        "\nfirst hit is the right article of a superseded version: "
        f"ours {o['top1_other_version']}, naive {b['top1_other_version']}; "
        f"ours answered in partial mode: {figures['partial_mode']}"
    )
    s, n = figures["selector_ms"], figures["naive_ms"]
    print(
        f"selector p50 {s['p50']} ms, p95 {s['p95']} ms (naive search p50 {n['p50']} ms, "
        f"p95 {n['p95']} ms; naive index built in {figures['naive_index_seconds']} s)"
    )


def print_failures(rows) -> None:
    failures = [(item, ours, base) for item, ours, base in rows if ours.rank != 1]
    print(f"\nnot first in ours ({len(failures)}): query → expected | ours: rank, first | naive")
    for item, ours, base in failures:
        where = f"#{ours.rank}" if ours.rank else "not in top 10"
        mode = ", partial" if ours.mode == "partial" else ""
        naive = f"#{base.rank}" if base.rank else "–"
        print(f"  [{item.kind}] {item.query} → {item.expected}")
        print(f"      ours: {where}{mode}; first: {ours.first} | naive: {naive}")


def code_version() -> str:
    """The commit measured, and whether the working tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head or 'unknown'}{' + uncommitted changes' if dirty else ''}"


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reuse", type=Path, metavar="DIR", help="an ingested VAR_DIR (e.g. var): no ingestion"
    )
    parser.add_argument("--keep", action="store_true", help="keep the throw-away folder")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the query file (TSV)")
    parser.add_argument("--kind", choices=KINDS, help="run the queries of one kind only")
    parser.add_argument("--check", action="store_true", help="verify the query file and stop")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    items = read_items(args.queries)
    if args.kind:
        items = [item for item in items if item.kind == args.kind]
    workdir = throwaway_django("known-items-", reuse=args.reuse)
    try:
        status = run(args, items, workdir)
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(status)


def run(args, items: list[KnownItem], workdir: Path) -> int:
    """Ingest if the folder is empty, verify the rows, search them: the exit status."""
    from django.conf import settings

    from apps.ingest.services import corpus_ingest
    from apps.policies.models import Clause, Regulation
    from apps.search.selectors import search_documents

    if not Regulation.objects.exists():
        started = time.perf_counter()
        report = corpus_ingest(paths=[Path(settings.CORPUS_DIR)])
        print(
            f"ingested {len(report.files)} files ({len(report.failed)} failed) in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
    version = code_version()
    print(
        f"code {version}; corpus: {Regulation.objects.count()} regulations, "
        f"{Clause.objects.count()} clauses ({workdir})",
        flush=True,
    )

    checked, problems = [], []
    for item in items:
        target = find_target(item)
        wrong = verify(item, target)
        if wrong:
            problems.append(f"  line {item.line} [{item.kind}] {item.query}: {'; '.join(wrong)}")
        else:
            checked.append((item, target))
    counts = collections.Counter(item.kind for item, _ in checked)
    print(
        f"queries: {len(checked)} verified ("
        + ", ".join(f"{kind} {counts[kind]}" for kind in KINDS if counts[kind])
        + ")"
    )
    if problems:
        print(f"{len(problems)} rows fail their verification and are left out:")
        print("\n".join(problems))
    if args.check:
        return 1 if problems else 0
    if not checked:
        print("no query to run")
        return 0

    naive_folder = Path(tempfile.mkdtemp(prefix="known-items-naive-"))
    try:
        naive, naive_seconds = build_naive(naive_folder)
        print(f"naive index built in {naive_seconds:.0f} s", flush=True)
        for item, _ in checked:  # warm up: searchers, caches, database pages
            search_documents(query=item.query, filters={}, page_size=PAGE_SIZE)
        rows = [
            (item, search_ours(item, target), search_naive(item, target, naive))
            for item, target in checked
        ]
    finally:
        shutil.rmtree(naive_folder, ignore_errors=True)

    figures = summarize(rows, naive_seconds)
    figures["skipped_rows"] = len(problems)
    figures["code"] = version
    figures["date"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    print_table(figures)
    print_failures(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    main()
