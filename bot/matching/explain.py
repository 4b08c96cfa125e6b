"""One-line Chinese reasons: why this posting went to this graduate, and why a graduate has fewer than K.

Built per match from the two profiles and the stored parts, after the arrays have done the ranking; a counselor
reads them in the admin pages and the graduate sees them next to each posting.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.codes.places import NATIONWIDE, city_of, province_of, short_name_of
from bot.domain import GraduateProfile, PostingProfile
from bot.matching.text import bigram_pairs
from bot.matching.types import STEP_NAMES

MAX_REASON = 250  # the column holds 256
TEXT_MENTION = 0.2  # similarity from which the wanted position is named in the reason


def major_level(g: GraduateProfile, p: PostingProfile) -> int:
    """3 exact major, 2 same 专业类, 1 same 门类, 0 不限, -1 not accepted (mirrors PostingIndex.major_level)."""
    accepted = set(p.accepted_majors)
    for code, level in ((g.major_code, 3), (g.major_class_code, 2), (g.major_category_code, 1)):
        if code and code in accepted:
            return level
    return 0 if p.majors_any or not accepted else -1


def _amount(yuan: float) -> str:
    if yuan >= 10000:
        return f"{round(yuan / 10000, 1):g}万"
    return f"{round(yuan / 1000, 1):g}千"


def salary_text(lo: int | None, hi: int | None) -> str | None:
    """5000-7000 -> "5-7千", 8000-12000 -> "8千-1.2万", 6000 -> "6千起"; None when unknown."""
    if lo is None and hi is None:
        return None
    if lo is None or hi is None or lo == hi:
        value = lo if lo is not None else hi
        assert value is not None
        return f"{_amount(value)}起" if lo is not None else f"最高{_amount(value)}"
    a, b = _amount(lo), _amount(hi)
    if a[-1] == b[-1]:
        return f"{a[:-1]}-{b}"
    return f"{a}-{b}"


def _place(g: GraduateProfile, p: PostingProfile) -> str:
    if p.adcode is None or p.adcode == NATIONWIDE.adcode:
        return "全国招聘"
    city = city_of(p.adcode)
    prov = province_of(p.adcode)
    here = short_name_of(city or p.adcode)
    pref = g.preference
    if not (pref.city_adcodes or pref.province_adcodes):
        return f"工作地：{here}"
    if city is not None and city in {city_of(a) for a in pref.city_adcodes}:
        return f"意向城市：{here}"
    if prov in {province_of(a) for a in pref.province_adcodes}:
        return f"意向省份：{short_name_of(prov)}"
    if prov in {province_of(a) for a in pref.city_adcodes}:
        return f"工作地：{here}（与意向城市同省）"
    return f"工作地：{here}"


def _wanted_position(g: GraduateProfile, p: PostingProfile) -> str | None:
    """The first wanted position or skill sharing a bigram with the posting's title and description."""
    _, posting_terms = bigram_pairs([p.title + " " + p.description])
    have = set(posting_terms.tolist())
    for word in (*g.preference.positions, *g.preference.skills):
        _, terms = bigram_pairs([word])
        if have.intersection(terms.tolist()):
            return word
    return None


def reason(
    g: GraduateProfile,
    p: PostingProfile,
    parts: Mapping[str, float],
    step: int,
    industry_names: Mapping[str, str] | None = None,
) -> str:
    """E.g. "专业对口：护理学；意向城市：武汉；薪资 5-7千 满足期望"."""
    bits: list[str] = []
    level = major_level(g, p)
    major = g.major_name or g.major_code
    bits.append(
        {3: f"专业对口：{major}", 2: f"相近专业：{major}（同专业类）", 1: "同学科门类专业"}.get(level, "专业不限")
    )
    bits.append(_place(g, p))
    if parts.get("origin", 0.0) >= 1.0 and not bits[-1].startswith("意向城市"):
        bits.append("生源地就业")
    pref = g.preference
    if pref.industry_codes and p.industry_code in pref.industry_codes:
        names = industry_names or {}
        bits.append(f"意向行业：{names.get(p.industry_code, p.industry_code)}")
    if parts.get("text", 0.0) >= TEXT_MENTION:
        wanted = _wanted_position(g, p)
        bits.append(f"岗位相符：{wanted}" if wanted else "岗位描述相近")
    pay = salary_text(p.salary_min, p.salary_max)
    if pay is not None:
        top = p.salary_max if p.salary_max is not None else p.salary_min
        meets = pref.salary_min is not None and top is not None and top >= pref.salary_min
        bits.append(f"薪资 {pay}" + (" 满足期望" if meets else ""))
    text = "；".join(bits)
    if step > 0:
        text += f"（{STEP_NAMES.get(step, '放宽')}）"
    return text[:MAX_REASON]


def place_scope(g: GraduateProfile) -> str:
    """The graduate's wished places in words: "武汉、宜昌" / "湖北" / "不限"."""
    pref = g.preference
    names = [short_name_of(a) for a in (*pref.city_adcodes, *pref.province_adcodes)]
    return "、".join(names[:4]) + ("等" if len(names) > 4 else "") if names else "不限"


def shortfall_reason(
    g: GraduateProfile,
    found: int,
    *,
    k: int,
    base: int,
    admissible: int,
    capacity_limited: bool,
    max_per_employer: int = 2,
) -> str:
    """Why fewer than k: too few postings for the major at all, too few where wanted, seats taken, or too few
    employers (at most `max_per_employer` postings of one employer)."""
    major = f"{g.major_name or g.major_code} {g.education.label}"
    if base < k:
        return f"专业对口岗位不足：{major}，仅找到 {found} 个"[:MAX_REASON]
    if admissible >= k and capacity_limited:
        return f"岗位名额已优先分配给其他同学（困难生和待业时间长的同学优先），仅找到 {found} 个"[:MAX_REASON]
    if admissible >= k:
        return f"符合条件的岗位集中在少数单位（每个单位最多推荐 {max_per_employer} 个），仅找到 {found} 个"
    pref = g.preference
    wants = []
    if pref.city_adcodes or pref.province_adcodes:
        wants.append(f"意向地区 {place_scope(g)}" + ("" if pref.any_place else "（已放宽到省内和全国岗位）"))
    if pref.industry_codes:
        wants.append("意向行业（已放宽为不限）")
    scope = "、".join(wants) or major
    full = "，部分岗位名额已满" if capacity_limited else ""
    return f"符合意向的岗位不足：{scope}{full}，仅找到 {found} 个"[:MAX_REASON]
