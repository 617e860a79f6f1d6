"""The query language of the search page and the API (pure: no Whoosh, no Django).

    电子商务 经营者        both words (AND)
    平台 OR 经营者, 平台|经营者  either
    -罚款                 not
    "电子商务经营者"       exactly this phrase
    电子商务法第38条 / 电子商务法 第三十八条 / 第38条   that clause first

Every word matches as a substring of the text, whatever jieba makes of it; anything else
(unbalanced quotes, a lone '-', Whoosh or Lucene syntax, control characters) is read as plain text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lawtext.numerals import CN_NUMERAL_CHARS, ascii_int, cn_to_int, int_to_cn
from lawtext.provisions import ProvisionRef, split_provision
from lawtext.shortnames import full_name_for

MAX_QUERY_CHARS = 200
# Words, alternatives and exclusions together: each is an exact lookup over the whole corpus,
# and 100 single characters OR'ed made one search take 5 s.
MAX_QUERY_TERMS = 16
_N = f"[{CN_NUMERAL_CHARS}]"
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂"}
_ARTICLE_RE = re.compile(rf"[第笫]\s*(?P<num>\d+|{_N}+)\s*条(?P<suffix>之{_N}+)?")
_TITLE_WITH_ARTICLE_RE = re.compile(
    rf"《?(?P<name>[\u4e00-\u9fff（）()]{{2,60}}?)》?\s*[第笫]\s*(?P<num>\d+|{_N}+)\s*条(?P<suffix>之{_N}+)?$"
)
_QUOTED_RE = re.compile(
    "|".join(f"{re.escape(o)}[^{re.escape(c)}]*(?:{re.escape(c)}|$)" for o, c in _QUOTES.items())
)
# Characters that are syntax elsewhere but mean nothing here: searched as text or dropped.
_NOISE = re.compile(r"[\\^~*?:(){}\[\]<>!+&]")


@dataclass(frozen=True)
class Term:
    text: str
    exact: bool = False  # quoted: matched literally, no expansion

    def variants(self) -> tuple[str, ...]:
        """Spellings that mean the same: 第38条 ↔ 第三十八条 for unquoted words."""
        if self.exact:
            return (self.text,)
        variants = [self.text]
        if full_name := full_name_for(self.text):  # 个保法 → 个人信息保护法
            variants.append(full_name)
        for match in _ARTICLE_RE.finditer(self.text):
            raw = match["num"]
            number = ascii_int(raw, max_digits=6) if raw.isascii() else cn_to_int(raw)
            if number is None or number > 100000:
                continue
            other = int_to_cn(number) if raw.isascii() else str(number)
            variants.append(self.text.replace(match[0], f"第{other}条{match['suffix'] or ''}", 1))
        return tuple(dict.fromkeys(variants))


@dataclass(frozen=True)
class ArticleRef:
    number: int
    suffix: str = ""
    name: str = ""  # regulation name as typed (电子商务法, 电商法), "" for any regulation
    paragraph: int | None = None  # 第2款 of the clause, when named
    item: int | None = None  # its 第3项

    @property
    def title(self) -> str:
        """The name to look titles up by: a customary short name read as its title."""
        return full_name_for(self.name) or self.name.strip("《》")

    @property
    def provision(self) -> ProvisionRef | None:
        """The 款/项 the reference names (第38条第2款), or None for a whole clause."""
        if not self.paragraph:
            return None
        return ProvisionRef(self.number, self.suffix, self.paragraph, self.item)


@dataclass
class ParsedQuery:
    must: list[list[Term]] = field(default_factory=list)  # AND of ORs
    must_not: list[Term] = field(default_factory=list)
    article: ArticleRef | None = None
    notices: list[str] = field(default_factory=list)  # what was changed, shown to the user

    @property
    def is_empty(self) -> bool:
        """Nothing to search for (a pure negation, -罚款, is everything except it)."""
        return not self.must and self.article is None and not self.must_not

    @property
    def terms(self) -> list[str]:
        """Every positive spelling, for highlighting."""
        return [v for group in self.must for term in group for v in term.variants()]

    def to_query_string(self) -> str:
        """A canonical form in the same language: parse_query(q.to_query_string()) == q."""
        parts = []
        for group in self.must:
            alternatives = [_render(term) for term in group]
            parts.append(
                alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
            )
        parts += ["-" + _render(term) for term in self.must_not]
        return " ".join(parts)


def _render(term: Term) -> str:
    return '"' + term.text.replace('"', "") + '"' if term.exact else term.text


def clean_query(raw: str) -> tuple[str, list[str]]:
    notices = []
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"检索词过长，只使用前 {MAX_QUERY_CHARS} 个字符。")
    return text.strip(), notices


def _tokens(text: str) -> list[tuple[str, str]]:
    """('word'|'phrase'|'or'|'not-word'|'not-phrase', text) pieces of the query."""
    tokens: list[tuple[str, str]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
            continue
        negate = char == "-" and index + 1 < len(text) and not text[index + 1].isspace()
        start = index + 1 if negate else index
        opening = text[start] if start < len(text) else ""
        if opening in _QUOTES:
            closing = _QUOTES[opening]
            end = text.find(closing, start + 1)
            if end == -1:  # unbalanced: the rest is the phrase
                end = len(text)
            phrase = text[start + 1 : end].strip()
            if phrase:
                tokens.append(("not-phrase" if negate else "phrase", phrase))
            index = end + 1
            continue
        end = start
        while end < len(text) and not text[end].isspace() and text[end] not in _QUOTES:
            end += 1
        word = text[start:end]
        index = end
        if word in ("OR", "|", "||"):
            tokens.append(("or", word))
        elif "|" in word:
            for piece_index, piece in enumerate(p for p in word.split("|") if p):
                if piece_index:
                    tokens.append(("or", "|"))
                tokens.append(("word", piece))
        elif word in ("AND", "&&", "-", "NOT"):
            continue
        elif word:
            tokens.append(("not-word" if negate else "word", word))
    return tokens


def parse_query(raw: str) -> ParsedQuery:
    text, notices = clean_query(raw)
    query = ParsedQuery(notices=notices)
    if not text:
        return query
    query.article = _article_ref(text)
    if query.article and query.article.title != query.article.name.strip("《》"):
        query.notices.append(f"「{query.article.name}」按《{query.article.title}》检索。")
    pending_or = False
    for kind, value in _tokens(text):
        if kind == "or":
            pending_or = bool(query.must)
            continue
        exact = kind.endswith("phrase")
        if not exact:
            value = _NOISE.sub(" ", value).strip()
            if not value:
                continue
        terms = [Term(value, exact=True)] if exact else _plain_terms(value)
        for term in terms:
            if not term.exact and (full_name := full_name_for(term.text)):
                query.notices.append(f"「{term.text}」同时按《{full_name}》检索。")
        if kind.startswith("not"):
            query.must_not.extend(terms)
            continue
        for position, term in enumerate(terms):
            if pending_or and position == 0:
                query.must[-1].append(term)
            else:
                query.must.append([term])
        pending_or = False
    return _within_budget(query)


def _within_budget(query: ParsedQuery) -> ParsedQuery:
    """At most MAX_QUERY_TERMS terms, the first ones as typed, with a notice when cut."""
    count = sum(len(group) for group in query.must) + len(query.must_not)
    if count <= MAX_QUERY_TERMS:
        return query
    left, must = MAX_QUERY_TERMS, []
    for group in query.must:
        if left <= 0:
            break
        must.append(group[:left])
        left -= len(must[-1])
    query.must, query.must_not = must, query.must_not[: max(left, 0)]
    query.notices.append(
        f"检索词过多：共 {count} 个词（含 OR 的备选词和排除词），只使用前 {MAX_QUERY_TERMS} 个。"
    )
    return query


def _plain_terms(value: str) -> list[Term]:
    """Words left once punctuation is gone ('[-0' → '0'): never an operator or a leading '-',
    which would read differently when the query is written out again."""
    words = (w.lstrip("-") for w in value.split())
    return [Term(w) for w in words if any(ch.isalnum() for ch in w) and w not in _OPERATORS]


_OPERATORS = {"OR", "AND", "NOT"}


def _article_ref(text: str) -> ArticleRef | None:
    """电子商务法第38条, 电子商务法 第三十八条, 第38条 → the clause they name; quoted text is
    literal ("第三十八条" finds those words, wherever they stand)."""
    compact = re.sub(r"\s+", "", _QUOTED_RE.sub(" ", text))
    split = split_provision(compact)  # 电子商务法第38条第2款: the clause, and its 款
    if split is None:
        return None
    compact, paragraph, item = split
    match = _TITLE_WITH_ARTICLE_RE.search(compact)
    name = ""
    if match:
        name = match["name"]
    else:
        match = _ARTICLE_RE.fullmatch(compact)
        if not match:
            return None
    raw = match["num"]
    number = ascii_int(raw, max_digits=6) if raw.isascii() else cn_to_int(raw)
    if not number or number > 100000:
        return None
    return ArticleRef(
        number=number, suffix=match["suffix"] or "", name=name, paragraph=paragraph, item=item
    )
