"""Exact phrase matching over a bigram field, cheaper than Whoosh's general span matching.

A text of n characters is n−1 overlapping bigrams at consecutive positions. Every second bigram,
plus the last one, already pins every character, so only those are intersected and their
positions compared — a set intersection per document instead of Whoosh's span objects.
"""

from __future__ import annotations

from functools import reduce

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, NullMatcher
from whoosh.matching.wrappers import WrappingMatcher

from .exact import covering_offsets


class ExactPhrase(wq.Phrase):
    """`words` (bigrams) at consecutive positions of `fieldname`: the text exactly."""

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        leaves, offsets = [], []
        for offset in covering_offsets(len(self.words)):
            word = self.words[offset]
            if (self.fieldname, word) not in reader:
                return NullMatcher()
            leaves.append(wq.Term(self.fieldname, word).matcher(searcher, context))
            offsets.append(offset)
        return _ExactPhraseMatcher(leaves, offsets, boost=self.boost)


class _ExactPhraseMatcher(WrappingMatcher):
    """The documents of the intersection whose leaf positions line up at their offsets."""

    def __init__(self, leaves, offsets, boost=1.0):
        super().__init__(reduce(IntersectionMatcher, leaves), boost=boost)
        self.leaves, self.offsets = leaves, offsets
        self._find_next()

    def _lines_up(self) -> bool:
        starts = None
        for leaf, offset in zip(self.leaves, self.offsets, strict=True):
            here = {position - offset for position in leaf.value_as("positions")}
            starts = here if starts is None else starts & here
            if not starts:
                return False
        return True

    def _find_next(self) -> None:
        while self.child.is_active() and not self._lines_up():
            self.child.next()

    def next(self):
        self.child.next()
        self._find_next()

    def skip_to(self, id):
        self.child.skip_to(id)
        self._find_next()

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    def copy(self):
        return _ExactPhraseMatcher([leaf.copy() for leaf in self.leaves], self.offsets, self.boost)

    def replace(self, minquality=0):
        # The leaves must stay the ones the intersection moves: never swap the child.
        return self if self.is_active() else NullMatcher()

    def supports_block_quality(self):
        return False
