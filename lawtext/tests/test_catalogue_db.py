import sqlite3
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path

import pytest

from lawtext.catalogue_db import (
    CatalogueIndex,
    CatalogueRow,
    catalogue_status,
    normalize_title,
    read_catalogue,
    repealed_without_successor,
    split_filename,
)

# The schemas of the real files (`sqlite3 <file> .schema`): the column order differs.
NATIONAL_SCHEMA = """
CREATE TABLE law (id TEXT NOT NULL PRIMARY KEY, level TEXT NOT NULL, name TEXT NOT NULL,
    filename TEXT, publish DATE, expired INTEGER NOT NULL, "order" integer, subtitle TEXT,
    valid_from DATE, ver INTEGER, tags TEXT, category_id TEXT NOT NULL,
    FOREIGN KEY (category_id) REFERENCES category (id));
CREATE INDEX law_category_id ON law ("category_id");
CREATE INDEX law_name ON law ("name");
CREATE TABLE category (id TEXT NOT NULL UNIQUE PRIMARY KEY, name TEXT NOT NULL,
    folder TEXT NOT NULL, isSubFolder INTEGER NOT NULL, "group" TEXT, "order" integer);
"""
LOCAL_SCHEMA = """
CREATE TABLE IF NOT EXISTS "category" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL,
    "folder" TEXT NOT NULL, "isSubFolder" INTEGER NOT NULL, "group" TEXT, "order" INTEGER);
CREATE TABLE IF NOT EXISTS "law" ("id" TEXT NOT NULL PRIMARY KEY, "level" TEXT NOT NULL,
    "name" TEXT NOT NULL, "subtitle" TEXT, "filename" TEXT, "publish" DATE, "valid_from" DATE,
    "expired" INTEGER NOT NULL, "order" INTEGER, "ver" INTEGER NOT NULL, "tags" TEXT,
    "category_id" TEXT NOT NULL);
CREATE INDEX "law_name" ON "law" ("name");
"""

# Rows copied from the real catalogue/national.sqlite3 (ids shortened).
NATIONAL_CATEGORIES = [
    ("4133bf9e", "行政法", "行政法", 0, None, 3),
    ("8c524cbd", "刑法", "刑法", 0, None, 6),
    ("a5d55fd7", "诉讼与非诉讼程序法", "诉讼与非诉讼程序法", 0, None, 8),
    ("4dac710b", "民法典", "民法典", 0, None, 1),
]
# (id, level, name, filename, publish, expired, order, subtitle, valid_from, ver, tags, category)
NATIONAL_LAWS = [
    (
        "0bdb9060",
        "法律",
        "刑法修正案（七）",
        "",
        "2009-02-28",
        0,
        8,
        "",
        "2009-02-28",
        1,
        "",
        "8c524cbd",
    ),
    (
        "29eab9ee",
        "法律",
        "国境卫生检疫法",
        "",
        "2018-04-27",
        0,
        None,
        "",
        "2018-04-27",
        1,
        "",
        "4133bf9e",
    ),
    ("4fafa79c", "法律", "国境卫生检疫法", "", "2024-06-28", 0, None, "", "", 0, "", "4133bf9e"),
    (
        "91b576e3",
        "法律",
        "数据安全法",
        "",
        "2021-06-10",
        0,
        None,
        "",
        "2021-09-01",
        1,
        "",
        "4133bf9e",
    ),
    (
        "8f6f8565",
        "法律",
        "民事诉讼法",
        "",
        "2021-12-24",
        1,
        None,
        "",
        "2022-01-01",
        1,
        "",
        "a5d55fd7",
    ),
    (
        "2ceea2f2",
        "法律",
        "民事诉讼法",
        "",
        "2023-09-01",
        0,
        None,
        "",
        "2023-09-01",
        0,
        "",
        "a5d55fd7",
    ),
    ("48c29fef", "法律", "民法典 总则", "总则", None, 0, 110, "", None, 1, "", "4dac710b"),
    (
        "efeb800a",
        "法律",
        "环境噪声污染防治法",
        "",
        "2018-12-29",
        1,
        None,
        "",
        "2018-12-29",
        1,
        "",
        "4133bf9e",
    ),
]
# Rows copied from the real catalogue/local-上海.sqlite3.
LOCAL_CATEGORIES = [("dca45d2a", "上海", "地方性法规/上海", 1, "地方法规", None)]
# (id, level, name, subtitle, filename, publish, valid_from, expired, order, ver, tags, category)
LOCAL_LAWS = [
    ("b8d9e035", "地方性法规", "上海市殡葬管理条例", "", "", "", "", 0, None, 1, "", "dca45d2a"),
    (
        "dc9fa8ac",
        "地方性法规",
        "上海市殡葬管理条例",
        "",
        "",
        "2024-08-22",
        "",
        0,
        None,
        0,
        "",
        "dca45d2a",
    ),
    (
        "23a4c46f",
        "地方性法规",
        "上海市宗教事务条例",
        "",
        "",
        "2018-11-22",
        "2019-03-01",
        0,
        None,
        1,
        "",
        "dca45d2a",
    ),
]


def _write_db(path: Path, schema: str, categories: list, laws: list) -> Path:
    connection = sqlite3.connect(path)
    with connection:
        connection.executescript(schema)
        connection.executemany("INSERT INTO category VALUES (?, ?, ?, ?, ?, ?)", categories)
        connection.executemany(f"INSERT INTO law VALUES ({', '.join('?' * 12)})", laws)
    connection.close()
    return path


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    _write_db(tmp_path / "national.sqlite3", NATIONAL_SCHEMA, NATIONAL_CATEGORIES, NATIONAL_LAWS)
    _write_db(tmp_path / "local-上海.sqlite3", LOCAL_SCHEMA, LOCAL_CATEGORIES, LOCAL_LAWS)
    return tmp_path


@pytest.fixture
def index(catalogue_dir: Path) -> CatalogueIndex:
    return CatalogueIndex.from_directory(catalogue_dir)


def test_read_catalogue_reads_columns_by_name(catalogue_dir: Path) -> None:
    national = read_catalogue(catalogue_dir / "national.sqlite3")
    local = read_catalogue(catalogue_dir / "local-上海.sqlite3")
    assert len(national) == len(NATIONAL_LAWS) and len(local) == len(LOCAL_LAWS)
    assert national[3] == CatalogueRow(
        title="数据安全法",
        level="法律",
        promulgated_on=date(2021, 6, 10),
        effective_on=date(2021, 9, 1),
        expired=False,
        folder="行政法",
    )
    # the local schema puts publish/valid_from/expired in another order
    assert local[2].promulgated_on == date(2018, 11, 22)
    assert local[2].effective_on == date(2019, 3, 1)
    assert local[2].folder == "地方性法规/上海"
    assert local[0].promulgated_on is None and local[0].effective_on is None  # '' dates
    assert national[6].promulgated_on is None and national[6].filename == "总则"  # NULL dates
    assert national[4].expired is True
    with pytest.raises(FrozenInstanceError):
        national[0].title = "x"  # type: ignore[misc]


def test_read_catalogue_opens_read_only(catalogue_dir: Path) -> None:
    path = catalogue_dir / "national.sqlite3"
    before = path.read_bytes()
    read_catalogue(path)
    assert path.read_bytes() == before
    assert not (catalogue_dir / "national.sqlite3-journal").exists()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not found.*nowhere.sqlite3"):
        read_catalogue(tmp_path / "nowhere.sqlite3")


def test_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database, just some text " * 100)
    with pytest.raises(ValueError, match="broken.sqlite3"):
        read_catalogue(broken)


def test_truncated_file_is_a_clear_error(catalogue_dir: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes((catalogue_dir / "national.sqlite3").read_bytes()[:1500])
    with pytest.raises(ValueError, match="truncated.sqlite3"):
        read_catalogue(truncated)


def test_wrong_tables_are_a_clear_error(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE law (id TEXT, title TEXT)")
    connection.close()
    with pytest.raises(ValueError, match=r"other.sqlite3 lacks law\.name"):
        read_catalogue(other)


def test_unreadable_date_is_a_clear_error(tmp_path: Path) -> None:
    laws = [NATIONAL_LAWS[0][:4] + ("28/02/2009",) + NATIONAL_LAWS[0][5:]]
    path = _write_db(tmp_path / "bad.sqlite3", NATIONAL_SCHEMA, NATIONAL_CATEGORIES, laws)
    with pytest.raises(ValueError, match="bad.sqlite3.*刑法修正案.*publish"):
        read_catalogue(path)


def test_empty_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no catalogue files"):
        CatalogueIndex.from_directory(tmp_path)


def test_split_filename_and_normalize_title() -> None:
    assert split_filename("民事诉讼法(2021-12-24).md") == ("民事诉讼法", date(2021, 12, 24))
    assert split_filename("laws-full/刑法/刑法修正案（七）.md") == ("刑法修正案（七）", None)
    assert split_filename("名称（2021-12-30）.md") == ("名称", date(2021, 12, 30))
    assert split_filename("名称(2021-02-30).md") == ("名称(2021-02-30)", None)
    assert normalize_title("中华人民共和国刑法修正案（七）") == "刑法修正案(七)"
    assert normalize_title("民法典 总则") == "民法典总则"
    assert normalize_title("外国人在中华人民共和国收养子女登记办法") == (
        "外国人在中华人民共和国收养子女登记办法"
    )


def test_find_by_name_and_date(index: CatalogueIndex) -> None:
    row = index.find("民事诉讼法(2021-12-24).md", "laws-full/诉讼与非诉讼程序法")
    assert row is not None and row.promulgated_on == date(2021, 12, 24) and row.expired
    newer = index.find("民事诉讼法(2023-09-01).md")
    assert newer is not None and not newer.expired
    assert index.find("民事诉讼法(2020-01-01).md") is None  # no such version
    assert index.find("不存在的法(2020-01-01).md") is None
    assert index.find("国境卫生检疫法(2024-06-28).md").effective_on is None


def test_find_with_prefix_and_bracket_width(index: CatalogueIndex) -> None:
    row = index.find("中华人民共和国数据安全法(2021-06-10).md")
    assert row is not None and row.title == "数据安全法"
    # the catalogue writes （七）; a file may write (七) and carry the prefix
    assert index.find("中华人民共和国刑法修正案(七)(2009-02-28).md").title == "刑法修正案（七）"


def test_find_without_date(index: CatalogueIndex) -> None:
    # 名称.md joins the row whose publish date is empty, not the dated version
    undated = index.find("上海市殡葬管理条例.md", "local/上海")
    assert undated is not None and undated.promulgated_on is None
    dated = index.find("上海市殡葬管理条例(2024-08-22).md", "local/上海")
    assert dated is not None and dated.promulgated_on == date(2024, 8, 22)
    # the filename column: 民法典/总则.md is the row 民法典 总则
    assert index.find("总则.md", "laws-full/民法典").title == "民法典 总则"
    assert index.find("民法典 总则.md").title == "民法典 总则"
    # a file named without a date whose title has a single (dated) row
    assert index.find("刑法修正案（七）.md", "laws-full/刑法").title == "刑法修正案（七）"
    # ... but no guess between two dated versions
    assert index.find("国境卫生检疫法.md") is None


def test_folder_breaks_ties() -> None:
    rows = [
        CatalogueRow("广告法", "法律", date(2021, 4, 29), None, False, "行政法"),
        CatalogueRow("广告法", "法律", date(2021, 4, 29), None, False, "经济法"),
    ]
    index = CatalogueIndex(rows)
    assert index.find("广告法(2021-04-29).md", "laws-full/经济法") is rows[1]
    assert index.find("广告法(2021-04-29).md", "laws-full/行政法") is rows[0]
    assert index.find("广告法(2021-04-29).md", "laws-full/其他") is rows[0]
    assert index.find("广告法(2021-04-29).md") is rows[0]


def test_statuses(index: CatalogueIndex) -> None:
    def status(filename: str) -> str:
        row = index.find(filename)
        assert row is not None, filename
        return catalogue_status(row, index)

    assert status("民事诉讼法(2021-12-24).md") == "superseded"  # 失效, 2023 version exists
    assert status("民事诉讼法(2023-09-01).md") == "in_force"
    assert status("环境噪声污染防治法(2018-12-29).md") == "repealed"  # 失效, nothing later
    assert status("数据安全法(2021-06-10).md") == "in_force"
    assert status("国境卫生检疫法(2018-04-27).md") == "in_force"  # not marked 失效
    assert [row.title for row in repealed_without_successor(index)] == ["环境噪声污染防治法"]


def test_expired_undated_row_with_a_dated_version_is_superseded() -> None:
    old = CatalogueRow("北京市某条例", "地方性法规", None, None, True, "地方性法规/北京")
    new = CatalogueRow(
        "北京市某条例", "地方性法规", date(2022, 5, 25), None, False, "地方性法规/北京"
    )
    alone = CatalogueRow("北京市另一条例", "地方性法规", None, None, True, "地方性法规/北京")
    index = CatalogueIndex([old, new, alone])
    assert catalogue_status(old, index) == "superseded"
    assert catalogue_status(new, index) == "in_force"
    assert catalogue_status(alone, index) == "repealed"
    assert index.later_versions(old) == [new]


CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"  # shipped with the product


def test_real_catalogue_joins_the_corpus() -> None:
    corpus = CORPUS
    index = CatalogueIndex.from_directory(corpus / "catalogue")
    assert len(index) > 1000
    files = [path for sub in ("laws-full", "local") for path in (corpus / sub).rglob("*.md")]
    assert len(files) == 1512 + 918
    unjoined = [
        str(path.relative_to(corpus))
        for path in files
        if index.find(path.name, str(path.parent.relative_to(corpus))) is None
    ]
    joined = len(files) - len(unjoined)
    assert joined >= 0.99 * len(files), (
        f"{joined}/{len(files)} files join; not joined:\n" + "\n".join(sorted(unjoined))
    )
    statuses = {catalogue_status(row, index) for row in index.rows}
    assert statuses == {"in_force", "superseded", "repealed"}
