"""Versions of a work: title keys, labels, status on a day, clause alignment and diff."""

from datetime import date, timedelta

from lawtext.events import read_events
from lawtext.versions import (
    STATUS_AMENDED,
    STATUS_IN_FORCE,
    STATUS_NOT_YET,
    STATUS_REPEALED,
    align_clauses,
    char_diff,
    status_on,
    version_label,
    work_key,
)


def test_work_key_folds_prefix_and_body_names():
    assert work_key("中华人民共和国公司法") == work_key("公司法")
    assert work_key("北京市人大常委会组成人员守则") == work_key(
        "北京市人民代表大会常务委员会组成人员守则"
    )
    assert work_key("公司法") != work_key("合伙企业法")


def test_version_label_names_the_last_enactment():
    events = read_events(
        [
            "1993年12月29日 第八届全国人民代表大会常务委员会第五次会议通过",
            "2018年10月26日 第十三届全国人民代表大会常务委员会第六次会议"
            "《关于修改〈中华人民共和国公司法〉的决定》第四次修正",
        ]
    )
    assert version_label(events) == "2018年修正"
    assert version_label(events, until=date(2000, 1, 1)) == "1993年"
    assert version_label([]) == ""


def test_status_follows_the_dates_around_each_boundary():
    start, end = date(2018, 1, 1), date(2024, 1, 1)
    kwargs = {"effective_on": start, "expires_on": end, "superseded": True, "repealed": False}
    one_day = timedelta(days=1)
    assert status_on(start - one_day, **kwargs) == STATUS_NOT_YET
    assert status_on(start, **kwargs) == STATUS_IN_FORCE
    assert status_on(end - one_day, **kwargs) == STATUS_IN_FORCE
    assert status_on(end, **kwargs) == STATUS_AMENDED
    assert status_on(end, **(kwargs | {"superseded": False})) == STATUS_REPEALED


def test_alignment_pairs_by_content_not_number():
    old = [
        ("第一条", "甲乙丙丁戊己庚辛"),
        ("第二条", "子丑寅卯辰巳午未"),
        ("第三条", "天地玄黄宇宙洪荒"),
    ]
    new = [
        ("第一条", "甲乙丙丁戊己庚辛"),
        ("第二条", "全新的条文内容完全不同"),
        ("第三条", "子丑寅卯辰巳午未"),
        ("第四条", "天地玄黄宇宙洪荒日月"),
    ]
    changes = [(p.old, p.new, p.change) for p in align_clauses(old, new)]
    assert changes == [
        (0, 0, "same"),
        (None, 1, "added"),
        (1, 2, "moved"),
        (2, 3, "changed"),
    ]


def test_char_diff_rebuilds_both_texts():
    pieces = char_diff("六十日内提出", "九十日内提出申请")
    assert "".join(t for op, t in pieces if op != "+") == "六十日内提出"
    assert "".join(t for op, t in pieces if op != "-") == "九十日内提出申请"


def test_status_when_the_end_is_not_dated():
    start = date(2018, 1, 1)
    undated = {"effective_on": start, "expires_on": None}
    assert status_on(start, **undated, superseded=False, repealed=False) == STATUS_IN_FORCE
    assert status_on(start, **undated, superseded=True, repealed=False) == STATUS_AMENDED
    assert status_on(start, **undated, superseded=False, repealed=True) == STATUS_REPEALED
    assert status_on(start - timedelta(days=1), **undated, superseded=False, repealed=True) == (
        STATUS_NOT_YET
    )
