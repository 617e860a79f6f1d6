"""Speed and memory at scale: ingestion, index build, search latency, HTTP throughput, RSS.

    .venv/bin/python benchmarks/performance.py --corpus ../shared/corpus/laws-full \
        [--duration 15] [--json figures.json] [--reuse DIR]

On a throw-away database and index (or a DIR kept from an earlier run with --keep), it measures:
ingestion (documents/s, clauses/s, the index included) and a full index rebuild; the naive set-up
(haystack's Whoosh backend with jieba's ChineseAnalyzer) indexing the same clause texts; search
latency through the selector over the committed query set (benchmarks/queries.tsv), per query
class, beside the naive set-up's on the same queries; then gunicorn with 2 workers under wrk for
the search API (the same query set), a clause page and a regulation page; the workers' peak RSS,
the start-up time to a first answered search and the index size on disk. Prints a table and JSON.

    .venv/bin/python benchmarks/performance.py --corpus ../shared/corpus/laws-full --search postgres

also measures the PostgreSQL search backend (SEARCH_URL=postgres:) in a child process, on a
throw-away database of BENCH_POSTGRES_URL's server (default: the one on 127.0.0.1:5432):
ingestion and rebuild, the index's size, the selector over the same query set (beside the
Whoosh default's and the naive set-up's figures), and the search API on two servers of 2
workers each, each with its own VAR_DIR as on two hosts.

    .venv/bin/python benchmarks/performance.py --scales 0.25 0.5 1 [--corpus PATH ...] \
        [--plot benchmarks/scale.png] [--json benchmarks/scale.json]

measures the same at a quarter, a half and all of the corpus (default: all of fixtures/corpus),
each in its own process on a deterministic sample of the files (benchmarks/scale.py), then prints
a summary beside the acceptance targets, writes the JSON and plots the cost curve (matplotlib:
`make bench-tools`).
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import run_wrk, start_gunicorn, stop_gunicorn, worker_peak_rss_mb  # noqa: E402
from _setup import throwaway_django  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "queries.tsv"
CLASSES = ("word", "multiword", "phrase", "article", "facet", "huge", "version")


def read_queries(path: Path = QUERIES) -> list[tuple[str, dict]]:
    """(class, search parameters) per line of the query set."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query_class, q, rest = (line.split("\t") + ["", ""])[:3]
        rows.append((query_class, {"q": q, **dict(parse_qsl(rest))}))
    return rows


def percentiles(seconds: list[float]) -> dict:
    ordered = sorted(seconds)

    def at(fraction):
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000, 1)

    return {"n": len(ordered), "p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def ratio(ours, naive) -> float | None:
    return round(naive / ours, 2) if ours and naive else None


# ---------------------------------------------------------------- in-process measurements


def measure_ingest(paths) -> dict:
    from apps.ingest.services import corpus_ingest
    from apps.policies.models import Clause, Regulation

    started = time.perf_counter()
    report = corpus_ingest(paths=paths)
    seconds = time.perf_counter() - started
    clauses = Clause.objects.count()
    return {
        "files": len(report.files),
        "failed": len(report.failed),
        "regulations": Regulation.objects.count(),
        "clauses": clauses,
        "seconds": round(seconds, 1),
        "documents_per_s": round(len(report.files) / seconds, 1),
        "clauses_per_s": round(clauses / seconds),
    }


def measure_rebuild() -> dict:
    from apps.search.services import index_rebuild

    started = time.perf_counter()
    documents = index_rebuild(procs=2)
    return {"documents": documents, "seconds": round(time.perf_counter() - started, 1)}


def measure_naive_build(workdir: Path, *, reuse: bool):
    """The naive set-up's index of the clause texts: built and timed, or reopened (reuse)."""
    from apps.policies.models import Clause
    from apps.search.naive import NaiveIndex

    folder = workdir / "naive"
    if reuse and folder.is_dir():
        return NaiveIndex(str(folder), reopen=True), None
    naive = NaiveIndex(str(folder))
    seconds = naive.build(Clause.objects.values_list("pk", "text").iterator())
    return naive, {"documents": Clause.objects.count(), "seconds": round(seconds, 1)}


def measure_selector(queries, naive, repeats: int) -> dict:
    from haystack import connections

    from apps.search.forms import SearchForm
    from apps.search.selectors import search_documents

    kwargs = []
    for query_class, params in queries:
        form = SearchForm(params)
        if not form.is_valid():
            raise SystemExit(f"query set line is not a valid search: {params} {form.errors}")
        kwargs.append((query_class, form.search_kwargs()))
    backend = connections["default"].get_backend()
    for _, arguments in kwargs:  # warm up: searchers, facet tables, filter sets, database pages
        search_documents(**arguments)
    ours = {c: [] for c in CLASSES}
    base = {c: [] for c in CLASSES}
    engine = {c: [] for c in CLASSES}  # our backend alone: the naive set-up's share of the work
    repeated = []
    for _ in range(repeats):
        for query_class, arguments in kwargs:
            backend.clear_result_cache()  # every query is run, not answered from the cache
            started = time.perf_counter()
            search_documents(**arguments)
            ours[query_class].append(time.perf_counter() - started)
            started = time.perf_counter()
            search_documents(**arguments)  # the same search again: answered from the cache
            repeated.append(time.perf_counter() - started)
            if naive is not None and arguments["query"]:  # no facets to browse in the naive set-up
                started = time.perf_counter()
                naive.search(arguments["query"], limit=arguments["page_size"])
                base[query_class].append(time.perf_counter() - started)
                backend.clear_result_cache()
                started = time.perf_counter()  # the top ids and the count, as the naive set-up
                backend.search(arguments["query"], end_offset=arguments["page_size"])
                engine[query_class].append(time.perf_counter() - started)
    figures = {"all": percentiles([t for times in ours.values() for t in times])}
    figures["repeated"] = percentiles(repeated)
    if naive is not None:
        figures["naive.all"] = percentiles([t for times in base.values() for t in times])
        figures["engine.all"] = percentiles([t for times in engine.values() for t in times])
    for query_class in CLASSES:
        figures[query_class] = percentiles(ours[query_class])
        if base[query_class]:
            figures[f"naive.{query_class}"] = percentiles(base[query_class])
            figures[f"engine.{query_class}"] = percentiles(engine[query_class])
    return figures


def sample_pages(count: int, seed: int = 2026) -> dict[str, list[str]]:
    from apps.policies.models import Clause, Regulation

    rng = random.Random(seed)
    clause_ids = list(Clause.objects.values_list("pk", flat=True))
    clauses = Clause.objects.select_related("regulation").in_bulk(
        rng.sample(clause_ids, min(count, len(clause_ids)))
    )
    regulations = list(Regulation.objects.filter(has_full_text=True).order_by("pk"))
    return {
        "clause page": [c.get_absolute_url() for c in clauses.values()],
        "regulation page": [
            r.get_absolute_url() for r in rng.sample(regulations, min(count, len(regulations)))
        ],
    }


def index_size_mb(index_path: str) -> float:
    folder = Path(os.path.realpath(index_path))  # Whoosh's files and the exact-match base
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1)


# ---------------------------------------------------------------- HTTP under gunicorn + wrk


def measure_http(queries, pages, duration: int, connections: int, workdir: Path) -> dict:
    search_paths = [
        "/api/v1/search/?" + urlencode({k: v for k, v in params.items() if v})
        for _, params in queries
    ]
    process, base, startup = start_gunicorn(search_paths[0], workers=2)  # as in earlier issues
    try:
        figures = {"startup_s": round(startup, 2)}
        for name, paths in {"search API": search_paths, **pages}.items():
            lines = [f"GET\t{path}" for path in paths]
            run_wrk(base, lines, seconds=2, connections=connections, workdir=workdir)  # warm up
            figures[name] = run_wrk(
                base, lines, seconds=duration, connections=connections, workdir=workdir
            )
        figures["worker_peak_rss_mb"] = worker_peak_rss_mb(process.pid)
    finally:
        stop_gunicorn(process)
    return figures


def measure_http_servers(queries, duration: int, connections: int, workdir: Path) -> dict:
    """The search API on two servers of 2 workers each (each its own VAR_DIR, as two hosts),
    the connections shared between them, wrk on each at once: requests added up."""
    search_paths = [
        "/api/v1/search/?" + urlencode({k: v for k, v in params.items() if v})
        for _, params in queries
    ]
    lines = [f"GET\t{path}" for path in search_paths]
    servers = []
    try:
        for number in range(2):
            host = workdir / f"host-{number}"
            host.mkdir(exist_ok=True)
            servers.append(start_gunicorn(search_paths[0], workers=2, VAR_DIR=str(host)))
        runs = {}

        def load(number: int, seconds: int) -> None:
            runs[number] = run_wrk(
                servers[number][1], lines, seconds=seconds, name=f"server-{number}",
                connections=max(1, connections // 2), workdir=workdir,
            )  # fmt: skip

        # A warm-up (long enough for each worker to load its mirror of a PostgreSQL index,
        # ~3 s on laws-full), then the measure.
        for seconds in (10, duration):
            threads = [threading.Thread(target=load, args=(n, seconds)) for n in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        return {
            "servers": 2,
            "workers_each": 2,
            "rps": round(sum(r["rps"] for r in runs.values()), 1),
            "p50_ms": max(r["p50_ms"] for r in runs.values()),
            "p95_ms": max(r["p95_ms"] for r in runs.values()),
            "p99_ms": max(r["p99_ms"] for r in runs.values()),
            "errors": sum(r["non_2xx_3xx"] + r["socket_errors"] for r in runs.values()),
            "worker_peak_rss_mb": max(worker_peak_rss_mb(p.pid) for p, _, _ in servers),
        }
    finally:
        for process, _, _ in servers:
            stop_gunicorn(process)


def postgres_run(args) -> dict:
    """The PostgreSQL search backend on its own database (a child process: Django is set up
    once per process): ingestion, rebuild, index size, the selector, two servers' search API."""
    workdir = throwaway_django(
        "performance-", reuse=Path(args.reuse) if args.reuse else None, search="postgres"
    )
    from django.db import connection

    from apps.policies.models import Regulation

    figures = {"ingest": None, "rebuild": None}
    if not Regulation.objects.exists():  # a new database, or one --reuse had not kept yet
        figures["ingest"] = measure_ingest(corpus_paths(args))
        print(f"postgres ingested: {figures['ingest']}", flush=True)
        figures["rebuild"] = measure_rebuild()
        print(f"postgres rebuilt: {figures['rebuild']}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('search_entry'), pg_indexes_size('search_entry'),"
            " (SELECT count(*) FROM search_entry)"
        )
        total, indexes, rows = cursor.fetchone()
    figures["index_mb"] = round(total / 2**20, 1)
    figures["index_indexes_mb"] = round(indexes / 2**20, 1)
    figures["index_rows"] = rows
    queries = read_queries()
    figures["selector"] = measure_selector(queries, None, args.repeats)
    figures["http"] = None
    if not args.no_http:
        figures["http"] = measure_http_servers(queries, args.duration, args.connections, workdir)
    return figures


def corpus_paths(args) -> list[Path]:
    from django.conf import settings

    if args.file_list:
        return [Path(p) for p in Path(args.file_list).read_text().splitlines() if p]
    return [Path(p) for p in args.corpus] if args.corpus else [Path(settings.CORPUS_DIR)]


def postgres_figures(args, workdir: Path) -> dict:
    """postgres_run in a child process; its figures."""
    output = workdir / "postgres.json"
    command = [sys.executable, __file__, "--postgres-run", "--json", str(output)]
    command += ["--repeats", str(args.repeats), "--duration", str(args.duration)]
    command += ["--connections", str(args.connections)]
    for flag, value in (("--reuse", args.reuse), ("--file-list", args.file_list)):
        if value:
            command += [flag, value]
    if args.corpus:
        command += ["--corpus", *args.corpus]
    if args.no_http:
        command.append("--no-http")
    env = os.environ | ({"BENCH_KEEP_DATABASE": "1"} if args.keep or args.reuse else {})
    subprocess.run(command, check=True, env=env)
    return json.loads(output.read_text())


# ---------------------------------------------------------------- report


def print_table(figures: dict) -> None:
    ingest, rebuild, naive_build = figures["ingest"], figures["rebuild"], figures["naive_build"]
    if rebuild:
        print(
            f"\ningestion: {ingest['files']} files ({ingest['failed']} failed), "
            f"{ingest['regulations']} regulations, {ingest['clauses']} clauses in "
            f"{ingest['seconds']} s (index included) — {ingest['documents_per_s']} documents/s, "
            f"{ingest['clauses_per_s']} clauses/s"
        )
        print(
            f"index rebuild (2 processes, {rebuild['documents']} documents): "
            f"{rebuild['seconds']} s; naive set-up ({naive_build['documents']} clause texts, "
            f"1 process): {naive_build['seconds']} s → "
            f"×{ratio(rebuild['seconds'], naive_build['seconds'])}"
        )
    print(f"index on disk {figures['index_mb']} MB (naive {figures['naive_index_mb']} MB)\n")
    selector = figures["selector"]
    header = (
        f"{'selector':<12}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'naive p50':>11}{'naive p95':>11}{'naive p99':>11}{'×p95':>7}"
    )
    print(header + "\n" + "-" * len(header))
    for name in ("all", *CLASSES, "repeated"):
        ours, base = selector[name], selector.get(f"naive.{name}")
        line = f"{name:<12}{ours['n']:>6}{ours['p50_ms']:>9}{ours['p95_ms']:>9}{ours['p99_ms']:>9}"
        if base:
            line += (
                f"{base['p50_ms']:>11}{base['p95_ms']:>11}{base['p99_ms']:>11}"
                f"{ratio(ours['p95_ms'], base['p95_ms']):>7}"
            )
        else:
            line += "   (no facets in the naive set-up)" if name == "facet" else "   (from cache)"
        print(line)
    print(
        "\nengine alone (backend search: top ids and count, no facets, hydration or highlighting;"
        " the naive set-up's share of the work)"
    )
    print(header + "\n" + "-" * len(header))
    for name in ("all", *CLASSES):
        ours, base = selector.get(f"engine.{name}"), selector.get(f"naive.{name}")
        if ours and base:
            print(
                f"{name:<12}{ours['n']:>6}{ours['p50_ms']:>9}{ours['p95_ms']:>9}"
                f"{ours['p99_ms']:>9}{base['p50_ms']:>11}{base['p95_ms']:>11}{base['p99_ms']:>11}"
                f"{ratio(ours['p95_ms'], base['p95_ms']):>7}"
            )
    if figures["http"]:
        _print_http(figures["http"])
    if figures.get("postgres"):
        _print_postgres(figures)


def _print_postgres(figures: dict) -> None:
    postgres, selector = figures["postgres"], figures["selector"]
    if postgres["ingest"]:
        ingest, rebuild = postgres["ingest"], postgres["rebuild"]
        print(
            f"\nPostgreSQL search backend: ingestion {ingest['seconds']} s "
            f"({ingest['clauses']} clauses, one transaction, index rows included); "
            f"rebuild ({rebuild['documents']} documents, 2 processes) {rebuild['seconds']} s"
        )
    print(
        f"index in PostgreSQL: {postgres['index_rows']} rows, {postgres['index_mb']} MB "
        f"(of which indexes {postgres['index_indexes_mb']} MB)"
    )
    header = (
        f"{'selector':<12}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'Whoosh p95':>12}{'naive p95':>11}{'≤ naive':>9}"
    )
    print(header + "\n" + "-" * len(header))
    for name in ("all", *CLASSES, "repeated"):
        ours, base = postgres["selector"][name], selector.get(f"naive.{name}")
        line = f"{name:<12}{ours['p50_ms']:>9}{ours['p95_ms']:>9}{ours['p99_ms']:>9}"
        line += f"{selector[name]['p95_ms']:>12}"
        if base:
            line += f"{base['p95_ms']:>11}{'yes' if ours['p95_ms'] <= base['p95_ms'] else 'NO':>9}"
        print(line)
    if postgres["http"]:
        http = postgres["http"]
        print(
            f"search API on 2 servers × 2 workers: {http['rps']} req/s, p50 {http['p50_ms']} ms,"
            f" p95 {http['p95_ms']} ms, p99 {http['p99_ms']} ms (the slower server's), "
            f"errors {http['errors']}, worker peak RSS {http['worker_peak_rss_mb']} MB"
        )


def _print_http(http: dict) -> None:
    print(
        f"\nHTTP: gunicorn 2 workers, wrk {http['connections']} connections × "
        f"{http['duration_s']} s; first search answered {http['startup_s']} s after start; "
        f"worker peak RSS {http['worker_peak_rss_mb']} MB"
    )
    header = f"{'target':<17}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(header + "\n" + "-" * len(header))
    for name in ("search API", "clause page", "regulation page"):
        f = http[name]
        errors = f["non_2xx_3xx"] + f["socket_errors"]
        print(f"{name:<17}{f['rps']:>8}{f['p50_ms']:>9}{f['p95_ms']:>9}{f['p99_ms']:>9}{errors:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="*", help="law/publication files or folders")
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per target")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the query set")
    parser.add_argument("--no-http", action="store_true", help="skip gunicorn + wrk")
    parser.add_argument("--reuse", help="a folder kept by --keep: skip ingestion and rebuild")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away folder")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--file-list", help="read the corpus files from this file, one path per line"
    )
    parser.add_argument(
        "--scales",
        nargs="+",
        type=float,
        help="measure at these fractions of the corpus (e.g. 0.25 0.5 1), each in its own run",
    )
    parser.add_argument(
        "--plot",
        default="benchmarks/scale.png",
        help="with --scales: the plot of the figures against clauses (PNG; JSON beside it "
        "unless --json)",
    )
    parser.add_argument("--scale-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--search",
        choices=("whoosh", "postgres"),
        default="whoosh",
        help="postgres: also measure the PostgreSQL search backend (a throw-away database of "
        "BENCH_POSTGRES_URL's server), beside the Whoosh default and the naive set-up",
    )
    parser.add_argument("--postgres-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.postgres_run:
        figures = postgres_run(args)
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    if args.scales:
        from scale import run_scales

        sys.exit(run_scales(args, machine()))

    workdir = throwaway_django("performance-", reuse=Path(args.reuse) if args.reuse else None)
    from django.conf import settings

    print(f"working in {workdir}", flush=True)
    figures = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "ingest": None,
    }
    figures["rebuild"] = figures["naive_build"] = None
    if not args.reuse:
        figures["ingest"] = measure_ingest(corpus_paths(args))
        print(f"ingested: {figures['ingest']}", flush=True)
        figures["rebuild"] = measure_rebuild()
        print(f"rebuilt: {figures['rebuild']}", flush=True)
    naive, figures["naive_build"] = measure_naive_build(workdir, reuse=bool(args.reuse))
    print(f"naive index: {figures['naive_build'] or 'reused'}", flush=True)
    figures["index_mb"] = index_size_mb(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    figures["naive_index_mb"] = index_size_mb(str(workdir / "naive"))
    queries = read_queries()
    figures["queries"] = len(queries)
    figures["selector"] = measure_selector(queries, naive, args.repeats)
    figures["http"] = None
    if not args.no_http:
        pages = sample_pages(500)
        figures["http"] = measure_http(queries, pages, args.duration, args.connections, workdir)
        figures["http"] |= {"duration_s": args.duration, "connections": args.connections}
    if args.search == "postgres":
        figures["postgres"] = postgres_figures(args, workdir)
    print_table(figures)
    if not args.scale_run:  # a run of --scales: its figures go to the summary
        print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    if not (args.keep or args.reuse):
        shutil.rmtree(workdir, ignore_errors=True)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"


if __name__ == "__main__":
    main()
