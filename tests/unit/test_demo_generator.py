"""The demo generator: deterministic, realistic, well-formed, and a usable ground truth for matching quality.

Checks of identifiers use reference implementations written here, independent of bot/demo/checksums.py.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta

import pytest

from bot import codes
from bot.codes import places
from bot.demo.accounts import build_accounts
from bot.demo.checksums import is_valid_credit_code, is_valid_id_number
from bot.demo.generator import generate, relevance_grades, relevant_postings
from bot.demo.model import DemoGraduate, DemoPosting, DemoSchool
from bot.demo.profiles import graduate_profiles, posting_key_of, posting_profiles
from bot.domain import PostingStatus, Preference, ReviewState, Role
from bot.postings.review import discrimination_flags

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def school() -> DemoSchool:
    return generate(2026, today=TODAY)


# --- reference implementations -------------------------------------------------------------------------------


def ref_id_ok(value: str) -> bool:
    """GB 11643: sum of digit * 2^(17-i) mod 11 selects the check character."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(value[:17]))
    return "10X98765432"[total % 11] == value[17]


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def ref_credit_ok(value: str) -> bool:
    """GB 32100 check character, and the GB 11714 check of the organisation code inside it."""
    if len(value) != 18 or any(c not in CREDIT_CHARS for c in value):
        return False
    weights = [3**i % 31 for i in range(17)]
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(value[:17], weights, strict=True))
    if CREDIT_CHARS[(31 - total % 31) % 31] != value[17]:
        return False
    org = value[8:17]
    org_total = sum(int(c, 36) * w for c, w in zip(org[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - org_total % 11
    return org[8] == {10: "X", 11: "0"}.get(check, str(check))


def ref_open(p: DemoPosting, today: date) -> bool:
    return p.status == "open" and p.review_state == "approved" and p.deadline >= today


def ref_eligible(school: DemoSchool, p: DemoPosting, g: DemoGraduate) -> bool:
    major = school.major_by_code[g.major_code]
    if int(g.education) < int(p.min_education):
        return False
    return p.majors_any or bool({major.code, major.class_code, major.category_code} & set(p.accepted_majors))


def school_digest(s: DemoSchool) -> str:
    return hashlib.sha256(repr(s).encode("utf-8")).hexdigest()


# --- determinism ---------------------------------------------------------------------------------------------


def test_same_seed_same_school_and_another_seed_another(school: DemoSchool) -> None:
    again = generate(2026, today=TODAY)
    assert again == school
    assert school_digest(again) == school_digest(school)
    other = generate(7, today=TODAY)
    assert [g.name for g in other.graduates] != [g.name for g in school.graduates]


def test_same_school_in_another_process_with_another_hash_seed(school: DemoSchool) -> None:
    code = (
        "import hashlib, datetime; from bot.demo.generator import generate; "
        "s = generate(2026, today=datetime.date(2026, 6, 1)); "
        "print(hashlib.sha256(repr(s).encode('utf-8')).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == school_digest(school)


def test_only_dates_depend_on_today(school: DemoSchool) -> None:
    later = generate(2026, today=TODAY + timedelta(days=20))
    assert [(g.student_no, g.name, g.id_number, g.phone) for g in later.graduates] == [
        (g.student_no, g.name, g.id_number, g.phone) for g in school.graduates
    ]
    assert [s.password for s in later.staff] == [s.password for s in school.staff]
    assert [p.deadline + timedelta(days=-20) for p in later.postings] == [p.deadline for p in school.postings]
    assert build_accounts(later) == build_accounts(school)


# --- shape of the school -------------------------------------------------------------------------------------


def test_counts_and_structure(school: DemoSchool) -> None:
    assert len(school.colleges) == 3
    assert 12 <= len(school.majors) <= 13
    assert len(school.classes) == 20
    assert len(school.graduates) == 600
    assert len(school.employers) == 150
    assert len(school.postings) == 800
    sizes = Counter(g.class_name for g in school.graduates)
    assert set(sizes) == {c.name for c in school.classes}
    assert all(25 <= n <= 35 for n in sizes.values())
    for field in ("student_no", "id_number", "phone"):
        values = [getattr(g, field) for g in school.graduates]
        assert len(set(values)) == len(values), field
    for c in school.classes:
        assert re.fullmatch(r"\D+\d{4}", c.name) and c.cohort == 2026
        major = school.major_by_code[c.major_code]
        assert c.name[-4:-2] == f"{(2026 - major.years) % 100:02d}"  # entry year in the name
    assert all(g.cohort == 2026 and g.education == school.major_by_code[g.major_code].level for g in school.graduates)


def test_staff_and_counselor_scope(school: DemoSchool) -> None:
    roles = Counter(s.role for s in school.staff)
    assert roles[Role.ADMIN] == 1 and roles[Role.COLLEGE] == len(school.colleges)
    counselors = {s.username: s for s in school.staff if s.role is Role.COUNSELOR}
    for s in counselors.values():
        assert 2 <= len(s.classes) <= 3
        assert s.password.startswith("demo-") and len(s.password) >= 10
    for c in school.classes:
        owner = counselors[c.counselor]
        assert c.name in owner.classes and owner.college_code == c.college_code
    assert len({s.password for s in school.staff}) == len(school.staff)


def test_major_codes_follow_the_national_catalogue(school: DemoSchool) -> None:
    known = {
        "101101K": "护理学",
        "100201K": "临床医学",
        "100701": "药学",
        "101001": "医学检验技术",
        "080901": "计算机科学与技术",
        "080902": "软件工程",
        "080701": "电子信息工程",
        "080910T": "数据科学与大数据技术",
        "120203K": "会计学",
        "120202": "市场营销",
        "120801": "电子商务",
        "120206": "人力资源管理",
    }
    by_code = {m.code: m for m in school.majors}
    for code, name in known.items():
        assert by_code[code].name == name
    for m in school.majors:
        assert re.fullmatch(r"\d{6}(K|T|TK)?", m.code) and len(m.code) <= 8
        assert m.class_code == m.code[:4] and m.category_code == m.code[:2]


# --- people --------------------------------------------------------------------------------------------------


def test_id_numbers_are_well_formed_and_agree_with_the_record(school: DemoSchool) -> None:
    assert ref_id_ok("11010519491231002X") and not ref_id_ok("110105194912310021")  # the standard's example
    for g in school.graduates:
        assert ref_id_ok(g.id_number) and is_valid_id_number(g.id_number), g.id_number
        assert g.id_number[:6] == g.origin_adcode
        assert g.id_number[6:14] == g.birth_date.strftime("%Y%m%d")
        assert date(2002, 1, 1) <= g.birth_date <= date(2005, 12, 31)
        assert int(g.id_number[16]) % 2 == (1 if g.gender == "男" else 0)
        assert g.binding_secret == g.id_number[-6:]
        assert re.fullmatch(r"1[3-9]\d{9}", g.phone)
        assert 2 <= len(g.name) <= 4 and g.gender in ("男", "女")


def test_origins_are_counties_mostly_in_hubei(school: DemoSchool) -> None:
    for g in school.graduates:
        assert places.is_valid_adcode(g.origin_adcode)
        assert places.level_of(g.origin_adcode) >= places.PlaceLevel.CITY
    hubei = sum(g.origin_adcode.startswith("42") for g in school.graduates) / len(school.graduates)
    assert 0.52 <= hubei <= 0.68


def test_about_ten_percent_hardship_with_consistent_flags(school: DemoSchool) -> None:
    hardship = [g for g in school.graduates if g.is_hardship]
    assert 0.08 <= len(hardship) / len(school.graduates) <= 0.12
    for g in school.graduates:
        assert 0 <= g.hardship_mask <= 7
        if g.flag_disability:
            assert g.hardship_mask & 4
        if g.flag_poverty or g.flag_dibao or g.flag_zero_employment:
            assert g.hardship_mask & 2
    flags = Counter(
        name
        for g in hardship
        for name in ("flag_poverty", "flag_dibao", "flag_zero_employment", "flag_disability")
        if getattr(g, name)
    )
    assert flags["flag_poverty"] == max(flags.values())  # 脱贫家庭 is the most common national flag
    assert all(flags[n] > 0 for n in ("flag_dibao", "flag_zero_employment", "flag_disability"))


def test_about_a_third_have_an_initial_status_with_national_codes(school: DemoSchool) -> None:
    book = codes.load()
    with_status = [g for g in school.graduates if g.status is not None]
    assert 0.3 <= len(with_status) / len(school.graduates) <= 0.4
    credit = {e.credit_code for e in school.employers}
    seen = Counter(g.status.destination_code for g in with_status if g.status)
    assert {"10", "11", "80", "46", "70"} <= set(seen)
    for g in with_status:
        s = g.status
        assert s is not None and s.destination_code in book.destinations and s.on < TODAY
        if s.destination_code in ("10", "11", "12"):
            assert s.employer_credit_code in credit and s.employer_name
            assert s.place_adcode and places.is_valid_adcode(s.place_adcode)
        if s.destination_code in ("70", "71", "72"):
            assert s.unplaced_reason in book.unplaced_reasons and not s.placed
        else:
            assert s.unplaced_reason is None and s.placed


# --- market --------------------------------------------------------------------------------------------------


def test_employers_have_valid_codes_in_thirty_cities(school: DemoSchool) -> None:
    book = codes.load()
    assert ref_credit_ok("91350100M000100Y43")  # a published example
    assert not ref_credit_ok("91350100M000100Y44")
    names = [e.name for e in school.employers]
    assert len(set(names)) == len(names)
    assert len({e.credit_code for e in school.employers}) == len(names)
    for e in school.employers:
        assert ref_credit_ok(e.credit_code) and is_valid_credit_code(e.credit_code), e.credit_code
        assert e.credit_code[2:8] == e.adcode
        assert e.credit_code[:2] == ("12" if e.nature_code == "23" else "91")
        assert e.nature_code in book.employer_natures and e.industry_code in book.industries
        assert places.is_valid_adcode(e.adcode)
        assert e.name.endswith(("公司", "医院", "（普通合伙）"))
    cities = {places.city_of(e.adcode) or e.adcode for e in school.employers}
    assert len(cities) == 30
    wuhan = sum((places.city_of(e.adcode) or "") == "420100" for e in school.employers)
    assert wuhan >= 30


def test_postings_are_well_formed(school: DemoSchool) -> None:
    book = codes.load()
    keys = [p.key for p in school.postings]
    assert keys == [f"demo-{i:04d}" for i in range(1, 801)]
    catalogue = {m.code for m in school.majors} | {m.class_code for m in school.majors}
    employers = school.employer_by_name
    for p in school.postings:
        assert p.employer_name in employers and p.industry_code == employers[p.employer_name].industry_code
        assert p.industry_code in book.industries
        assert 2 <= p.description.count("。") <= 5 and len(p.title) <= 128
        assert 1 <= p.headcount <= 10
        assert p.published_on < TODAY and p.published_on < p.deadline
        assert set(p.accepted_majors) <= catalogue and p.majors_any == (not p.accepted_majors)
        assert p.majors_text
        if p.nationwide:
            assert p.adcode is None and p.place_text == "全国"
        else:
            assert p.adcode is not None
            found = places.resolve(p.place_text)
            assert found is not None and found.adcode == p.adcode, p.place_text
        if p.salary_min is None:
            assert p.salary_text == "面议" and p.salary_max is None
        else:
            assert p.salary_max is not None and 3000 <= p.salary_min < p.salary_max
        ahead = (p.deadline - TODAY).days
        assert 10 <= ahead <= 90 or ahead < 0
    statuses = Counter(p.status for p in school.postings)
    reviews = Counter(p.review_state for p in school.postings)
    past = sum(p.deadline < TODAY for p in school.postings)
    assert statuses[PostingStatus.CLOSED] > 0 and statuses[PostingStatus.WITHDRAWN] > 0
    assert reviews[ReviewState.PENDING] > 0 and 0 < past < 80
    assert {p.salary_text[-3:] for p in school.postings} >= {"千/月", "元/月", "面议"}
    assert any("·13薪" in p.salary_text for p in school.postings)


def test_discriminatory_postings_are_flagged(school: DemoSchool) -> None:
    flagged = [p for p in school.postings if p.review_state is ReviewState.FLAGGED]
    assert 5 <= len(flagged) <= 10
    for p in flagged:
        assert p.discrimination and all(phrase in p.description for phrase in p.discrimination)
    assert any("户" in phrase for p in flagged for phrase in p.discrimination)
    assert any("男" in phrase or "女" in phrase for p in flagged for phrase in p.discrimination)
    assert not any(p.discrimination for p in school.postings if p.review_state is not ReviewState.FLAGGED)
    # The product's own check (used on imports) finds exactly these, and nothing in the other postings.
    for p in school.postings:
        assert discrimination_flags(p.title + "。" + p.description) == list(p.discrimination), p.key


def test_every_true_keyword_names_some_open_postings(school: DemoSchool) -> None:
    titles = [p.title for p in school.postings if ref_open(p, TODAY)]
    for word in sorted({k for g in school.graduates for k in g.truth.keywords}):
        assert sum(word in t for t in titles) >= 3, word


def test_every_graduate_has_ten_eligible_open_postings(school: DemoSchool) -> None:
    open_postings = [p for p in school.postings if ref_open(p, TODAY)]
    for g in school.graduates:
        eligible = [p for p in open_postings if ref_eligible(school, p, g)]
        assert len(eligible) >= 10, g.student_no
    for m in school.majors:
        g = next(g for g in school.graduates if g.major_code == m.code)
        specific = [p for p in open_postings if not p.majors_any and ref_eligible(school, p, g)]
        assert len(specific) >= 10, m.name  # not only 专业不限 postings


# --- truth and stated preferences ----------------------------------------------------------------------------


def test_relevant_postings_follow_the_truth(school: DemoSchool) -> None:
    industries = {e.name: e.industry_code for e in school.employers}
    sizes = []
    for g in school.graduates:
        relevant = relevant_postings(school, g)
        grades = relevance_grades(school, g)
        assert set(grades) == relevant and set(grades.values()) <= {1, 2}
        sizes.append(len(relevant))
        for key in relevant:
            p = school.posting_by_key[key]
            assert ref_open(p, TODAY) and ref_eligible(school, p, g)
            assert p.salary_max is None or p.salary_max >= g.truth.salary_floor
            fits = industries[p.employer_name] in g.truth.industry_codes
            assert fits or any(k in p.title for k in g.truth.keywords)
            if p.adcode is not None and not g.truth.anywhere:
                assert p.adcode[:2] + "0000" in g.truth.province_adcodes
            if grades[key] == 2 and p.adcode is not None:
                assert (places.city_of(p.adcode) or p.adcode) in g.truth.city_adcodes
    assert sum(n > 0 for n in sizes) / len(sizes) >= 0.85  # most graduates have truly relevant postings
    assert sum(n >= 10 for n in sizes) / len(sizes) >= 0.5  # and Recall@10 is a meaningful measure


def test_truth_is_plausible(school: DemoSchool) -> None:
    for g in school.graduates:
        t = g.truth
        assert 1 <= len(t.city_adcodes) <= 2 and len(set(t.city_adcodes)) == len(t.city_adcodes)
        assert {c[:2] + "0000" for c in t.city_adcodes} <= set(t.province_adcodes)
        assert t.industry_codes and t.keywords and 3000 <= t.salary_floor <= 15000
    wuhan = sum("420100" in g.truth.city_adcodes for g in school.graduates) / len(school.graduates)
    assert wuhan >= 0.4  # the school's city draws most
    anywhere = sum(g.truth.anywhere for g in school.graduates) / len(school.graduates)
    assert 0.03 <= anywhere <= 0.15


def test_stated_preferences_are_noisy_versions_of_the_truth(school: DemoSchool) -> None:
    n = len(school.graduates)
    silent = [g for g in school.graduates if g.stated is None]
    assert 0.10 <= len(silent) / n <= 0.22
    assert all(g.stated_text is None for g in silent)
    stated = [(g, g.stated) for g in school.graduates if g.stated is not None]
    exact_cities = sum(set(p.city_adcodes) == set(g.truth.city_adcodes) for g, p in stated)
    extra_city = sum(bool(set(p.city_adcodes) - set(g.truth.city_adcodes)) for g, p in stated)
    province_only = sum(bool(p.province_adcodes) and not p.city_adcodes for g, p in stated)
    any_place = sum(p.any_place for _, p in stated)
    no_place = sum(not (p.city_adcodes or p.province_adcodes or p.any_place) for _, p in stated)
    assert exact_cities > len(stated) * 0.3
    assert min(extra_city, province_only, any_place, no_place) > len(stated) * 0.03
    true_word = sum(bool(p.positions) and set(p.positions) <= set(g.truth.keywords) for g, p in stated)
    related_word = sum(bool(p.positions) and not set(p.positions) & set(g.truth.keywords) for g, p in stated)
    assert true_word > related_word > len(stated) * 0.1
    assert sum(not p.industry_codes for _, p in stated) > len(stated) * 0.2
    for g, p in stated:
        assert p.province_adcodes == () or set(p.province_adcodes) == set(g.truth.province_adcodes)
        if p.salary_min is not None:
            assert abs(p.salary_min - g.truth.salary_floor) <= g.truth.salary_floor * 0.15 + 500
        text = g.stated_text or ""
        assert text.endswith("。") and all(word in text for word in p.positions)


def test_accounts_contract(school: DemoSchool) -> None:
    accounts = build_accounts(school)
    assert set(accounts) >= {"admin", "college", "counselors", "graduates", "web_chat"}
    assert accounts["admin"]["username"] and accounts["admin"]["password"].startswith("demo-")
    assert len(accounts["college"]) == 3 and len(accounts["counselors"]) >= 6
    assert sorted(c for item in accounts["counselors"] for c in item["classes"]) == sorted(
        c.name for c in school.classes
    )
    grads = accounts["graduates"]
    assert 10 <= len(grads) <= 14 and any(g["hardship"] for g in grads) and not all(g["hardship"] for g in grads)
    for item in grads:
        g = school.graduate_by_student_no[item["student_no"]]
        assert item == {
            "student_no": g.student_no,
            "name": g.name,
            "class": g.class_name,
            "binding_secret": g.id_number[-6:],
            "hardship": g.is_hardship,
        }
        assert g.status is None or not g.status.placed  # still looking: something to try
    assert accounts["web_chat"] == {"url": "/chat", "account": "demo"}


def test_engine_profiles_mirror_the_school(school: DemoSchool) -> None:
    grads = graduate_profiles(school)
    assert [p.id for p in grads] == list(range(1, 601))
    for p, g in zip(grads, school.graduates, strict=True):
        assert p.major_code == g.major_code and p.hardship == g.is_hardship
        assert p.preference == (g.stated or Preference())
    posts = posting_profiles(school)
    assert len(posts) == sum(ref_open(p, TODAY) for p in school.postings)
    for profile in posts:
        demo = school.posting_by_key[posting_key_of(school, profile.id)]
        assert ref_open(demo, TODAY) and profile.title == demo.title
        assert school.employers[profile.employer_id - 1].name == demo.employer_name
    assert len(posting_profiles(school, open_only=False)) == 800
