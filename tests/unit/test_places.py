from __future__ import annotations

import pytest

from bot.codes import places
from bot.codes.places import NATIONWIDE, PlaceLevel


@pytest.mark.parametrize(
    ("text", "adcode", "level"),
    [
        ("上海·虹口", "310109", PlaceLevel.DISTRICT),
        ("武汉-洪山区", "420111", PlaceLevel.DISTRICT),
        ("湖北省宜昌市", "420500", PlaceLevel.CITY),
        ("宜昌", "420500", PlaceLevel.CITY),
        ("北京海淀", "110108", PlaceLevel.DISTRICT),
        ("武汉洪山", "420111", PlaceLevel.DISTRICT),
        ("杭州市西湖区", "330106", PlaceLevel.DISTRICT),
        ("广东", "440000", PlaceLevel.PROVINCE),
        ("湖北仙桃", "429004", PlaceLevel.CITY),
        ("重庆渝北", "500112", PlaceLevel.DISTRICT),
        ("恩施州", "422800", PlaceLevel.CITY),
        ("湖北恩施", "422800", PlaceLevel.CITY),
        ("恩施市", "422801", PlaceLevel.DISTRICT),
        ("恩施土家族苗族自治州", "422800", PlaceLevel.CITY),
        ("云南大理", "532900", PlaceLevel.CITY),
        ("新疆喀什", "653100", PlaceLevel.CITY),
        ("喀什地区", "653100", PlaceLevel.CITY),
        ("海南州", "632500", PlaceLevel.CITY),
        ("海南", "460000", PlaceLevel.PROVINCE),
    ],
)
def test_posting_places_resolve(text: str, adcode: str, level: PlaceLevel) -> None:
    found = places.resolve(text)
    assert found is not None
    assert (found.adcode, found.level) == (adcode, level)


@pytest.mark.parametrize("text", ["全国", "不限城市", "全国各地", "地点不限"])
def test_nationwide(text: str) -> None:
    assert places.resolve(text) == NATIONWIDE


def test_unknown_place_is_none() -> None:
    assert places.resolve("火星基地") is None
    assert places.resolve("") is None
    assert places.resolve(None) is None


def test_several_places_in_colloquial_text() -> None:
    assert [p.adcode for p in places.find_places("深圳或者广州都行")] == ["440300", "440100"]
    assert [p.adcode for p in places.find_places("成都、重庆")] == ["510100", "500000"]
    assert [p.adcode for p in places.find_places("想回湖北宜昌，做护士")] == ["420500"]


def test_hierarchy_helpers() -> None:
    assert places.city_of("420111") == "420100"
    assert places.city_of("110108") == "110000"  # municipality: the province is the city
    assert places.city_of("420000") is None
    assert places.province_of("420111") == "420000"
    assert places.name_of("420500") == "湖北省宜昌市"
    assert places.short_name_of("420500") == "宜昌"
    assert places.short_name_of("310000") == "上海"
    assert places.is_valid_adcode("420500") and not places.is_valid_adcode("999999")


def test_ordinary_words_are_not_places() -> None:
    assert places.find_places("想回县城工作") == ()
    assert [p.adcode for p in places.find_places("在武汉城区上班")] == ["420100"]
    assert places.resolve("汕尾市城区") is not None
