"""地区 of a local regulation: its province and city, from the enacting body, the title, the folder.

The places are data (`lawtext/data/regions.csv`: province, city, parent_city): every
province-level unit, and the cities (and county-level units whose congress makes 条例) of the
provinces in the corpus. 上海市/北京市 are province-level: province 上海市, city "".
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

_PROVINCE_SUFFIX = re.compile(r"(?:省|市|特别行政区|(?:壮族|回族|维吾尔)?自治区)$")
_CITY_SUFFIX = re.compile(r"(?:市|(?:[\u3400-\u9fff]{1,4}族)?自治县|自治州|县)$")


@lru_cache(maxsize=1)
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("lawtext").joinpath("data/regions.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def parent_city(city: str) -> str:
    """金华市 for 义乌市 (a county-level city and the city it belongs to), else ''."""
    return _places()[3].get(city, "") if city else ""


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """({name or short name: province}, {name or short name: city}, {short name: province},
    {city: the city it belongs to})."""
    provinces: dict[str, str] = {}
    cities: dict[str, str] = {}
    short_provinces: dict[str, str] = {}
    parents: dict[str, str] = {}
    for row in _rows():
        province, city = row["province"], row["city"]
        if not city:
            short = _PROVINCE_SUFFIX.sub("", province)
            provinces[province] = provinces[short] = province
            short_provinces[short] = province
        else:
            cities[city] = city
            parents[city] = row["parent_city"]
            short = _CITY_SUFFIX.sub("", city)
            if len(short) >= 2:
                cities.setdefault(short, city)
            provinces.setdefault(city, province)
    return provinces, cities, short_provinces, parents


def province_of_city(city: str) -> str:
    """浙江省 for 丽水市 (or 义乌市); '' for a city not in the table."""
    return _places()[0].get(city, "") if city in _places()[1] else ""


def province_of_folder(folder: str) -> str:
    """The province a corpus folder (上海, 浙江 …) stands for, or ''."""
    return _places()[2].get(folder, "")


def place_at_start(text: str) -> tuple[str, str]:
    """(province, city) named at the start of a body's name or a title:
    '丽水市人民代表大会常务委员会' → (浙江省, 丽水市); '深圳经济特区…' → (广东省, 深圳市);
    '上海市…' → (上海市, ''); else ('', '')."""
    provinces, cities, _, _ = _places()
    for length in range(min(len(text), 10), 1, -1):
        head = text[:length]
        if head in cities and head not in provinces.keys() - cities.keys():
            city = cities[head]
            return provinces[city], city
        if head in provinces and head not in cities:
            return provinces[head], ""
    return "", ""
