"""The structure parser on irregularities met in the corpus, each built from the real lines.

The files named are under /work/shared/corpus/ (local/ = 地方性法规, laws-full/ = national).
"""

from lawtext.structure import parse_structure


def test_markdown_heading_without_space_is_read_and_normalised():
    # local/浙江/台州市城乡规划条例(2016-12-19).md, local/浙江/浙江省城乡规划条例(2011-12-13).md
    _, clauses = parse_structure(
        [
            "## 第一章总则",
            "第一条 为了加强城乡规划管理，制定本条例。",
            "## 第三章城乡规划的实施",
            "### 第一节一般规定",
            "第二十八条 城乡规划的实施应当遵守本条例。",
        ]
    )
    assert clauses[0].chapter == "第一章 总则"
    assert clauses[1].chapter == "第三章 城乡规划的实施"
    assert clauses[1].section == "第一节 一般规定"  # a 节, not taken for a chapter


def test_plain_heading_without_space_but_not_a_sentence_about_a_chapter():
    # 第五章法律责任 as a plain line is a heading; the 宪法修正案（2018年） line is a sentence.
    _, clauses = parse_structure(
        [
            "第一条 甲。",
            "第五章法律责任",
            "第二条 乙。",
            "第七节相应改为第八节，第一百二十三条至第一百三十八条相应改为第一百二十八条至第一百四十三条。",
            "第五章规定的处罚",
        ]
    )
    assert clauses[0].chapter == ""
    assert clauses[1].chapter == "第五章 法律责任"
    assert len(clauses[1].paragraphs) == 3


def test_bare_chapter_names_without_numbers_are_headings():
    # local/广东/潮州市文明行为促进条例(2022-12-16).md: '附 则' on its own line, no Markdown.
    _, clauses = parse_structure(
        [
            "第四十六条 其他违反本条例规定实施不文明行为，依照相关法律法规规定予以行政处罚；"
            "造成损害的，依法承担民事责任；构成犯罪的，依法追究刑事责任。",
            "附 则",
            "第四十七条 本条例自2023年1月1日起施行。",
        ]
    )
    assert len(clauses[0].paragraphs) == 1
    assert clauses[1].chapter == "附 则"


def test_heading_wrapped_over_two_lines_is_joined():
    # local/北京/北京市信访条例.md
    _, clauses = parse_structure(
        [
            "第二十八条 甲。",
            "## 第五章  人民代表大会及其常务委员会",
            "信访事项的受理和办理",
            "第二十九条 信访人可以就下列事项向本市各级人民代表大会及其常务委员会提出信访请求：",
        ]
    )
    assert clauses[1].chapter == "第五章 人民代表大会及其常务委员会信访事项的受理和办理"
    assert clauses[0].paragraphs == ["甲。"]


def test_heading_wrapped_after_an_enumeration_comma():
    # laws-full/经济法/烟草专卖法(2015-04-24).md
    _, clauses = parse_structure(
        [
            "## 第五章 卷烟纸、滤嘴棒、烟用丝束、",
            "烟草专用机械的生产和销售",
            "第二十二条 甲。",
        ]
    )
    assert clauses[0].chapter == "第五章 卷烟纸、滤嘴棒、烟用丝束、烟草专用机械的生产和销售"


def test_unnumbered_sub_heading_after_a_chapter_is_not_joined():
    # local/浙江/舟山市物业管理条例(2021-11-01).md: '业主大会' heads part of the chapter.
    _, clauses = parse_structure(
        [
            "第十二条 甲。",
            "## 第三章  业主组织",
            "业主大会",
            "第十三条 符合成立业主大会条件的物业管理区域，街道办事处应当组织成立业主大会筹备组。",
        ]
    )
    assert clauses[1].chapter == "第三章 业主组织"


def test_clause_starting_in_the_middle_of_a_line_is_split_off():
    # local/北京/北京市人民代表大会议事规则(2022-01-10).md
    _, clauses = parse_structure(
        [
            "第十五条 市人民代表大会会议公开举行。",
            "市人民代表大会在必要的时候，可以举行秘密会议。举行秘密会议，经主席团征求各代表团的"
            "意见后，由主席团会议决定。 第十六条市人民代表大会会议设立秘书处，由秘书长和副秘书长"
            "组成，办理主席团交付的事项和处理会议日常事务工作。",
        ]
    )
    assert [c.label for c in clauses] == ["第十五条", "第十六条"]
    assert clauses[0].paragraphs[-1].endswith("由主席团会议决定。")
    assert clauses[1].paragraphs == [
        "市人民代表大会会议设立秘书处，由秘书长和副秘书长组成，办理主席团交付的事项和处理会议日常事务工作。"
    ]


def test_several_clauses_run_together_on_one_line():
    # laws-full/行政法规/飞行基本规则(2007-10-18).md: a whole chapter on one line.
    _, clauses = parse_structure(
        [
            "第一条 为了维护国家领空主权，制定本规则。 第二条 凡辖有航空器的单位、个人，"
            "必须遵守本规则。 第三条 国家对境内所有飞行实行统一的飞行管制。",
        ]
    )
    assert [c.label for c in clauses] == ["第一条", "第二条", "第三条"]
    assert clauses[1].paragraphs == ["凡辖有航空器的单位、个人，必须遵守本规则。"]
    # A label followed by a space starts a clause even when its text begins with 与.
    _, clauses = parse_structure(
        [
            "第七条 组织与实施飞行，应当按照飞行预先准备、飞行直接准备、飞行实施和飞行讲评等"
            "阶段进行。飞行阶段的具体内容和要求，由各航空管理部门自行规定。 第八条 与飞行有关的"
            "所有单位、人员负有保证飞行安全的责任。",
        ]
    )
    assert [c.label for c in clauses] == ["第七条", "第八条"]
    assert clauses[1].paragraphs == ["与飞行有关的所有单位、人员负有保证飞行安全的责任。"]


def test_references_in_the_middle_of_a_line_are_not_split():
    # laws-full/经济法/矿产资源法(2009-08-27).md: 第四十三条 after a 。 but a reference.
    line = (
        "第四十五条 本法第三十九条、第四十条、第四十二条规定的行政处罚，由县级以上人民政府负责"
        "地质矿产管理工作的部门按照国务院地质矿产主管部门规定的权限决定。第四十三条规定的行政处罚，"
        "由县级以上人民政府工商行政管理部门决定。第四十四条规定的行政处罚，由省、自治区、直辖市"
        "人民政府地质矿产主管部门决定。"
    )
    _, clauses = parse_structure([line, "第四十六条 乙。"])
    assert [c.label for c in clauses] == ["第四十五条", "第四十六条"]
    # The next number right after a sentence, but followed by 规定: a reference too.
    _, clauses = parse_structure(["第五条 甲。第六条规定的事项除外。", "第六条 乙。"])
    assert [c.label for c in clauses] == ["第五条", "第六条"]


def test_ocr_dash_in_a_clause_number_is_read_from_its_neighbours():
    # The corpus README's example (第三十－条); no such line is left in the stored corpus.
    _, clauses = parse_structure(["第三十条 甲。", "第三十－条 乙。", "第三十二条 丙。"])
    assert [c.number for c in clauses] == [30, 31, 32]
    assert clauses[1].label == "第三十一条"
    # A dash that the neighbours do not confirm stays text.
    _, clauses = parse_structure(["第三十条 甲。", "第五－条 乙。"])
    assert [c.number for c in clauses] == [30]


def test_decision_itemised_without_clauses():
    # local/北京/北京市人民代表大会常务委员会关于北京市耕地占用税适用税额的决定(2019-07-26).md
    preamble, clauses = parse_structure(
        [
            "根据《中华人民共和国耕地占用税法》第四条第二款、第五条的规定，决定如下：",
            "## 一、北京市各区耕地占用税的适用税额",
            "朝阳区、海淀区、丰台区、石景山区、通州区为每平方米四十五元。",
            "二、北京市人均耕地低于零点五亩的区，不提高耕地占用税的适用税额。",
            "三、北京市对占用园地、林地、草地的，按照适用税额征收。",
            "本决定自2019年9月1日起施行。",
        ]
    )
    assert [c.label for c in clauses] == ["一、", "二、", "三、"]
    assert clauses[0].paragraphs[1].startswith("朝阳区")
    assert clauses[2].paragraphs[-1] == "本决定自2019年9月1日起施行。"


def test_heading_name_drops_number_and_spaces_and_names_the_innermost():
    from lawtext.structure import heading_name

    assert heading_name("第二节 监 护") == "监护"
    assert heading_name("第七章 代理") == "代理"
    assert heading_name("第三编 合同 第三分编 准 合 同") == "准合同"
    assert heading_name("附则") == heading_name("") == ""
