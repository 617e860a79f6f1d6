"""Whoosh analyzers: jieba words for ranking, characters and character bigrams for matching."""

from __future__ import annotations

import threading
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

from .normalize import fold

USER_DICT = Path(__file__).resolve().parent / "dict" / "legal_terms.txt"
_jieba_lock = threading.Lock()
_jieba = None


def jieba_tokenizer():
    """One jieba tokenizer per process, with the legal-terms dictionary loaded once."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                if USER_DICT.exists():
                    tokenizer.load_userdict(str(USER_DICT))
                _jieba = tokenizer
    return _jieba


def cut_words(text: str) -> list[str]:
    """Words of a folded text, without spaces and punctuation-only pieces."""
    return [w for w in jieba_tokenizer().cut(fold(text), HMM=False) if w.strip() and _is_word(w)]


def _is_word(piece: str) -> bool:
    return any(ch.isalnum() for ch in piece)


class JiebaTokenizer(Tokenizer):
    """jieba segmentation with tokens numbered 0, 1, 2 … (not by character offset)."""

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
        if not tokenize:
            token.original = token.text = fold(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        folded = fold(value)
        offset = 0
        position = start_pos
        for word in jieba_tokenizer().cut(folded, HMM=False):
            start, offset = offset, offset + len(word)
            if not _is_word(word):
                continue
            token.text = word.strip()
            if not token.text:
                continue
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:offset]
            if positions:
                token.pos = position
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + offset
            position += 1
            yield token


def _compact(text: str) -> list[str]:
    """Folded characters without spaces: '2014 年' and '2014年' read the same."""
    return [ch for ch in fold(text) if ch != " "]


def phrase_grams(text: str) -> list[str]:
    """The bigrams that, at consecutive positions, spell the text (a single character: itself)."""
    chars = _compact(text)
    if len(chars) <= 1:
        return chars
    return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]


class _GramTokenizer(Tokenizer):
    """Base for the two character tokenizers; subclasses say which grams a text yields."""

    def grams(self, chars: list[str]):
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
        if not tokenize:
            token.original = token.text = fold(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            yield token
            return
        for position, gram in self.grams(_compact(value)):
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + position
            yield token


class BigramTokenizer(_GramTokenizer):
    """Overlapping character bigrams at character positions: a phrase of them is a substring."""

    def grams(self, chars):
        return ((i, chars[i] + chars[i + 1]) for i in range(len(chars) - 1))


class CharTokenizer(_GramTokenizer):
    """Single characters, for one-character queries (no positions are needed)."""

    def grams(self, chars):
        return enumerate(chars)


def WordAnalyzer():  # noqa: N802 - Whoosh's analyzer factories are named like classes
    return JiebaTokenizer()


def BigramAnalyzer():  # noqa: N802
    return BigramTokenizer()


def CharAnalyzer():  # noqa: N802
    return CharTokenizer()
