"""The metadata of one law version from its header events, title, folder and final clauses.

Decisions, where the sources leave room:

- 制定机关 are the bodies of the event that made this version (see `events.this_version`),
  批准机关 those of the 批准 events from it on. Events dated after the version date of the file
  name, and events of a local congress of another province (or another city than the title's),
  belong to another version's or another law's history and are left out.
- 公布日期: the version date of the file name; else the 公布 event of this version; else the date
  of the enactment, when no approval follows it (a people's congress or the 国务院 promulgates on
  the day it adopts; the collection names its files by that date). Otherwise unknown.
- 施行日期 of this version, first found of: a date of effect stated in the version's own events
  ('该修正自…施行', '公布施行'); a '… 施行' header line not before the enactment; the
  commencement clause when its date is not before the enactment (a 修订 restates it; a 修正
  keeps the original law's date, which is then not this version's); '自公布之日起施行' in the
  header or the final clauses → the 公布日期 of this version (an amending decision of a people's
  congress takes effect on promulgation unless it says otherwise). Else left empty, with a
  problem line: the amending decision's own date is not in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from .events import Event, read_events, this_version
from .metadata import CATEGORY_FOLDERS, derive_level, find_effective_date, takes_effect_on_issue
from .region import parent_city, place_at_start, province_of_city, province_of_folder

_LOCAL_BODY_RE = re.compile(r"^(?!全国).*(?:人民代表大会|人民政府)")


@dataclass
class HeaderMetadata:
    issuers: list[str] = field(default_factory=list)
    approvers: list[str] = field(default_factory=list)
    level: str = ""
    province: str = ""
    city: str = ""
    promulgated_on: date | None = None
    effective_on: date | None = None
    doc_number: str = ""
    problems: list[str] = field(default_factory=list)


def _place_of_body(body: str) -> tuple[str, str]:
    return place_at_start(body) if _LOCAL_BODY_RE.match(body) else ("", "")


def _foreign(event: Event, province: str, city: str) -> bool:
    """An event of a local congress of another province, or of another city than the title's."""
    for body in event.bodies:
        body_province, body_city = _place_of_body(body)
        if province and body_province and body_province != province:
            return True
        if city and body_city and body_city not in (city, parent_city(city)):
            return True
    return False


def _category(folder: str) -> str:
    """The corpus category or local collection a folder path is in: '…/部门规章/公安部' → 部门规章
    (the folder below a category names a body, which the text itself says better)."""
    parts = PurePath(folder).parts
    for part in reversed(parts):
        if part in CATEGORY_FOLDERS or province_of_folder(part):
            return part
    return parts[-1] if parts else ""


def read_header(
    lines: list[str],
    *,
    title: str,
    folder: str = "",
    version_date: date | None = None,
    final_text: str = "",
) -> HeaderMetadata:
    """Metadata of the version: `lines` the header event lines, `folder` the corpus folder (a
    category such as 行政法规, or a local collection such as 浙江), `final_text` the last
    clauses."""
    meta = HeaderMetadata()
    folder = _category(folder)
    folder_province = province_of_folder(folder)
    title_province, title_city = place_at_start(title)
    context_province = folder_province or title_province
    events = read_events(lines, province=context_province, city=title_city)
    own = [e for e in events if not _foreign(e, context_province, title_city)]
    version = this_version(own, until=version_date)
    meta.issuers, meta.approvers = version.issuers, version.approvers
    enacted, published = version.enacted, version.published
    meta.doc_number = next((e.doc_number for e in (published, enacted) if e and e.doc_number), "")

    # 地区: the enacting body, then the title, then the folder (the folder is right on province).
    province = city = ""
    for body in [*meta.issuers, *meta.approvers]:
        province, city = _place_of_body(body)
        if province:
            break
    if not province and (folder_province or not meta.issuers):
        province, city = title_province, title_city
    province = folder_province or province
    if city and province_of_city(city) and province_of_city(city) != province:
        meta.problems.append(f"地区不一致：{city}不属于{province}")
        city = ""
    meta.province, meta.city = province, city

    # 效力级别
    hint = folder
    if enacted is not None and "常务会议" in enacted.text:
        hint = "地方政府规章" if folder_province else folder
    meta.level = derive_level(
        doc_number=meta.doc_number,
        title=title,
        issuers=meta.issuers,
        hint=hint,
        local=bool(folder_province),
    )

    # 公布日期
    promulgated = version_date
    if promulgated is None and published is not None:
        promulgated = published.on
    if promulgated is None and enacted is not None and not enacted.approved:
        approvals = [e for e in own if e.kind == "批准" and e.on >= enacted.on]
        if not approvals:
            promulgated = enacted.on
    meta.promulgated_on = promulgated

    # 施行日期
    since = enacted.on if enacted is not None else version_date
    effective = None
    for event in (enacted, published):
        if event is not None and event.effective and effective is None:
            effective = event.effective
    if effective is None:
        stated = [
            e.effective
            for e in own
            if e.kind == "施行" and e.effective and (since is None or e.effective >= since)
        ]
        effective = stated[0] if stated else None
    clause_date = find_effective_date(final_text)
    if effective is None and clause_date and (since is None or clause_date >= since):
        effective = clause_date
    header_text = "\n".join(lines)
    on_issue = takes_effect_on_issue(final_text) or takes_effect_on_issue(header_text)
    if effective is None and on_issue and promulgated is not None:
        effective = promulgated
    meta.effective_on = effective

    if not meta.issuers:
        meta.problems.append("未能识别制定机关" + ("" if events else "（文件头无制定记录）"))
    if not meta.level:
        meta.problems.append("未能识别效力级别")
    if meta.promulgated_on is None:
        meta.problems.append("未能识别公布日期")
    if meta.effective_on is None:
        if clause_date and since and clause_date < since:
            meta.problems.append("未能识别施行日期（施行条款的日期早于本版本，为原文本的日期）")
        else:
            meta.problems.append("未能识别施行日期")
    return meta
