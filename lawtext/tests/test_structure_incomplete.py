"""Files that may be incomplete are marked, not refused; whole texts are never marked.

Built from real files of /work/shared/corpus/ (named in each test); their lines are kept whole.
"""

# ruff: noqa: E501

from lawtext.lawfile import parse_law_markdown
from lawtext.structure import incompleteness, parse_structure, truncation_problem

# local/浙江/浙江省消防条例(2021-11-25).md: stops after its 第十八条, in 第三章, at a full stop.
FIRE = """# 浙江省消防条例

2010年5月28日 浙江省第十一届人民代表大会常务委员会第十八次会议通过

2021年11月25日 浙江省第十三届人民代表大会常务委员会第三十二次会议《关于修改〈浙江省消防条例〉的决定》第二次修正

<!-- INFO END -->

## 第一章　总则

第一条 为了预防火灾和减少火灾危害，加强应急救援工作，保护人身、财产安全，维护公共安全，制定本条例。

## 第三章　火灾预防

第十八条 各级人民政府应当根据本地经济社会发展和消防工作的实际需要，将包括消防安全布局、消防站、消防供水、消防通信、消防车通道、消防装备等内容的消防规划纳入国土空间规划，并负责组织实施。经依法批准的消防规划，未经法定程序批准不得修改。
"""

# laws-full/宪法相关法/全国人民代表大会组织法(2021-03-11).md: whole, adopted 1982, in chapters,
# without 附则 or 施行 clause.
NPC = """# 中华人民共和国全国人民代表大会组织法

1982年12月10日 第五届全国人民代表大会第五次会议通过

1982年12月10日 全国人民代表大会公告公布施行

<!-- INFO END -->

## 第一章 总 则

第一条 为了健全全国人民代表大会及其常务委员会的组织和工作制度，制定本法。

## 第五章 全国人民代表大会代表

第四十九条 全国人民代表大会代表非经全国人民代表大会主席团许可，在全国人民代表大会闭会期间非经全国人民代表大会常务委员会许可，不受逮捕或者刑事审判。

全国人民代表大会代表如果因为是现行犯被拘留，执行拘留的公安机关应当立即向全国人民代表大会主席团或者全国人民代表大会常务委员会报告。
"""

# local/广东/潮州市文明行为促进条例(2022-12-16).md: whole, its 附则 a plain line.
CHAOZHOU = """# 潮州市文明行为促进条例

2022年10月27日 潮州市第十六届人民代表大会常务委员会第八次会议通过

<!-- INFO END -->

## 第一章 总则

第一条 为了培育和践行社会主义核心价值观，制定本条例。

附 则

第四十七条 本条例自2023年1月1日起施行。
"""

# local/广东/汕头经济特区突发公共卫生事件应急条例(2022-05-30).md: the header and nothing else.
SHANTOU = """# 汕头经济特区突发公共卫生事件应急条例

2022年5月30日 汕头市第十五届人民代表大会常务委员会第五次会议通过

<!-- INFO END -->
"""


def _reason(text: str) -> str:
    return incompleteness(text, parse_law_markdown(text).clauses)


def test_text_ending_before_its_final_provisions_is_marked():
    reason = _reason(FIRE)
    assert "不完整" in reason and "第十八条" in reason
    assert truncation_problem(FIRE) is None  # not cut mid-sentence: the old check misses it
    parsed = parse_law_markdown(FIRE, filename="local/浙江/浙江省消防条例(2021-11-25).md")
    assert parsed.incomplete == reason
    assert len(parsed.clauses) == 2  # still parsed, not refused


def test_whole_texts_are_not_marked():
    assert _reason(NPC) == ""  # older than 立法法: no 施行 clause required
    assert _reason(CHAOZHOU) == ""
    assert parse_law_markdown(CHAOZHOU).incomplete == ""


def test_header_without_body_is_marked():
    assert "没有正文" in _reason(SHANTOU)


def test_cut_mid_sentence_gives_the_truncation_reason():
    text = FIRE.rstrip() + "\n\n第十九条 县级以上人民政府应当加强消防站建设，"
    assert "截断" in _reason(text)
    assert "截断" in parse_law_markdown(text).incomplete


def test_texts_without_chapters_are_not_judged():
    # local/浙江/杭州市公安机关警务辅助人员管理规定(2020-12-09).md ends on a short clause; without
    # chapters there is nothing to tell a whole text from a cut one.
    _, clauses = parse_structure(["第十八条 警务辅助人员履行职责应当接受社会监督。"])
    text = "# 规定\n\n2020年12月9日 通过\n\n<!-- INFO END -->\n\n" + "\n".join(
        clauses[0].paragraphs
    )
    assert incompleteness(text, clauses) == ""
