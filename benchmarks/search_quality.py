"""Recall and precision of search on random substrings of the clause texts, ours vs naive.

    .venv/bin/python benchmarks/search_quality.py [--corpus PATH ...] [--samples 500] [--seed 2026]

Ingests the corpus (default: the bundled fixtures/corpus) into a throw-away database and index,
samples substrings of 2–12 Chinese characters from clause texts with a fixed seed, and searches
each one through the selector (type=clause, every version: versions=all), unquoted and quoted.
Recall at any rank and precision are over every clause returned (ours: all of them; the naive
set-up: its first 2,000), precision being the share that contain the sampled text exactly.
The naive set-up (haystack's Whoosh backend with jieba's ChineseAnalyzer and Whoosh's query
parser) indexes the same clause texts in the same run.
"""

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import throwaway_django  # noqa: E402

CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def sample_substrings(clauses, count: int, seed: int):
    rng = random.Random(seed)
    samples = []
    while len(samples) < count:
        clause = rng.choice(clauses)
        runs = CJK_RUN.findall(clause.text)
        if not runs:
            continue
        run = rng.choice(runs)
        length = rng.randint(2, min(12, len(run)))
        start = rng.randint(0, len(run) - length)
        samples.append((clause, run[start : start + length]))
    return samples


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="*", help="law/publication files or folders")
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    workdir = throwaway_django("search-quality-")
    from django.conf import settings

    from apps.ingest.services import corpus_ingest
    from apps.policies.models import Clause
    from apps.search.naive import NaiveIndex
    from apps.search.selectors import search_documents

    paths = [Path(p) for p in args.corpus] if args.corpus else [Path(settings.CORPUS_DIR)]
    started = time.perf_counter()
    report = corpus_ingest(paths=paths)
    ingest_seconds = time.perf_counter() - started
    clauses = list(Clause.objects.order_by("pk"))
    print(
        f"corpus: {len(clauses)} clauses from {len(report.files)} files "
        f"({len(report.failed)} failed), ingested and indexed in {ingest_seconds:.1f} s"
    )

    naive = NaiveIndex(str(workdir / "naive"))
    naive_seconds = naive.build((c.pk, c.text) for c in clauses)
    samples = sample_substrings(clauses, args.samples, args.seed)
    texts = {c.pk: c.text for c in clauses}

    # A substring found in more than 10 clauses cannot put a given one in the top 10 by
    # anything but luck: recall@10 is also given over the samples that are distinctive.
    holders = {text: sum(text in body for body in texts.values()) for _, text in samples}
    distinct = sum(1 for _, text in samples if holders[text] <= 10)

    figures = {}
    for mode in ("unquoted", "quoted"):
        tallies = _run_samples(mode, samples, texts, holders, naive, search_documents)
        for name, data in zip(("ours", "naive"), tallies, strict=True):
            figures[f"{mode}.{name}"] = _rates(data, len(samples), distinct)
    figures["naive_index_seconds"] = round(naive_seconds, 2)
    figures["samples"] = len(samples)
    figures["distinctive_samples"] = distinct
    figures["seed"] = args.seed
    _print_table(figures, distinct)
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))


CHECK_LIMIT = 2000
# Every clause record, each version its own: the search page shows one hit per clause across
# the versions of its law (the version in force), which would hide the sampled record whenever
# another version of it holds the same words.
EVERY_CLAUSE_RECORD = {"filters": {"type": "clause"}, "versions": "all"}


def _run_samples(mode, samples, texts, holders, naive, search_documents) -> tuple[dict, dict]:
    """Each sample searched (quoted or not) by ours and by the naive set-up: their tallies."""
    ours, base = _tally(), _tally()
    for clause, text in samples:
        query = f'"{text}"' if mode == "quoted" else text
        t = time.perf_counter()
        page = search_documents(query=query, page_size=10, **EVERY_CLAUSE_RECORD)
        ours["times"].append(time.perf_counter() - t)
        top = [hit.clause.pk for hit in page.results]
        ours["top10"] += clause.pk in top
        ours["top10_distinct"] += clause.pk in top and holders[text] <= 10
        returned = _all_results(search_documents, query, page.count, limit=page.count)
        ours["anywhere"] += clause.pk in returned
        ours["returned"] += len(returned)
        ours["precise"] += sum(text in texts[pk] for pk in returned)
        t = time.perf_counter()
        ids, total = naive.search(query)
        base["times"].append(time.perf_counter() - t)
        base["top10"] += str(clause.pk) in ids
        base["top10_distinct"] += str(clause.pk) in ids and holders[text] <= 10
        returned = naive.search(query, limit=CHECK_LIMIT)[0]
        base["anywhere"] += str(clause.pk) in returned
        base["returned"] += len(returned)
        base["precise"] += sum(text in texts[int(pk)] for pk in returned)
    return ours, base


def _rates(data: dict, n: int, distinct: int) -> dict:
    return {
        "recall_top10": round(100 * data["top10"] / n, 2),
        "recall_top10_distinctive": round(100 * data["top10_distinct"] / distinct, 2),
        "recall_any_rank": round(100 * data["anywhere"] / n, 2),
        "precision": round(100 * data["precise"] / data["returned"], 2)
        if data["returned"]
        else None,
        "p50_ms": round(percentile(data["times"], 0.5), 1),
        "p95_ms": round(percentile(data["times"], 0.95), 1),
        "mean_ms": round(statistics.mean(data["times"]) * 1000, 1),
    }


def _print_table(figures: dict, distinct: int) -> None:
    print(
        f"\n{figures['samples']} substrings of 2–12 Chinese characters, seed {figures['seed']}; "
        f"{distinct} of them occur in at most 10 clauses (distinctive)\n"
    )
    header = (
        f"{'mode':<10}{'engine':<8}{'recall@10':>11}{'r@10 dist.':>12}{'recall(any)':>13}"
        f"{'precision':>11}{'p50 ms':>9}{'p95 ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for mode in ("unquoted", "quoted"):
        for name in ("ours", "naive"):
            f = figures[f"{mode}.{name}"]
            print(
                f"{mode:<10}{name:<8}{f['recall_top10']:>10}%"
                f"{f['recall_top10_distinctive']:>11}%{f['recall_any_rank']:>12}%"
                f"{str(f['precision']) + '%':>11}{f['p50_ms']:>9}{f['p95_ms']:>9}"
            )


def _tally() -> dict:
    counters = ("top10", "top10_distinct", "anywhere", "precise", "returned")
    return dict.fromkeys(counters, 0) | {"times": []}


def _all_results(search, query, count, *, limit=CHECK_LIMIT) -> list[int]:
    """The clauses the search returns, up to `limit` of them, 500 a page."""
    found = []
    for page_number in range(1, (min(count, limit) + 499) // 500 + 1):
        page = search(query=query, page_size=500, page=page_number, **EVERY_CLAUSE_RECORD)
        found += [hit.clause.pk for hit in page.results]
    return found


if __name__ == "__main__":
    main()
