"""Each named score part, in isolation: two postings that differ in one respect, and the part that tells them apart."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import FeedbackKind
from bot.matching import MatchParams
from bot.matching.types import PARTS, FeedbackItem
from tests.unit.matching.factories import (
    CHAOYANG,
    GUANGZHOU,
    HONGSHAN,
    HUBEI,
    JIANGAN,
    SHENZHEN,
    WUHAN,
    YICHANG,
    grad,
    ids,
    match,
    parts,
    post,
)


def test_every_recommendation_names_every_part_and_score_is_their_weighted_sum() -> None:
    out = match([grad(city_adcodes=(WUHAN,), positions=("护士",), salary_min=5000)], [post(1, salary=(6000, 8000))])
    (rec,) = out.recommendations(1)
    assert set(rec.parts) == set(PARTS)
    weights = dict(zip(PARTS, MatchParams().weights, strict=True))
    assert rec.score == pytest.approx(sum(weights[k] * v for k, v in rec.parts.items()), abs=1e-3)


def test_major_fit_exact_beats_class_beats_category_beats_any() -> None:
    postings = [
        post(1, accepted=(), majors_any=True),
        post(2, accepted=("10",)),
        post(3, accepted=("1011",)),
        post(4, accepted=("101101",)),
    ]
    out = match([grad()], postings)
    fit = [parts(out, 1, p)["major"] for p in (1, 2, 3, 4)]
    assert fit == sorted(fit) and len(set(fit)) == 4
    assert ids(out) == [4, 3, 2, 1]


def test_place_fit_city_beats_named_province_beats_same_province_beats_nationwide_beats_elsewhere() -> None:
    g = grad(city_adcodes=(WUHAN,), province_adcodes=("440000",), any_place=True)
    postings = [
        post(1, adcode=HONGSHAN),  # a district of the wished city
        post(2, adcode=SHENZHEN),  # in a province named as such
        post(3, adcode=YICHANG),  # same province as the wished city
        post(4, adcode=None),  # 全国
        post(5, adcode=CHAOYANG),  # elsewhere (accepted: 地点不限)
    ]
    out = match([g], postings)
    fit = [parts(out, 1, p)["place"] for p in (1, 2, 3, 4, 5)]
    assert fit == sorted(fit, reverse=True) and len(set(fit)) == 5
    steps = {r.posting_id: r.relax_step for r in out.recommendations(1)}
    assert steps == {1: 0, 2: 0, 3: 1, 4: 2, 5: 2}


def test_place_is_neutral_without_wishes() -> None:
    out = match([grad()], [post(1, adcode=HONGSHAN), post(2, adcode=SHENZHEN), post(3, adcode=None)])
    assert {parts(out, 1, p)["place"] for p in (1, 2, 3)} == {0.5}
    assert {r.relax_step for r in out.recommendations(1)} == {0}


def test_origin_is_a_weak_signal_city_over_province() -> None:
    out = match([grad(origin=YICHANG)], [post(1, adcode=YICHANG), post(2, adcode=WUHAN), post(3, adcode=SHENZHEN)])
    assert [parts(out, 1, p)["origin"] for p in (1, 2, 3)] == [1.0, 0.5, 0.0]
    assert ids(out) == [1, 2, 3]
    # weak: a wished city outranks the home town
    out = match([grad(origin=YICHANG, city_adcodes=(WUHAN,))], [post(1, adcode=YICHANG), post(2, adcode=WUHAN)])
    assert ids(out) == [2, 1]


def test_industry_fit() -> None:
    out = match([grad(industry_codes=("43",))], [post(1, industry="43"), post(2, industry="34")])
    assert (parts(out, 1, 1)["industry"], parts(out, 1, 2)["industry"]) == (1.0, 0.0)
    out = match([grad()], [post(1, industry="43")])
    assert parts(out, 1, 1)["industry"] == 0.5


def test_text_similarity_of_wanted_positions_and_skills() -> None:
    g = grad(major=("080902", "0809", "08", "软件工程"), positions=("Java开发",), skills=("MySQL",))
    postings = [
        post(1, accepted=("0809",), title="Java开发工程师", description="使用Java和MySQL开发后台服务"),
        post(2, accepted=("0809",), title="前端开发", description="负责网页前端"),
        post(3, accepted=("0809",), title="网络管理员", description="机房巡检"),
    ]
    out = match([g], postings)
    sims = [parts(out, 1, p)["text"] for p in (1, 2, 3)]
    assert sims[0] > sims[1] > sims[2] >= 0.0
    assert ids(out) == [1, 2, 3]


def test_salary_fit_against_expectation() -> None:
    g = grad(salary_min=6000)
    postings = [
        post(1, salary=(6000, 8000)),  # even the minimum meets it
        post(2, salary=(5000, 7000)),  # the range reaches it
        post(3, salary=(4000, 5000)),  # short of it
        post(4, salary=(None, None)),  # unknown
        post(5, salary=(2000, 3000)),  # far below
    ]
    out = match([g], postings)
    fit = {p: parts(out, 1, p)["salary"] for p in range(1, 6)}
    assert fit[1] == 1.0 and fit[2] == 0.8
    assert 0.0 < fit[3] < fit[2]
    assert fit[4] == pytest.approx(0.3)
    assert fit[5] == 0.0
    assert parts(match([grad()], [post(1, salary=(3000, 4000))]), 1, 1)["salary"] == 0.5


def test_freshness_prefers_recent_postings() -> None:
    postings = [
        post(1, published_on=date(2026, 5, 31)),
        post(2, published_on=date(2026, 3, 1)),
        post(3, published_on=None),
    ]
    out = match([grad()], postings)
    fresh = [parts(out, 1, p)["fresh"] for p in (1, 2, 3)]
    assert fresh[0] > fresh[2] > fresh[1] > 0.0
    assert ids(out) == [1, 3, 2]


def test_too_far_lowers_that_city_and_its_province_for_that_graduate_only() -> None:
    g1, g2 = grad(1), grad(2)
    postings = [post(1, adcode=SHENZHEN), post(2, adcode=SHENZHEN), post(3, adcode=GUANGZHOU), post(4, adcode=WUHAN)]
    far = (FeedbackItem(1, 1, FeedbackKind.REJECTED, too_far=True, adcode=SHENZHEN, employer_id=1),)
    out = match([g1, g2], postings, feedback=far)
    assert parts(out, 1, 2)["feedback"] == -1.0  # same city
    assert parts(out, 1, 3)["feedback"] == -0.5  # same province
    assert parts(out, 1, 4)["feedback"] == 0.0
    assert ids(out, 1) == [4, 3, 2]
    assert parts(out, 2, 2)["feedback"] == 0.0


def test_too_far_spares_a_city_the_graduate_asked_for() -> None:
    g = grad(city_adcodes=(WUHAN,))
    far = (FeedbackItem(1, 9, FeedbackKind.REJECTED, too_far=True, adcode=YICHANG),)
    out = match([g], [post(1, adcode=JIANGAN), post(2, adcode=YICHANG)], feedback=far)
    assert parts(out, 1, 1)["feedback"] == 0.0
    assert parts(out, 1, 2)["feedback"] == -1.0


def test_other_rejection_lowers_same_employer_and_similar_postings_not_the_place() -> None:
    postings = [
        post(1, employer=7, title="夜班护士", description="三班倒夜班护理"),
        post(2, employer=7, title="门诊导医", description="门诊接待"),
        post(3, employer=8, title="夜班护士", description="三班倒夜班护理工作"),
        post(4, employer=9, title="社区护理", description="社区卫生服务中心健康宣教"),
    ]
    no = (FeedbackItem(1, 1, FeedbackKind.REJECTED, text="夜班护士 三班倒夜班护理", employer_id=7),)
    out = match([grad()], postings, feedback=no)
    fb = {p: parts(out, 1, p)["feedback"] for p in (2, 3, 4)}
    assert fb[2] <= -0.7  # same employer
    assert fb[3] < -0.5  # a near copy at another employer
    assert fb[4] > fb[3] and fb[4] > -0.2  # unrelated work in the same place
    assert 1 not in ids(out)


def test_interest_lifts_similar_postings() -> None:
    postings = [
        post(1, title="手术室护士", description="手术室器械护理"),
        post(2, title="手术室护士", description="手术室器械护理配合"),
        post(3, title="导医", description="门诊接待"),
    ]
    liked = (FeedbackItem(1, 1, FeedbackKind.INTERESTED),)
    out = match([grad()], postings, feedback=liked)
    assert parts(out, 1, 2)["feedback"] > 0.3
    assert parts(out, 1, 3)["feedback"] < parts(out, 1, 2)["feedback"]
    assert ids(out)[0] in (1, 2)


def test_named_province_alone_is_strict() -> None:
    out = match([grad(province_adcodes=(HUBEI,))], [post(1, adcode=YICHANG), post(2, adcode=SHENZHEN)])
    assert [(r.posting_id, r.relax_step) for r in out.recommendations(1)] == [(1, 0)]
