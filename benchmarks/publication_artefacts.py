"""PDF-extraction artefacts in the five source publications: in the raw lines, in what a reader
saw before the repairs (the articles of the parser at --before, printed paragraph by paragraph),
and in what a reader sees now (the running text of each article's layout).

    .venv/bin/python benchmarks/publication_artefacts.py [--corpus fixtures/corpus/seeds]
        [--before d1abd94]

Pure lawtext, no database. Each kind of artefact is counted by a pattern of its own over lines of
running text: a paragraph, a heading, a caption. Notes collected as footnotes, tables rebuilt as
tables and linked markers are not running text any more; headings and captions shown as such are
not counted as paragraphs. The parser at --before is read from git (`git archive`) and run in a
subprocess, so the two columns come from one run of this script.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lawtext.publication import numbered_heading, parse_publication  # noqa: E402
from lawtext.publication.layout import MARKERS, article_layout  # noqa: E402
from lawtext.publication.lines import caption  # noqa: E402
from lawtext.textnorm import CJK  # noqa: E402

_LABEL = re.compile(
    r"^[第笫][一二三四五六七八九十百千零〇\d]+[条章节编](?:之[一二三四五六七八九十]+)?\s"
)
_STRAY_SPACE = re.compile(f"[{CJK}] [{CJK}]")
_REPEATED = re.compile(r"(.{1,7}[》」』）”])\1")
_MARKER = re.compile(f"(?<=.)[{MARKERS}]")
_NOTE_LINE = re.compile(rf"^\^?[{MARKERS}]|^https?://|\[(?:EB|R)[/\\]OL\]")
# A caption's words inside a sentence ('为了继图5-2消费者通过…'), not a reference ('见图2-1').
_CAPTION_INSIDE = re.compile(
    rf"(?<=[{CJK}，])(?<![见如])[图表]\s?[A-Z]?-?\d+-\d+\s?(?=[{CJK}]{{2}})"
)


def _sentences(lines: list[str]) -> list[str]:
    """Lines with sentence punctuation, without a leading 第X条 label (its space is meant)."""
    return [_LABEL.sub("", line) for line in lines if re.search("[，。；]", line)]


KINDS = {
    "stray space between Chinese characters in a sentence": lambda lines: sum(
        len(_STRAY_SPACE.findall(line)) for line in _sentences(lines)
    ),
    "fragment repeated across a page break": lambda lines: sum(
        len(_REPEATED.findall(a + b)) for a, b in zip(lines, lines[1:], strict=False)
    ),
    "footnote marker in the running text, not linked": lambda lines: sum(
        len(_MARKER.findall(line)) for line in lines
    ),
    "note, address or citation line in the running text": lambda lines: sum(
        bool(_NOTE_LINE.search(line)) for line in lines
    ),
    "figure or table caption inside a sentence": lambda lines: sum(
        len(_CAPTION_INSIDE.findall(line)) for line in lines
    ),
    "caption shown as a paragraph": lambda lines: sum(caption(line) for line in lines),
    "numbered heading (5.2, B. 1.1) shown as a paragraph": lambda lines: sum(
        bool(numbered_heading(line)) for line in lines
    ),
    "table row flattened into a line of text": lambda lines: sum("\t" in line for line in lines),
}


def count(lines: list[str]) -> dict[str, int]:
    return {kind: measure(lines) for kind, measure in KINDS.items()}


def running_text(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """An article's layout → (its paragraphs, its headings and captions) as a reader sees them:
    linked markers left out, notes and tables not in the text."""
    paragraphs_seen, titled = [], []
    for element in article_layout(paragraphs).elements:
        text = "".join(piece.text for piece in element.pieces if not piece.note)
        if element.kind == "paragraph":
            paragraphs_seen.append(text)
        elif element.kind != "table":
            titled.append(text)
    return paragraphs_seen, titled


_BEFORE = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from lawtext.publication import parse_publication
out = {}
for path in sorted(Path(sys.argv[2]).glob("*.txt")):
    publication = parse_publication(path.read_text(encoding="utf-8"))
    out[path.name] = [p for a in publication.articles for p in a.body.split("\\n") if p]
print(json.dumps(out, ensure_ascii=False))
"""


def paragraphs_at(commit: str, corpus: Path) -> dict[str, list[str]]:
    """Each publication's article paragraphs as the parser at `commit` made them."""
    with tempfile.TemporaryDirectory() as tree:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "lawtext"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        result = subprocess.run(
            [sys.executable, "-c", _BEFORE, tree, str(corpus)],
            capture_output=True,
            check=True,
            text=True,
        )
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "fixtures/corpus/seeds"))
    parser.add_argument(
        "--before", default="d1abd94", help="the parser to compare with (a git commit)"
    )
    args = parser.parse_args()
    corpus = Path(args.corpus)
    before_paragraphs = paragraphs_at(args.before, corpus)
    totals = {column: dict.fromkeys(KINDS, 0) for column in ("raw", "before", "now")}
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        publication = parse_publication(text)
        raw_lines = [line.strip() for line in text.splitlines() if line.strip()]
        paragraphs, titled = [], []
        for article in publication.articles:
            seen, headings = running_text([p for p in article.body.split("\n") if p])
            paragraphs += seen
            titled += headings
        now = count(paragraphs)
        # Stray spaces and cut sentences are looked for in headings and captions too.
        for kind in ("stray space between Chinese characters in a sentence",):
            now[kind] += KINDS[kind](titled)
        columns = {
            "raw": count(raw_lines),
            "before": count(before_paragraphs.get(path.name, [])),
            "now": now,
        }
        print(f"{path.name} ({publication.title}, {len(publication.articles)} articles)")
        for kind in KINDS:
            print(
                f"  {kind:52} raw {columns['raw'][kind]:4}  before {columns['before'][kind]:4}"
                f"  now {columns['now'][kind]:4}"
            )
            for column, values in columns.items():
                totals[column][kind] += values[kind]
    print(f"all five (before: the parser at {args.before})")
    for kind in KINDS:
        print(
            f"  {kind:52} raw {totals['raw'][kind]:4}  before {totals['before'][kind]:4}"
            f"  now {totals['now'][kind]:4}"
        )


if __name__ == "__main__":
    main()
