"""The naive set-up used as the baseline in benchmarks: haystack's Whoosh backend as documented,
with jieba's ChineseAnalyzer on the content field and Whoosh's QueryParser reading the query.

Kept here so that benchmarks measure it in the same run, on the same texts, as our engine.
"""

from __future__ import annotations

import os
import time

from jieba.analyse import ChineseAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import QueryParser


class NaiveIndex:
    def __init__(self, path: str, *, reopen: bool = False):
        """A new empty index at `path`, or (reopen) the one built there before."""
        self.schema = Schema(
            id=ID(stored=True, unique=True), text=TEXT(analyzer=ChineseAnalyzer(), stored=False)
        )
        os.makedirs(path, exist_ok=True)
        storage = FileStorage(path)
        self.index = storage.open_index() if reopen else storage.create_index(self.schema)
        self.parser = QueryParser("text", schema=self.schema)
        self.searcher = self.index.searcher() if reopen else None

    def build(self, documents) -> float:
        """Index (id, text) pairs; return seconds taken."""
        started = time.perf_counter()
        writer = self.index.writer(limitmb=256)
        for identifier, text in documents:
            writer.add_document(id=str(identifier), text=text)
        writer.commit()
        self.searcher = self.index.searcher()
        return time.perf_counter() - started

    def search(self, query: str, *, limit: int = 10) -> tuple[list[str], int]:
        """(top ids, total hits) for a query string as a user would type it."""
        parsed = self.parser.parse(query)
        results = self.searcher.search(parsed, limit=limit)
        return [hit["id"] for hit in results], len(results)
