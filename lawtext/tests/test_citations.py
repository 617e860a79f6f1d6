from lawtext.citations import find_citations


def _summary(text):
    return [(c.raw, c.target_title, c.number) for c in find_citations(text)]


def test_self_references_and_lists():
    assert _summary("违反本法第七十一条、第七十二条和第七十三条规定的") == [
        ("本法第七十一条", "", 71),
        ("第七十二条", "", 72),
        ("第七十三条", "", 73),
    ]
    assert _summary("依照本条例第三十八条之一") == [("本条例第三十八条之一", "", 38)]


def test_titles_with_and_without_articles():
    assert _summary("根据《中华人民共和国电子签名法》第十条和第十一条") == [
        ("《中华人民共和国电子签名法》第十条", "中华人民共和国电子签名法", 10),
        ("第十一条", "中华人民共和国电子签名法", 11),
    ]
    assert _summary("遵守《消费者权益保护法》、《产品质量法》等") == [
        ("《消费者权益保护法》", "消费者权益保护法", None),
        ("《产品质量法》", "产品质量法", None),
    ]


def test_named_law_without_brackets_offers_candidates():
    [citation] = find_citations("依照刑法第二百六十四条的规定")
    assert citation.number == 264
    assert "刑法" in citation.title_candidates
    assert citation.raw == "第二百六十四条"


def test_plain_text_has_no_citations():
    assert find_citations("依照前款规定处理。") == []
