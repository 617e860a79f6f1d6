"""Markdown stripping and dates, shared by the law-file and the publication parser."""

from datetime import date

import pytest

from lawtext.metadata import find_doc_number, find_effective_date, takes_effect_on_issue
from lawtext.textnorm import find_dates, is_markdown_heading, strip_markdown


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("## 第一章 总则", "第一章 总则"),
        ("**第三十八条** 电子商务平台经营者", "第三十八条 电子商务平台经营者"),
        ("__第一条__ 为了规范", "第一条 为了规范"),
        (
            "- [国务院公报](http://www.gov.cn) 见 <https://www.gov.cn>",
            "国务院公报 见 https://www.gov.cn",
        ),
        ("增长18.7%。^①", "增长18.7%。①"),
        ("申请人（签字）：________", "申请人（签字）：________"),  # a blank to fill in stays
    ],
)
def test_strip_markdown(line, text):
    assert strip_markdown(line) == text


def test_markdown_headings_are_told_apart():
    assert is_markdown_heading("  ### 第一节 一般规定")
    assert not is_markdown_heading("第一节 一般规定")


def test_dates_with_spaces_full_width_digits_and_months():
    text = "２０１４ 年 8 月 7 日公布，2014年2月30日无效，2014年10月起"
    assert find_dates(text) == [date(2014, 8, 7)]
    assert find_dates(text, month_ok=True) == [date(2014, 8, 7), date(2014, 10, 1)]


def test_effective_dates_and_document_numbers_in_both_forms():
    assert find_effective_date("本规定自 2014 年 10 月 1 日起施行。") == date(2014, 10, 1)
    assert find_effective_date("本规定自公布之日起施行。") is None
    assert takes_effect_on_issue("本规定自公布之日起施行。")
    assert find_doc_number("国务院关于印发……的通知 国发〔2014〕21号") == "国发〔2014〕21号"
    assert find_doc_number("沪府发（2014）5 号") == "沪府发（2014）5号"
    assert find_doc_number("中华人民共和国国务院令 第 654 号") == "中华人民共和国国务院令第654号"


def test_simplified_keeps_length_and_leaves_simplified_text_alone():
    from lawtext.textnorm import simplified

    assert simplified("電子商務法第三十八條") == "电子商务法第三十八条"
    assert simplified("电子商务法（2018）") == "电子商务法（2018）"


def test_title_spellings_fold_script_brackets_of_a_year_and_parentheses():
    from lawtext.textnorm import title_spellings

    assert "电子商务法" in title_spellings("電子商務法")
    assert "国发〔2014〕21号" in title_spellings("国发[2014]21号")
    assert "国发〔2014〕21号" in title_spellings("国发【2014】21号")
    assert "刑法修正案（十一）" in title_spellings("刑法修正案(十一)")
    assert title_spellings(" 电子商务法 ") == ["电子商务法"]  # nothing to fold: one spelling
