"""The bulk NDJSON export of the whole base: its rate, and the worker's memory while it streams.

    .venv/bin/python benchmarks/export_ndjson.py [--reuse DIR] [--json FILE]

Ingests the shipped corpus into a throw-away folder (or reads an ingested VAR_DIR with --reuse,
e.g. var) and starts gunicorn with one worker. It downloads /api/v1/export/ once, sampling the
worker's resident memory (VmRSS) every 50 ms, and checks that the lines parse and count exactly
the records in the database (counted with SQL, apart from the export's code). Then it times the
export_corpus command writing the same to a file.
"""

import argparse
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import start_gunicorn, stop_gunicorn  # noqa: E402
from _setup import ROOT, corpus_django  # noqa: E402

TABLES = {
    "publication": "documents_publication",
    "article": "documents_article",
    "regulation": "policies_regulation",
    "clause": "policies_clause",
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", help="an ingested VAR_DIR (e.g. var): no ingestion")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    workdir = corpus_django("ndjson-", reuse=args.reuse)
    from django.db import connection

    with connection.cursor() as cursor:
        expected = {}
        for kind, table in TABLES.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            expected[kind] = cursor.fetchone()[0]
    process, base, _ = start_gunicorn(
        "/api/v1/issuers/", workers=1, VAR_DIR=str(workdir), API_EXPORT_THROTTLE="100000/minute"
    )
    try:
        worker = int(
            Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()[0]
        )
        import urllib.request

        urllib.request.urlopen(base + "/api/v1/changes/?limit=1").read()  # warm the worker
        before = rss_mb(worker)
        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(rss_mb(worker))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        counts: Counter = Counter()
        size = 0
        with urllib.request.urlopen(base + "/api/v1/export/", timeout=600) as answer:
            for line in answer:
                size += len(line)
                counts[json.loads(line)["type"]] += 1
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    finally:
        stop_gunicorn(process)
    records = sum(counts.values())
    figures = {
        "records": records,
        "by_type": dict(counts),
        "expected": expected,
        "exact": dict(counts) == expected,
        "megabytes": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "records_per_second": round(records / seconds),
        "megabytes_per_second": round(size / 2**20 / seconds, 1),
        "worker_rss_before_mb": round(before, 1),
        "worker_rss_peak_mb": round(max(samples), 1),
        "worker_rss_growth_mb": round(max(samples) - before, 1),
    }
    output = workdir / "export.ndjson"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "export_corpus", "-v0", "--output", str(output)],
        cwd=ROOT,
        check=True,
        env={"VAR_DIR": str(workdir), "PATH": "/usr/bin:/bin"},
    )
    figures["command_seconds"] = round(time.perf_counter() - started, 2)
    figures["command_lines"] = sum(1 for _ in output.open("rb"))
    output.unlink()
    for name, value in figures.items():
        print(f"{name:24} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    if not figures["exact"] or figures["command_lines"] != records:
        raise SystemExit("the export does not hold exactly the records of the base")


if __name__ == "__main__":
    main()
