"""The seed publications parser: text repair on made-up input, then the five real seed files."""

import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from lawtext.publication import parse_catalogue, parse_publication, repair_text
from lawtext.records import ParsedPublication, ParsedRegulation

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus" / "seeds"
FILES = {
    "000": "000_e36904b4a3f31b25.txt",
    "001": "001_ab52e7534155f41c.txt",
    "002": "002_1b3f7202c11b51b6.txt",
    "003": "003_b526ba5068d5dfc0.txt",
    "004": "004_7c01cda0d3d6a356.txt",
}


def _text(key: str) -> str:
    return (SEEDS / FILES[key]).read_text(encoding="utf-8")


@cache
def _pub(key: str) -> ParsedPublication:
    return parse_publication(_text(key))


def _article(pub: ParsedPublication, title: str):
    matches = [a for a in pub.articles if a.title == title]
    assert len(matches) == 1, [a.title for a in pub.articles]
    return matches[0]


def _regulation(pub: ParsedPublication, title: str) -> ParsedRegulation:
    matches = [r for a in pub.articles for r in a.regulations if r.title == title]
    assert len(matches) == 1, [r.title for a in pub.articles for r in a.regulations]
    return matches[0]


def _all_text(pub: ParsedPublication) -> str:
    parts = [pub.title, pub.publisher, pub.issue_label]
    for article in pub.articles:
        parts += [article.title, article.column, article.source, article.body]
        for regulation in article.regulations:
            parts += [regulation.title, *regulation.preamble]
            parts += [clause.text for clause in regulation.clauses]
    parts += [entry.title for entry in pub.catalogue]
    return "\n".join(parts)


# ---------------------------------------------------------------- repair_text


def test_repair_rejoins_a_sentence_broken_across_a_blank_line():
    lines = [
        "涉及国家秘密的，应当报请批准；涉及企业商业秘",
        "",
        "密或者个人隐私的，应当报请上级主管部门批准。",
    ]
    assert repair_text(lines) == [
        "涉及国家秘密的，应当报请批准；涉及企业商业秘密或者个人隐私的，应当报请上级主管部门批准。"
    ]


def test_repair_keeps_finished_paragraphs_apart():
    lines = ["第一段到此结束。", "", "第二段也结束了：", "第三段。"]
    assert repair_text(lines) == ["第一段到此结束。", "第二段也结束了：", "第三段。"]


def test_repair_keeps_a_short_line_without_punctuation_as_a_heading():
    lines = ["数字经济推动互联网创新浪潮", "12月3日，世界互联网再度进入“中国时间”。"]
    assert repair_text(lines) == lines


def test_repair_joins_hard_wrapped_lines_and_an_open_bracket():
    lines = ["加强组织实施，加强前沿研究和加强标准宣贯。 （来源：本刊编辑", "部整理）"]
    assert repair_text(lines) == [
        "加强组织实施，加强前沿研究和加强标准宣贯。 （来源：本刊编辑部整理）"
    ]


def test_repair_puts_a_space_only_between_latin_words():
    assert repair_text(["We said, the quick brown", "fox jumps."]) == [
        "We said, the quick brown fox jumps."
    ]
    lines = ["三是数据，中国 7.5", "", "亿网民随时更新的庞大数据集。"]
    assert repair_text(lines) == ["三是数据，中国7.5亿网民随时更新的庞大数据集。"]


def test_repair_closes_the_spaces_a_pdf_left_inside_chinese_words():
    # seeds/001 (电子商务资讯 2014年8月), lines 527 and 529, as extracted.
    lines = [
        "大数据可以采集负面定义内容，按照人群社会属性分 析，聚类事件过程中的观点。",
        "有了大数据，或 许这一切都可以更加有事实支撑。",
    ]
    assert repair_text(lines) == [
        "大数据可以采集负面定义内容，按照人群社会属性分析，聚类事件过程中的观点。",
        "有了大数据，或许这一切都可以更加有事实支撑。",
    ]
    # A heading or a list of names spaces its words on purpose.
    assert repair_text(["第一章 总则"]) == ["第一章 总则"]
    assert repair_text(["主编 张三 李四"]) == ["主编 张三 李四"]


def test_repair_keeps_once_a_fragment_a_page_break_printed_twice():
    # seeds/004 (中国电子商务报告2018), lines 2405–2407.
    lines = [
        "出台了《山东省政府办公厅关于推进电子商务与快递物流协同发展的实施意见》",
        "",
        "见》，协调菜鸟物流运营中心、京东一号仓电商物流等项目落户济南。",
    ]
    assert repair_text(lines) == [
        "出台了《山东省政府办公厅关于推进电子商务与快递物流协同发展的实施意见》，"
        "协调菜鸟物流运营中心、京东一号仓电商物流等项目落户济南。"
    ]
    # A repetition without a closing mark may be meant, and stays.
    lines = ["对于这个问题，我们要好好研究", "研究，再作决定。"]
    assert repair_text(lines) == ["对于这个问题，我们要好好研究研究，再作决定。"]


@pytest.mark.parametrize(
    ("line", "level"),
    [  # seeds/004 (中国电子商务报告2018)
        ("1.1 发展规模", 2),
        ("1.1.5 全国海关通过系统验放的跨境电商进出口商品总额达1347亿元", 3),
        ("4.2.2市场需求精耕细分，助力消费结构升级", 3),
        ("6.1 《电子商务法》颁布施行", 2),
        ("8.6.4 计划单列市介绍：大连市", 3),
        ("B. 1 全球电子商务概述", 2),  # 附录B
        ("B. 1. 1 全球电子商务市场规模", 3),
        ("B.2.5 俄罗斯电子商务发展情况", 3),
        ("2.5 亿元", None),  # an amount
        ("38.98 万亿元，同比增长8.5%。", None),  # a sentence
        ("5.2 我们认为，这一趋势将延续。", None),
        ("第一章 总则", None),
    ],
)
def test_a_reports_numbered_headings_are_told_from_amounts_and_sentences(line, level):
    from lawtext.publication import numbered_heading

    assert numbered_heading(line) == level


def test_repair_continues_a_sentence_cut_by_a_pages_notes_and_a_figure_caption():
    # seeds/004 (中国电子商务报告2018), lines 387–402, shortened.
    lines = [
        "2018年8月31日，第十三届全国人民代表大会常务委员会第五次会议通过了电子商务法，"
        "2019年1月1日正式",
        "",
        "^① 中国人民银行网站. 2018年第四季度支付系统运行总体情况 [EB/OL] (2019-03-18)",
        "<http://www.pbc.gov.cn/goutongjiaoliu/113456/113469/3787878/index.html>",
        "",
        "图 1-12 2011—2018 年全国快递服务企业业务量",
        "",
        "数据来源：国家邮政局",
        "",
        "实施。作为中国首部电子商务领域综合性法律，标志着中国电子商务发展进入有法可依的新阶段。",
    ]
    repaired = repair_text(lines)
    assert repaired[0].endswith(
        "2019年1月1日正式实施。作为中国首部电子商务领域综合性法律，"
        "标志着中国电子商务发展进入有法可依的新阶段。"
    )
    assert repaired[1].startswith("^① 中国人民银行网站") or repaired[1].startswith(
        "① 中国人民银行网站"
    )
    assert repaired[-2].startswith("图1-12") and repaired[-1] == "数据来源：国家邮政局"


def test_repair_makes_digits_and_letters_half_width():
    assert repair_text(["２０１４年ＡＢＣ公司在ｗｅｂ上发布。"]) == ["2014年ABC公司在web上发布。"]


def test_repair_removes_stray_spaces_in_numbers_and_dates():
    lines = ["2014 年 8 月 7 日公布第 654 号令，扩大至 5个城市、15 个试点，总额 1 347 亿元。"]
    assert repair_text(lines) == [
        "2014年8月7日公布第654号令，扩大至5个城市、15个试点，总额1347亿元。"
    ]


def test_repair_keeps_the_space_after_a_clause_label():
    assert repair_text(["第二条 2011 年起施行。"]) == ["第二条 2011年起施行。"]
    assert repair_text(["**第三条** 企业信息公示应当真实。"]) == ["第三条 企业信息公示应当真实。"]


def test_repair_fixes_the_ocr_slip():
    assert repair_text(["加大对各类违法违规机构处臵力度。"]) == ["加大对各类违法违规机构处置力度。"]


def test_repair_does_not_swallow_headings_or_clause_starts():
    lines = ["第一章 总则", "", "第一条 为了规范企业信息公示", "第二条 本条例所称企业信息。"]
    assert repair_text(lines) == [
        "第一章 总则",
        "第一条 为了规范企业信息公示",
        "第二条 本条例所称企业信息。",
    ]


def test_repair_moves_a_page_footnote_after_the_paragraph_it_interrupts():
    lines = ["海关总署数据显示，总额为1347亿元①，同比", "① 注：本数据可视为总额。", "增长50%。"]
    assert repair_text(lines) == [
        "海关总署数据显示，总额为1347亿元①，同比增长50%。",
        "① 注：本数据可视为总额。",
    ]


def test_repair_strips_markdown():
    lines = [
        "## 【重要消息】",
        "- (一) 注册登记信息；",
        "单位网址：[www.bbzg.com](http://www.bbzg.com)",
    ]
    assert repair_text(lines) == ["【重要消息】", "(一) 注册登记信息；", "单位网址：www.bbzg.com"]


# ---------------------------------------------------------------- parse_catalogue


def test_parse_catalogue_reads_rows_and_skips_headers():
    lines = [
        "发文部门\t发布日期\t文 号\t名 称",
        "国务院\t2018年3月27日\t国务院令第697号\t快递暂行条例",
        "",
        "续 表",
        "发文部门\t发布日期\t文 号\t名 称",
        "财政部、海关总署、税务总局\t2018 年 11 月 29 日\t财关税〔2018〕 49号\t关于完善税收的通知",
    ]
    rows = parse_catalogue(lines)
    assert [row.order for row in rows] == [0, 1]
    assert rows[0].title == "快递暂行条例"
    assert rows[0].issuers == ["国务院"]
    assert rows[1].issuers == ["财政部", "海关总署", "国家税务总局"]  # canonical names
    assert rows[1].promulgated_on == date(2018, 11, 29)
    assert rows[1].doc_number == "财关税〔2018〕49号"
    assert rows[1].title == "关于完善税收的通知"


# ---------------------------------------------------------------- every seed file


@pytest.mark.parametrize("key", sorted(FILES))
def test_no_ocr_slip_and_orders_are_positions(key):
    pub = _pub(key)
    assert pub.articles
    text = _all_text(pub)
    assert "臵" not in text
    assert [a.order for a in pub.articles] == list(range(len(pub.articles)))


@pytest.mark.parametrize("key", sorted(FILES))
def test_no_toc_line_becomes_an_article(key):
    toc_line = re.compile(r"(?:\.{3,}|…{2,})\s*\d*$|[\t ]\d{1,3}$")
    for article in _pub(key).articles:
        assert not toc_line.search(article.title), article.title
        assert article.title not in ("目录", "目 录", "contents")
        assert "....." not in article.body


@pytest.mark.parametrize("key", sorted(FILES))
def test_source_markers_leave_the_body(key):
    for article in _pub(key).articles:
        if article.source:
            assert not re.search(r"[（(]来源[:：]", article.body), article.title


def test_the_ocr_slip_is_repaired_not_dropped():
    source = _text("000")
    assert source.count("处臵") == 6
    assert _all_text(_pub("000")).count("处置") == source.count("处臵") + source.count("处置")


# ---------------------------------------------------------------- 000 政府动态


def test_000_metadata_is_not_invented():
    pub = _pub("000")
    assert pub.title == "政府动态"
    assert (pub.publisher, pub.issue_label, pub.published_on) == ("", "", None)


def test_000_articles_columns_and_sources():
    pub = _pub("000")
    assert len(pub.articles) == 12
    assert [a.column for a in pub.articles] == ["政府动态"] * 5 + ["业界动态"] * 6 + ["媒体视点"]
    assert {a.source for a in pub.articles} == {"本刊编辑部整理"}
    first = pub.articles[0]
    assert first.title == "《网络零售标准化建设工作指引》发布"
    assert first.body.startswith(
        "商务部办公厅、国家标准委办公室联合印发《网络零售标准化建设工作指引》，"
    )
    assert "《指引》提出，到2020年，要基本建成" in first.body


def test_000_sub_headings_stay_in_their_article_and_the_distribution_list_goes():
    pub = _pub("000")
    last = _article(pub, "数字经济推动互联网创新浪潮")
    assert "开门请贤汇聚全球智慧" in last.body.split("\n")
    assert "人工智能将掀“新工业革命”" in last.body.split("\n")
    assert "送：市长" not in _all_text(pub)


def test_000_wrapped_lines_rejoin():
    body = _article(_pub("000"), "双12境外用户将首次参与").body
    assert "参与全球“双12”狂欢节。" in body
    assert "\n7\n" not in body  # the page number is gone


# ---------------------------------------------------------------- 001 电子商务资讯 第7期


def test_001_metadata():
    pub = _pub("001")
    assert pub.title == "电子商务资讯"
    assert pub.publisher == "上海市电子商务行业协会"
    assert pub.issue_label == "2014年8月第7期(总第138期)"
    assert pub.published_on == date(2014, 8, 1)
    assert "Shanghai eCommerce Association" not in _all_text(pub)
    assert "会员资料" not in _all_text(pub)


def test_001_articles_follow_the_toc():
    pub = _pub("001")
    assert [(a.column, a.title) for a in pub.articles] == [
        ("重要消息", "上海市人民政府印发关于促进本市互联网金融产业健康发展若干意见的通知"),
        ("重要消息", "上海市创新型新兴服务业示范企业颁奖大会成功召开"),
        ("政策规范", "企业信息公示暂行条例"),
        ("政策规范", "即时通信工具公众信息服务发展管理暂行规定"),
        ("行业动态", "盘点：跨境电商产业发展概况及发展形式"),
        ("行业动态", "未来推动移动支付普及的三个趋势"),
        ("新增会员", "上海杰图天下网络科技有限公司"),
        ("新增会员", "上海诚泰志邦网络通讯工程有限公司"),
        ("新增会员", "萨嘎网络科技（上海）有限公司"),
        ("交流园地", "盘点：发展电商要跳出的“四大误区”"),
        ("交流园地", "大数据营销的十大切入点"),
    ]


def test_001_sources():
    pub = _pub("001")
    assert _article(pub, "上海市创新型新兴服务业示范企业颁奖大会成功召开").source == "信息中心"
    assert _article(pub, "萨嘎网络科技（上海）有限公司").source == "萨嘎网络科技（上海）有限公司"
    assert _article(pub, "未来推动移动支付普及的三个趋势").source == "搜狐 IT"
    assert _article(pub, "企业信息公示暂行条例").source == ""


def test_001_sub_headings_are_not_articles():
    article = _article(_pub("001"), "盘点：跨境电商产业发展概况及发展形式")
    assert "1. 我国跨境电商市场规模" in article.body.split("\n")
    assert "5. 跨境电商的检验检疫、结汇与退税情况" in article.body.split("\n")


def test_001_enterprise_information_regulation():
    pub = _pub("001")
    article = _article(pub, "企业信息公示暂行条例")
    assert [r.title for r in article.regulations] == ["企业信息公示暂行条例"]
    regulation = article.regulations[0]
    assert [c.number for c in regulation.clauses] == list(range(1, 26))
    assert regulation.clauses[24].label == "第二十五条"
    assert regulation.doc_number == "中华人民共和国国务院令第654号"
    assert regulation.issuers == ["国务院"]
    assert regulation.promulgated_on == date(2014, 8, 7)
    assert regulation.effective_on == date(2014, 10, 1)
    assert regulation.level == "行政法规"
    third = regulation.clauses[2].text
    assert "涉及企业商业秘密或者个人隐私的，应当报请上级主管部门批准。" in third
    assert regulation.clauses[5].paragraphs[1] == "(一) 注册登记、备案信息；"
    assert regulation.clauses[24].text == "本条例自2014年10月1日起施行。"


def test_001_instant_messaging_regulation():
    regulation = _regulation(_pub("001"), "即时通信工具公众信息服务发展管理暂行规定")
    assert [c.number for c in regulation.clauses] == list(range(1, 11))
    assert regulation.issuers == ["国家互联网信息办公室"]
    assert regulation.promulgated_on == date(2014, 8, 7)
    assert regulation.effective_on == date(2014, 8, 7)  # 自公布之日起施行
    assert regulation.clauses[-1].text == "本规定自公布之日起施行。"  # the 发布 line is not a 款


def test_001_internet_finance_opinions_items_are_clauses():
    regulation = _regulation(_pub("001"), "关于促进本市互联网金融产业健康发展的若干意见")
    assert [c.number for c in regulation.clauses] == list(range(1, 21))
    assert regulation.clauses[4].label == "（五）"
    assert regulation.clauses[9].label == "（十）"
    assert regulation.clauses[19].label == "（二十）"
    assert regulation.clauses[4].chapter == "二、加强政策支持，促进集聚发展"
    assert regulation.issuers == ["上海市人民政府"]
    assert regulation.promulgated_on == date(2014, 8, 4)
    assert regulation.preamble[0].startswith("互联网金融是基于互联网")
    assert regulation.clauses[2].text.endswith("着力营造有利于行业健康发展的良好环境。")


# ---------------------------------------------------------------- 002 电子商务动态


def test_002_metadata():
    pub = _pub("002")
    assert pub.title == "电子商务动态"
    assert pub.publisher == "深圳市电子商务服务中心"
    assert pub.issue_label == "2013年第6期(总第9期)"
    assert pub.published_on == date(2013, 11, 30)


def test_002_toc_titles_are_articles_with_their_columns():
    pub = _pub("002")
    assert _article(pub, "天凉好个秋").column == "卷首语"
    title = "筚路求新先行试 春华秋实结硕果——首届深圳电子商务发展成果展综述"
    feature = _article(pub, title)
    assert feature.column == "热点追踪"
    assert "亮点一：完善的电子商务支撑体系撑起产业半边天" in feature.body.split("\n")
    assert _article(pub, "网络环境下国际贸易的新特征").column == "专家视角"
    assert 30 <= len(pub.articles) <= 60


def test_002_news_items_and_rejoined_sources():
    pub = _pub("002")
    news = _article(pub, "深哈两地企业联合打造俄语市场跨境电商平台")
    assert news.column == "行业动态"
    assert news.source == "商务部驻大连特派员办事处"
    # A news column (…动态): an item without a source still ends where the next headline starts.
    assert _article(pub, "“思贝克工业品平台”在深圳正式发布").source == ""
    following = _article(pub, "省政府前三季度经济形势分析会议强调全力推动广深跨境电商工作")
    assert following.body.startswith("10月17日，省长朱小丹")
    assert "[广东及其他]" not in _all_text(pub)
    rules = _article(pub, "《深圳市网络交易合同规则》出台")
    assert rules.source == "根据《深圳特区报》相关内容编写"
    assert not pub.articles[0].regulations


# ---------------------------------------------------------------- 003 电子商务资讯 第5刊


def test_003_metadata_and_articles():
    pub = _pub("003")
    assert pub.title == "电子商务资讯"
    assert pub.issue_label == "2014年6月第5刊(总第136期)"
    assert pub.published_on == date(2014, 6, 1)
    assert len(pub.articles) == 11
    assert [a.column for a in pub.articles].count("政策") == 2
    meeting = _article(pub, "2014年6月26日协会分别召开理事会和2014会员大会")
    assert "第三届第三次理事会" in meeting.body.split("\n")
    assert _article(pub, "刺激13亿人的消费增长").source == "经济日报"


def test_003_credit_system_outline():
    regulation = _regulation(_pub("003"), "社会信用体系建设规划纲要（2014—2020年）")
    assert regulation.doc_number == "国发〔2014〕21号"
    assert regulation.issuers == ["国务院"]
    assert regulation.promulgated_on == date(2014, 6, 14)
    # The （一） items restart in every part, so the parts 一、…六、 are the clauses.
    assert [c.number for c in regulation.clauses] == list(range(1, 7))
    assert regulation.clauses[0].paragraphs[:2] == [
        "一、社会信用体系建设总体思路",
        "（一）发展现状",
    ]
    assert regulation.preamble[0].startswith("社会信用体系是社会主义市场经济体制")


def test_003_platform_guideline():
    regulation = _regulation(_pub("003"), "网络交易平台经营者履行社会责任指引")
    assert [c.number for c in regulation.clauses] == list(range(1, 36))
    assert regulation.doc_number == "工商市字〔2014〕106号"
    assert regulation.issuers == ["国家工商行政管理总局"]
    assert regulation.promulgated_on == date(2014, 5, 28)
    assert regulation.effective_on == date(2014, 5, 28)
    assert regulation.clauses[0].chapter == "第一章 总则"
    assert regulation.clauses[7].chapter == "第二章 履行社会责任的主要内容"
    assert regulation.clauses[34].chapter == "第四章 附则"
    assert "排除或者限制相对人权利" in regulation.clauses[12].text


# ---------------------------------------------------------------- 004 中国电子商务报告2018


def test_004_metadata():
    pub = _pub("004")
    assert pub.title == "中国电子商务报告2018"
    assert pub.publisher == "商务部电子商务和信息化司"
    assert pub.issue_label == ""
    assert pub.published_on == date(2019, 5, 1)


def test_004_articles_per_chapter_and_province():
    pub = _pub("004")
    titles = [a.title for a in pub.articles]
    assert 20 <= len(titles) <= 60
    assert titles[0] == "前言"
    assert titles[1] == "2018年中国电子商务发展总报告"
    assert pub.articles[1].column == "第1章 2018年中国电子商务发展总报告"
    provinces = [a.title for a in pub.articles if a.column.startswith("第8章")]
    assert provinces[1:4] == ["北京市", "天津市", "河北省"]
    assert provinces[-1] == "新疆生产建设兵团"
    assert len(provinces) == 33  # the chapter's introduction and 32 provincial sections
    assert not any("附录 A" in t or "附录A" in t for t in titles)


def test_004_catalogue():
    pub = _pub("004")
    catalogue = pub.catalogue
    assert len(catalogue) == 89
    assert [row.order for row in catalogue] == list(range(89))
    first = catalogue[0]
    assert (first.title, first.doc_number) == (
        "中华人民共和国国境卫生检疫法",
        "中华人民共和国主席令第6号",
    )
    assert first.issuers == ["全国人民代表大会常务委员会"]  # 全国人大常委会 in the table
    assert first.promulgated_on == date(2018, 4, 27)
    row = next(r for r in catalogue if r.doc_number == "发改高技〔2018〕16号")
    assert row.issuers == ["国家发展和改革委员会", "科学技术部", "公安部", "国家知识产权局"]
    assert row.promulgated_on == date(2018, 1, 4)
    assert sum(1 for r in catalogue if r.doc_number == "中华人民共和国主席令第22号") == 3
    assert catalogue[-1].title == "公布2019年出口许可证管理货物目录"
    assert not any(r.title in ("名 称", "名称") for r in catalogue)


def test_004_catalogue_function_matches_the_publication():
    lines = _text("004").splitlines()
    start = lines.index("附录 A 电子商务法律法规政策汇编")
    assert parse_catalogue(lines[start:]) == _pub("004").catalogue
