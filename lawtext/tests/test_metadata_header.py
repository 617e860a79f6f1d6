from datetime import date

from lawtext.events import split_events
from lawtext.lawfile import parse_law_markdown
from lawtext.metadata import LEVELS, derive_level


def _law(title: str, header: str, body: str = "第一条 甲。") -> str:
    return f"# {title}\n\n{header}\n\n<!-- INFO END -->\n\n{body}\n"


def test_levels_in_order_of_authority():
    assert LEVELS[:3] == ("宪法", "法律", "行政法规")
    assert "地方规范性文件" in LEVELS and "地方政策" not in LEVELS
    assert len(LEVELS) == 14


def test_a_city_regulation_approved_by_the_province():
    # local/浙江/丽水市扬尘污染防治规定(2021-12-30).md
    text = _law(
        "丽水市扬尘污染防治规定",
        "2021年11月26日 丽水市第四届人民代表大会常务委员会第三十四次会议通过\n\n"
        "2021年12月22日 浙江省第十三届人民代表大会常务委员会第三十三次会议批准",
        "第二十二条 本规定自2022年3月1日起施行。",
    )
    parsed = parse_law_markdown(text, filename="local/浙江/丽水市扬尘污染防治规定(2021-12-30).md")
    assert parsed.issuers == ["丽水市人民代表大会常务委员会"]
    assert parsed.approvers == ["浙江省人民代表大会常务委员会"]
    assert (parsed.province, parsed.city) == ("浙江省", "丽水市")
    assert parsed.level == "地方性法规"
    assert parsed.promulgated_on == date(2021, 12, 30)
    assert parsed.effective_on == date(2022, 3, 1)
    assert parsed.problems == []


def test_the_issuer_of_this_version_is_the_latest_enactment():
    # local/浙江/杭州市水上交通事故处理条例(2008-08-25).md
    text = _law(
        "杭州市水上交通事故处理条例",
        "1997年8月15日 杭州市第九届人民代表大会常务委员会第四次会议通过\n"
        "1998年4月20日 浙江省第九届人民代表大会常务委员会第三次会议批准\n"
        "2008年4月22日 杭州市第十一届人民代表大会常务委员会第八次会议通过\n"
        "2008年8月1日 浙江省第十一届人民代表大会常务委员会第五次会议批准的"
        "《杭州市人民代表大会常务委员会关于修改〈杭州市水上交通事故处理条例〉的决定》修正",
    )
    parsed = parse_law_markdown(
        text, filename="local/浙江/杭州市水上交通事故处理条例(2008-08-25).md"
    )
    assert parsed.issuers == ["杭州市人民代表大会常务委员会"]
    assert parsed.approvers == ["浙江省人民代表大会常务委员会"]


def test_congress_named_without_its_place():
    # local/浙江/宁波市人民调解条例(2015-04-13).md
    text = _law(
        "宁波市人民调解条例",
        "2014年12月26日 市十四届人大常委会第二十次会议通过\n"
        "2015年3月27日 省十二届人大常委会第十八次会议批准\n"
        "2015年4月13日 宁波市人民代表大会常务委员会公告第13号公布\n"
        "2015年6月1日 施行",
    )
    parsed = parse_law_markdown(text, filename="local/浙江/宁波市人民调解条例(2015-04-13).md")
    assert parsed.issuers == ["宁波市人民代表大会常务委员会"]
    assert parsed.approvers == ["浙江省人民代表大会常务委员会"]
    assert parsed.effective_on == date(2015, 6, 1)


def test_an_amended_law_does_not_take_the_original_commencement():
    # laws-full/行政法/广告法(2021-04-29).md
    text = _law(
        "中华人民共和国广告法",
        "1994年10月27日 第八届全国人民代表大会常务委员会第十次会议通过\n"
        "2015年4月24日 第十二届全国人民代表大会常务委员会第十四次会议修订\n"
        "2021年4月29日 第十三届全国人民代表大会常务委员会第二十八次会议《关于修改〈中华人民共和国"
        "道路交通安全法〉等八部法律的决定》第二次修正\n"
        "2015年9月1日 施行",
        "第七十四条 本法自2015年9月1日起施行。",
    )
    parsed = parse_law_markdown(text, filename="laws-full/行政法/广告法(2021-04-29).md")
    assert parsed.issuers == ["全国人民代表大会常务委员会"]
    assert parsed.level == "法律"
    assert parsed.effective_on is None
    assert any(p.startswith("未能识别施行日期") for p in parsed.problems)


def test_takes_effect_on_promulgation():
    # local/浙江/杭州市水上交通事故处理条例(2008-08-25).md ends "本条例自公布之日起施行。"
    text = _law(
        "杭州市水上交通事故处理条例",
        "2008年4月22日 杭州市第十一届人民代表大会常务委员会第八次会议通过",
        "第一条 本条例自公布之日起施行。",
    )
    parsed = parse_law_markdown(
        text, filename="local/浙江/杭州市水上交通事故处理条例(2008-08-25).md"
    )
    assert parsed.effective_on == date(2008, 8, 25)


def test_a_state_council_regulation():
    # laws-full/行政法规/企业信息公示暂行条例(2014-08-07).md
    text = _law(
        "企业信息公示暂行条例",
        "2014年7月23日 国务院第57次常务会议通过\n"
        "2014年8月7日 中华人民共和国国务院令第654号公布\n2014年10月1日 施行",
    )
    parsed = parse_law_markdown(
        text, filename="laws-full/行政法规/企业信息公示暂行条例(2014-08-07).md"
    )
    assert parsed.issuers == ["国务院"]
    assert parsed.level == "行政法规"
    assert parsed.doc_number == "中华人民共和国国务院令第654号"
    assert parsed.effective_on == date(2014, 10, 1)
    assert (parsed.province, parsed.city) == ("", "")


def test_a_local_government_rule_and_a_special_zone_regulation():
    # local/北京/北京市环境噪声污染防治办法.md
    text = _law("北京市环境噪声污染防治办法", "2006年11月17日 北京市人民政府第56次常务会议审议通过")
    parsed = parse_law_markdown(text, filename="local/北京/北京市环境噪声污染防治办法.md")
    assert parsed.issuers == ["北京市人民政府"] and parsed.level == "地方政府规章"
    # local/广东/深圳经济特区学前教育条例(2022-06-30).md
    text = _law(
        "深圳经济特区学前教育条例", "2022年6月23日 深圳市第七届人民代表大会常务委员会第十次会议通过"
    )
    parsed = parse_law_markdown(text, filename="local/广东/深圳经济特区学前教育条例(2022-06-30).md")
    assert parsed.level == "经济特区法规"
    assert (parsed.province, parsed.city) == ("广东省", "深圳市")


def test_no_level_for_what_is_not_a_regulation():
    # laws-full/其他/劳动仲裁和劳动诉讼的攻略.md
    text = _law("劳动仲裁和劳动诉讼的攻略", "该攻略出自")
    parsed = parse_law_markdown(text, filename="laws-full/其他/劳动仲裁和劳动诉讼的攻略.md")
    assert parsed.level == ""
    assert "未能识别效力级别" in parsed.problems
    assert derive_level(doc_number="", title="某文", issuers=[]) == ""


def test_several_events_on_one_line():
    # local/广东/广东省城镇房屋租赁条例(2021-09-29).md
    line = (
        "2010年7月23日 广东省第十一届人民代表大会常务委员会第二十次会议"
        "《关于修改部分地方性法规的决定》第一次修正  根据2021年9月29日 "
        "广东省第十三届人民代表大会常务委员会第三十五次会议"
        "《关于修改〈广东省城镇房屋租赁条例〉等九项地方性法规的决定》第二次修正）"
    )
    events = split_events([line])
    assert len(events) == 2
    assert events[1].startswith("2021年9月29日")


def test_could_be_title_reads_how_titles_end():
    from lawtext.metadata import could_be_title

    for title in (
        "电子商务法",
        "《民法典》",
        "快递暂行条例",
        "刑法修正案（十一）",
        "某某规定（试行）",
    ):
        assert could_be_title(title), title
    for word in ("行政许可", "罚款", "平台内经营者", "情势变更"):
        assert not could_be_title(word), word
