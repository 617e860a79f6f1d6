import pytest

from lawtext.numerals import clause_label, cn_to_int, int_to_cn, parse_clause_number


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (38, "三十八"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1010, "一千零一十"),
        (1260, "一千二百六十"),
    ],
)
def test_numbers_round_trip(number, text):
    assert int_to_cn(number) == text
    assert cn_to_int(text) == number


def test_every_number_up_to_two_thousand_round_trips():
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 2001))


def test_cn_to_int_rejects_other_text():
    assert cn_to_int("三十八a") is None
    assert cn_to_int("") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("38", (38, "")),
        ("３８", (38, "")),
        ("第38条", (38, "")),
        ("第三十八条", (38, "")),
        ("三十八", (38, "")),
        (" 第 38 条 ", (38, "")),
        ("第十条之一", (10, "之一")),
        ("笫五条", (5, "")),
    ],
)
def test_parse_clause_number_accepts_what_people_type(typed, expected):
    assert parse_clause_number(typed) == expected


@pytest.mark.parametrize("typed", ["", "abc", "0", "第条", "-3", "第38款", "1" * 50, None])
def test_parse_clause_number_rejects_the_rest(typed):
    assert parse_clause_number(typed) is None


def test_clause_label():
    assert clause_label(38) == "第三十八条"
    assert clause_label(10, "之一") == "第十条之一"


def test_ascii_int_accepts_only_short_ascii_digit_strings():
    from lawtext.numerals import ascii_int

    assert ascii_int("38", max_digits=6) == 38
    for text in ("", "²", "٣", "3.5", "-1", "1" * 7, " 1"):
        assert ascii_int(text, max_digits=6) is None, text
