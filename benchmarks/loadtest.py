"""Load test: 50 concurrent users reading and writing, alone and beside abusers; no error is
acceptable.

    .venv/bin/python benchmarks/loadtest.py [--seconds 60] [--users 50] [--corpus PATH ...]

On a throw-away database and index holding the corpus (default: the test corpus, 16 laws and 5
publications), gunicorn runs as `make serve` runs it (4 workers) behind one trusted proxy
(NUM_PROXIES=1, the production rate limits) and wrk, on loopback, sends a mix of search pages,
search API calls, clause and regulation pages, API reads, and API writes (a clause edited and
edited back, with a token), each request from its own client address as the proxy would
forward it. The users run `--seconds` alone, then as long again beside two abusers: one client
forging X-Forwarded-For in front of the address the proxy appends, sending the worst searches
we know (issue 18) to the throttled search page and API, and one busting the page cache with
unknown parameters. Afterwards every edit must be in the database and the search index must
agree with it. Exits 1 on any non-2xx answer to the users, any 5xx or socket error, a forger
served more than the rate limit allows, or index drift; prints how much the users' p95 moved.
"""

import argparse
import json
import math
import random
import shutil
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import (  # noqa: E402
    SERVE_WORKERS,
    run_wrk,
    start_gunicorn,
    stop_gunicorn,
    worker_peak_rss_mb,
)
from _setup import throwaway_django  # noqa: E402
from worst_queries import CASES  # noqa: E402

# The classes of benchmarks/worst_queries.py but the plain regulation list.
WORST_SEARCHES = [params for params in CASES.values() if "q" in params]

SEARCHES = ["电子商务", "个人信息 处理者", '"平台内经营者"', "消费者", "网络安全法第21条", "数据"]
EDIT_MARK = "（负载测试修订）"
ANON_LIMIT_PER_MINUTE = 120  # the production default (API_ANON_THROTTLE)
ABUSER = "203.0.113.7"  # the forger's real address, as the proxy appends it
ABUSE_CONNECTIONS = 5  # each abuser's


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
    # Each request comes from a client of its own, as the proxy forwards it.
    return [_forwarded(line, "*") for line in lines], kinds


def _forwarded(line: str, forwarded_for: str) -> str:
    """A request line with the X-Forwarded-For header the proxy would send."""
    method, path, body = (line.split("\t") + [""])[:3]
    return f"{method}\t{path}\t{body}\tX-Forwarded-For: {forwarded_for}"


def forger_mix(rng: random.Random) -> list[str]:
    """One client, the proxy appending its real address after a forged X-Forwarded-For that
    changes with every request, sends the worst searches to the search page and API."""
    lines = []
    for n in range(250):
        params = WORST_SEARCHES[n % len(WORST_SEARCHES)]
        path = "/search/" if n % 2 else "/api/v1/search/"
        forged = f"198.51.100.{rng.randrange(1, 255)}, {ABUSER}"
        lines.append(_forwarded(f"GET\t{path}?{urlencode(params)}", forged))
    return lines


def cache_buster_mix(rng: random.Random) -> list[str]:
    """Pages that are not throttled (the home page, a regulation, a clause), each with a
    parameter the page does not read and a new value every time: the page cache must neither
    miss nor grow."""
    from apps.policies.models import Clause, Regulation

    regulation = Regulation.objects.filter(has_full_text=True).order_by("pk").first()
    pages = ["/", regulation.get_absolute_url(), Clause.objects.first().get_absolute_url()]
    return [
        _forwarded(f"GET\t{pages[n % len(pages)]}?cb={n}", f"203.0.113.{8 + n % 200}")
        for n in range(5000)
    ]


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
    parser.add_argument("--workers", type=int, default=SERVE_WORKERS, help="gunicorn's")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--search",
        choices=("whoosh", "postgres"),
        default="whoosh",
        help="the search backend: Whoosh beside SQLite (the default), or PostgreSQL holding "
        "the records and the index (a throw-away database)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="app servers, each with a VAR_DIR of its own as on separate hosts, the users "
        "shared between them (more than one needs --search postgres)",
    )
    args = parser.parse_args()
    if args.servers > 1 and args.search != "postgres":
        parser.error("several servers share one index only with --search postgres")
    return args


def _report(figures: dict, args: argparse.Namespace) -> None:
    for phase in ("alone", "beside abusers"):
        users = figures[phase]["users"]
        print(
            f"{args.users} users × {args.seconds} s {phase}: {users['requests']} requests, "
            f"{users['rps']} req/s, p50 {users['p50_ms']} ms, p95 {users['p95_ms']} ms, "
            f"p99 {users['p99_ms']} ms; answers {users['statuses']}, "
            f"socket errors {users['socket_errors']}; "
            f"worker peak RSS {figures[phase]['worker_peak_rss_mb']} MB"
        )
    for name in ("forger", "cache buster"):
        abuser = figures["beside abusers"][name]
        print(
            f"  {name} ({ABUSE_CONNECTIONS} connections): {abuser['requests']} requests, "
            f"answers {abuser['statuses']}, socket errors {abuser['socket_errors']}"
        )
    print(f"{figures['servers']} server(s), search in {figures['search']}")
    print(
        f"users' p95 beside abusers: {figures['p95_change_pct']:+.1f}%; forger served "
        f"{figures['forger_served']} (limit {figures['forger_limit']}); "
        f"index drift {figures['index_drift']}"
    )
    print("mix (% of requests):", figures["mix"])
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))


def _users(bases: list[str], lines: list[str], users: int, **wrk) -> dict:
    """The users' requests, shared between the servers (each its own wrk, at once); their
    answers added up, and the slowest server's latencies."""
    runs: dict[str, dict] = {}

    def serve(number: int) -> None:
        share = users // len(bases) + (number < users % len(bases))
        runs[bases[number]] = run_wrk(
            bases[number], lines, connections=share, name=f"users-{number}", **wrk
        )

    threads = [threading.Thread(target=serve, args=(n,)) for n in range(len(bases))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(runs) == 1:
        return next(iter(runs.values()))
    merged = {"requests": 0, "non_2xx_3xx": 0, "socket_errors": 0, "statuses": {}, "rps": 0.0}
    for run in runs.values():
        merged["requests"] += run["requests"]
        merged["non_2xx_3xx"] += run["non_2xx_3xx"]
        merged["socket_errors"] += run["socket_errors"]
        merged["rps"] = round(merged["rps"] + run["rps"], 1)
        for status, count in run["statuses"].items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + count
    for figure in ("p50_ms", "p95_ms", "p99_ms"):
        merged[figure] = max(run[figure] for run in runs.values())
    merged["per_server"] = runs
    return merged


def _abuse_phase(bases: list[str], lines: list[str], rng: random.Random, users: int, **wrk) -> dict:
    """The users' requests for `seconds` while the forger and the cache buster run beside (at
    the first server: each host counts its clients' requests in its own cache, unless
    CACHE_URL names one they share)."""
    base = bases[0]
    runs = {
        "forger": (forger_mix(rng), ABUSE_CONNECTIONS),
        "cache buster": (cache_buster_mix(rng), ABUSE_CONNECTIONS),
    }
    figures = {}

    def abuse(name: str) -> None:
        abuse_lines, connections = runs[name]
        figures[name] = run_wrk(base, abuse_lines, connections=connections, name=name, **wrk)

    threads = [threading.Thread(target=abuse, args=(name,)) for name in runs]
    for thread in threads:
        thread.start()
    figures["users"] = _users(bases, lines, users, **wrk)
    for thread in threads:
        thread.join()
    return figures


def _served(statuses: dict) -> int:
    return sum(n for status, n in statuses.items() if status in ("2xx", "3xx"))


def main():
    args = _arguments()
    workdir = throwaway_django("loadtest-", search=args.search)
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
    rng = random.Random(2026)
    lines, kinds = request_mix(rng, write_rounds=args.write_rounds)

    servers = []
    for number in range(args.servers):
        host = {}
        if args.search == "postgres":  # what a host keeps apart: caches, files, logs
            (workdir / f"host-{number}").mkdir()
            host = {"VAR_DIR": str(workdir / f"host-{number}")}
        servers.append(
            start_gunicorn(
                "/",
                workers=args.workers,
                **host,
                NUM_PROXIES="1",
                API_ANON_THROTTLE=f"{ANON_LIMIT_PER_MINUTE}/minute",
                API_USER_THROTTLE="1200/minute",
            )
        )
    process, base, startup = servers[0]
    bases = [server_base for _, server_base, _ in servers]
    wrk = {"seconds": args.seconds, "workdir": workdir, "token": token}
    figures = {}
    try:
        _users(bases, lines, args.users, **wrk | {"seconds": 3})  # warm-up
        figures["alone"] = {"users": _users(bases, lines, args.users, **wrk)}
        figures["alone"]["worker_peak_rss_mb"] = worker_peak_rss_mb(process.pid)
        figures["beside abusers"] = _abuse_phase(bases, lines, rng, args.users, **wrk)
        figures["beside abusers"]["worker_peak_rss_mb"] = worker_peak_rss_mb(process.pid)
        # Every version's record (versions=all): the database count is of records. Requests
        # wrk left in flight when it stopped still commit for a moment: compared once settled.
        # Each server must find what the database holds.
        marked_query = "/api/v1/search/?versions=all&type=clause&q=%22" + quote(EDIT_MARK) + "%22"
        for _ in range(20):
            marked = Clause.objects.filter(text__endswith=EDIT_MARK).count()
            still_marked = []
            for server_base in bases:
                with urllib.request.urlopen(server_base + marked_query) as r:
                    still_marked.append(json.load(r)["count"])
            if set(still_marked) == {marked}:
                break
            time.sleep(0.5)
    finally:
        for server_process, _, _ in servers:
            stop_gunicorn(server_process)
    drift = index_check()
    alone, beside = figures["alone"]["users"], figures["beside abusers"]["users"]
    forger = figures["beside abusers"]["forger"]
    figures |= {
        "users": args.users,
        "mix": {kind: round(100 * n / len(lines), 1) for kind, n in kinds.items()},
        "startup_s": round(startup, 2),
        "p95_change_pct": round(100 * (beside["p95_ms"] / alone["p95_ms"] - 1), 1),
        "forger_served": _served(forger["statuses"]),
        # A sliding window of a minute: at most the limit in any minute of the run.
        "forger_limit": ANON_LIMIT_PER_MINUTE * math.ceil(args.seconds / 60),
        "index_drift": len(drift.missing) + len(drift.stale) + len(drift.orphaned),
        "clauses_left_edited": marked,
        "search_agrees": set(still_marked) == {marked},
        "servers": args.servers,
        "search": args.search,
        "search_count": still_marked,
    }
    _report(figures, args)
    runs = [alone, beside, forger, figures["beside abusers"]["cache buster"]]
    failed = (
        _served(alone["statuses"]) != alone["requests"]
        or _served(beside["statuses"]) != beside["requests"]
        or any(run["statuses"].get("5xx") or run["socket_errors"] for run in runs)
        or figures["forger_served"] > figures["forger_limit"]
        or figures["index_drift"]
        or not figures["search_agrees"]
    )
    shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
