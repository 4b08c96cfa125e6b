"""What graduates truly want (hidden truth) and what they say they want (stated, with noise) — pure.

Truth: 1-2 preferred cities (武汉 where the school is, the home city or a nearby big city, sometimes a famous
one), the provinces they would accept (those cities' provinces, often the home province too), ~8% who would go
anywhere, 1-2 industries and 1-2 position words of their major's job family, and a salary floor from the
family's typical pay scaled by the preferred city's pay level (lower for 专科).

Stated: ~15% state nothing. The others state each dimension independently, with realistic omissions and noise:
place — all true cities (45%), only the first (15%), only the provinces (12%), 不限 (8%; 70% of the "anywhere"
graduates), the first city plus a city they do not really want (10%), nothing (10%); industry — the true ones
(45%), a neighbouring industry (15%), nothing; position — a true word (55%), a related word instead (20%),
nothing; skills (40%); salary — the floor give or take 15% (45%); employer nature (10%). The stated text is the
same wish in the graduate's words, for the dialogue and for a text baseline.
"""

from __future__ import annotations

from random import Random

from bot.codes import places
from bot.demo.catalogue import BIG_CITIES, HOME_CITY, HOME_PROVINCE, NEAR_CITIES
from bot.demo.jobs import Family
from bot.demo.market import cities, city_of
from bot.demo.model import Truth
from bot.domain import EducationLevel, Preference

STATES_NOTHING = 0.15
ANYWHERE = 0.08

# How people name industries in conversation (MOE 行业 code -> words).
INDUSTRY_WORDS = {
    "22": "制造业",
    "24": "建筑",
    "31": "零售",
    "32": "物流",
    "34": "互联网",
    "35": "金融",
    "36": "房地产",
    "37": "商务服务",
    "38": "科研技术服务",
    "41": "居民服务",
    "42": "教育",
    "43": "医疗卫生",
    "44": "文化传媒",
}


def _city(label: str) -> str:
    return next(c.adcode for c in cities() if c.spec.label == label)


def _city_options(origin_adcode: str) -> list[tuple[str, int]]:
    """Candidate preferred cities (labels) with weights, from where the graduate comes from."""
    province = origin_adcode[:2]
    big = [(label, 3) for label in BIG_CITIES]
    if province + "0000" == HOME_PROVINCE:
        home = places.city_of(origin_adcode) or origin_adcode
        known = {c.adcode: c.spec.label for c in cities()}
        home_label = known.get(home)
        if home_label is not None and home_label != HOME_CITY:
            return [(HOME_CITY, 55), (home_label, 30), *big]
        return [(HOME_CITY, 80), *big]
    near = NEAR_CITIES.get(province, ())
    return [(HOME_CITY, 40), *((label, 40 // len(near)) for label in near), *big]


def make_truth(rng: Random, family: Family, origin_adcode: str, level: EducationLevel) -> Truth:
    options = _city_options(origin_adcode)
    first = rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
    chosen = [first]
    rest = [(o, w) for o, w in options if o != first]
    if rest and rng.random() < 0.45:
        chosen.append(rng.choices([o for o, _ in rest], weights=[w for _, w in rest])[0])
    city_codes = tuple(_city(label) for label in chosen)
    provinces = {places.province_of(c) for c in city_codes}
    if rng.random() < 0.5:
        provinces.add(places.province_of(origin_adcode))
    industries = rng.sample(family.industries, k=min(len(family.industries), 1 if rng.random() < 0.6 else 2))
    keywords = rng.sample(family.keywords, k=rng.choice((1, 1, 2)))
    factor = city_of(city_codes[0]).spec.salary_factor
    floor = family.salary_floor * factor * rng.uniform(0.8, 1.1) * (0.85 if level <= EducationLevel.ZHUANKE else 1.0)
    return Truth(
        city_adcodes=city_codes,
        province_adcodes=tuple(sorted(provinces)),
        anywhere=rng.random() < ANYWHERE,
        industry_codes=tuple(industries),
        keywords=tuple(keywords),
        salary_floor=max(3000, round(floor / 500) * 500),
    )


def make_stated(rng: Random, truth: Truth, family: Family) -> Preference | None:
    if rng.random() < STATES_NOTHING:
        return None
    cities_, provinces, anywhere = _stated_place(rng, truth)
    roll = rng.random()
    industries = truth.industry_codes if roll < 0.45 else family.related_industries[:1] if roll < 0.6 else ()
    roll = rng.random()
    positions: tuple[str, ...] = (
        truth.keywords if roll < 0.55 else (family.related_word(truth.keywords[0]),) if roll < 0.75 else ()
    )
    skills = tuple(rng.sample(family.skills, k=rng.choice((1, 2)))) if rng.random() < 0.4 else ()
    salary = max(3000, round(truth.salary_floor * rng.uniform(0.85, 1.15) / 500) * 500) if rng.random() < 0.45 else None
    natures: tuple[str, ...] = ()
    if rng.random() < 0.1:
        natures = ("23",) if "43" in family.industries else ("31",)
    pref = Preference(
        city_adcodes=cities_,
        province_adcodes=provinces,
        any_place=anywhere,
        industry_codes=tuple(industries),
        positions=positions,
        skills=skills,
        salary_min=salary,
        employer_natures=natures,
    )
    return None if pref == Preference() else pref


def _stated_place(rng: Random, truth: Truth) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    if truth.anywhere and rng.random() < 0.7:
        return (), (), True
    roll = rng.random()
    if roll < 0.45:
        return truth.city_adcodes, (), False
    if roll < 0.60:
        return truth.city_adcodes[:1], (), False
    if roll < 0.72:
        return (), truth.province_adcodes, False
    if roll < 0.80:
        return (), (), True
    if roll < 0.90:
        others = [_city(label) for label in BIG_CITIES if _city(label) not in truth.city_adcodes]
        return (truth.city_adcodes[0], rng.choice(others)), (), False
    return (), (), False


def stated_text(rng: Random, pref: Preference) -> str:
    """The wish as a graduate would type it: 想去武汉或宜昌，想做护士相关的工作，月薪5000以上。"""
    parts: list[str] = []
    if pref.city_adcodes:
        labels = {c.adcode: c.spec.label for c in cities()}
        parts.append("想去" + "或".join(labels.get(c) or places.short_name_of(c) for c in pref.city_adcodes))
    elif pref.province_adcodes:
        parts.append("想留在" + "、".join(places.short_name_of(p) for p in pref.province_adcodes))
    elif pref.any_place:
        parts.append(rng.choice(("地点不限", "去哪都行", "城市无所谓")))
    if pref.positions:
        parts.append("想做" + "、".join(pref.positions) + "相关的工作")
    if pref.industry_codes:
        parts.append("最好是" + "、".join(INDUSTRY_WORDS.get(c, c) for c in pref.industry_codes) + "行业")
    if pref.skills:
        parts.append("会" + "、".join(pref.skills))
    if pref.employer_natures:
        parts.append("想进医院等医疗卫生单位" if pref.employer_natures == ("23",) else "想进国企")
    if pref.salary_min is not None:
        parts.append(rng.choice((f"月薪{pref.salary_min}以上", f"工资不低于{pref.salary_min / 1000:g}千")))
    return "，".join(parts) + "。"
