"""Chat text for lists, confirmations and details (pure: values in, strings out).

Chat platforms cap a message (WeChat about 600 characters of text, the web chat 2000): `render_list` puts in as
many numbered postings as fit and says how many it used, so the caller can remember exactly what was shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.codes import places
from bot.codes.book import CodeBook
from bot.codes.majors import MajorsCatalogue
from bot.dialogue import Choice, RejectReason, StatusSlots
from bot.domain import EducationLevel, Preference

CONFIRM_HINT = "对吗？（回复“对”确认，或直接说要改的地方）"
LIST_FOOTER = "回复“详情 编号”看详情，“感兴趣/已投递/不合适 编号”反馈，“换一批”看更多。"
REASON_CHARS = 40


@dataclass(frozen=True, slots=True)
class RecItem:
    """One recommended posting as a list line shows it."""

    posting_id: int
    title: str
    employer: str
    place: str
    salary: str
    reason: str


def salary_label(low: int | None, high: int | None, text: str = "") -> str:
    if text.strip():
        return text.strip()
    if low and high and high != low:
        return f"{low}-{high}元/月"
    if low:
        return f"{low}元/月起"
    if high:
        return f"{high}元/月以内"
    return "薪资面议"


def place_label(place_text: str, adcode: str | None, nationwide: bool) -> str:
    if nationwide:
        return "全国"
    if adcode:
        city = places.city_of(adcode)
        if city and city != adcode:  # a district: "武汉洪山区" says where it is
            return places.short_name_of(city) + places.short_name_of(adcode)
        return places.short_name_of(adcode)
    return place_text.strip() or "地点待定"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_reason(reason: str, limit: int = REASON_CHARS) -> str:
    """The stored reason's first parts that fit in `limit`; the salary part goes (the list line shows the salary)."""
    parts = [p.strip() for p in reason.split("；") if p.strip() and not p.strip().startswith("薪资")]
    out = ""
    for part in parts:
        joined = f"{out}；{part}" if out else part
        if len(joined) > limit:
            break
        out = joined
    return out or _clip(reason, limit)


def item_text(n: int, item: RecItem) -> str:
    head = f"{n}. {item.title} · {item.employer} · {item.place} · {item.salary}"
    return f"{head}\n   {short_reason(item.reason)}" if item.reason else head


def majors_label(majors_any: bool, codes: Sequence[str], text: str, catalogue: MajorsCatalogue) -> str:
    """专业要求 as words: the posting's own words, else the names of the catalogue codes it accepts."""
    if text.strip():
        return text.strip()
    if majors_any or not codes:
        return "不限"
    names = [catalogue.class_name(c) or catalogue.category_name(c) or c for c in codes]
    return "、".join(dict.fromkeys(n for n in names if n))


def render_list(items: Sequence[RecItem], *, header: str, max_chars: int, reserve: int = 0) -> tuple[str, int]:
    """The header, then numbered items (from 1) while they fit in `max_chars - reserve` with the footer.

    Returns the text and how many items it holds (at least one, clipped if even one is too long)."""
    budget = max_chars - reserve
    lines = [header]
    used = len(header) + len(LIST_FOOTER) + 2
    count = 0
    for n, item in enumerate(items, start=1):
        line = item_text(n, item)
        if count and used + len(line) + 1 > budget:
            break
        lines.append(line)
        used += len(line) + 1
        count += 1
    lines.append(LIST_FOOTER)
    text = "\n".join(lines)
    return (text if len(text) <= budget else _clip(text, max(budget, 20))), count


# ------------------------------------------------------------------------------------------------ wishes


def preference_parts(pref: Preference, book: CodeBook) -> list[str]:
    parts: list[str] = []
    if pref.any_place:
        parts.append("地点：不限")
    elif pref.city_adcodes or pref.province_adcodes:
        names = [places.short_name_of(a) for a in (*pref.city_adcodes, *pref.province_adcodes)]
        parts.append("地点：" + "、".join(dict.fromkeys(names)))
    if pref.positions:
        parts.append("岗位：" + "、".join(pref.positions))
    if pref.industry_codes:
        parts.append("行业：" + "、".join(book.industries.get(c, c) for c in pref.industry_codes))
    if pref.employer_natures:
        parts.append("单位：" + "、".join(book.employer_natures.get(c, c) for c in pref.employer_natures))
    if pref.salary_min:
        parts.append(f"月薪：{pref.salary_min}元以上")
    return parts


def confirm_preference(pref: Preference, book: CodeBook) -> str:
    parts = preference_parts(pref, book)
    return "我理解的求职意向是：" + "；".join(parts) + "。" + CONFIRM_HINT


# ------------------------------------------------------------------------------------------------ status


def status_code(slots: StatusSlots) -> str | None:
    """The code as reported: the national sub-code when the words gave one (502 三支一扶), else the code."""
    return slots.subcode or slots.code


def status_summary(slots: StatusSlots, book: CodeBook) -> str:
    code = status_code(slots) or ""
    text = f"{book.destination_name(code)}（{code}）"
    if slots.reason:
        text += f"，{slots.reason}"
    if slots.employer:
        text += f"，单位：{slots.employer}"
    if slots.place_adcode:
        text += f"，地点：{places.short_name_of(slots.place_adcode)}"
    if slots.study_country:
        text += f"，国家/地区：{slots.study_country}"
    return text


def confirm_status(slots: StatusSlots, book: CodeBook) -> str:
    return f"你是说：{status_summary(slots, book)}。" + CONFIRM_HINT


def choices(question: str, options: Sequence[Choice]) -> str:
    return question + "\n" + "\n".join(f"{c.n}. {c.label}" for c in options)


# ------------------------------------------------------------------------------------------------ postings

REJECT_LABELS = {
    RejectReason.TOO_FAR: "离得太远",
    RejectReason.SALARY_LOW: "薪资偏低",
    RejectReason.NOT_MY_MAJOR: "专业不对口",
    RejectReason.NOT_INTERESTED: "不感兴趣",
    RejectReason.REQUIREMENTS: "要求够不着",
    RejectReason.OTHER: "其他原因",
}


@dataclass(frozen=True, slots=True)
class PostingView:
    title: str
    employer: str
    place: str
    salary: str
    education: int
    majors: str
    headcount: int
    deadline: date | None
    contact: str | None
    description: str
    reason: str | None = None


def education_label(value: int) -> str:
    try:
        return EducationLevel(value).label
    except ValueError:
        return "不限"


def posting_detail(n: int, view: PostingView, max_chars: int) -> str:
    lines = [
        f"【{n}】{view.title}",
        f"单位：{view.employer}",
        f"地点：{view.place}　薪资：{view.salary}",
        f"学历：{education_label(view.education)}及以上　专业：{view.majors or '不限'}　招聘：{view.headcount}人",
    ]
    if view.deadline:
        lines.append(f"截止：{view.deadline:%Y-%m-%d}")
    if view.contact:
        lines.append(f"联系方式：{view.contact}")
    if view.reason:
        lines.append(f"推荐理由：{view.reason}")
    tail = f"感兴趣回复“感兴趣 {n}”，投递后回复“已投递 {n}”，不合适回复“不合适 {n} 原因”。"
    head = "\n".join(lines)
    room = max_chars - len(head) - len(tail) - 8
    if view.description.strip() and room > 20:
        head += "\n岗位介绍：" + _clip(view.description, room)
    return head + "\n" + tail
