"""Load test: 50 concurrent users reading and writing for 60 seconds; no error is acceptable.

    .venv/bin/python benchmarks/loadtest.py [--seconds 60] [--users 50] [--corpus PATH ...]

On a throw-away database and index holding the corpus (default: the test corpus, 16 laws and 5
publications), gunicorn runs as `make serve` runs it (2 workers) and wrk, on loopback, sends a
mix of search pages, search API calls, clause and regulation pages, API reads, and API writes (a
clause edited and edited back, with a token). Afterwards every edit must be in the database and
the search index must agree with it. Exits 1 on any non-2xx answer, socket error or index drift.
"""

import argparse
import json
import random
import shutil
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import run_wrk, start_gunicorn, stop_gunicorn, worker_peak_rss_mb  # noqa: E402
from _setup import throwaway_django  # noqa: E402

SEARCHES = ["电子商务", "个人信息 处理者", '"平台内经营者"', "消费者", "网络安全法第21条", "数据"]
EDIT_MARK = "（负载测试修订）"


def request_mix(rng: random.Random, *, write_rounds: int) -> tuple[list[str], dict]:
    """Request lines for wrk: reads of every kind of page, and in `write_rounds` of the 24
    rounds a clause edited and edited back through the API (24 rounds: about 7% writes)."""
    from apps.policies.models import Clause, Regulation

    clauses = list(Clause.objects.select_related("regulation").order_by("pk"))
    regulations = list(Regulation.objects.filter(has_full_text=True))
    edited = rng.sample(clauses, 10)
    lines, kinds = [], {}

    def add(kind: str, line: str) -> None:
        lines.append(line)
        kinds[kind] = kinds.get(kind, 0) + 1

    for round_ in range(24):
        for query in SEARCHES:
            add("search page", f"GET\t/search/?{urlencode({'q': query})}")
            add("search API", f"GET\t/api/v1/search/?{urlencode({'q': query, 'type': 'clause'})}")
        for clause in rng.sample(clauses, 6):
            add("clause page", f"GET\t{clause.get_absolute_url()}")
            add("API clause", f"GET\t{_api_clause_path(clause)}")
        for regulation in rng.sample(regulations, 2):
            add("regulation page", f"GET\t{regulation.get_absolute_url()}")
            add("API regulation", f"GET\t/api/v1/regulations/{quote(regulation.slug)}/")
        if round_ >= write_rounds:
            continue
        clause = edited[len(lines) % len(edited)]
        for text in (clause.text + EDIT_MARK, clause.text):  # edited, then edited back
            add("API write", f"PATCH\t{_api_clause_path(clause)}\t{json.dumps({'text': text})}")
    rng.shuffle(lines)
    return lines, kinds


def _api_clause_path(clause) -> str:
    return f"/api/v1/regulations/{quote(clause.regulation.slug)}/clauses/{clause.key}/"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50, help="concurrent connections")
    parser.add_argument(
        "--write-rounds", type=int, default=6, help="rounds of 24 with an edit (6: about 2%%)"
    )
    parser.add_argument("--corpus", nargs="*", help="law/publication files or folders")
    parser.add_argument("--json", help="also write the figures to this file")
    return parser.parse_args()


def _report(figures: dict, args: argparse.Namespace) -> None:
    print(
        f"{args.users} users × {args.seconds} s: {figures['requests']} requests, "
        f"{figures['rps']} req/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"p99 {figures['p99_ms']} ms; "
        f"non-2xx {figures['non_2xx_3xx']}, socket errors {figures['socket_errors']}; "
        f"worker peak RSS {figures['worker_peak_rss_mb']} MB; index drift {figures['index_drift']}"
    )
    print("mix (% of requests):", figures["mix"])
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))


def main():
    args = _arguments()
    workdir = throwaway_django("loadtest-")
    from django.conf import settings
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from apps.ingest.services import corpus_ingest
    from apps.policies.models import Clause
    from apps.search.services import index_check

    paths = [Path(p) for p in args.corpus] if args.corpus else list(settings.TEST_CORPUS_PATHS)
    report = corpus_ingest(paths=paths)
    print(f"corpus: {len(report.files)} files, {Clause.objects.count()} clauses", flush=True)
    editor = User.objects.create_superuser("loadtest", "loadtest@example.cn", None)
    token = Token.objects.create(user=editor).key
    lines, kinds = request_mix(random.Random(2026), write_rounds=args.write_rounds)

    process, base, startup = start_gunicorn("/")
    try:
        figures = run_wrk(
            base, lines, seconds=args.seconds, connections=args.users, workdir=workdir, token=token
        )
        figures["worker_peak_rss_mb"] = worker_peak_rss_mb(process.pid)
        # Every version's record (versions=all): the database count is of records. Requests
        # wrk left in flight when it stopped still commit for a moment: compared once settled.
        marked_query = "/api/v1/search/?versions=all&type=clause&q=%22" + quote(EDIT_MARK) + "%22"
        for _ in range(20):
            marked = Clause.objects.filter(text__endswith=EDIT_MARK).count()
            with urllib.request.urlopen(base + marked_query) as r:
                still_marked = json.load(r)["count"]
            if still_marked == marked:
                break
            time.sleep(0.5)
    finally:
        stop_gunicorn(process)
    drift = index_check()
    figures |= {
        "users": args.users,
        "mix": {kind: round(100 * n / len(lines), 1) for kind, n in kinds.items()},
        "startup_s": round(startup, 2),
        "index_drift": len(drift.missing) + len(drift.stale) + len(drift.orphaned),
        "clauses_left_edited": marked,
        "search_agrees": still_marked == marked,
        "search_count": still_marked,
    }
    _report(figures, args)
    failed = (
        figures["non_2xx_3xx"]
        or figures["socket_errors"]
        or figures["index_drift"]
        or not figures["search_agrees"]
    )
    shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
