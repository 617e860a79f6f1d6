"""Word and PDF exports of the largest regulation, and what they do to everyone else.

    .venv/bin/python benchmarks/exports.py [--reuse DIR] [--json FILE]

Ingests the shipped corpus into a throw-away folder (or reads an ingested VAR_DIR with --reuse,
e.g. var) and starts gunicorn as `make serve` does (4 workers). It times each export of the
民法典 (1,260 clauses) and of the 电子商务法 over HTTP, three times each, with the pages and
size of each file. Then it times `GET /` alone, and while two clients export the 民法典 as PDF
over and over.
"""

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _http import home_times_beside, start_gunicorn, stop_gunicorn  # noqa: E402
from _setup import corpus_django  # noqa: E402

TITLES = ["中华人民共和国民法典", "中华人民共和国电子商务法"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", help="an ingested VAR_DIR (e.g. var): no ingestion")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    workdir = corpus_django("exports-", reuse=args.reuse)
    from apps.policies.models import Regulation

    regulations = [
        Regulation.objects.filter(title=title, has_full_text=True, superseded=False).first()
        for title in TITLES
    ]
    if None in regulations:
        missing = [t for t, r in zip(TITLES, regulations, strict=True) if r is None]
        raise SystemExit(f"not in this database: {'、'.join(missing)} (ingest the whole corpus)")
    process, base, _ = start_gunicorn(
        "/", VAR_DIR=str(workdir), API_EXPORT_THROTTLE="100000/minute"
    )
    figures: dict = {"exports": {}}
    try:
        for regulation in regulations:
            clauses = regulation.clauses.count()
            for fmt in ("docx", "pdf"):
                url = f"{base}/regulations/{quote(regulation.slug)}/export.{fmt}"
                times, content = [], b""
                for _ in range(3):
                    started = time.perf_counter()
                    with urllib.request.urlopen(url, timeout=120) as answer:
                        content = answer.read()
                    times.append(time.perf_counter() - started)
                name = f"{regulation.title} ({clauses} clauses) {fmt}"
                figures["exports"][name] = {
                    "best_s": round(min(times), 2),
                    "worst_s": round(max(times), 2),
                    "kb": len(content) // 1024,
                    "pages": _pages(content) if fmt == "pdf" else None,
                }
                print(name, figures["exports"][name], flush=True)
        civil_pdf = f"{base}/regulations/{quote(regulations[0].slug)}/export.pdf"
        figures["home"] = _home_beside(base, civil_pdf)
    finally:
        stop_gunicorn(process)
    print(json.dumps(figures, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def _home_beside(base: str, export_url: str) -> dict:
    alone, beside, exported = home_times_beside(base, export_url, timeout=120)
    figures = {
        "alone_p50_ms": round(statistics.median(alone), 1),
        "alone_p95_ms": round(statistics.quantiles(alone, n=20)[-1], 1),
        "beside_two_pdf_exports_p50_ms": round(statistics.median(beside), 1),
        "beside_two_pdf_exports_p95_ms": round(statistics.quantiles(beside, n=20)[-1], 1),
        "exports_done_meanwhile": exported,
    }
    print("GET /", figures)
    return figures


if __name__ == "__main__":
    main()
