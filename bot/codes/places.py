"""Chinese places in free text -> 6-digit adcodes (GB/T 2260), on top of cpca's table and matcher.

Postings write places as "上海·虹口", "武汉-洪山区", "湖北省宜昌市" or "全国"; graduates say "想回宜昌" or
"深圳或者广州都行". cpca finds provinces and cities by full or short name but districts only with their suffix,
so a district written without "区/县" right after its city ("武汉洪山", "上海·虹口") is looked up here.
Pure: the table ships inside the cpca package and is read once.
"""

from __future__ import annotations

import enum
import re
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # cpca reads its table through the deprecated pkg_resources
    import cpca

MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京, 天津, 上海, 重庆: the province is the city
NATIONWIDE_WORDS = (
    "全国",
    "不限地点",
    "不限城市",
    "地点不限",
    "城市不限",
    "工作地点不限",
    "全国各地",
    "各地均可",
    "多地",
    "全球",
)
_SEPARATORS = re.compile(r"[\s·•・\-—–_/｜|,，、;；:：()（）\[\]【】]+")
_DISTRICT_SUFFIX = re.compile(r"(区|县|市|自治县|旗)$")
# Table rows whose names are ordinary words ("回县城", "城区上班"): never a place on their own.
_GENERIC_NAMES = frozenset({"县", "城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "新区", "市辖区"})
# Table rows that group counties without being a city people name.
_PSEUDO_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


# Prefectures people name without their 自治州/地区/盟 suffix; cpca only knows the full names, and its short form of
# e.g. "恩施" is the county-level city inside the prefecture. Bare names that collide with a province ("海南") or
# with a county elsewhere ("兴安") only get the suffixed alias.
_PREFECTURE_ALIASES: dict[str, tuple[str, ...]] = {
    "623000": ("甘南州", "甘南"),
    "513200": ("阿坝州", "阿坝"),
    "152900": ("阿拉善",),
    "433100": ("湘西州", "湘西"),
    "632300": ("黄南州", "黄南"),
    "513400": ("凉山州", "凉山"),
    "222400": ("延边州", "延边"),
    "632800": ("海西州", "海西"),
    "522300": ("黔西南州", "黔西南"),
    "533300": ("怒江州", "怒江"),
    "542400": ("那曲",),
    "533400": ("迪庆州", "迪庆"),
    "652800": ("巴州", "巴音郭楞"),
    "653100": ("喀什",),
    "652300": ("昌吉州", "昌吉"),
    "654300": ("阿勒泰",),
    "522700": ("黔南州", "黔南"),
    "622900": ("临夏州", "临夏"),
    "653000": ("克州", "克孜勒苏"),
    "542500": ("阿里",),
    "632500": ("海南州",),
    "652900": ("阿克苏",),
    "632600": ("果洛州", "果洛"),
    "632700": ("玉树州", "玉树"),
    "632200": ("海北州", "海北"),
    "532900": ("大理州", "大理"),
    "232700": ("大兴安岭",),
    "532600": ("文山州", "文山"),
    "522600": ("黔东南州", "黔东南"),
    "652700": ("博州", "博尔塔拉"),
    "654000": ("伊犁州", "伊犁"),
    "513300": ("甘孜州", "甘孜"),
    "422800": ("恩施州", "恩施"),
    "532800": ("西双版纳州", "西双版纳", "版纳"),
    "532500": ("红河州", "红河"),
    "152200": ("兴安盟",),
    "654200": ("塔城",),
    "533100": ("德宏州", "德宏"),
    "152500": ("锡林郭勒",),
    "653200": ("和田",),
    "532300": ("楚雄州", "楚雄"),
}


class PlaceLevel(enum.IntEnum):
    NATION = 0
    PROVINCE = 1
    CITY = 2
    DISTRICT = 3


@dataclass(frozen=True, slots=True)
class Place:
    adcode: str
    name: str
    level: PlaceLevel

    @property
    def province(self) -> str:
        return province_of(self.adcode)

    @property
    def city(self) -> str | None:
        return city_of(self.adcode)


NATIONWIDE = Place("000000", "全国", PlaceLevel.NATION)


def _addr(adcode6: str) -> Any:
    return cpca.ad_2_addr_dict.get(adcode6 + "000000")


def province_of(adcode: str) -> str:
    return adcode[:2] + "0000"


def city_of(adcode: str) -> str | None:
    """The city an adcode lies in (municipalities collapse to the province code); None for a province."""
    if adcode == NATIONWIDE.adcode:
        return None
    if adcode[:2] in MUNICIPALITIES:
        return adcode[:2] + "0000"
    if adcode.endswith("0000"):
        return None
    city = adcode[:4] + "00"
    # County-level cities directly under a province (仙桃 429004) have no prefecture: they are their own city.
    info = _addr(city)
    return city if info is not None and info.name not in _PSEUDO_CITIES else adcode


def level_of(adcode: str) -> PlaceLevel:
    if adcode == NATIONWIDE.adcode:
        return PlaceLevel.NATION
    if adcode.endswith("0000"):
        return PlaceLevel.PROVINCE
    if adcode[:2] in MUNICIPALITIES:
        return PlaceLevel.DISTRICT if not adcode.endswith("00") else PlaceLevel.PROVINCE
    if city_of(adcode) == adcode:
        return PlaceLevel.CITY
    return PlaceLevel.DISTRICT


@cache
def name_of(adcode: str) -> str:
    """A readable full name: 湖北省宜昌市, 上海市虹口区, 全国."""
    if adcode == NATIONWIDE.adcode:
        return NATIONWIDE.name
    parts: list[str] = []
    for code in (adcode[:2] + "0000", adcode[:4] + "00", adcode):
        info = _addr(code)
        if info is not None and info.name not in _PSEUDO_CITIES and info.name not in parts:
            parts.append(info.name)
    return "".join(parts) or adcode


@cache
def short_name_of(adcode: str) -> str:
    """The name people use: 宜昌, 上海, 虹口区."""
    info = _addr(adcode)
    if info is None:
        return adcode
    name: str = info.name
    if level_of(adcode) in (PlaceLevel.PROVINCE, PlaceLevel.CITY):
        name = re.sub(r"(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$", "", name) or name
    return name


def place(adcode: str) -> Place:
    return Place(adcode, name_of(adcode), level_of(adcode))


def is_valid_adcode(adcode: str) -> bool:
    return adcode == NATIONWIDE.adcode or (len(adcode) == 6 and adcode.isdigit() and _addr(adcode) is not None)


def is_nationwide(text: str) -> bool:
    t = _SEPARATORS.sub("", text)
    return any(word in t for word in NATIONWIDE_WORDS) or t in {"不限", "均可", "任意"}


@cache
def _districts_by_city() -> dict[str, list[tuple[str, str]]]:
    """city adcode -> [(district short name, district adcode)], longest names first."""
    table: dict[str, list[tuple[str, str]]] = {}
    for key, info in cpca.ad_2_addr_dict.items():
        code = key[:6]
        if code.endswith("00"):
            continue
        short = _DISTRICT_SUFFIX.sub("", info.name)
        if len(short) < 2:
            continue
        parent = city_of(code)
        if parent is None or parent == code:
            continue
        table.setdefault(parent, []).append((short, code))
    for entries in table.values():
        entries.sort(key=lambda e: -len(e[0]))
    return table


def _bare_district_after(city: str, rest: str) -> tuple[str, int] | None:
    """A district of `city` written without its suffix at the start of `rest` (after separators)."""
    stripped = rest.lstrip(" ·•・-—–_/｜|:：")
    skipped = len(rest) - len(stripped)
    for short, code in _districts_by_city().get(city, ()):
        if stripped.startswith(short):
            return code, skipped + len(short)
    return None


@cache
def _alias_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    full: dict[str, str] = {}
    for code, aliases in _PREFECTURE_ALIASES.items():
        info = _addr(code)
        if info is None:
            continue
        for alias in aliases:
            full[alias] = info.name
    names = sorted(full, key=len, reverse=True)
    # Not when the alias is the start of a longer official name (恩施市, 大理白族自治州, 喀什地区).
    pattern = re.compile("(?:" + "|".join(map(re.escape, names)) + ")(?![市县区州盟]|地区|白族|土家族|傣族|自治)")
    return pattern, full


def _expand_aliases(text: str) -> str:
    pattern, full = _alias_pattern()
    return pattern.sub(lambda m: full[m.group(0)], text)


@lru_cache(maxsize=50_000)
def find_places(text: str) -> tuple[Place, ...]:
    """Every place named in `text`, most specific form, in order of appearance, without repeats."""
    if not text:
        return ()
    text = _expand_aliases(text)
    found: list[str] = []
    last: Any = None
    last_end = -1
    for match in cpca.matcher.iter(text):
        if match.start_index <= last_end or match.origin_value in _GENERIC_NAMES:
            continue
        addr = match.get_match_addr(last) if last is not None else None
        if addr is None:
            addr = match.get_match_addr(None)
            if last is not None:
                last = None
        if addr is None:
            continue
        code = addr.adcode
        if last is not None and found and code.startswith(found[-1][: (last.rank + 1) * 2]):
            found[-1] = code  # refine the previous (province -> city -> district)
        else:
            found.append(code)
        last = addr
        last_end = match.end_index
        city = city_of(code)
        if city is not None and level_of(code) != PlaceLevel.DISTRICT:
            bare = _bare_district_after(city, text[match.end_index + 1 :])
            if bare is not None:
                found[-1] = bare[0]
                last_end = match.end_index + bare[1]
                last = _addr(bare[0])
    out: list[Place] = []
    for code in found:
        if all(p.adcode != code for p in out):
            out.append(place(code))
    return tuple(out)


def resolve(text: str | None) -> Place | None:
    """The one place a posting's 工作地点 names (the first if several); NATIONWIDE for 全国; None if unknown."""
    if text is None:
        return None
    text = str(text).strip()
    if not text:
        return None
    found = find_places(text)
    if found:
        return found[0]
    if is_nationwide(text):
        return NATIONWIDE
    return None
