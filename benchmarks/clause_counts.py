"""The structure parser's clause count against an independent line count, file by file.

    .venv/bin/python benchmarks/clause_counts.py [--corpus PATH ...] [--quiet]

For every .md law file under the given folders (default: the shipped corpus's laws/, laws-full/
and local/), compares len(parse_law_markdown(text).clauses) with lawtext.census's
count_clause_lines(text), a deliberately simple count of the lines that start a clause (or of the
items of a text numbered 一、二、…). Prints the number of files, how many agree and the share
(target: at least 99.5 %), then every file that differs with both counts and the reason, and the
files the parser marks as possibly incomplete, with the reason it gives.

No Django: pure lawtext, a few seconds for the whole corpus.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lawtext.census import body_lines, count_clause_lines, is_clause_line  # noqa: E402
from lawtext.lawfile import parse_law_markdown  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
DEFAULT_CORPUS = [
    str(CORPUS / "laws"),
    str(CORPUS / "laws-full"),
    str(CORPUS / "local"),
]
TARGET = 99.5
_NUMERAL = "[一二三四五六七八九十百千零〇两]"
_LABEL_IN_TEXT = re.compile(rf"[第笫]({_NUMERAL}+)条(之{_NUMERAL}+)?")


def _line_labels(text: str) -> Counter[str]:
    """The labels of the lines the census counts, normalised (第X条 / 第X条之Y)."""
    labels: Counter[str] = Counter()
    for line in body_lines(text):
        if is_clause_line(line):
            match = _LABEL_IN_TEXT.search(line.replace(" ", "").replace("\u3000", ""))
            if match:
                labels[f"第{match[1]}条{match[2] or ''}"] += 1
    return labels


def difference_reason(text: str, clauses) -> str:
    """A reason category for a file whose two counts differ."""
    line_labels = _line_labels(text)
    if not line_labels:
        return "items instead of 第X条: the two counts read the 一、/（一） numbering differently"
    parsed = Counter(c.label.replace("笫", "第") for c in clauses)
    extra = parsed - line_labels
    missing = line_labels - parsed
    reasons = []
    if extra:
        mid_line = [label for label in extra if re.search(rf"[。；！？]\s*{label}", text)]
        if mid_line:
            reasons.append(f"mid-line clause starts split off by the parser ({len(mid_line)})")
        if len(mid_line) < len(extra):
            reasons.append(f"clauses the line count does not see ({len(extra) - len(mid_line)})")
    if missing:
        count = sum(missing.values())
        reasons.append(f"clause lines the parser does not take as clauses ({count})")
    if any(count > 1 for count in line_labels.values()):
        reasons.append("duplicate numbers")
    return "; ".join(reasons) or "same labels, different counts"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        nargs="+",
        default=DEFAULT_CORPUS,
        metavar="PATH",
        help="folders of .md law files (default: the shipped corpus's laws, laws-full and local)",
    )
    parser.add_argument("--quiet", action="store_true", help="figures only, no file lists")
    args = parser.parse_args()

    started = time.perf_counter()
    files = equal = parsed_total = counted_total = 0
    differing = []
    incomplete = []
    for root in args.corpus:
        for path in sorted(Path(root).rglob("*.md")):
            if path.name == "README.md":
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            regulation = parse_law_markdown(text, filename=str(path))
            parsed, counted = len(regulation.clauses), count_clause_lines(text)
            files += 1
            parsed_total += parsed
            counted_total += counted
            if parsed == counted:
                equal += 1
            else:
                reason = difference_reason(text, regulation.clauses)
                differing.append((path, parsed, counted, reason))
            if regulation.incomplete:
                incomplete.append((path, regulation.incomplete))
    elapsed = time.perf_counter() - started

    share = 100 * equal / files if files else 0.0
    print(f"corpus: {', '.join(args.corpus)}")
    print(f"files: {files}   equal counts: {equal}   share: {share:.2f} % (target {TARGET} %)")
    print(f"clauses: parser {parsed_total}, line count {counted_total}   ({elapsed:.1f} s)")
    print(f"files marked incomplete: {len(incomplete)}")
    if not args.quiet:
        if differing:
            print("\ndiffering files (parser / line count: reason):")
        for path, parsed, counted, reason in differing:
            print(f"  {path}\n      {parsed} / {counted}: {reason}")
        if incomplete:
            print("\nfiles marked incomplete:")
        for path, reason in incomplete:
            print(f"  {path}\n      {reason}")
    return 0 if share >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
