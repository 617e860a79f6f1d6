from lawtext.region import parent_city, place_at_start, province_of_city, province_of_folder


def test_places_named_by_bodies_and_titles():
    # local/浙江/丽水市扬尘污染防治规定(2021-12-30).md
    assert place_at_start("丽水市人民代表大会常务委员会") == ("浙江省", "丽水市")
    # local/广东/深圳经济特区学前教育条例(2022-06-30).md
    assert place_at_start("深圳经济特区学前教育条例") == ("广东省", "深圳市")
    # local/上海/上海市水资源管理若干规定(2017-11-23).md: 上海市 is province-level
    assert place_at_start("上海市水资源管理若干规定") == ("上海市", "")
    # local/浙江/景宁畲族自治县城市管理条例(2015-06-08).md
    assert place_at_start("景宁畲族自治县城市管理条例") == ("浙江省", "景宁畲族自治县")
    assert place_at_start("中国（上海）自由贸易试验区条例") == ("", "")


def test_folders_and_parents():
    assert province_of_folder("浙江") == "浙江省"
    assert province_of_folder("北京") == "北京市"
    assert province_of_folder("部门规章") == ""
    assert province_of_city("义乌市") == "浙江省"
    assert parent_city("义乌市") == "金华市"
