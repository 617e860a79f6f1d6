"""Text normalisation shared by indexing, querying and highlighting.

Every character maps to exactly one character, so offsets in the normalised text are offsets in
the original: highlighting can mark the original wording of what matched.
"""

from __future__ import annotations

import unicodedata

from lawtext.textnorm import simplified_char


class _FoldTable(dict):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isspace() or unicodedata.category(char) == "Cc":
            folded = " "
        else:
            simplified = simplified_char(char)
            folded = unicodedata.normalize("NFKC", simplified).lower()
            if len(folded) != 1:
                folded = simplified.lower()
                if len(folded) != 1:
                    folded = char
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Traditional → simplified, full-width → half-width, lower case, any space → ' '.

    Same length as the input, character for character.
    """
    return text.translate(_FOLD)
