"""款 and 项 of a clause and the references that name them."""

import pytest

from lawtext.provisions import (
    ProvisionRef,
    anchor,
    line_anchors,
    paragraphs_of,
    parse_provision_ref,
    provision_label,
)

# 电子商务法 第八十条, as stored (one 款 or 项 per line).
ARTICLE_80 = (
    "电子商务平台经营者有下列行为之一的，由有关主管部门责令限期改正：\n"
    "（一）不履行本法第二十七条规定的核验、登记义务的；\n"
    "（二）不按照本法第二十八条规定向市场监督管理部门、税务部门报送有关信息的；\n"
    "（三）不按照本法第二十九条规定对违法情形采取必要的处置措施的；\n"
    "（四）不履行本法第三十一条规定的商品和服务信息、交易信息保存义务的。\n"
    "法律、行政法规对前款规定的违法行为的处罚另有规定的，依照其规定。"
)


def test_paragraphs_keep_their_items():
    paragraphs = paragraphs_of(ARTICLE_80)
    assert [p.number for p in paragraphs] == [1, 2]
    assert [n for n, _ in paragraphs[0].items] == [1, 2, 3, 4]
    assert paragraphs[1].items == () and paragraphs[1].text.startswith("法律、行政法规")
    assert line_anchors(ARTICLE_80) == [(1, None), (1, 1), (1, 2), (1, 3), (1, 4), (2, None)]
    assert anchor(1, 3) == "k1x3" and anchor(2) == "k2"
    assert provision_label(2) == "第二款" and provision_label(1, 3) == "第一款第三项"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("第38条第2款", ProvisionRef(38, "", 2)),
        ("第三十八条第二款", ProvisionRef(38, "", 2)),
        ("第三十八条第二款第三项", ProvisionRef(38, "", 2, 3)),
        ("第80条第1款第（三）项", ProvisionRef(80, "", 1, 3)),
        ("第80条第三项", ProvisionRef(80, "", 1, 3)),
        ("38.2", ProvisionRef(38, "", 2)),
        ("80.1.3", ProvisionRef(80, "", 1, 3)),
        ("10-1.2", ProvisionRef(10, "之一", 2)),
        ("第十条之一第二款", ProvisionRef(10, "之一", 2)),
        ("第38条", ProvisionRef(38)),
        ("38", ProvisionRef(38)),
        (" ３８．２ ", ProvisionRef(38, "", 2)),
    ],
)
def test_references_people_type(typed, expected):
    assert parse_provision_ref(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "第条", "38.0", "38.x", "第38条第零款", "abc", "38..2", "1" * 70]
)
def test_what_is_not_a_reference(typed):
    assert parse_provision_ref(typed) is None
