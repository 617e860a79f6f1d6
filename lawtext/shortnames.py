"""Customary short names of regulations (电商法 for 电子商务法), from a reviewed data file.

`data/short_names.csv` maps each short name to the title it stands for, written without
中华人民共和国 (the form `metadata.short_title_for` gives), with its source. Search, article
references (电商法第38条) and the regulation list read a typed name through `full_name_for`.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

__all__ = ["full_name_for", "short_name_rows", "short_names_of"]


@lru_cache(maxsize=1)
def short_name_rows() -> tuple[tuple[str, str, str], ...]:
    """(short name, title, source) rows of the data file, loaded once."""
    text = resources.files("lawtext").joinpath("data/short_names.csv").read_text("utf-8")
    return tuple(
        (r["short_name"], r["title"], r["source"]) for r in csv.DictReader(text.splitlines())
    )


@lru_cache(maxsize=1)
def _by_short_name() -> dict[str, str]:
    return {short: title for short, title, _ in short_name_rows()}


def full_name_for(name: str) -> str | None:
    """The title a customary short name stands for (个保法 → 个人信息保护法), or None."""
    return _by_short_name().get(name.strip().strip("《》"))


def short_names_of(title: str) -> list[str]:
    """The customary short names of a title (with or without 中华人民共和国)."""
    title = title.removeprefix("中华人民共和国")
    return [short for short, full in _by_short_name().items() if full == title]
