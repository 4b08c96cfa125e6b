"""Hard filters: a posting that fails one is never recommended, whatever its score."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from bot.domain import EducationLevel, FeedbackKind, GraduateProfile, PostingStatus, ReviewState
from bot.matching.types import FeedbackItem, PostingState
from tests.unit.matching.factories import CLINICAL, MIDWIFE, NURSING, SOFTWARE, grad, ids, match, post


def test_open_approved_posting_is_recommended() -> None:
    assert ids(match([grad()], [post(1)])) == [1]


def test_closed_withdrawn_pending_rejected_flagged_postings_are_filtered() -> None:
    states = {
        2: PostingState(status=PostingStatus.CLOSED),
        3: PostingState(status=PostingStatus.WITHDRAWN),
        4: PostingState(review=ReviewState.PENDING),
        5: PostingState(review=ReviewState.REJECTED),
        6: PostingState(review=ReviewState.FLAGGED),  # e.g. 限男性: held for review, never matched
    }
    out = match([grad()], [post(i) for i in range(1, 7)], states=states)
    assert ids(out) == [1]


def test_posting_past_deadline_is_filtered_but_deadline_today_is_not() -> None:
    today = date(2026, 6, 1)
    out = match([grad()], [post(1, deadline=date(2026, 5, 31)), post(2, deadline=today)], today=today)
    assert ids(out) == [2]


def test_education_must_meet_the_posting_minimum() -> None:
    postings = [
        post(1, min_education=EducationLevel.ANY),
        post(2, min_education=EducationLevel.ZHUANKE),
        post(3, min_education=EducationLevel.BENKE),
        post(4, min_education=EducationLevel.SHUOSHI),
    ]
    assert sorted(ids(match([grad(education=EducationLevel.BENKE)], postings))) == [1, 2, 3]
    assert sorted(ids(match([grad(education=EducationLevel.ZHUANKE)], postings))) == [1, 2]
    assert sorted(ids(match([grad(education=EducationLevel.BOSHI)], postings))) == [1, 2, 3, 4]


def test_major_accepted_by_exact_code_class_category_or_any() -> None:
    postings = [
        post(1, accepted=("101101",)),  # exact 护理学
        post(2, accepted=("1011",)),  # 护理学类
        post(3, accepted=("10",)),  # 医学门类
        post(4, accepted=(), majors_any=True),  # 不限
        post(5, accepted=("101102",)),  # 助产学 only: a sibling major is not enough
        post(6, accepted=("0809",)),  # 计算机类
        post(7, accepted=("1002", "08")),  # 临床医学类 or 工学
    ]
    assert sorted(ids(match([grad(major=NURSING)], postings))) == [1, 2, 3, 4]
    assert sorted(ids(match([grad(major=MIDWIFE)], postings))) == [2, 3, 4, 5]
    assert sorted(ids(match([grad(major=CLINICAL)], postings))) == [3, 4, 7]
    assert sorted(ids(match([grad(major=SOFTWARE)], postings))) == [4, 6, 7]


def test_empty_accepted_list_means_any_major() -> None:
    assert ids(match([grad(major=SOFTWARE)], [post(1, accepted=(), majors_any=False)])) == [1]


def test_rejected_and_applied_postings_are_never_recommended_again() -> None:
    feedback = (
        FeedbackItem(1, 1, FeedbackKind.REJECTED),
        FeedbackItem(1, 2, FeedbackKind.APPLIED),
        FeedbackItem(1, 3, FeedbackKind.INTERESTED),
    )
    out = match([grad(1), grad(2)], [post(1), post(2), post(3)], feedback=feedback)
    assert sorted(ids(out, 1)) == [3]
    assert sorted(ids(out, 2)) == [1, 2, 3]  # someone else's feedback changes nothing for graduate 2


def test_profiles_carry_no_protected_attributes() -> None:
    # 就业歧视: gender, ethnicity, marital status and household registration must not even reach the engine.
    banned = {"gender", "sex", "ethnicity", "nation", "minzu", "marital", "married", "hukou", "household"}
    names = {f.name for f in fields(GraduateProfile)} | {f.name for f in fields(post().__class__)}
    assert not {n for n in names if any(b in n.lower() for b in banned)}


def test_place_outside_wishes_is_filtered_unless_nationwide_or_any_place() -> None:
    strict = grad(1, city_adcodes=("420100",))
    loose = grad(2, city_adcodes=("420100",), any_place=True)
    postings = [post(1, adcode="420111"), post(2, adcode="440300"), post(3, adcode=None), post(4, adcode="420500")]
    out = match([strict, loose], postings)
    assert sorted(ids(out, 1)) == [1, 3, 4]  # 武汉, 全国, 宜昌 (same province); never 深圳
    assert sorted(ids(out, 2)) == [1, 2, 3, 4]


def test_industry_outside_wishes_only_enters_at_the_last_step() -> None:
    g = grad(industry_codes=("43",))
    out = match([g], [post(1, industry="43"), post(2, industry="34"), post(3, industry=None)])
    recs = out.recommendations(1)
    assert [(r.posting_id, r.relax_step) for r in recs] == [(1, 0), (2, 3), (3, 3)]
