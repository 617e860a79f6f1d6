"""How exactly lawtext reads the metadata of local (and national) regulation files.

    .venv/bin/python benchmarks/local_metadata.py [--corpus fixtures/corpus/local]
    .venv/bin/python benchmarks/local_metadata.py --national fixtures/corpus/laws-full

Parses every file with lawtext only (no Django). The reference values are computed here with a
reading of the header lines of its own, deliberately simpler than lawtext's and not calling it:
the 制定机关 is the last people's congress named in a header line that is not a 批准 line (the
line's own act, outside 《》), its place completed from the folder (省…) or the title (市…); the
province is the folder's; the city is the one the title starts with, else the one the 制定机关
names. Every disagreement is listed with the file name and why.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lawtext.lawfile import parse_law_markdown  # noqa: E402

FOLDER_PROVINCE = {"上海": "上海市", "北京": "北京市", "浙江": "浙江省", "广东": "广东省"}
DEFAULT_LOCAL = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "local"
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_CONGRESS = re.compile(
    r"([\u4e00-\u9fff]{0,10}?(?:省|市|县))[第]?[一二三四五六七八九十]*届?"
    r"(?:人民代表大会|人大)(常务委员会|常委会|常委员会|常务员会)?|([\u4e00-\u9fff]{2,3}市)(人民政府)"
)
_TITLE_CITY = re.compile(r"^([^\s市省]{2,3}?市|[^\s市省]{2,8}?自治县)")
_ON_ISSUE = re.compile(r"自(?:公布|发布)之日起(?:施行|实施)")


def _header(text: str) -> tuple[str, list[str]]:
    head, _, _ = text.partition("<!-- INFO END -->")
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    title = next((line.lstrip("#").strip() for line in lines if line.startswith("#")), "")
    return title, [line for line in lines if not line.startswith("#")]


def _reference_issuer(lines: list[str], province: str, title: str) -> str:
    """The body of the last 通过/修正/修订 event (else 公布) not a 批准, by the script's own simple
    reading: a 批准 line that amends names the city's decision in 《X关于…》."""
    title_city = _TITLE_CITY.match(re.sub(r"^[\u4e00-\u9fff]{2}省", "", title))
    enacted = published = ""
    for line in lines:
        for part in _DATE.split(line):
            outside = re.sub(r"《[^》]*》", "", part)
            acts = re.findall(r"通过|修正|修订|公布|批准", outside)
            if not acts or (acts[-1] == "批准" and "修" not in outside):
                continue
            if "批准" in outside:
                inner = re.search(r"《([\u4e00-\u9fff]{2,20}?人民代表大会常务委员会)关于", part)
                enacted = inner[1] if inner else enacted
                continue
            match = _CONGRESS.search(outside)
            if not match:
                continue
            place = match[1] or match[3]
            if place == "省":
                place = province
            elif place in ("市", "县"):
                place = title_city[1] if title_city else place
            body = place + (
                "人民政府" if match[4] else "人民代表大会常务委员会" if match[2] else "人民代表大会"
            )
            if "公布" in acts and not re.search("通过|修正|修订", outside):
                published = body
            else:
                enacted = body
    return enacted or published


def _reference_level(title: str, issuer: str) -> str:
    if "人民政府" in issuer:
        return "地方政府规章"
    if "经济特区" in title:
        return "经济特区法规"
    if title.endswith("自治条例"):
        return "自治条例"
    if "自治县" in issuer or "自治州" in issuer:
        return "单行条例"
    return "地方性法规"


def _reference_city(title: str, issuer: str, province: str) -> str:
    """The city the 制定机关 names (none for a province's body); without one, the title's."""
    if issuer:
        match = _TITLE_CITY.match(issuer)
        return match[1] if match and match[1] != province else ""
    if title.startswith("深圳经济特区"):
        return "深圳市"
    match = _TITLE_CITY.match(title)
    return match[1] if match and match[1] != province else ""


def run_local(corpus: Path) -> int:
    files = sorted(corpus.glob("*/*.md"))
    counts: collections.Counter[str] = collections.Counter()
    failures: dict[str, list[str]] = collections.defaultdict(list)
    problems: collections.Counter[str] = collections.Counter()
    for path in files:
        text = path.read_text("utf-8")
        name = f"{path.parent.name}/{path.name}"
        parsed = parse_law_markdown(text, filename=str(path))
        problems.update(parsed.problems)
        province = FOLDER_PROVINCE.get(path.parent.name, "")
        title, lines = _header(text)
        issuer = parsed.issuers[0] if parsed.issuers else ""
        if not lines:
            counts["no_events"] += 1
            if issuer:
                failures["制定机关 (no header events)"].append(f"{name}: {issuer} without events")
        else:
            counts["with_events"] += 1
            expected = _reference_issuer(lines, province, title)
            if expected and issuer == expected:
                counts["issuer_ok"] += 1
            else:
                failures["制定机关"].append(f"{name}: {issuer or '—'} ≠ header {expected or '—'}")
        level = _reference_level(title or parsed.title, issuer)
        if parsed.level == level:
            counts["level_ok"] += 1
        else:
            failures["效力级别"].append(f"{name}: {parsed.level or '—'} ≠ {level}")
        tail = text[-3000:] + "\n".join(lines)
        if _ON_ISSUE.search(tail):
            counts["on_issue"] += 1
            if parsed.effective_on:
                counts["on_issue_ok"] += 1
            else:
                failures["施行日期 (自公布之日起施行)"].append(f"{name}: no effective date")
        if parsed.province == province:
            counts["province_ok"] += 1
        else:
            failures["省"].append(f"{name}: {parsed.province or '—'} ≠ {province}")
        city = _reference_city(title or parsed.title, issuer, province)
        if parsed.city == city:
            counts["city_ok"] += 1
        else:
            failures["市"].append(f"{name}: {parsed.city or '—'} ≠ {city or '—'}")

    def pct(ok: int, total: int) -> str:
        return f"{ok}/{total} = {100 * ok / total:.1f}%" if total else "0/0"

    print(f"files: {len(files)}")
    issuer_share = pct(counts["issuer_ok"], counts["with_events"])
    print(f"制定机关 = body named in the header events: {issuer_share}")
    print(
        f"  files without header events: {counts['no_events']} (issuer left empty with a problem)"
    )
    print(f"效力级别 correct: {pct(counts['level_ok'], len(files))}")
    print(
        f"自公布之日起施行 with an effective date: {counts['on_issue_ok']} of {counts['on_issue']}"
    )
    print(f"province right: {pct(counts['province_ok'], len(files))}")
    print(f"city right: {pct(counts['city_ok'], len(files))}")
    print("problems reported:")
    for problem, count in problems.most_common():
        print(f"  {count:5d}  {problem}")
    for field, items in failures.items():
        print(f"\nFAILURES {field} ({len(items)}):")
        for item in items:
            print(f"  {item}")
    return 0


def run_national(corpus: Path) -> int:
    files = sorted(corpus.glob("**/*.md"))
    issuers: collections.Counter[str] = collections.Counter()
    levels: collections.Counter[str] = collections.Counter()
    problems: collections.Counter[str] = collections.Counter()
    for path in files:
        parsed = parse_law_markdown(path.read_text("utf-8"), filename=str(path))
        issuers.update(parsed.issuers + parsed.approvers)
        levels[parsed.level or "(未识别)"] += 1
        problems.update(parsed.problems)
    print(f"files: {len(files)}")
    print("level distribution:")
    for level, count in levels.most_common():
        print(f"  {count:5d}  {level}")
    print(f"issuers and approvers ({len(issuers)}):")
    for issuer, count in issuers.most_common():
        print(f"  {count:5d}  {issuer}")
    print("problems reported:")
    for problem, count in problems.most_common():
        print(f"  {count:5d}  {problem}")
    # One body under two names: a name that is another with 中华人民共和国/国家 before it, or the
    # short form of a congress, or a committee beside its court.
    names = set(issuers)
    doubles = []
    for name in sorted(names):
        for other in ("中华人民共和国" + name, "国家" + name):
            if other in names:
                doubles.append(f"{name} / {other}")
        if "人大" in name or name.endswith(("审判委员会", "检察委员会")):
            doubles.append(f"{name} (not canonical)")
    print(f"issuers under two names: {len(doubles)}")
    for double in doubles:
        print(f"  {double}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_LOCAL, help="local/ folder")
    parser.add_argument("--national", type=Path, help="laws-full/ folder: issuers and levels")
    args = parser.parse_args()
    if args.national:
        return run_national(args.national)
    return run_local(args.corpus)


if __name__ == "__main__":
    raise SystemExit(main())
