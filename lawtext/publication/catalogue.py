"""A report's catalogue table of regulations (发文部门 / 发布日期 / 文号 / 名称)."""

from __future__ import annotations

import re

from ..issuers import canonical_issuer
from ..records import (
    CatalogueEntry,
)
from ..textnorm import normalize_chars
from .lines import first_date, tighten


def parse_catalogue(lines: list[str]) -> list[CatalogueEntry]:
    """Rows of a tab-separated catalogue table: 发文部门 / 发布日期 / 文号 / 名称.

    Header rows, '续 表' lines and anything without a date in the second cell are skipped; several
    issuing bodies in one cell are separated by 、. `order` is the row index.
    """
    entries: list[CatalogueEntry] = []
    for line in lines:
        cells = [tighten(normalize_chars(cell)).strip() for cell in line.split("\t")]
        if len(cells) < 4:
            continue
        issued = first_date(cells[1])
        title = " ".join(cell for cell in cells[3:] if cell)
        if issued is None or not title:
            continue
        entries.append(
            CatalogueEntry(
                title=title,
                doc_number=re.sub(r"\s+", "", cells[2]),
                issuers=[canonical_issuer(n.strip()) for n in cells[0].split("、") if n.strip()],
                promulgated_on=issued,
                order=len(entries),
            )
        )
    return entries
