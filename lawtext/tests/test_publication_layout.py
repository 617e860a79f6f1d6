"""An article's paragraphs laid out for reading, on lines from seeds/004 (中国电子商务报告2018)."""

from pathlib import Path

import pytest

from lawtext.publication import repair_text
from lawtext.publication.layout import Element, Piece, article_layout, table_rows
from lawtext.publication.lines import caption


def test_notes_become_footnotes_linked_from_their_markers_in_order():
    # /articles/80/ (第2章), paragraphs 15–26: markers restart on every page.
    layout = article_layout(
        [
            "2018年，中国电子商务交易服务营业收入规模①为6626亿元人民币，同比增长31.8%。",
            "1. 电子支付服务②",
            "2. 电子商务物流服务③",
            "① 电子商务交易服务营收规模主要是指电子商务交易平台所提供交易服务而产生的收入规模。",
            "② 电子支付服务是指第三方支付服务企业为电子商务中的商家、消费者等提供的服务。",
            "③ 电子商务物流服务是指为电子商务活动提供的运输、储存、装卸搬运等服务。",
            "工业和信息化部数据显示②，2018年中国信息技术服务收入为3.48万亿元。",
            "② 工业与信息化部运行监测协调局.2018年软件和信息技术服务业统计公报[R/OL] (2019-02-01).",
            "http://www.miit.gov.cn/n1146285/n1146352/n3054355/n3057511/n3057518/c6633576/content.html",
        ]
    )
    assert [note.number for note in layout.footnotes] == [1, 2, 3, 4]
    assert all(note.linked for note in layout.footnotes)
    assert layout.footnotes[0].text.startswith("电子商务交易服务营收规模")
    # The address line goes on its note, not into the text.
    assert layout.footnotes[3].text.endswith("c6633576/content.html")
    assert [element.kind for element in layout.elements] == ["paragraph"] * 4
    first, _, _, last = layout.elements
    assert first.pieces == [
        Piece("2018年，中国电子商务交易服务营业收入规模"),
        Piece("①", note=1),
        Piece("为6626亿元人民币，同比增长31.8%。"),
    ]
    # The second ② is the second page's: it links to the fourth note, not the second.
    assert Piece("②", note=4) in last.pieces
    assert first.text == (
        "2018年，中国电子商务交易服务营业收入规模①为6626亿元人民币，同比增长31.8%。"
    )


def test_an_enumeration_with_circled_numbers_stays_text():
    layout = article_layout(["主要措施包括：①加强监管；②完善标准。", "①建立健全信用档案制度。"])
    assert layout.footnotes == []
    assert [element.text for element in layout.elements] == [
        "主要措施包括：①加强监管；②完善标准。",
        "①建立健全信用档案制度。",
    ]
    assert all(piece.note == 0 for element in layout.elements for piece in element.pieces)


def test_a_note_whose_marker_was_lost_is_still_a_footnote_when_it_cites():
    layout = article_layout(
        [
            "韩国网络零售交易额达到9130亿韩元。",
            "① eMarketer [EB/OL] [2019-01-20], www.eMarketer.com",
        ]
    )
    assert len(layout.footnotes) == 1 and not layout.footnotes[0].linked
    assert layout.elements[0].pieces == [Piece("韩国网络零售交易额达到9130亿韩元。")]


def test_captions_units_and_sources_are_told_from_sentences_about_figures():
    layout = article_layout(
        [
            "增长率为6.2%（见图3-1）。",
            "图3-1中国农村网民规模及增速",
            "数据来源：中国互联网络信息中心",
            "表 B-1 2018—2021全球零售及电子商务零售相关数据及预测",
            "（单位：万亿美元）",
            "图1-1显示，交易总额持续增长。",
        ]
    )
    assert [element.kind for element in layout.elements] == [
        "paragraph",
        "caption",
        "source",
        "caption",
        "unit",
        "paragraph",
    ]


@pytest.mark.parametrize(
    ("line", "is_caption"),
    [
        ("图 1-12 2011—2018年全国快递服务企业业务量", True),
        ("图5-2消费者通过跨境电商购买商品时遇到的问题", True),
        ("表B-4 2018年全球各地区网民渗透率", True),
        ("图 B-2日本2010—2017年国内 B2C 市场规模和电商化率", True),
        ("图1-1显示，交易总额持续增长。", False),
        ("图书出版单位应当建立质量管理制度。", False),
        ("表2 所示的数据表明增长放缓", False),
    ],
)
def test_caption_lines(line, is_caption):
    assert caption(line) is is_caption


def test_a_caption_inside_a_cut_sentence_moves_after_it():
    # seeds/004 lines 1203–1213: "为了继" / 图 5-2 … / 数据来源 / '续享受税收优惠'.
    lines = [
        "一些消费者在自身跨境消费额已满的情况下，为了继",
        "",
        "图 5-2 消费者通过跨境电商购买商品时遇到的问题",
        "",
        "数据来源：中国消费者协会《〈电子商务法〉消费者认知情况调查报告》",
        "",
        "续享受税收优惠，冒用他人身份信息购物。",
    ]
    assert repair_text(lines) == [
        "一些消费者在自身跨境消费额已满的情况下，为了继续享受税收优惠，冒用他人身份信息购物。",
        "图5-2消费者通过跨境电商购买商品时遇到的问题",
        "数据来源：中国消费者协会《〈电子商务法〉消费者认知情况调查报告》",
    ]


def test_tables_are_rebuilt_from_tab_separated_rows():
    # 表 B-2: the extraction stripped the header's empty corner cell.
    header, rows = table_rows(["2018\t2019e\t2020e\t2021e", "亚太\t174.44\t220.28\t272.54\t329.94"])
    assert header == [["", "2018", "2019e", "2020e", "2021e"]]
    assert rows == [["亚太", "174.44", "220.28", "272.54", "329.94"]]
    # 表 B-5: two header rows; the first one's empty cells mark years spanning two columns.
    header, rows = table_rows(
        [
            "分类\t2017年\t\t2018年\t\t年增长",
            "全年\t12月\t11月预测\t12月预测\t交易额变化\t增长百分比",
            "全部网络零售交易额 (A)\t913.000\t86.248\t105.817\t107.298\t21.050\t24.4",
            "占比 (B/A)\t57.3\t60.7\t62.1\t62.7\t—\t2.0",
        ]
    )
    assert header == [
        ["分类", "2017年", "", "2018年", "", "年增长", ""],
        ["", "全年", "12月", "11月预测", "12月预测", "交易额变化", "增长百分比"],
    ]
    assert [row[0] for row in rows] == ["全部网络零售交易额 (A)", "占比 (B/A)"]
    table = Element("table", header=header, rows=rows)
    assert table.header_spans[0] == [("分类", 1), ("2017年", 2), ("2018年", 2), ("年增长", 2)]
    assert table.header_spans[1][1:3] == [("全年", 1), ("12月", 1)]
    # 表 B-1: a named first column, one header row.
    header, rows = table_rows(
        ["年份\t总零售额\t增速", "2018\t23.946\t5.80%", "2019e\t25.271\t5.50%"]
    )
    assert header == [["年份", "总零售额", "增速"]] and len(rows) == 2


def test_a_tables_rows_make_one_table_between_its_caption_and_source():
    layout = article_layout(
        [
            "表B-4 2018年全球各地区网民渗透率",
            "(单位：%)",
            "网民人数渗透率\t移动宽带渗透率\t固定宽带渗透率",
            "全球\t51.2\t69.3\t14.1",
            "发达国家\t80.9\t111.2\t32.7",
            "资料来源：ITU",
            "B. 1.2 全球电子商务基础条件",
        ]
    )
    kinds = [element.kind for element in layout.elements]
    assert kinds == ["table", "source", "heading"]
    table = layout.elements[0]
    captions = [line.text for line in table.captions]
    assert captions == ["表B-4 2018年全球各地区网民渗透率", "(单位：%)"]
    assert table.header == [["", "网民人数渗透率", "移动宽带渗透率", "固定宽带渗透率"]]
    assert table.rows[1] == ["发达国家", "80.9", "111.2", "32.7"]
    assert layout.elements[2].level == 3


SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus" / "seeds"


def test_every_note_of_the_2018_report_is_a_footnote_linked_from_its_marker():
    """Counted independently in the raw text: a note is a line starting with a circled number,
    a marker one following a character of the text."""
    import re

    from lawtext.publication import parse_publication
    from lawtext.publication.layout import MARKERS

    text = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    note_lines = len(re.findall(rf"(?m)^\s*\^?[{MARKERS}]", text))
    markers = len(re.findall(rf"(?<=[^\s^])\^?[{MARKERS}]", text))
    layouts = [article_layout(a.body.split("\n")) for a in parse_publication(text).articles]
    footnotes = [note for layout in layouts for note in layout.footnotes]
    links = [
        piece.note
        for layout in layouts
        for element in layout.elements + [c for e in layout.elements for c in e.captions]
        for piece in element.pieces
        if piece.note
    ]
    assert len(footnotes) == note_lines > 100
    assert len(links) == markers and all(note.linked for note in footnotes)
    tables = [e for layout in layouts for e in layout.elements if e.kind == "table"]
    raw_rows = [
        line for line in text.split("附录 B 全球电子商务发展状况")[-1].splitlines() if "\t" in line
    ]
    assert len(tables) == 5 and sum(len(t.header) + len(t.rows) for t in tables) == len(raw_rows)
