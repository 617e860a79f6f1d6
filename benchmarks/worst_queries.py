"""The most expensive searches we can construct, and what they do to everyone else.

    .venv/bin/python benchmarks/worst_queries.py [--reuse DIR] [--json FILE] [--no-http]

Ingests the shipped corpus into a throw-away folder (or reads an ingested VAR_DIR with --reuse,
e.g. var), then times each worst-case class through the selector (cold: the result cache
cleared; a first run, then best and worst of three): many frequent characters OR'ed (issue
18's 5-second query), every frequent word ANDed, one character, the negation of one, a long
phrase, the longest page. With HTTP (gunicorn, four workers, as `make serve`), it times `GET /`
alone and while two of the worst searches run at once, repeatedly.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import SERVE_WORKERS, home_times_beside  # noqa: E402
from _setup import corpus_django  # noqa: E402

FREQUENT = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
WORDS = "应当 规定 国家 管理 有关 部门 人民 政府 依法 单位 责任 法律 行政 进行 组织 工作".split()
CASES = {
    "100 frequent characters OR'ed, articles, 100 a page": {
        "q": "|".join((FREQUENT * 4)[:100]),
        "type": "article",
        "page_size": 100,
    },
    "100 frequent characters OR'ed, every type, 100 a page": {
        "q": "|".join((FREQUENT * 4)[:100]),
        "page_size": 100,
    },
    "16 frequent words ANDed": {"q": " ".join(WORDS), "page_size": 100},
    "one frequent character": {"q": "的", "page_size": 100},
    "everything but one frequent character": {"q": "-的", "page_size": 100},
    "a 200-character phrase": {"q": '"' + "中华人民共和国" * 30 + '"', "page_size": 100},
    "every regulation, 100 a page, by date": {"type": "regulation", "sort": "date"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", help="an ingested VAR_DIR (e.g. var): no ingestion")
    parser.add_argument("--no-http", action="store_true", help="the selector only")
    parser.add_argument("--workers", type=int, default=SERVE_WORKERS, help="gunicorn's")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    workdir = corpus_django("worst-", reuse=args.reuse)
    figures = {"selector_ms": selector_times()}
    if not args.no_http:
        figures["http"] = http_interference(workdir, args.workers)
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))


def selector_times() -> dict:
    from haystack import connections

    from apps.search.forms import SearchForm
    from apps.search.selectors import search_documents

    backend = connections["default"].get_backend()
    search_documents(query="电子商务")  # the per-generation tables, read once
    figures = {}
    # The first run of a case also builds what its filters need once per index generation (the
    # documents of one type…), as the first such search after an edit does; then three more.
    print(f"{'case':58}{'first ms':>9}{'best ms':>9}{'worst ms':>10}  results, notices")
    for name, params in CASES.items():
        form = SearchForm(params)
        assert form.is_valid(), form.errors
        times = []
        for _ in range(4):
            backend.clear_result_cache()
            started = time.perf_counter()
            page = search_documents(**form.search_kwargs())
            times.append((time.perf_counter() - started) * 1000)
        first, again = times[0], times[1:]
        figures[name] = {
            "first": round(first, 1),
            "best": round(min(again), 1),
            "worst": round(max(again), 1),
        }
        print(
            f"{name:58}{first:9.1f}{min(again):9.1f}{max(again):10.1f}"
            f"  {page.count}, {len(page.notices)}"
        )
    return figures


def http_interference(workdir: Path, workers: int) -> dict:
    from _http import start_gunicorn, stop_gunicorn

    process, base, _ = start_gunicorn("/", workers=workers, VAR_DIR=str(workdir))
    worst = (
        base + "/search/?" + urlencode(CASES["100 frequent characters OR'ed, articles, 100 a page"])
    )
    try:
        alone, loaded, _ = home_times_beside(base, worst)
    finally:
        stop_gunicorn(process)
    figures = {
        "workers": workers,
        "home_alone_p50_ms": round(statistics.median(alone), 1),
        "home_beside_two_worst_p50_ms": round(statistics.median(loaded), 1),
        "home_alone_p95_ms": round(statistics.quantiles(alone, n=20)[-1], 1),
        "home_beside_two_worst_p95_ms": round(statistics.quantiles(loaded, n=20)[-1], 1),
        "home_alone_max_ms": round(max(alone), 1),
        "home_beside_two_worst_max_ms": round(max(loaded), 1),
    }
    print(
        f"{workers} workers. GET / alone: p50 {figures['home_alone_p50_ms']} ms,"
        f" p95 {figures['home_alone_p95_ms']} ms, max {figures['home_alone_max_ms']} ms;"
        f" beside two of the worst searches: p50 {figures['home_beside_two_worst_p50_ms']} ms,"
        f" p95 {figures['home_beside_two_worst_p95_ms']} ms,"
        f" max {figures['home_beside_two_worst_max_ms']} ms"
    )
    return figures


if __name__ == "__main__":
    main()
