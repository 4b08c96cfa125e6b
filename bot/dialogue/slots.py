"""Slots of a preference in free text: places (adcodes), a salary floor, industries, employer kinds, job words.

All functions read normalised text (normalize.normalize): amounts are already Arabic digits.
"""

from __future__ import annotations

import re
from functools import cache

from bot import codes
from bot.codes import places
from bot.codes.places import MUNICIPALITIES, PlaceLevel
from bot.dialogue.lexicon import INDUSTRY_WORDS, NATURE_WORDS, POSITION_WORDS, REGION_GROUPS, TEACHER_CONTEXT
from bot.dialogue.result import PreferenceSlots

# A word right after one of these is unwanted, not wanted ("不考虑私企", "除了北京").
_NEGATION = re.compile(r"(不|别|非|除了|排除|拒绝)[^,。;!?]{0,3}$")
_ANY_PLACE = re.compile(
    r"(哪里|哪儿|哪|什么地方|去哪|在哪|到哪)(都|也)(行|可以|ok|好|成|能|没问题|无所谓)"
    r"|(地点|城市|地区|地方|位置|地域|工作地)(无所谓|都行|随便|都可以|没要求|不限)"
    r"|(不限|不挑|不在乎|不介意|不讲究)(地点|城市|地区|地域|地方|工作地)|全国|外地也(可以|行)|去哪都|天南海北|五湖四海"
)


# Table entries whose name is also an ordinary word ("在县城" is not 重庆's 县 group, "城区" not 汕尾's district).
_GENERIC_PLACE_NAMES = frozenset({"县", "城区", "郊区", "矿区", "市辖区", "新区", "开发区", "高新区"})


def real_places(text: str) -> tuple[places.Place, ...]:
    """places.find_places without the matches that are ordinary words."""
    return tuple(p for p in places.find_places(text) if places.short_name_of(p.adcode) not in _GENERIC_PLACE_NAMES)


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 6) : start]))


def _scan(text: str, words: dict[str, str] | dict[str, tuple[str, ...]]) -> list[tuple[int, str]]:
    """(position, word) of every lexicon word in `text`, longest words first, without overlaps or negation."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for word in sorted(words, key=len, reverse=True):
        pattern = _word_pattern(word)
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken) or _negated(text, start):
                continue
            taken.append((start, end))
            found.append((start, word))
    return sorted(found)


@cache
def _word_pattern(word: str) -> re.Pattern[str]:
    escaped = re.escape(word)
    if word.isascii():  # Latin words only on their own ("it" is not inside "quit")
        return re.compile(rf"(?<![a-z]){escaped}(?![a-z])")
    return re.compile(escaped)


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def place_slots(text: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(city adcodes, province adcodes, any place) named in `text`.

    Districts count as their city and 北京/上海/天津/重庆 as cities; a province is dropped when one of its
    cities is also named ("湖北宜昌或者武汉" wants two cities, not the whole province).
    """
    cities: list[str] = []
    provinces: list[str] = []
    for group, codes_ in REGION_GROUPS.items():
        if group in text:
            for code in codes_:
                _add_place(code, cities, provinces)
            text = text.replace(group, " ")
    for found in real_places(text):
        start = text.find(places.short_name_of(found.adcode)[:2])
        if start >= 0 and _negated(text, start):
            continue
        _add_place(found.adcode, cities, provinces)
    provinces = [p for p in provinces if not any(places.province_of(c) == p for c in cities)]
    any_place = not cities and not provinces and (bool(_ANY_PLACE.search(text)) or places.is_nationwide(text))
    return _unique(cities), _unique(provinces), any_place


def _add_place(code: str, cities: list[str], provinces: list[str]) -> None:
    level = places.level_of(code)
    if level == PlaceLevel.PROVINCE and code[:2] not in MUNICIPALITIES:
        provinces.append(code)
    elif level != PlaceLevel.NATION:
        cities.append(places.city_of(code) or code)


_SALARY_BEFORE = re.compile(
    r"(月薪|工资|薪资|薪水|薪酬|待遇|收入|月入|底薪|到手|税前|税后|年薪|至少|最少|最低|不低于|不少于|高于|期望|期待|要求|"
    r"给够|给到|开到|能给|能开|:)"
    r"[^\d,。;]{0,4}$"
)
_SALARY_AFTER = re.compile(
    r"^\s*(\+|以上|起|左右|上下|多|也行|就行|就可以|可以|也可以|元|块|/月|每月|一个月|的|就(去|干|考虑|来))"
)
_NUMBER = re.compile(r"(?<![\d.])(\d{3,6})(?:\s*(?:-|~|到|至)\s*(\d{3,6}))?(?![\d.])")
_OVER_10K = re.compile(r"(过|上|破)万")


def salary_floor(text: str) -> int | None:
    """The lowest monthly salary a graduate accepts ("月薪5000以上", "至少6000", "5000+", "年薪100000")."""
    for match in _NUMBER.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        if re.match(r"^\s*(年|届|级|号|个|名|人|分|次|天|小时|元/天)", after):
            continue
        value = int(match.group(1))
        yearly = re.search(r"年薪[^\d]{0,4}$", before) is not None
        if not (_SALARY_BEFORE.search(before) or _SALARY_AFTER.match(after) or match.group(2)):
            continue
        if yearly:
            value = round(value / 12)
        if 1000 <= value <= 100_000:
            return value
    if _OVER_10K.search(text):
        return 10_000
    return None


@cache
def _official_industries() -> dict[str, str]:
    """The code book's own names ("制造业", "金融业"), for graduates who use them."""
    book = codes.load()
    return {name: code for code, name in book.industries.items()}


def industry_codes(text: str) -> tuple[str, ...]:
    words = {**_official_industries(), **INDUSTRY_WORDS}
    found = [words[w] for _, w in _scan(text, words)]
    if re.search(TEACHER_CONTEXT, text):
        found.append("42")
    return _unique(found)


def employer_natures(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for _, word in _scan(text, NATURE_WORDS):
        found.extend(NATURE_WORDS[word])
    return _unique(found)


def positions(text: str) -> tuple[str, ...]:
    found = [POSITION_WORDS[w] for _, w in _scan(text, POSITION_WORDS)]
    if re.search(TEACHER_CONTEXT, text):
        found.append("教师")
    return _unique(found)


def preference_slots(text: str) -> PreferenceSlots:
    cities, provinces, any_place = place_slots(text)
    return PreferenceSlots(
        city_adcodes=cities,
        province_adcodes=provinces,
        any_place=any_place,
        industry_codes=industry_codes(text),
        employer_natures=employer_natures(text),
        positions=positions(text),
        salary_min=salary_floor(text),
    )
