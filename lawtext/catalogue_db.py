"""The corpus collection's own catalogue (SQLite): one row per law version, joined to the files.

`catalogue/national.sqlite3` covers laws/ and laws-full/, `catalogue/local-<省>.sqlite3` covers
local/<省>/. Table `law` (name, level, publish, valid_from, expired, filename, category_id) and
table `category` (id, folder); the column order differs from file to file, so columns are read
by name. A corpus file is `名称(公布日期).md`, or `名称.md` where the row has no publish date, or
`<filename>.md` where the row has a `filename` (民法典 总则 → 民法典/总则.md).

The catalogue is a secondary source: the file's own header wins for dates. It is the only source
for repeals the texts do not state: `expired` = 1 means 失效, either repealed or superseded by a
later version of the same title (see `catalogue_status`).
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

__all__ = [
    "CatalogueIndex",
    "CatalogueRow",
    "catalogue_status",
    "normalize_title",
    "read_catalogue",
    "repealed_without_successor",
    "split_filename",
]

STATUS_REPEALED = "repealed"
STATUS_SUPERSEDED = "superseded"
STATUS_IN_FORCE = "in_force"

_PRC = "中华人民共和国"
# Bracket pairs folded to one form; the corpus and the catalogue mix （） and ().
_TITLE_TABLE = str.maketrans({"（": "(", "）": ")", "〔": "[", "〕": "]", "［": "[", "］": "]"})
_SPACES_RE = re.compile(r"[\s\u3000]+")
# The publish date that ends a corpus file name: 名称(2021-12-30).md (either bracket width).
_FILENAME_DATE_RE = re.compile(r"[(（](\d{4})-(\d{1,2})-(\d{1,2})[)）]$")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")

_LAW_COLUMNS = ("name", "level", "publish", "valid_from", "expired", "category_id")


@dataclass(frozen=True)
class CatalogueRow:
    """One version of one law as the catalogue lists it."""

    title: str
    level: str
    promulgated_on: date | None
    effective_on: date | None
    expired: bool
    folder: str  # category.folder, e.g. "行政法", "部门规章/公安部", "地方性法规/上海"
    filename: str = ""  # the file stem when it is not the title (民法典 总则 → 总则)


def normalize_title(title: str) -> str:
    """The comparable form of a title: one bracket width, no spaces, no 中华人民共和国 prefix."""
    text = _SPACES_RE.sub("", title.translate(_TITLE_TABLE))
    if text.startswith(_PRC) and len(text) > len(_PRC):
        text = text[len(_PRC) :]
    return text


def split_filename(filename: str) -> tuple[str, date | None]:
    """'名称(2021-12-30).md' → ('名称', 2021-12-30); '名称.md' → ('名称', None).

    A directory part is ignored. A bracketed suffix that is not a valid date stays in the title.
    """
    stem = PurePosixPath(filename.replace("\\", "/")).name
    if stem.lower().endswith(".md"):
        stem = stem[:-3]
    match = _FILENAME_DATE_RE.search(stem)
    if match:
        try:
            published = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return stem, None
        return stem[: match.start()], published
    return stem, None


def _parse_date(value: object, path: Path, column: str, name: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    match = _ISO_DATE_RE.match(str(value).strip())
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise ValueError(f"{path}: law {name!r} has an unreadable {column} date {value!r}")


def read_catalogue(path: str | Path) -> list[CatalogueRow]:
    """Every row of table `law` of one catalogue file, with its category folder.

    The file is opened read-only. A missing file, a file that is not SQLite, or one without the
    expected tables/columns raises ValueError naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"catalogue file not found: {path}")
    try:
        connection = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise ValueError(f"cannot open catalogue file {path}: {error}") from error
    try:
        law_columns = {row[1] for row in connection.execute("PRAGMA table_info(law)")}
        category_columns = {row[1] for row in connection.execute("PRAGMA table_info(category)")}
        missing = [f"law.{name}" for name in _LAW_COLUMNS if name not in law_columns]
        missing += [f"category.{name}" for name in ("id", "folder") if name not in category_columns]
        if missing:
            raise ValueError(f"catalogue file {path} lacks {', '.join(missing)}")
        filename_sql = "l.filename" if "filename" in law_columns else "''"
        cursor = connection.execute(
            "SELECT l.name, l.level, l.publish, l.valid_from, l.expired, "
            f"{filename_sql}, c.folder, l.category_id "
            "FROM law AS l LEFT JOIN category AS c ON c.id = l.category_id "
            "ORDER BY l.rowid"
        )
        records = cursor.fetchall()
    except sqlite3.Error as error:
        raise ValueError(f"malformed catalogue file {path}: {error}") from error
    finally:
        connection.close()

    rows = []
    for name, level, publish, valid_from, expired, filename, folder, category_id in records:
        if not name:
            raise ValueError(f"{path}: a law row has no name")
        if folder is None:
            raise ValueError(f"{path}: law {name!r} has an unknown category {category_id!r}")
        rows.append(
            CatalogueRow(
                title=str(name).strip(),
                level=str(level or "").strip(),
                promulgated_on=_parse_date(publish, path, "publish", name),
                effective_on=_parse_date(valid_from, path, "valid_from", name),
                expired=bool(int(expired or 0)),
                folder=str(folder).strip().strip("/"),
                filename=str(filename or "").strip(),
            )
        )
    return rows


def _folder_matches(row_folder: str, folder: str) -> bool:
    """'部门规章/公安部' matches 'laws-full/部门规章/公安部'; '地方性法规/上海' matches
    'local/上海' (same last folder)."""
    wanted = [part for part in folder.replace("\\", "/").split("/") if part]
    have = [part for part in row_folder.split("/") if part]
    if not wanted or not have:
        return False
    if wanted[-len(have) :] == have:
        return True
    return wanted[-1] == have[-1]


class CatalogueIndex:
    """Rows of one or more catalogue files, looked up by corpus file name."""

    def __init__(self, rows: list[CatalogueRow] | tuple[CatalogueRow, ...] = ()) -> None:
        self.rows: list[CatalogueRow] = list(rows)
        self._by_key: dict[tuple[str, date | None], list[CatalogueRow]] = defaultdict(list)
        self._by_title: dict[str, list[CatalogueRow]] = defaultdict(list)
        self._by_stem: dict[str, list[CatalogueRow]] = defaultdict(list)
        for row in self.rows:
            title = normalize_title(row.title)
            self._by_title[title].append(row)
            keys = {title}
            if row.filename:
                keys.add(normalize_title(row.filename))
            for key in keys:
                self._by_key[(key, row.promulgated_on)].append(row)
                self._by_stem[key].append(row)

    @classmethod
    def from_files(cls, *paths: str | Path) -> CatalogueIndex:
        return cls([row for path in paths for row in read_catalogue(path)])

    @classmethod
    def from_directory(cls, directory: str | Path) -> CatalogueIndex:
        """Every `*.sqlite3` file of a catalogue/ folder."""
        paths = sorted(Path(directory).glob("*.sqlite3"))
        if not paths:
            raise ValueError(f"no catalogue files (*.sqlite3) in {directory}")
        return cls.from_files(*paths)

    def __len__(self) -> int:
        return len(self.rows)

    def find(self, filename: str, folder: str = "") -> CatalogueRow | None:
        """The row of a corpus file ('名称(2021-12-30).md' or '名称.md'), or None.

        Title and publish date must both match (a file without a date joins a row without one,
        or else the title's only row).
        When several rows match, the one whose category folder matches `folder` (the file's
        corpus folder, e.g. 'laws-full/行政法' or 'local/上海') is preferred.
        """
        title, published = split_filename(filename)
        key = normalize_title(title)
        candidates = self._by_key.get((key, published), [])
        if not candidates and published is None:
            # 刑法修正案（七）.md: a file named without a date although its row has one. Only
            # when the title has a single version (in the file's folder), so no guess is made.
            candidates = self._by_stem.get(key, [])
            if folder and len(candidates) > 1:
                candidates = [row for row in candidates if _folder_matches(row.folder, folder)]
            if len(candidates) != 1:
                return None
        if not candidates:
            return None
        if folder and len(candidates) > 1:
            preferred = [row for row in candidates if _folder_matches(row.folder, folder)]
            if preferred:
                return preferred[0]
        return candidates[0]

    def versions(self, row: CatalogueRow) -> list[CatalogueRow]:
        """Every row of the same (normalised) title, the row itself included."""
        return list(self._by_title.get(normalize_title(row.title), [row]))

    def later_versions(self, row: CatalogueRow) -> list[CatalogueRow]:
        """Rows of the same title that replace this one.

        A row with a later publish date; a dated row where this one has no date; or, for an
        expired row, a same-title row that is still in force (whatever its date).
        """
        later = []
        for other in self.versions(row):
            if other is row or other == row:
                continue
            if row.promulgated_on is None:
                newer = other.promulgated_on is not None
            else:
                newer = (
                    other.promulgated_on is not None and other.promulgated_on > row.promulgated_on
                )
            if newer or (row.expired and not other.expired):
                later.append(other)
        return later


def catalogue_status(row: CatalogueRow, index: CatalogueIndex) -> str:
    """'repealed' (失效, no later version in the catalogue), 'superseded' (失效, replaced by a
    later version of the same title) or 'in_force' (not marked 失效)."""
    if not row.expired:
        return STATUS_IN_FORCE
    return STATUS_SUPERSEDED if index.later_versions(row) else STATUS_REPEALED


def repealed_without_successor(index: CatalogueIndex) -> list[CatalogueRow]:
    """The rows the catalogue marks 失效 for which no later version exists: the repeals."""
    return [row for row in index.rows if catalogue_status(row, index) == STATUS_REPEALED]
