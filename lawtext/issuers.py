"""Issuing bodies (制定机关/批准机关): canonical names, the alias table, bodies named in a line.

The alias table is data (`lawtext/data/issuing_bodies.csv`: canonical, alias, source). Besides it,
one general rule: 人大常委会 / 人民代表大会常委会 → 人民代表大会常务委员会 and a trailing 人大 →
人民代表大会, for any place name (浙江省人大常委会 → 浙江省人民代表大会常务委员会); the 第X届 of a
people's congress and a leading 中华人民共和国 are dropped.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from .numerals import CN_NUMERAL_CHARS
from .textnorm import CJK

_N = f"[{CN_NUMERAL_CHARS}\\d]"
_TERM_RE = re.compile(rf"第?{_N}+届")  # 第十三届 / 十三届: the term of a congress, not its name
_COMMITTEE_RE = re.compile(r"(?:人民代表大会|人大)(?:常务委员会|常委会|常委员会|常务员会)$")
_CONGRESS_RE = re.compile(r"人大$")
_NATIONAL_PREFIX = "中华人民共和国"


@lru_cache(maxsize=1)
def issuer_alias_rows() -> tuple[tuple[str, str, str], ...]:
    """(canonical, alias, source) rows of the data file, loaded once."""
    text = resources.files("lawtext").joinpath("data/issuing_bodies.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple((row["canonical"], row["alias"], row["source"]) for row in rows)


@lru_cache(maxsize=1)
def issuer_aliases() -> dict[str, str]:
    """{alias: canonical name}, from the data file (loaded once)."""
    return {alias: canonical for canonical, alias, _ in issuer_alias_rows()}


def canonical_issuer(name: str, *, province: str = "", city: str = "") -> str:
    """The canonical name of a body: 全国人大常委会 → 全国人民代表大会常务委员会,
    宁波市第十四届人大常委会 → 宁波市人民代表大会常务委员会, 市场监管总局 → 国家市场监督管理总局.

    A congress named without its place (省人大常委会, 市十四届人大常委会, as some headers write)
    takes the `province` / `city` given; without one it stays as written.
    """
    name = re.sub(r"\s+", "", name)
    if name.startswith(_NATIONAL_PREFIX) and len(name) > len(_NATIONAL_PREFIX) + 1:
        name = name[len(_NATIONAL_PREFIX) :]
    name = _TERM_RE.sub("", name)
    name = issuer_aliases().get(name, name)
    if _COMMITTEE_RE.search(name):
        name = _COMMITTEE_RE.sub("人民代表大会常务委员会", name)
    elif _CONGRESS_RE.search(name):
        name = _CONGRESS_RE.sub("人民代表大会", name)
    if name.startswith("人民代表大会"):
        return name  # no place: cannot be completed
    if name.startswith("省人民代表大会") and province:
        name = province + name[1:]
    elif name.startswith(("市人民代表大会", "县人民代表大会")) and city:
        name = city + name[1:]
    return issuer_aliases().get(name, name)


def outside_titles(text: str) -> str:
    """The text without its 《…》 titles (one level of 《〈〉》 nesting included)."""
    return re.sub(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》", "", text)


# Where a body's name ends in a header event: its meeting, its order, the act.
_CUT_RE = re.compile(
    rf"(?:第{_N}+(?:次|号)|{_N}+次会议|\d{{4}}年|部务会议|部长办公会议|常务会议|室务会议|局务会议"
    r"|委务会议|会议|令|公告|发布|公布|批准|通过|修订|修正|修改|印发|审议|讨论|施行|实施|执行"
    r"|[，。,;；:：（）()\[\]【】\s])"
)
_BODY_END_RE = re.compile(
    r"(?:委员会|常委会|常委员会|常务员会|人大|人民代表大会|部|总局|局|院|署|办公室|银行|政府|委|中央|厅|总会|协会|中心)$"
)
_LEADING_RE = re.compile(r"^(?:经|由|根据|以|和|及|并)+")
_DECISION_BODY_RE = re.compile(rf"^《([{CJK}、]{{2,40}}?)关于")


def _body(piece: str, province: str, city: str) -> str:
    piece = _LEADING_RE.sub("", piece.strip())
    piece = _TERM_RE.sub("", piece)
    cut = _CUT_RE.search(piece)
    name = piece[: cut.start()] if cut else piece
    name = _LEADING_RE.sub("", name)
    if not 2 <= len(name) <= 30 or not re.fullmatch(f"[{CJK}]+", name):
        return ""
    if not _BODY_END_RE.search(name):
        return ""
    return canonical_issuer(name, province=province, city=city)


def bodies_in_text(text: str, *, province: str = "", city: str = "") -> list[str]:
    """The canonical bodies that act in one header event (dates and 《…》 titles removed first):
    '国家教育委员会令第8号、国家体育运动委员会令第11号发布' → both;
    '最高人民法院审判委员会第1次会议' → 最高人民法院."""
    outside = re.sub(r"\d{4}年\d{1,2}月\d{1,2}日", "、", outside_titles(text))
    found: list[str] = []
    for piece in re.split("[、]", outside):
        name = _body(piece, province, city)
        if name and name not in found:
            found.append(name)
    return found


def decision_bodies(text: str, *, province: str = "", city: str = "") -> list[str]:
    """The bodies that made the decision a header event names:
    《杭州市人民代表大会常务委员会关于修改…的决定》 → 杭州市人民代表大会常务委员会
    (the approving body's line names the city's decision)."""
    found: list[str] = []
    for quoted in re.findall(r"《[^》]*", text):
        match = _DECISION_BODY_RE.match(quoted)
        if not match:
            continue
        for piece in match[1].split("、"):
            name = _body(piece, province, city)
            if name and name not in found:
                found.append(name)
    return found
