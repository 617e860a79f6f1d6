"""PDF-extraction artefacts in the five source publications: in the raw lines, and in the
articles the parser makes of them.

    .venv/bin/python benchmarks/publication_artefacts.py [--corpus fixtures/corpus/seeds]

Pure lawtext, no database. Each kind of artefact is counted by a pattern of its own, in the raw
text and in the parsed articles' paragraphs. A kind still present in the articles is a repair
still to make (issue 17); the kinds are listed in BENCHMARKS.md.
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lawtext.publication import parse_publication  # noqa: E402
from lawtext.textnorm import CJK  # noqa: E402

# Each kind: a pattern over one paragraph (or raw line), or over two neighbours joined.
KINDS = {
    "stray space between Chinese characters in a sentence": re.compile(f"[{CJK}] [{CJK}]"),
    "fragment repeated across a page break": re.compile(r"(.{1,7}[》」』）”])\1"),
    "footnote marker inside running text": re.compile(r"(?<=.)[①-⑳](?!$)"),
    "footnote or URL line in the text": re.compile(r"^[①-⑳]|^https?://|\[(?:EB|R)/OL\]"),
    "figure or table caption inside a sentence": re.compile(rf"(?<=[{CJK}，])(?:图|表)\s?\d+-\d+"),
    "numbered heading (5.2, 5.2.1) as a paragraph": re.compile(
        rf"^\d+(?:\.\d+)+\s*[{CJK}][^，。；]{{1,30}}$"
    ),
}


_LABEL = re.compile(
    r"^[第笫][一二三四五六七八九十百千零〇\d]+[条章节编](?:之[一二三四五六七八九十]+)?\s"
)
ACROSS_NEIGHBOURS = {"fragment repeated across a page break"}
IN_SENTENCES = {"stray space between Chinese characters in a sentence"}  # not in headings


def count(paragraphs: list[str]) -> dict[str, int]:
    """Each kind's occurrences; a repeated fragment is looked for in two neighbours joined."""
    pairs = [a + b for a, b in zip(paragraphs, paragraphs[1:], strict=False)]
    # The space after a leading 第X条/第X章 label is meant, not an artefact.
    sentences = [_LABEL.sub("", p) for p in paragraphs if re.search("[，。；]", p)]
    where = {kind: paragraphs for kind in KINDS} | dict.fromkeys(ACROSS_NEIGHBOURS, pairs)
    where |= dict.fromkeys(IN_SENTENCES, sentences)
    return {kind: sum(len(KINDS[kind].findall(p)) for p in where[kind]) for kind in KINDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "fixtures/corpus/seeds"))
    args = parser.parse_args()
    raw_total = dict.fromkeys(KINDS, 0)
    parsed_total = dict.fromkeys(KINDS, 0)
    for path in sorted(Path(args.corpus).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        publication = parse_publication(text)
        paragraphs = [p for a in publication.articles for p in a.body.split("\n") if p]
        raw_lines = [line.strip() for line in text.splitlines() if line.strip()]
        raw, parsed = count(raw_lines), count(paragraphs)
        for kind in KINDS:
            raw_total[kind] += raw[kind]
            parsed_total[kind] += parsed[kind]
        print(f"{path.name} ({publication.title}, {len(publication.articles)} articles)")
        for kind in KINDS:
            print(f"  {kind:50} raw {raw[kind]:4}  in the articles {parsed[kind]:4}")
    print("all five")
    for kind in KINDS:
        print(f"  {kind:50} raw {raw_total[kind]:4}  in the articles {parsed_total[kind]:4}")


if __name__ == "__main__":
    main()
