from datetime import date

import pytest

from lawtext.lawfile import parse_law_markdown
from lawtext.metadata import derive_level, find_doc_number
from lawtext.structure import parse_structure, truncation_problem
from lawtext.textnorm import clean_line, find_dates, normalize_chars

LAW = """# 中华人民共和国示例法

2018年8月31日 第十三届全国人民代表大会常务委员会第五次会议通过

<!-- INFO END -->

## 第一章 总　则

第一条 为了示例，制定本法。

第二条　本法所称示例，是指：

（一）第一项；

（二）第二项。

## 第二章 分则

### 第一节 一般规定

第三条 依照本法第一条规定。

第三条之一 新增的条文。

第一百二十八 条侦查人员应当示例。

笫五条 错字的条。

第六条 本法自2019年1月1日起施行。
"""


def test_law_markdown_clauses_headings_and_paragraphs():
    parsed = parse_law_markdown(LAW, filename="laws/民法商法/示例法(2018-08-31).md")
    assert parsed.title == "中华人民共和国示例法"
    labels = [c.label for c in parsed.clauses]
    assert labels == [
        "第一条",
        "第二条",
        "第三条",
        "第三条之一",
        "第一百二十八条",
        "第五条",
        "第六条",
    ]
    assert parsed.clauses[1].paragraphs == [
        "本法所称示例，是指：",
        "（一）第一项；",
        "（二）第二项。",
    ]
    assert parsed.clauses[0].chapter == "第一章 总 则"
    assert parsed.clauses[2].chapter == "第二章 分则"
    assert parsed.clauses[2].section == "第一节 一般规定"
    assert parsed.clauses[3].suffix == "之一" and parsed.clauses[3].number == 3
    assert parsed.clauses[4].paragraphs == ["侦查人员应当示例。"]
    assert parsed.version_date == date(2018, 8, 31)
    assert parsed.effective_on == date(2019, 1, 1)
    assert parsed.issuers == ["全国人民代表大会常务委员会"]
    assert parsed.level == "法律"


def test_references_and_quoted_amendments_do_not_start_clauses():
    preamble, clauses = parse_structure(
        [
            "第一条 修改如下：",
            "“第一百二十条之二 有下列情形之一的，处五年以下有期徒刑。”",
            "第五十条的规定，适用于禁闭措施。",
            "第二条 其他。",
        ]
    )
    assert [c.label for c in clauses] == ["第一条", "第二条"]
    assert len(clauses[0].paragraphs) == 3


def test_plain_headings_without_markdown_and_long_lines_are_not_headings():
    _, clauses = parse_structure(
        [
            "第一章 总则",
            "第一条 甲。",
            "第七节相应改为第八节，第一百二十三条至第一百三十八条相应改为第一百二十八条。",
            "第二章 附则",
            "第二条 乙。",
        ]
    )
    assert clauses[0].chapter == "第一章 总则"
    assert len(clauses[0].paragraphs) == 2
    assert clauses[1].chapter == "第二章 附则"


def test_items_become_clauses_when_there_is_no_article_numbering():
    preamble, clauses = parse_structure(
        [
            "现就有关事项提出如下意见：",
            "一、明确指导思想",
            "（一）坚持服务实体经济。",
            "（二）坚持鼓励金融创新。",
            "二、加强政策支持",
            "（三）鼓励有条件的企业。",
            "续写的一段。",
        ]
    )
    assert preamble == ["现就有关事项提出如下意见："]
    assert [(c.number, c.label) for c in clauses] == [(1, "（一）"), (2, "（二）"), (3, "（三）")]
    assert clauses[2].chapter == "二、加强政策支持"
    assert clauses[2].paragraphs[-1] == "续写的一段。"


def test_top_level_items_are_clauses_when_sub_items_restart():
    _, clauses = parse_structure(
        [
            "一、第一项修改。",
            "（一）甲",
            "（二）乙",
            "二、第二项修改。",
            "（一）丙",
        ]
    )
    assert [c.label for c in clauses] == ["一、", "二、"]
    assert clauses[0].paragraphs == ["一、第一项修改。", "（一）甲", "（二）乙"]


def test_bold_markdown_clause_labels():
    _, clauses = parse_structure(["### 条例", "**第一条** 为了保障公平竞争。", "**第二条** 乙。"])
    assert [c.label for c in clauses] == ["第一条", "第二条"]
    assert clauses[0].paragraphs == ["为了保障公平竞争。"]


def test_text_repair_helpers():
    assert normalize_chars("２０１２年ＡＢ") == "2012年AB"
    assert clean_line(" 2014 年 8 月 7 日 第 654 号 ") == "2014年8月7日 第654号"
    assert normalize_chars("处臵") == "处置"
    assert find_dates("2014年2月30日 与 2014年10月1日") == [date(2014, 10, 1)]


def test_metadata_helpers():
    assert find_doc_number("中华人民共和国国务院令 第 654 号") == "中华人民共和国国务院令第654号"
    assert find_doc_number("国发〔2014〕21 号") == "国发〔2014〕21号"
    assert (
        derive_level(doc_number="中华人民共和国主席令第7号", title="电子商务法", issuers=[])
        == "法律"
    )
    assert (
        derive_level(doc_number="国务院令第654号", title="条例", issuers=["国务院"]) == "行政法规"
    )
    assert (
        derive_level(doc_number="海关总署令〔2018〕238号", title="办法", issuers=[]) == "部门规章"
    )
    assert (
        derive_level(
            doc_number="工商市字〔2014〕106号",
            title="社会责任指引",
            issuers=["国家工商行政管理总局"],
        )
        == "行业指引"
    )
    assert (
        derive_level(doc_number="", title="若干意见", issuers=["上海市人民政府"])
        == "地方规范性文件"
    )
    assert (
        derive_level(doc_number="国发〔2014〕21号", title="纲要", issuers=["国务院"])
        == "规范性文件"
    )


@pytest.mark.parametrize(
    "ending",
    [
        "第三条 经营者应当遵守法律，不得",  # stops inside a sentence
        "第三条 经营者应当遵守下列规定：\n（一）公开信息；",  # an item list that goes on
        "第三条 经营者、",
        "第三条 依照《中华人民共和国",
    ],
)
def test_a_text_cut_off_mid_clause_is_recognised(ending):
    text = f"# 中华人民共和国测试法\n\n<!-- INFO END -->\n\n第一条 甲。\n\n{ending}"
    assert "截断" in truncation_problem(text)


@pytest.mark.parametrize(
    "ending",
    [
        "第三条 本法自公布之日起施行。",
        "第十九条 本办法自发布之日起施行",  # an official text without its final 。
        "附表：",
        "资源税税目税率表",
        "第三条 下列物品：钢材、铝材、工装夹具等",
    ],
)
def test_complete_texts_are_not_taken_for_cut_off(ending):
    text = f"# 中华人民共和国测试法\n\n<!-- INFO END -->\n\n第一条 甲。\n\n{ending}\n"
    assert truncation_problem(text) is None


def test_a_second_fenbian_replaces_the_first_when_the_file_names_no_bian():
    # laws-full/民法典/物权编.md: the file is one 编 and its headings name only the 分编.
    body = ["## 第一分编  通则", "第二百零五条 甲。", "## 第二分编  所有权", "第二百四十条 乙。"]
    _, clauses = parse_structure(body)
    assert [c.part for c in clauses] == ["第一分编 通则", "第二分编 所有权"]
