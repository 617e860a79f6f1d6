from pathlib import Path

import pytest

from lawtext.issuers import (
    bodies_in_text,
    canonical_issuer,
    decision_bodies,
    issuer_alias_rows,
    issuer_aliases,
)
from lawtext.lawfile import parse_law_markdown
from lawtext.publication import parse_publication

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def test_every_alias_row_maps_to_its_canonical_name():
    for canonical, alias, source in issuer_alias_rows():
        assert source, alias
        assert canonical_issuer(alias) == canonical


def test_no_canonical_name_is_an_alias():
    aliases = issuer_aliases()
    assert not {canonical for canonical, _, _ in issuer_alias_rows()} & aliases.keys()


def test_the_aliases_the_brief_names():
    assert canonical_issuer("全国人大常委会") == "全国人民代表大会常务委员会"
    assert canonical_issuer("全国人大") == "全国人民代表大会"
    assert canonical_issuer("市场监管总局") == "国家市场监督管理总局"
    assert canonical_issuer("市场监督管理总局") == "国家市场监督管理总局"
    assert canonical_issuer("工商总局") == "国家工商行政管理总局"
    assert canonical_issuer("国家工商总局") == "国家工商行政管理总局"


def test_people_s_congress_short_forms_for_any_place():
    assert canonical_issuer("浙江省人大常委会") == "浙江省人民代表大会常务委员会"
    # local/上海/…: "上海市第十一届人民代表大会常委会第N次会议《…》第N次修正"
    assert canonical_issuer("上海市第十一届人民代表大会常委会") == "上海市人民代表大会常务委员会"
    # local/浙江/宁波市人民调解条例(2015-04-13).md: "省十二届人大常委会第十八次会议批准"
    assert (
        canonical_issuer("省十二届人大常委会", province="浙江省") == "浙江省人民代表大会常务委员会"
    )


@pytest.mark.parametrize(
    ("line", "bodies"),
    [
        # local/浙江/丽水市扬尘污染防治规定(2021-12-30).md
        (
            "2021年11月26日 丽水市第四届人民代表大会常务委员会第三十四次会议通过",
            ["丽水市人民代表大会常务委员会"],
        ),
        # laws-full/行政法规/企业信息公示暂行条例(2014-08-07).md
        ("2014年8月7日 中华人民共和国国务院令第654号公布", ["国务院"]),
        # laws-full/行政法规/学校体育工作条例(2017-03-01).md
        (
            "1990年3月12日 国家教育委员会令第8号、国家体育运动委员会令第11号发布",
            ["国家教育委员会", "国家体育运动委员会"],
        ),
        # laws-full/部门规章/市场监督管理总局/药品进口管理办法(2003-08-18).md
        (
            "2003年8月18日 食品药品监管局、海关总署第4号令公布",
            ["国家食品药品监督管理局", "海关总署"],
        ),
        # laws-full/部门规章/人力资源社会保障部/企业职工带薪年休假实施办法(2008-07-17).md
        ("2008年9月18日 经人力资源和社会保障部第1次部务会议通过", ["人力资源和社会保障部"]),
        # local/北京/北京市环境噪声污染防治办法.md
        ("2006年11月17日 北京市人民政府第56次常务会议审议通过", ["北京市人民政府"]),
        # local/北京/北京市邮政通信条例.md (常务员会 as printed)
        (
            "1994年7月22日 北京市第十届人民代表大会常务员会第十一次会议通过",
            ["北京市人民代表大会常务委员会"],
        ),
    ],
)
def test_bodies_in_real_header_lines(line, bodies):
    assert bodies_in_text(line) == bodies


def test_a_court_s_committee_is_the_court():
    # laws-full/司法解释/最高人民法院、最高人民检察院关于办理侵犯知识产权刑事案件
    # 具体应用法律若干问题的解释（二）(2007-04-05).md
    line = (
        "2007年4月4日最高人民法院审判委员会第1422次会议、"
        "最高人民检察院第十届检察委员会第75次会议通过"
    )
    assert bodies_in_text(line) == ["最高人民法院", "最高人民检察院"]


def test_the_body_of_an_approved_decision():
    # local/浙江/杭州市水上交通事故处理条例(2008-08-25).md
    line = (
        "2008年8月1日 浙江省第十一届人民代表大会常务委员会第五次会议批准的"
        "《杭州市人民代表大会常务委员会关于修改〈杭州市水上交通事故处理条例〉的决定》修正"
    )
    assert bodies_in_text(line) == ["浙江省人民代表大会常务委员会"]
    assert decision_bodies(line) == ["杭州市人民代表大会常务委员会"]


def test_no_body_appears_under_two_names_in_the_shipped_corpus():
    names: set[str] = set()
    for path in CORPUS.glob("**/*.md"):
        if path.name != "README.md":
            parsed = parse_law_markdown(path.read_text("utf-8"), filename=str(path))
            names.update(parsed.issuers + parsed.approvers)
    for path in (CORPUS / "seeds").glob("*.txt"):
        publication = parse_publication(path.read_text("utf-8"))
        names.update(name for entry in publication.catalogue for name in entry.issuers)
        for article in publication.articles:
            names.update(name for reg in article.regulations for name in reg.issuers)
    assert len(names) > 100
    assert {canonical_issuer(name) for name in names} == names
    aliases = issuer_aliases()
    assert not names & aliases.keys()
    for name in names:
        assert "中华人民共和国" + name not in names and "国家" + name not in names
