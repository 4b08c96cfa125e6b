"""Relaxation to reach K, shortfalls with reasons, diversity per employer, capacity in priority order."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from bot.matching import MatchParams
from bot.matching.allocate import select, top_m
from tests.unit.matching.factories import GUANGZHOU, HONGSHAN, JIANGAN, SHENZHEN, WUHAN, YICHANG, grad, ids, match, post


def test_relaxation_only_fills_what_strict_matches_leave() -> None:
    g = grad(city_adcodes=(WUHAN,), industry_codes=("43",))
    postings = [
        post(1, adcode=JIANGAN),
        post(2, adcode=YICHANG, salary=(9000, 12000)),  # better paid, but only same province
        post(3, adcode=None),
        post(4, adcode=HONGSHAN, industry="34"),
        post(5, adcode=SHENZHEN),  # never: not accepted by place
    ]
    out = match([g], postings, k=2)
    assert [(r.posting_id, r.relax_step) for r in out.recommendations(1)] == [(1, 0), (2, 1)]
    out = match([g], postings, k=10)
    assert [(r.posting_id, r.relax_step) for r in out.recommendations(1)] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    stats = out.stats()
    assert stats.graduates_by_step == {"0": 0, "1": 0, "2": 0, "3": 1, "none": 0}
    assert stats.matches_by_step == {"0": 1, "1": 1, "2": 1, "3": 1}


def test_shortfall_for_too_few_postings_of_the_major_names_major_and_count() -> None:
    out = match([grad()], [post(i) for i in range(1, 7)], k=10)
    (short,) = out.shortfalls()
    assert short.found == 6
    assert short.reason == "专业对口岗位不足：护理学 本科，仅找到 6 个"


def test_shortfall_for_place_names_the_wished_places() -> None:
    postings = [post(i, adcode=WUHAN if i <= 3 else SHENZHEN) for i in range(1, 15)]
    out = match([grad(city_adcodes=(WUHAN,))], postings, k=10)
    (short,) = out.shortfalls()
    assert short.found == 3
    assert "武汉" in short.reason and "仅找到 3 个" in short.reason


def test_no_shortfall_when_k_reached() -> None:
    out = match([grad()], [post(i) for i in range(1, 12)], k=10)
    assert out.shortfalls() == [] and len(ids(out)) == 10


def test_at_most_max_per_employer_postings_of_one_employer() -> None:
    postings = [post(i, employer=1) for i in range(1, 6)] + [post(i, employer=2) for i in range(6, 9)]
    out = match([grad()], postings, k=5, max_per_employer=2)
    got = ids(out)
    assert len(got) == 4 and sum(p <= 5 for p in got) == 2
    assert out.shortfalls()[0].reason == "符合条件的岗位集中在少数单位（每个单位最多推荐 2 个），仅找到 4 个"


def test_capacity_goes_to_hardship_first_then_unplaced_longest_then_id() -> None:
    graduates = [
        grad(1, unplaced_since=date(2026, 3, 1)),
        grad(2, unplaced_since=date(2025, 12, 1)),
        grad(3, hardship=True, unplaced_since=date(2026, 5, 1)),
        grad(4, unplaced_since=date(2025, 12, 1)),
        grad(5),
    ]
    # one posting, headcount 1, c = 2: two seats
    out = match(graduates, [post(1)], k=1, capacity_factor=2.0)
    holders = [g.id for g in graduates if ids(out, g.id)]
    assert holders == [2, 3]  # 3 (hardship) first, then 2 (unplaced since Dec, lower id than 4)


def test_capacity_spreads_postings_so_not_everyone_gets_the_same_ten() -> None:
    graduates = [grad(i) for i in range(1, 31)]
    postings = [post(i, headcount=1) for i in range(1, 31)]
    out = match(graduates, postings, k=3, capacity_factor=3.0)
    lists = {g.id: tuple(ids(out, g.id)) for g in graduates}
    assert all(len(v) == 3 for v in lists.values())
    counts = np.bincount([p for v in lists.values() for p in v], minlength=31)
    assert counts.max() <= 3
    assert len(set(lists.values())) > 5


def test_held_seats_count_against_capacity() -> None:
    out = match([grad(1), grad(2)], [post(1, headcount=1)], k=1, capacity_factor=2.0, held={1: 1})
    assert [bool(ids(out, g)) for g in (1, 2)] == [True, False]
    out = match([grad(1)], [post(1, headcount=1)], k=1, capacity_factor=2.0, held={1: 5})
    assert ids(out) == []


def test_deterministic_and_independent_of_input_order() -> None:
    graduates = [grad(i, hardship=i % 3 == 0, city_adcodes=(WUHAN,) if i % 2 else (GUANGZHOU,)) for i in range(1, 25)]
    postings = [
        post(i, employer=i % 5, adcode=[WUHAN, GUANGZHOU, None, YICHANG][i % 4], headcount=1) for i in range(1, 40)
    ]
    a = match(graduates, postings, k=5, capacity_factor=2.0)
    b = match(list(reversed(graduates)), list(reversed(postings)), k=5, capacity_factor=2.0)
    for g in graduates:
        assert a.recommendations(g.id) == b.recommendations(g.id)


def test_duplicate_ids_are_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="重复"):
        match([grad(1), grad(1)], [post(1)])


def test_params_are_validated_in_chinese() -> None:
    with pytest.raises(ValueError, match="k"):
        MatchParams(k=0)
    with pytest.raises(ValueError, match="权重"):
        MatchParams(weights=(1.0,) * 7)
    assert MatchParams(capacity_factor=3.0).capacity(3) == 9
    assert MatchParams(capacity_factor=1.5).capacity(1) == 2
    assert MatchParams(capacity_factor=2.0).capacity(0) == 2  # headcount 若干 (0) counts as 1


def test_top_m_matches_a_full_sort() -> None:
    rng = np.random.default_rng(7)
    key = rng.integers(0, 20, size=(50, 700)).astype(np.float32)  # many ties
    key[rng.random(key.shape) < 0.4] = -np.inf
    key[3] = -np.inf
    for m in (1, 5, 40):
        want = np.lexsort((np.broadcast_to(np.arange(700), key.shape), -key), axis=1)[:, :m]
        assert np.array_equal(top_m(key, m), want)


def test_select_skips_an_employers_third_entry_and_stops_at_k() -> None:
    employer = np.array([[1, 1, 1, 2, 3, 4]])
    avail = np.array([[True, True, True, True, False, True]])
    chosen = select(employer, avail, 3, 2)
    assert chosen.tolist() == [[True, True, False, True, False, False]]


def test_shortfall_for_seats_taken_by_graduates_served_first() -> None:
    graduates = [grad(1, hardship=True), grad(2)]
    out = match(graduates, [post(i) for i in range(1, 13)], k=10, capacity_factor=1.0)
    assert len(ids(out, 1)) == 10
    (short,) = out.shortfalls()
    assert short.graduate_id == 2 and short.found == 2
    assert short.reason == "岗位名额已优先分配给其他同学（困难生和待业时间长的同学优先），仅找到 2 个"
