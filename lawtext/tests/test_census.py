from lawtext.census import count_clause_lines, is_clause_line


def _law(body: str) -> str:
    return f"# 测试条例\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n{body}\n"


def test_counts_clause_lines_after_the_header_only():
    text = "# 第一条 标题里的\n\n第二条 页眉里的\n<!-- INFO END -->\n\n第一条 甲。\n\n第二条 乙。\n"
    assert count_clause_lines(text) == 2


def test_label_forms():
    assert is_clause_line("第三十八条 经营者应当。")
    assert is_clause_line("**第一条** 为了保障公平竞争。")
    assert is_clause_line("笫五条 错字的条。")
    assert is_clause_line("第一百二十八 条侦查人员应当示例。")
    assert is_clause_line("第三条之一 新增的条文。")
    assert is_clause_line("第二条\u3000本法所称示例")
    assert is_clause_line("第六条")
    assert not is_clause_line("第五十条的规定，适用于禁闭措施。")
    assert not is_clause_line("“第一百二十条之二 有下列情形之一的。”")
    assert not is_clause_line("依照本法第一条规定。")
    assert not is_clause_line("## 第一章 总则")


def test_items_are_counted_when_there_is_no_clause_line():
    body = "决定如下：\n一、甲。\n（一）子项\n（二）子项\n二、乙。\n（一）子项\n三、丙。"
    assert count_clause_lines(_law(body)) == 3
    # （一）…（三） numbered through the whole text are the clauses.
    body = "一、总体要求\n\n（一）甲。\n\n（二）乙。\n\n二、保障措施\n\n（三）丙。"
    assert count_clause_lines(_law(body)) == 3


def test_empty_body_counts_nothing():
    assert count_clause_lines(_law("")) == 0
