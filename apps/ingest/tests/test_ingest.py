"""Ingestion checked against the source texts, and its safety on bad input."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from apps.documents.models import Article, Publication
from apps.ingest.services import corpus_ingest
from apps.policies.models import Citation, Clause, Regulation
from lawtext.numerals import cn_to_int

LAWS = sorted((Path(settings.CORPUS_DIR) / "laws").rglob("*.md"))
CLAUSE_LINE = re.compile(
    r"^(?:\*\*)?第([一二三四五六七八九十百千零]+)条(之[一二三四五六七八九十]+)?(?:\*\*)?\s"
)
HEADING_LINE = re.compile(r"^#+\s")


def _source_clauses(path: Path) -> list[tuple[str, list[str], str, str]]:
    """(label, paragraphs, chapter, section) read straight from a law file, line by line."""
    body = path.read_text(encoding="utf-8").split("<!-- INFO END -->", 1)[1]
    clauses, chapter, section = [], "", ""
    for raw in body.splitlines():
        line = raw.replace("\u3000", " ").replace("\u200b", "").strip()
        if not line:
            continue
        if HEADING_LINE.match(line):
            heading = re.sub(r"\s+", " ", line.lstrip("#").strip())
            if "节" in heading.split(" ")[0]:
                section = heading
            else:
                chapter, section = heading, ""
            continue
        match = CLAUSE_LINE.match(line)
        if match:
            label = f"第{match[1]}条{match[2] or ''}"
            clauses.append((label, [line[match.end() :].strip()], chapter, section))
        elif clauses:
            clauses[-1][1].append(line)
    return clauses


@pytest.mark.django_db
@pytest.mark.parametrize("path", LAWS, ids=[p.stem for p in LAWS])
def test_every_law_clause_matches_its_source(path):
    source = _source_clauses(path)
    regulation = Regulation.objects.get(source_path__endswith=path.name)
    stored = list(regulation.clauses.order_by("order"))
    assert [c.label for c in stored] == [s[0] for s in source]
    numbers = [c.number for c in stored if not c.suffix]
    assert numbers == list(range(1, len(numbers) + 1)), "clause numbers have a gap"
    for clause, (label, paragraphs, chapter, section) in zip(stored, source, strict=True):
        assert clause.number == cn_to_int(label[1 : label.index("条")])
        assert clause.paragraphs == [
            re.sub(r"(?<=\d) +(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff]) +(?=\d)", "", p)
            for p in paragraphs
        ], label
        assert (clause.chapter, clause.section) == (chapter, section), label


@pytest.mark.django_db
def test_ecommerce_law_has_89_clauses_in_7_chapters():
    law = Regulation.objects.get(title="中华人民共和国电子商务法")
    assert law.clauses.count() == 89
    assert law.clauses.values("chapter").distinct().count() == 7
    clause9 = law.clauses.get(number=9)
    assert len(clause9.paragraphs) == 3
    assert clause9.chapter == "第二章 电子商务经营者"
    assert clause9.section == "第一节 一般规定"
    assert law.level == "法律" and law.short_title == "电子商务法"
    assert law.issuers.get().name == "全国人民代表大会常务委员会"
    assert str(law.effective_on) == "2019-01-01"
    assert law.has_full_text


@pytest.mark.django_db
def test_versions_get_statuses():
    old, new = Regulation.objects.filter(title="中华人民共和国国境卫生检疫法").order_by(
        "promulgated_on"
    )
    assert (old.status, new.status) == ("已被修改", "现行有效")
    assert old.slug != new.slug


@pytest.mark.django_db
def test_citations_are_resolved_to_clauses():
    law = Regulation.objects.get(title="中华人民共和国电子商务法")
    clause44 = law.clauses.get(number=44)
    targets = [c.target_clause.number for c in clause44.citations.all() if c.target_clause]
    assert targets[:2] == [42, 43]
    assert Citation.objects.filter(target_clause__isnull=False).count() > 100


@pytest.mark.django_db
def test_ingest_twice_changes_nothing():
    counts = (
        Regulation.objects.count(),
        Clause.objects.count(),
        Article.objects.count(),
        Citation.objects.count(),
    )
    clause_ids = set(Clause.objects.values_list("pk", flat=True))
    report = corpus_ingest(paths=settings.TEST_CORPUS_PATHS)
    assert {f.outcome for f in report.files} == {"unchanged"}
    forced = corpus_ingest(paths=settings.TEST_CORPUS_PATHS, force=True)
    assert {f.outcome for f in forced.files} == {"updated"}
    assert (
        Regulation.objects.count(),
        Clause.objects.count(),
        Article.objects.count(),
        Citation.objects.count(),
    ) == counts
    assert set(Clause.objects.values_list("pk", flat=True)) == clause_ids


def _law_copy(tmp_path: Path, name="电子签名法(2019-04-23).md") -> Path:
    source = next(p for p in LAWS if p.name == name)
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target


def _law_of_its_own(tmp_path: Path) -> Path:
    """A copy of 电子签名法 under another title: a regulation of its own, not a copy of one."""
    path = _law_copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("电子签名法", "电子签名试验法"), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_changed_file_updates_its_records(tmp_path):
    path = _law_of_its_own(tmp_path)
    corpus_ingest(paths=[path])
    regulation = Regulation.objects.get(source_path=str(path.resolve()))
    before = regulation.clauses.count()
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "第二条 本法所称电子签名", "第二条 本法所称的电子签名"
        ),
        encoding="utf-8",
    )
    report = corpus_ingest(paths=[path])
    assert report.files[0].outcome == "updated"
    regulation.refresh_from_db()
    assert regulation.clauses.count() == before
    assert regulation.clauses.get(number=2).text.startswith("本法所称的电子签名")
    assert (
        Regulation.objects.filter(
            title=regulation.title, promulgated_on=regulation.promulgated_on
        ).count()
        == 1
    )


BAD_FILES = {
    "empty.md": b"",
    "blank.md": b"  \n\n ",
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR",
    "gbk.md": "# 中华人民共和国测试法\n\n<!-- INFO END -->\n\n第一条 测试。\n".encode("gbk"),
    "utf16.md": "# 中华人民共和国测试法\n\n第一条 测试。\n".encode("utf-16"),
    "twice.md": "# 重复条文法\n\n<!-- INFO END -->\n\n第一条 甲。\n\n第一条 乙。\n".encode(),
    "backwards.md": "# 倒序条文法\n\n<!-- INFO END -->\n\n第二条 甲。\n\n第一条 乙。\n".encode(),
    "notitle.md": "没有标题的一段文字。\n".encode(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_reported_and_write_nothing(tmp_path, name):
    bad = tmp_path / name
    bad.write_bytes(BAD_FILES[name])
    good = tmp_path / "good.md"
    good.write_text(
        "# 中华人民共和国测试良好法\n\n<!-- INFO END -->\n\n第一条 甲。\n", encoding="utf-8"
    )
    before = (Regulation.objects.count(), Clause.objects.count())
    report = corpus_ingest(paths=[bad, good])
    outcomes = {Path(f.path).name: f for f in report.files}
    assert outcomes[name].outcome == "failed"
    assert outcomes[name].message
    assert outcomes[good.name].outcome == "created"
    assert not Regulation.objects.filter(source_path=str(bad.resolve())).exists()
    assert Regulation.objects.count() == before[0] + 1


@pytest.mark.django_db
def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:
        handle.write("# 巨大文件法\n\n<!-- INFO END -->\n\n第一条 甲。\n".encode())
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    before = (Regulation.objects.count(), Clause.objects.count())
    report = corpus_ingest(paths=[huge])
    assert report.files[0].outcome == "failed"
    assert "文件过大" in report.files[0].message and "200 MB" in report.files[0].message
    assert (Regulation.objects.count(), Clause.objects.count()) == before


@pytest.mark.django_db
def test_missing_path_is_reported(tmp_path):
    report = corpus_ingest(paths=[tmp_path / "nope.md"])
    assert report.files[0].outcome == "failed"
    assert "不存在" in report.files[0].message


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    path = _law_of_its_own(tmp_path)
    before = (Regulation.objects.count(), Clause.objects.count())
    report = corpus_ingest(paths=[path], dry_run=True)
    assert report.files[0].outcome in ("would-create", "would-update")
    assert (Regulation.objects.count(), Clause.objects.count()) == before


@pytest.mark.django_db
def test_every_regulation_with_clauses_is_numbered_without_gaps():
    for regulation in Regulation.objects.filter(clauses__isnull=False).distinct():
        numbers = [c.number for c in regulation.clauses.order_by("order") if not c.suffix]
        assert numbers == list(range(1, len(numbers) + 1)), regulation.title
        assert all(c.text.strip() for c in regulation.clauses.all()), regulation.title


@pytest.mark.django_db
def test_embedded_regulations_come_from_their_articles():
    embedded = {
        "企业信息公示暂行条例": 25,
        "即时通信工具公众信息服务发展管理暂行规定": 10,
        "关于促进本市互联网金融产业健康发展的若干意见": 20,
        "网络交易平台经营者履行社会责任指引": 35,
    }
    for title, count in embedded.items():
        regulation = Regulation.objects.get(title=title)
        assert regulation.clauses.count() == count, title
        assert regulation.source_article is not None, title
        assert title in regulation.source_article.body or regulation.source_article.title
    # The regulation inside seed 001 and the official file are one record; the official text wins.
    notice = Regulation.objects.get(title="企业信息公示暂行条例")
    assert notice.source_path.endswith("企业信息公示暂行条例(2014-08-07).md")
    assert notice.doc_number.endswith("国务院令第654号") and notice.level == "行政法规"
    guideline = Regulation.objects.get(title="网络交易平台经营者履行社会责任指引")
    assert guideline.clauses.get(number=1).chapter == "第一章 总则"
    assert [b.name for b in guideline.issuers.all()] == ["国家工商行政管理总局"]
    opinions = Regulation.objects.get(title="关于促进本市互联网金融产业健康发展的若干意见")
    assert opinions.clauses.get(number=5).label == "（五）"


@pytest.mark.django_db
def test_catalogue_rows_become_records_merged_with_full_texts():
    catalogued = Regulation.objects.filter(catalogue_publication__isnull=False)
    assert catalogued.count() == 89
    assert catalogued.filter(has_full_text=False).count() == 85
    law = Regulation.objects.get(title="中华人民共和国电子商务法")
    assert law.catalogue_publication is not None and law.has_full_text
    joint = Regulation.objects.get(doc_number="发改财金〔2018〕716号")
    assert joint.issuers.count() == 8 and joint.level == "规范性文件"
    assert Regulation.objects.get(doc_number="海关总署令〔2018〕238号").level == "部门规章"


@pytest.mark.django_db
def test_publications_and_articles():
    assert Publication.objects.count() == 5
    issue = Publication.objects.get(issue_label__contains="第7期")
    assert issue.publisher == "上海市电子商务行业协会"
    columns = set(issue.articles.values_list("column", flat=True))
    assert {"重要消息", "政策规范"} <= columns
    assert not Article.objects.filter(body__contains="处臵").exists()
    assert Article.objects.filter(source="本刊编辑部整理").count() >= 5
