"""The cost curve: benchmarks/performance.py run on growing samples of one corpus.

    .venv/bin/python benchmarks/performance.py --scales 0.25 0.5 1 [--corpus PATH ...] \
        [--plot benchmarks/scale.png] [--json benchmarks/scale.json]

The sample at a scale is deterministic and nested (a quarter is part of the half): the corpus
files are grouped into units — the files of one folder that share one title (the 民法典's parts,
or several versions of one law) are one unit, as ingestion keeps a work's files together — and
within each folder the units are taken in the order of a hash of their path until the folder's
share of files is reached. Publications (.txt, the seeds) are in every sample. Each scale is one
run of performance.py in its own process (its own throw-away database, index and gunicorn),
which prints its own tables; then a summary table with the acceptance targets, the JSON and a
plot of the figures against the number of clauses.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _setup import ROOT

CORPUS_DIR = ROOT / "fixtures" / "corpus"  # settings.CORPUS_DIR, read without setting Django up
SEED = "2026"
PERFORMANCE = Path(__file__).resolve().parent / "performance.py"
NAIVE_CLASSES = ("word", "multiword", "phrase", "article", "huge")  # the naive set-up has no facets


# ---------------------------------------------------------------- the samples


@dataclass(frozen=True)
class Unit:
    paths: tuple[Path, ...]
    key: str  # the first file's path (relative to the project where it can be): the hash's input

    @property
    def rank(self) -> str:
        return hashlib.sha256(f"{SEED}:{self.key}".encode()).hexdigest()


def corpus_files(paths: list[Path]) -> list[Path]:
    """The .md/.txt files under the paths, as ingestion finds them (apps.ingest.sources)."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix in (".md", ".txt") and p.name.lower() != "readme.md"
            )
        elif path.is_file():
            files = [path]
        else:
            raise SystemExit(f"no such file or folder: {path}")
        found.update((file.resolve(), None) for file in files)
    return list(found)


def _title(path: Path) -> str | None:
    """The `# 标题` line a law file starts with (None for other files)."""
    if path.suffix != ".md":
        return None
    with path.open(encoding="utf-8", errors="ignore") as handle:
        for line in handle:
            line = line.strip().replace("\u3000", " ")
            if line:
                return " ".join(line[2:].split()) if line.startswith("# ") else None
    return None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def corpus_units(files: list[Path]) -> tuple[list[Unit], list[Path]]:
    """(units of law files, publications): a folder's files that share one title are one unit."""
    groups: dict[tuple, list[Path]] = defaultdict(list)
    publications = []
    for path in files:
        if path.suffix == ".txt":
            publications.append(path)
            continue
        title = _title(path)
        groups[(path.parent, title) if title else (path,)].append(path)
    units = [Unit(tuple(paths), _display(paths[0])) for paths in groups.values()]
    return units, publications


def sample(units: list[Unit], fraction: float) -> list[Unit]:
    """Per folder, units in hash order while that brings the folder's file count nearer to its
    share (a prefix of the same order at every fraction, so the samples are nested)."""
    folders: dict[Path, list[Unit]] = defaultdict(list)
    for unit in units:
        folders[unit.paths[0].parent].append(unit)
    chosen = []
    for members in folders.values():
        target = fraction * sum(len(unit.paths) for unit in members)
        taken = 0
        for unit in sorted(members, key=lambda unit: unit.rank):
            if taken + len(unit.paths) / 2 > target:
                break
            chosen.append(unit)
            taken += len(unit.paths)
    return chosen


# ---------------------------------------------------------------- the acceptance targets


@dataclass(frozen=True)
class Measure:
    label: str
    value: Callable[[dict], object]  # from one scale's entry; None when not measured
    target: str = ""
    passes: Callable[[object], bool] | None = None


def _get(*keys):
    def value(entry):
        node = entry
        for key in keys:
            if not isinstance(node, dict) or node.get(key) is None:
                return None
            node = node[key]
        return node

    return value


def _class_p95(query_class: str):
    def value(entry):
        ours = _get("figures", "selector", query_class, "p95_ms")(entry)
        naive = _get("figures", "selector", f"naive.{query_class}", "p95_ms")(entry)
        return None if ours is None or naive is None else (ours, naive)

    return value


def _http_errors(entry):
    http = _get("figures", "http")(entry)
    if not http:
        return None
    targets = ("search API", "clause page", "regulation page")
    return sum(http[name]["non_2xx_3xx"] + http[name]["socket_errors"] for name in targets)


MEASURES = [
    Measure("files", _get("files")),
    Measure("regulations", _get("figures", "ingest", "regulations")),
    Measure("clauses", _get("figures", "ingest", "clauses")),
    Measure("files failed", _get("figures", "ingest", "failed")),
    Measure(
        "ingest + index, s",
        _get("figures", "ingest", "seconds"),
        "< 360 s",
        lambda v: v < 360,
    ),
    Measure("index rebuild (2 processes), s", _get("figures", "rebuild", "seconds")),
    Measure("naive index build, s", _get("figures", "naive_build", "seconds")),
    Measure("selector p50, ms", _get("figures", "selector", "all", "p50_ms")),
    Measure(
        "selector p95, ms",
        _get("figures", "selector", "all", "p95_ms"),
        "< 15 ms",
        lambda v: v < 15,
    ),
    Measure(
        "selector p99, ms",
        _get("figures", "selector", "all", "p99_ms"),
        "< 40 ms",
        lambda v: v < 40,
    ),
    Measure("naive p95 (all), ms", _get("figures", "selector", "naive.all", "p95_ms")),
    *(
        Measure(
            f"p95 {query_class} ours / naive, ms",
            _class_p95(query_class),
            "ours ≤ naive",
            lambda v: v[0] <= v[1],
        )
        for query_class in NAIVE_CLASSES
    ),
    Measure(
        "search API, req/s",
        _get("figures", "http", "search API", "rps"),
        "≥ 250 (2 workers)",
        lambda v: v >= 250,
    ),
    Measure(
        "clause page, req/s",
        _get("figures", "http", "clause page", "rps"),
        "≥ 700 (2 workers)",
        lambda v: v >= 700,
    ),
    Measure("regulation page, req/s", _get("figures", "http", "regulation page", "rps")),
    Measure("HTTP errors", _http_errors),
    Measure(
        "worker peak RSS, MB",
        _get("figures", "http", "worker_peak_rss_mb"),
        "< 400 MB",
        lambda v: v < 400,
    ),
    Measure(
        "start to first search, s",
        _get("figures", "http", "startup_s"),
        "< 3 s",
        lambda v: v < 3,
    ),
    Measure("index on disk, MB", _get("figures", "index_mb")),
    Measure("naive index on disk, MB", _get("figures", "naive_index_mb")),
]


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return " / ".join(_shown(v) for v in value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def verdicts(entry: dict) -> dict[str, dict]:
    """Each acceptance target at one scale: its value and PASS, FAIL or None (not measured)."""
    found = {}
    for measure in MEASURES:
        if measure.passes is None:
            continue
        value = measure.value(entry) if entry.get("figures") else None
        verdict = None if value is None else ("PASS" if measure.passes(value) else "FAIL")
        found[measure.label] = {"target": measure.target, "value": value, "verdict": verdict}
    return found


def print_summary(entries: list[dict]) -> None:
    width = max(len(m.label) for m in MEASURES) + 2
    cells = []
    for measure in MEASURES:
        row = []
        for entry in entries:
            value = measure.value(entry) if entry.get("figures") else None
            text = _shown(value)
            if measure.passes and value is not None:
                text += " PASS" if measure.passes(value) else " FAIL"
            row.append(text)
        cells.append(row)
    column = max(14, *(len(text) + 2 for row in cells for text in row))
    header = f"{'scale':<{width}}" + "".join(f"{e['scale']:>{column}g}" for e in entries)
    header += "   target"
    print("\n" + header + "\n" + "-" * len(header))
    for measure, row in zip(MEASURES, cells, strict=True):
        line = f"{measure.label:<{width}}" + "".join(f"{text:>{column}}" for text in row)
        print(line + (f"   {measure.target}" if measure.target else ""))
    line = f"{'targets passed':<{width}}"
    for entry in entries:
        if not entry.get("figures"):
            line += f"{'run failed':>{column}}"
            continue
        found = [v["verdict"] for v in verdicts(entry).values() if v["verdict"]]
        passed = f"{found.count('PASS')}/{len(found)}"
        line += f"{passed:>{column}}"
    print("-" * len(header) + "\n" + line)


# ---------------------------------------------------------------- the plot


def plot(entries: list[dict], path: Path, title: str) -> None:
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    # Folder names in the title are Chinese: Debian's Noto CJK font where it is installed
    # (`make browser` installs it; matplotlib does not list .ttc files by itself), and no
    # warning per missing glyph where it is not.
    families = ["DejaVu Sans"]
    for font in sorted(font_manager.findSystemFonts()):
        if "NotoSansCJK-Regular" in font:
            font_manager.fontManager.addfont(font)
            families.append(font_manager.FontProperties(fname=font).get_name())
            break
    plt.rcParams["font.family"] = families
    warnings.filterwarnings("ignore", message="Glyph .* missing from font")

    done = [e for e in entries if e.get("figures")]
    clauses = [e["figures"]["ingest"]["clauses"] / 1000 for e in done]

    def series(axes, getter, label, **style):
        points = [(x, getter(e)) for x, e in zip(clauses, done, strict=True)]
        points = [(x, y) for x, y in points if y is not None]
        if points:
            axes.plot(*zip(*points, strict=True), marker="o", label=label, **style)

    def target(axes, y, label):
        axes.axhline(y, color="tab:red", linestyle=":", linewidth=1)
        axes.annotate(
            label, (0.01, y), xycoords=("axes fraction", "data"), color="tab:red", fontsize=7
        )

    figure, grid = plt.subplots(2, 3, figsize=(15, 8.5))
    ingest, latency, ratio, http, memory, startup = grid.flat
    series(ingest, _get("figures", "ingest", "seconds"), "ingest + index")
    series(ingest, _get("figures", "rebuild", "seconds"), "index rebuild (2 processes)")
    series(ingest, _get("figures", "naive_build", "seconds"), "naive index build", ls="--")
    target(ingest, 360, "target < 360 s")
    ingest.set(title="Ingestion and index build", ylabel="seconds")

    for percentile in ("p50", "p95", "p99"):
        getter = _get("figures", "selector", "all", f"{percentile}_ms")
        series(latency, getter, f"selector {percentile}")
    naive = _get("figures", "selector", "naive.all", "p95_ms")
    series(latency, naive, "naive set-up p95", ls="--", color="grey")
    target(latency, 15, "p95 target < 15 ms")
    target(latency, 40, "p99 target < 40 ms")
    latency.set(title="Search latency through the selector, all queries (cold)", ylabel="ms")

    def speed_up(pair):
        def value(entry):
            ours_naive = pair(entry)
            return ours_naive[1] / max(ours_naive[0], 0.1) if ours_naive else None

        return value

    for query_class in NAIVE_CLASSES:
        series(ratio, speed_up(_class_p95(query_class)), query_class)
    target(ratio, 1, "naive = ours: above is faster than naive")
    ratio.set(title="p95 speed-up over the naive set-up, per class", ylabel="naive p95 / ours")
    ratio.set_ylim(bottom=0)

    series(http, _get("figures", "http", "search API", "rps"), "search API")
    series(http, _get("figures", "http", "clause page", "rps"), "clause page")
    series(http, _get("figures", "http", "regulation page", "rps"), "regulation page")
    target(http, 250, "search API target ≥ 250")
    target(http, 700, "clause page target ≥ 700")
    http.set(title="HTTP throughput, gunicorn 2 workers", ylabel="requests/s")

    series(memory, _get("figures", "http", "worker_peak_rss_mb"), "worker peak RSS")
    series(memory, _get("figures", "index_mb"), "index on disk")
    series(memory, _get("figures", "naive_index_mb"), "naive index on disk", ls="--")
    target(memory, 400, "RSS target < 400 MB")
    memory.set(title="Memory and disk", ylabel="MB")

    series(startup, _get("figures", "http", "startup_s"), "start to first search")
    target(startup, 3, "target < 3 s")
    startup.set(title="Start to first answered search", ylabel="seconds")

    for axes in grid.flat:
        axes.set_xlabel("clauses (thousands)")
        axes.set_xlim(0, max(clauses) * 1.05)
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(fontsize=8, loc="best")
        else:
            axes.text(0.5, 0.5, "not measured", ha="center", transform=axes.transAxes)
        scales = axes.secondary_xaxis("top")  # which point is which scale
        scales.set_xticks(clauses, labels=[f"×{e['scale']:g}" for e in done], fontsize=7)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


# ---------------------------------------------------------------- the runs


def check_tools(*, http: bool) -> None:
    """Fail now, not after an hour of measuring, when the plot or the load cannot be made."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise SystemExit(
            "matplotlib is not installed: `make bench-tools` (or "
            "`.venv/bin/pip install -e '.[bench]'`) installs it"
        ) from None
    if http:
        import shutil

        if not shutil.which("wrk"):
            raise SystemExit("wrk is not installed: `make bench-tools` installs Debian's wrk")


def run_scales(args, machine: str) -> int:
    scales = sorted(set(args.scales))
    if any(not 0 < scale <= 1 for scale in scales):
        raise SystemExit("--scales: each scale is a fraction of the corpus, in (0, 1]")
    if args.reuse:
        raise SystemExit("--reuse measures one kept database: it does not go with --scales")
    check_tools(http=not args.no_http)
    roots = [Path(p) for p in args.corpus] if args.corpus else [CORPUS_DIR]
    files = corpus_files(roots)
    units, publications = corpus_units(files)
    if not units and not publications:
        raise SystemExit("no .md or .txt files in the corpus")
    plot_path = Path(args.plot)
    json_path = Path(args.json) if args.json else plot_path.with_suffix(".json")
    print(
        f"corpus: {', '.join(map(str, roots))} — {len(files)} files: {len(units)} law units "
        f"({len(files) - len(publications)} files), {len(publications)} publications "
        f"(in every sample); scales {', '.join(f'{s:g}' for s in scales)}",
        flush=True,
    )
    entries = []
    with tempfile.TemporaryDirectory(prefix="performance-scales-") as folder:
        for scale in scales:
            chosen = sample(units, scale)
            paths = [path for unit in chosen for path in unit.paths] + publications
            listing = Path(folder) / f"files-{scale:g}.txt"
            listing.write_text("".join(f"{path}\n" for path in paths), encoding="utf-8")
            output = Path(folder) / f"figures-{scale:g}.json"
            entry = {
                "scale": scale,
                "files": len(paths),
                "law_units": len(chosen),
                "publications": len(publications),
            }
            print(
                f"\n{'=' * 30} scale {scale:g}: {len(paths)} files ({len(chosen)} law units, "
                f"{len(publications)} publications) {'=' * 30}",
                flush=True,
            )
            command = [sys.executable, str(PERFORMANCE), "--file-list", str(listing)]
            command += ["--json", str(output), "--scale-run"]
            command += ["--duration", str(args.duration), "--connections", str(args.connections)]
            command += ["--repeats", str(args.repeats)]
            command += ["--no-http"] * args.no_http + ["--keep"] * args.keep
            started = time.perf_counter()
            finished = subprocess.run(command, cwd=ROOT)
            entry["run_seconds"] = round(time.perf_counter() - started, 1)
            if finished.returncode == 0 and output.exists():
                entry["figures"] = json.loads(output.read_text())
                entry["targets"] = verdicts(entry)
            else:
                entry["figures"] = None
                entry["error"] = f"performance.py exited with {finished.returncode}"
                print(f"scale {scale:g}: {entry['error']}", flush=True)
            entries.append(entry)

    print(f"\n{'=' * 30} summary {'=' * 30}")
    print_summary(entries)
    result = {
        "machine": machine,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "corpus": [str(root) for root in roots],
        "sample": (
            "law files grouped by folder and title; per folder, units in sha256('"
            + SEED
            + ":' + path) order up to the folder's share of files; publications always"
        ),
        "scales": entries,
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\nfigures written to {json_path}")
    if any(entry.get("figures") for entry in entries):
        settings = f"wrk {args.connections} connections × {args.duration} s"
        settings = "no HTTP" if args.no_http else settings
        plot(
            entries,
            plot_path,
            f"benchmarks/performance.py --scales {' '.join(f'{s:g}' for s in scales)} — "
            f"{', '.join(map(_display, (r.resolve() for r in roots)))}; {settings}; "
            f"{result['date']}, {machine}",
        )
        print(f"plot written to {plot_path}")
    return 0 if all(entry.get("figures") for entry in entries) else 1
