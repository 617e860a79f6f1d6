"""Whoosh analyzers: jieba words for ranking, character bigrams for regulation titles."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import jieba
from whoosh.analysis import Token, Tokenizer

from .normalize import fold

USER_DICT = Path(__file__).resolve().parent / "dict" / "legal_terms.txt"
_HAN_BLOCKS = jieba.re_han_default  # the runs jieba's own cut() splits a text into
_jieba_lock = threading.Lock()
_jieba = None


def jieba_tokenizer():
    """One jieba tokenizer per process, with the legal-terms dictionary loaded once."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                if USER_DICT.exists():
                    tokenizer.load_userdict(str(USER_DICT))
                _jieba = tokenizer
    return _jieba


def _cut(folded: str) -> Iterator[str]:
    """jieba's words of a text, as `Tokenizer.cut(text, HMM=False)` gives them.

    jieba cuts each run of CJK letters and digits on its own, so the runs can be cut once and
    remembered: legal texts repeat their phrases (a third of the text of the national corpus
    is runs seen before), and cutting is most of the cost of indexing.
    """
    for block in _HAN_BLOCKS.split(folded):
        if block:
            yield from _cut_block(block)


@lru_cache(maxsize=100_000)
def _cut_block(block: str) -> tuple[str, ...]:
    return tuple(jieba_tokenizer().cut(block, HMM=False))


def cut_words(text: str) -> list[str]:
    """Words of a folded text, without spaces and punctuation-only pieces."""
    return [w for w in _cut(fold(text)) if w.strip() and _is_word(w)]


_WORD_CHARACTER = re.compile(r"[^\W_]")  # a letter or digit of any script


def _is_word(piece: str) -> bool:
    return _WORD_CHARACTER.search(piece) is not None


class _FoldingTokenizer(Tokenizer):
    """Whoosh tokenizer protocol in one place: positions, character offsets, tokenize=False.

    Subclasses yield (position, text, start, end) pieces of a value; text is already folded.
    """

    def pieces(self, value: str):
        raise NotImplementedError

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pieces = self.pieces(value) if tokenize else [(0, fold(value), 0, len(value))]
        for position, text, start, end in pieces:
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class JiebaTokenizer(_FoldingTokenizer):
    """jieba segmentation with tokens numbered 0, 1, 2 … (not by character offset)."""

    def pieces(self, value):
        offset = position = 0
        for word in _cut(fold(value)):
            start, offset = offset, offset + len(word)
            text = word.strip()
            if text and _is_word(text):
                yield position, text, start, offset
                position += 1


def _compact(value: str) -> list[tuple[int, str]]:
    """(offset, character) of the folded text without spaces: '2014 年' reads as '2014年'."""
    return [(i, ch) for i, ch in enumerate(fold(value)) if ch != " "]


def phrase_grams(text: str) -> list[str]:
    """The bigrams that, at consecutive positions, spell the text (a single character: itself)."""
    chars = [ch for _, ch in _compact(text)]
    if len(chars) <= 1:
        return chars
    return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]


class BigramTokenizer(_FoldingTokenizer):
    """Overlapping character bigrams at character positions: a phrase of them is a substring."""

    def pieces(self, value):
        chars = _compact(value)
        for i in range(len(chars) - 1):
            (start, first), (end, second) = chars[i], chars[i + 1]
            yield i, first + second, start, end + 1


def WordAnalyzer():  # noqa: N802 - Whoosh's analyzer factories are named like classes
    return JiebaTokenizer()


def BigramAnalyzer():  # noqa: N802
    return BigramTokenizer()
