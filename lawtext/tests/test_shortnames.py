"""The reviewed short names: each names one regulation of the corpus, and none hides another."""

import re
from pathlib import Path

from lawtext.shortnames import full_name_for, short_name_rows, short_names_of

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def _corpus_titles() -> set[str]:
    """Titles of the law files, from their names (标题(YYYY-MM-DD).md), without 中华人民共和国."""
    titles = set()
    for path in CORPUS.rglob("*.md"):
        match = re.match(r"^(.+?)(\(\d{4}-\d{2}-\d{2}\))?\.md$", path.name)
        if match:
            titles.add(match[1].replace("中华人民共和国", ""))
    return titles


def test_every_short_name_stands_for_a_regulation_of_the_corpus():
    titles = _corpus_titles()
    missing = [(short, title) for short, title, _ in short_name_rows() if title not in titles]
    assert not missing


def test_short_names_are_unambiguous_and_not_titles_themselves():
    rows = short_name_rows()
    shorts = [short for short, _, _ in rows]
    assert len(shorts) == len(set(shorts)), "a short name listed twice"
    titles = _corpus_titles()
    assert not [s for s in shorts if s in titles], "a short name that is another law's title"
    assert all(source for _, _, source in rows)


def test_lookups():
    assert full_name_for("电商法") == "电子商务法"
    assert full_name_for("《个保法》") == "个人信息保护法"
    assert full_name_for("电子商务法") is None
    assert set(short_names_of("中华人民共和国消费者权益保护法")) >= {"消法", "消保法"}
