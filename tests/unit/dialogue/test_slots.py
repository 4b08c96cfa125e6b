from __future__ import annotations

import pytest

from bot import codes
from bot.dialogue import lexicon
from bot.dialogue.normalize import normalize
from bot.dialogue.slots import (
    employer_natures,
    industry_codes,
    place_slots,
    positions,
    preference_slots,
    real_places,
    salary_floor,
)
from bot.domain import Preference


def _n(text: str) -> str:
    return normalize(text).text


# ---- places


@pytest.mark.parametrize(
    ("text", "cities", "provinces"),
    [
        ("想回湖北宜昌", ["420500"], []),  # province + city: the city
        ("深圳或者广州都行", ["440300", "440100"], []),
        ("北京上海都可以", ["110000", "310000"], []),  # municipalities are cities
        ("在湖南省内就行", [], ["430000"]),
        ("宜昌市夷陵区", ["420500"], []),  # a district counts as its city
        ("湖北的宜昌或者武汉", ["420500", "420100"], []),  # the province only frames the cities
        ("江浙沪", ["310000"], ["320000", "330000"]),
        ("北上广深", ["110000", "310000", "440100", "440300"], []),
    ],
)
def test_places(text: str, cities: list[str], provinces: list[str]) -> None:
    got_cities, got_provinces, any_place = place_slots(_n(text))
    assert (list(got_cities), list(got_provinces), any_place) == (cities, provinces, False)


@pytest.mark.parametrize("text", ["不限城市", "全国都可以", "哪里都行", "地点无所谓", "不挑地方", "外地也可以"])
def test_anywhere(text: str) -> None:
    assert place_slots(_n(text)) == ((), (), True)


def test_unwanted_place_is_not_wanted() -> None:
    assert place_slots(_n("不想去北京")) == ((), (), False)


def test_ordinary_words_are_not_places() -> None:
    # cpca reads "县" as a Chongqing county group and "城区" as a district of 汕尾.
    assert real_places("在县城上班") == ()
    assert real_places("在城区") == ()
    assert [p.adcode for p in real_places("在十堰上班")] == ["420300"]


# ---- salary


@pytest.mark.parametrize(
    ("text", "floor"),
    [
        ("月薪五千以上", 5000),
        ("至少6k", 6000),
        ("5000+", 5000),
        ("工资不低于4500", 4500),
        ("期望薪资 6000-8000", 6000),
        ("一万二左右", 12000),
        ("三千五也行", 3500),
        ("五千五以上", 5500),
        ("月入过万", 10000),
        ("年薪十万以上", 8333),  # a twelfth of the yearly figure
        ("能给够七千就去", 7000),
    ],
)
def test_salary_floor(text: str, floor: int) -> None:
    assert salary_floor(_n(text)) == floor


@pytest.mark.parametrize("text", ["2025年毕业", "学号2021001234", "想去十堰", "第3个", "3000米长跑"])
def test_not_a_salary(text: str) -> None:
    assert salary_floor(_n(text)) is None


# ---- industries, natures, positions


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("互联网运营", "34"),
        ("想进银行", "35"),
        ("想去医院", "43"),
        ("想去学校当老师", "42"),
        ("进工厂", "22"),
        ("想进电网", "23"),
        ("物流方向", "32"),
        ("房地产", "36"),
        ("制造业", "22"),  # the code book's own name
    ],
)
def test_industry(text: str, industry: str) -> None:
    assert industry in industry_codes(_n(text))


def test_teacher_only_as_a_job() -> None:
    assert industry_codes(_n("当小学老师")) == ("42",)
    assert positions(_n("当小学老师")) == ("教师",)
    # "老师" is also how graduates address their counselor.
    assert industry_codes(_n("老师有没有工作介绍")) == ()
    assert positions(_n("谢谢老师")) == ()


def test_natures() -> None:
    assert employer_natures(_n("只考虑国企")) == ("31",)
    assert employer_natures(_n("央企")) == ("31",)
    assert employer_natures(_n("最好是事业单位")) == lexicon.SHIYE
    assert employer_natures(_n("外企优先")) == ("32",)
    assert employer_natures(_n("不考虑私企")) == ()  # negated


def test_positions_longest_word_wins() -> None:
    assert positions(_n("想做新媒体运营")) == ("新媒体运营",)
    assert positions(_n("做机械设计")) == ("机械设计",)
    assert positions(_n("想做hr")) == ("人事",)
    assert positions(_n("做测试或者开发都行")) == ("测试", "开发")


def test_lexicon_codes_exist_in_the_code_book() -> None:
    book = codes.load()
    assert set(lexicon.INDUSTRY_WORDS.values()) <= set(book.industries)
    assert {c for natures in lexicon.NATURE_WORDS.values() for c in natures} <= set(book.employer_natures)


def test_preference_slots_become_a_domain_preference() -> None:
    slots = preference_slots(_n("想回湖北宜昌，做护士，月薪五千以上"))
    assert slots.to_preference() == Preference(city_adcodes=("420500",), positions=("护士",), salary_min=5000)
    # Said later: only the salary; the place and job said before are kept.
    later = preference_slots(_n("工资至少6k"))
    merged = later.to_preference(slots.to_preference())
    assert (merged.city_adcodes, merged.positions, merged.salary_min) == (("420500",), ("护士",), 6000)
    # Saying "anywhere" replaces the cities said before.
    anywhere = preference_slots(_n("不限城市")).to_preference(merged)
    assert (anywhere.any_place, anywhere.city_adcodes, anywhere.salary_min) == (True, (), 6000)
