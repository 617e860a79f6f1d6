"""The whole body of law without loss: works over several files, copies of one version in two
folders, collisions, incomplete texts, canonical issuing bodies, regions, the reconciliation."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.ingest.services import corpus_ingest
from apps.policies.models import (
    IssuingBody,
    IssuingBodyAlias,
    Level,
    Regulation,
    RegulationSource,
)
from lawtext.census import count_clause_lines
from lawtext.issuers import issuer_alias_rows
from lawtext.metadata import LEVELS

CORPUS = Path(settings.CORPUS_DIR)
SIGNATURE = CORPUS / "laws" / "民法商法" / "电子签名法(2019-04-23).md"
CIVIL_CODE = CORPUS / "laws-full" / "民法典"


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, folder / source.name))


@pytest.mark.django_db
def test_the_civil_code_is_one_regulation_with_all_its_clauses_under_its_parts(tmp_path):
    files = sorted(CIVIL_CODE.glob("*.md"))
    expected = sum(count_clause_lines(p.read_text(encoding="utf-8")) for p in files)
    report = corpus_ingest(paths=[CIVIL_CODE])
    assert len(report.files) == 1 and report.files[0].outcome == "created", report.files
    code = Regulation.objects.get(title="中华人民共和国民法典")
    clauses = list(code.clauses.order_by("order"))
    assert len(clauses) == expected == 1260
    assert [c.number for c in clauses] == list(range(1, 1261))
    parts = list(dict.fromkeys(c.part.split(" 第")[0] for c in clauses))
    assert parts == [
        "第一编 总则",
        "第二编 物权",
        "第三编 合同",
        "第四编 人格权",
        "第五编 婚姻家庭",
        "第六编 继承",
        "第七编 侵权责任",
        "附则",
    ]
    assert code.clauses.get(number=577).part == "第三编 合同 第一分编 通则"
    assert code.clauses.get(number=1259).part == "附则"
    paths = set(code.sources.values_list("path", flat=True))
    assert len(paths) == 8 and all(p.startswith("fixtures/corpus/laws-full/民法典/") for p in paths)
    assert code.level == "法律" and str(code.effective_on) == "2021-01-01"
    summary = report.reconciliation()
    assert (summary.files_read, summary.expected, summary.stored) == (8, 1260, 1260)
    assert summary.differences == []
    # Unchanged on a second run, one unit still.
    again = corpus_ingest(paths=[CIVIL_CODE])
    assert [f.outcome for f in again.files] == ["unchanged"]
    assert again.reconciliation().stored == 1260


@pytest.mark.django_db
def test_a_byte_identical_copy_in_another_folder_is_one_version_with_both_paths(tmp_path):
    copy = _copy(SIGNATURE, tmp_path / "其他")
    law = Regulation.objects.get(title="中华人民共和国电子签名法")
    before = law.clauses.count()
    report = corpus_ingest(paths=[copy])
    result = report.files[0]
    assert result.outcome == "duplicate" and "逐字节相同" in result.message
    assert str(SIGNATURE.relative_to(settings.BASE_DIR)) in result.message
    assert Regulation.objects.filter(title="中华人民共和国电子签名法").count() == 1
    source = RegulationSource.objects.get(path=str(copy.resolve()))
    assert source.regulation == law and source.role == "duplicate"
    assert law.clauses.count() == before
    summary = report.reconciliation()
    assert summary.stored == 0 and summary.differences[0][3].startswith("重复副本")
    # A second run (forced too) keeps it a copy: the first file's text is never replaced.
    assert corpus_ingest(paths=[copy]).files[0].outcome == "duplicate"
    assert corpus_ingest(paths=[copy], force=True).files[0].outcome == "duplicate"
    law.refresh_from_db()
    assert law.source_path.endswith("laws/民法商法/电子签名法(2019-04-23).md")


@pytest.mark.django_db
def test_a_near_identical_copy_is_recognised_and_said_so(tmp_path):
    copy = _copy(SIGNATURE, tmp_path / "其他")
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("本法所称电子签名", "本法所称的电子签名"),
        encoding="utf-8",
    )
    result = corpus_ingest(paths=[copy]).files[0]
    assert result.outcome == "duplicate" and "基本相同" in result.message
    law = Regulation.objects.get(title="中华人民共和国电子签名法")
    assert law.clauses.get(number=2).text.startswith("本法所称电子签名")  # not overwritten


@pytest.mark.django_db
def test_another_text_under_the_same_identity_is_refused_naming_both_files(tmp_path):
    copy = _copy(SIGNATURE, tmp_path / "其他")
    lines = copy.read_text(encoding="utf-8").splitlines()
    changed = [f"{line}（改）" if line.startswith("第") else line for line in lines]
    copy.write_text("\n".join(changed), encoding="utf-8")
    law = Regulation.objects.get(title="中华人民共和国电子签名法")
    texts = list(law.clauses.values_list("text", flat=True))
    result = corpus_ingest(paths=[copy]).files[0]
    assert result.outcome == "failed"
    assert str(SIGNATURE.relative_to(settings.BASE_DIR)) in result.message
    assert "未覆盖" in result.message
    assert list(law.clauses.values_list("text", flat=True)) == texts
    assert not RegulationSource.objects.filter(path=str(copy.resolve())).exists()


@pytest.mark.django_db
def test_a_work_whose_parts_number_their_clauses_twice_is_refused(tmp_path):
    folder = tmp_path / "试验法典"
    for name, subtitle in (("总则.md", "总则编"), ("分则.md", "分则编")):
        (folder).mkdir(exist_ok=True)
        (folder / name).write_text(
            f"# 试验法典\n\n# {subtitle}\n\n2020年5月28日 第十三届全国人民代表大会第三次会议通过"
            "\n\n<!-- INFO END -->\n\n第一条 甲。\n\n第二条 乙。\n",
            encoding="utf-8",
        )
    report = corpus_ingest(paths=[folder])
    assert [f.outcome for f in report.files] == ["failed"]
    assert "重复" in report.files[0].message
    assert not Regulation.objects.filter(title="试验法典").exists()


@pytest.mark.django_db
def test_a_text_cut_off_is_kept_and_marked_incomplete(tmp_path):
    path = tmp_path / "截断法.md"
    path.write_text(
        "# 截断法\n\n<!-- INFO END -->\n\n第一条 甲。\n\n第二条 经营者，不", encoding="utf-8"
    )
    result = corpus_ingest(paths=[path]).files[0]
    assert result.outcome == "created"
    regulation = Regulation.objects.get(title="截断法")
    assert regulation.incomplete and regulation.clauses.count() == 2
    assert any("可能不完整" in warning for warning in result.warnings)


@pytest.mark.django_db
def test_a_file_with_a_header_and_no_body_keeps_what_the_header_says(tmp_path):
    source = CORPUS / "local" / "广东" / "汕头经济特区突发公共卫生事件应急条例(2022-05-30).md"
    path = _copy(source, tmp_path)
    assert corpus_ingest(paths=[path]).files[0].outcome == "created"
    regulation = Regulation.objects.get(title="汕头经济特区突发公共卫生事件应急条例")
    assert not regulation.has_full_text and "没有正文" in regulation.incomplete
    assert [b.name for b in regulation.issuers.all()] == ["汕头市人民代表大会常务委员会"]
    assert (regulation.province, regulation.city) == ("广东省", "汕头市")


@pytest.mark.django_db
def test_a_city_regulation_has_its_enacting_and_approving_bodies_and_its_region(tmp_path):
    path = _copy(CORPUS / "local" / "浙江" / "丽水市扬尘污染防治规定(2021-12-30).md", tmp_path)
    corpus_ingest(paths=[path])
    regulation = Regulation.objects.get(title="丽水市扬尘污染防治规定")
    assert [b.name for b in regulation.issuers.all()] == ["丽水市人民代表大会常务委员会"]
    assert [b.name for b in regulation.approvers.all()] == ["浙江省人民代表大会常务委员会"]
    assert (regulation.level, regulation.province, regulation.city) == (
        "地方性法规",
        "浙江省",
        "丽水市",
    )


@pytest.mark.django_db
def test_issuing_bodies_are_canonical_and_aliases_are_in_the_table():
    rows = issuer_alias_rows()
    aliases = {alias for _, alias, _ in rows}
    assert IssuingBodyAlias.objects.filter(name__in=aliases).count() == len(aliases)
    assert not IssuingBody.objects.filter(name__in=aliases).exists()
    assert not IssuingBody.objects.filter(name="全国人大常委会").exists()
    canonical = IssuingBodyAlias.objects.get(name="全国人大常委会").body
    assert canonical.name == "全国人民代表大会常务委员会"


@pytest.mark.django_db
def test_the_reconciliation_explains_a_clause_that_starts_in_the_middle_of_a_line():
    path = CORPUS / "local" / "北京" / "北京市人民代表大会议事规则(2022-01-10).md"
    summary = corpus_ingest(paths=[path]).reconciliation()
    assert (summary.expected, summary.stored) == (52, 53)
    [(shown, expected, stored, reason)] = summary.differences
    assert shown.endswith(path.name) and (expected, stored) == (52, 53)
    assert "同一行" in reason
    regulation = Regulation.objects.get(title="北京市人民代表大会议事规则")
    assert regulation.clauses.get(number=16).text.startswith("市人民代表大会")


@pytest.mark.django_db
def test_a_header_that_cannot_be_read_leaves_its_fields_empty_and_says_so(tmp_path):
    path = tmp_path / "某某管理办法.md"
    path.write_text(
        "# 某某管理办法\n\n某年某月 某某会议通过\n\n<!-- INFO END -->\n\n"
        "第一条 为了管理，制定本办法。\n",
        encoding="utf-8",
    )
    result = corpus_ingest(paths=[path]).files[0]
    assert result.outcome == "created"
    regulation = Regulation.objects.get(title="某某管理办法")
    assert regulation.level == "" and regulation.promulgated_on is None
    assert regulation.effective_on is None and not regulation.issuers.exists()
    problems = regulation.problems.splitlines()
    assert any("效力级别" in line for line in problems)
    assert any("制定机关" in line for line in problems)
    assert any("公布日期" in line for line in problems)
    assert regulation.clauses.count() == 1


def test_the_demo_is_a_part_of_the_shipped_corpus_and_takes_no_path():
    assert all(path.is_dir() and CORPUS in path.parents for path in settings.DEMO_CORPUS_PATHS)
    with pytest.raises(CommandError, match="--demo"):
        call_command("ingest", "--demo", str(SIGNATURE))


def test_the_model_levels_are_lawtexts_in_the_same_order_of_authority():
    assert tuple(Level.values) == LEVELS
