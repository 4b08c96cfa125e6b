"""The people of the demo school: classes and their counselors, staff logins, graduates' identities (pure)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from random import Random

from bot.codes import places
from bot.demo.catalogue import (
    COHORT,
    COLLEGES,
    GIVEN_EITHER,
    GIVEN_FEMALE,
    GIVEN_MALE,
    HARDSHIP_SHARE,
    HOME_ORIGIN_SHARE,
    HOME_ORIGINS,
    MAJORS,
    OTHER_ORIGINS,
    PHONE_PREFIXES,
    SURNAMES,
    MajorSpec,
)
from bot.demo.checksums import id_check_char
from bot.demo.model import DemoClass, DemoStaff
from bot.domain import Role

ADMIN_USERNAME = "demo-admin"
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet; no 0/o, 1/l/i


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a graduate is, before wishes and outcomes are added."""

    student_no: str
    exam_no: str
    name: str
    gender: str
    birth_date: date
    id_number: str
    phone: str
    major: MajorSpec
    class_name: str
    origin_adcode: str
    hardship_mask: int = 0
    flag_poverty: bool = False
    flag_dibao: bool = False
    flag_zero_employment: bool = False
    flag_disability: bool = False


def entry_year(major: MajorSpec) -> int:
    return COHORT - major.years


def make_classes_and_staff(rng: Random) -> tuple[tuple[DemoClass, ...], tuple[DemoStaff, ...]]:
    """Classes named by major + entry year + number (护理2201); one counselor per 2-3 classes of a college."""
    staff = [DemoStaff(ADMIN_USERNAME, "演示管理员", Role.ADMIN, password(rng), None, ())]
    classes: list[DemoClass] = []
    for college, college_name, login in COLLEGES:
        staff.append(DemoStaff(f"demo-{login}", f"{college_name}就业办", Role.COLLEGE, password(rng), college, ()))
        names = [
            (f"{m.short}{entry_year(m) % 100:02d}{n:02d}", m)
            for m in MAJORS
            if m.college == college
            for n in range(1, m.classes + 1)
        ]
        groups = -(-len(names) // 3)
        start = 0
        for g in range(groups):
            size = len(names) // groups + (1 if g < len(names) % groups else 0)
            username = f"demo-fdy{sum(s.role is Role.COUNSELOR for s in staff) + 1:02d}"
            group = names[start : start + size]
            start += size
            staff.append(
                DemoStaff(
                    username, person_name(rng), Role.COUNSELOR, password(rng), college, tuple(n for n, _ in group)
                )
            )
            classes.extend(DemoClass(n, college, m.code, COHORT, username) for n, m in group)
    return tuple(classes), tuple(staff)


def password(rng: Random) -> str:
    """Demo-only and deterministic: the prefix says so, the accounts file prints it."""
    return "demo-" + "".join(rng.choice(_PASSWORD_ALPHABET) for _ in range(8))


def person_name(rng: Random, gender: str | None = None) -> str:
    surname = rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
    pool = (GIVEN_FEMALE if gender == "女" else GIVEN_MALE if gender == "男" else GIVEN_MALE + GIVEN_FEMALE) + (
        GIVEN_EITHER
    )
    length = 1 if rng.random() < 0.22 else 2
    return surname + "".join(rng.choice(pool) for _ in range(length))


def class_sizes(rng: Random, classes: int, total: int) -> list[int]:
    """Between about 25 and 35 per class, summing to `total`."""
    sizes = [total // classes] * classes
    for i in range(total - sum(sizes)):
        sizes[i % classes] += 1
    for _ in range(classes * 3):  # move students between classes; keeps the sum
        a, b = rng.randrange(classes), rng.randrange(classes)
        if a != b and sizes[a] > 26 and sizes[b] < 34:
            sizes[a] -= 1
            sizes[b] += 1
    return sizes


def make_identities(rng: Random, classes: tuple[DemoClass, ...], total: int) -> list[Identity]:
    majors = {m.code: m for m in MAJORS}
    ids: set[str] = set()
    phones: set[str] = set()
    out: list[Identity] = []
    sizes = class_sizes(rng, len(classes), total)
    for school_class, size in zip(classes, sizes, strict=True):
        major = majors[school_class.major_code]
        for seq in range(1, size + 1):
            out.append(_identity(rng, school_class, major, seq, ids, phones))
    return _mark_hardship(rng, out)


def _identity(
    rng: Random, school_class: DemoClass, major: MajorSpec, seq: int, ids: set[str], phones: set[str]
) -> Identity:
    gender = "女" if rng.random() < major.female_share else "男"
    origin = origin_adcode(rng.choice(HOME_ORIGINS if rng.random() < HOME_ORIGIN_SHARE else OTHER_ORIGINS))
    entry = entry_year(major)
    year = min(2005, max(2002, entry - 18 + rng.choice((-1, 0, 0, 0, 1))))
    month = rng.randint(1, 12)
    birth = date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))
    while True:
        serial = rng.randrange(500) * 2 + (1 if gender == "男" else 0)  # GB 11643: odd for men
        body = f"{origin}{birth:%Y%m%d}{serial:03d}"
        id_number = body + id_check_char(body)
        if id_number not in ids:
            ids.add(id_number)
            break
    while True:
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in phones:
            phones.add(phone)
            break
    college_no = [c for c, _, _ in COLLEGES].index(major.college) + 1
    major_no = [m.code for m in MAJORS if m.college == major.college].index(major.code) + 1
    class_no = int(school_class.name[-2:])
    return Identity(
        student_no=f"{entry}{college_no:02d}{major_no:02d}{class_no:02d}{seq:02d}",
        exam_no=f"{entry % 100:02d}{origin}{rng.randrange(10**6):06d}",
        name=person_name(rng, gender),
        gender=gender,
        birth_date=birth,
        id_number=id_number,
        phone=phone,
        major=major,
        class_name=school_class.name,
        origin_adcode=origin,
    )


@cache
def origin_adcode(name: str) -> str:
    found = places.resolve(name)
    if found is None:
        raise ValueError(f"demo catalogue names an unknown place: {name}")
    return found.adcode


# (kind, weight): 脱贫家庭 and 低保 are the usual national flags; some are only 就业困难 or 家庭困难.
_HARDSHIP_KINDS = (("poverty", 40), ("dibao", 22), ("zero", 8), ("disability", 10), ("employment", 12), ("family", 8))


def _mark_hardship(rng: Random, people: list[Identity]) -> list[Identity]:
    chosen = sorted(rng.sample(range(len(people)), round(len(people) * HARDSHIP_SHARE)))
    out = list(people)
    for i in chosen:
        kind = rng.choices([k for k, _ in _HARDSHIP_KINDS], weights=[w for _, w in _HARDSHIP_KINDS])[0]
        employment = 1 if rng.random() < 0.3 else 0
        if kind == "poverty":
            out[i] = replace(out[i], flag_poverty=True, hardship_mask=2 | employment)
        elif kind == "dibao":
            out[i] = replace(out[i], flag_dibao=True, hardship_mask=2 | employment)
        elif kind == "zero":
            out[i] = replace(out[i], flag_zero_employment=True, hardship_mask=3)
        elif kind == "disability":
            family = 2 if rng.random() < 0.3 else 0
            out[i] = replace(out[i], flag_disability=True, hardship_mask=4 | family | (1 if rng.random() < 0.5 else 0))
        else:
            out[i] = replace(out[i], hardship_mask=1 if kind == "employment" else 2)
    return out
