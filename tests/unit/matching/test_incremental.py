"""Placing one new posting into current lists, and rebuilding lists loaded from storage."""

from __future__ import annotations

from bot.domain import PostingStatus
from bot.matching import MatchParams, prepare
from bot.matching.incremental import CurrentMatch, MatchState, place_posting
from bot.matching.types import PostingState
from tests.unit.matching.factories import SHENZHEN, TODAY, WUHAN, grad, match, post


def test_new_posting_fills_free_places_and_replaces_the_worst_when_better() -> None:
    graduates = [
        grad(1, city_adcodes=(WUHAN,)),
        grad(2, city_adcodes=(WUHAN,)),
        grad(3, major=("080902", "0809", "08", "软件工程")),
    ]
    postings = [post(1, salary=(3000, 3500)), post(2, salary=(3000, 3500)), post(3, accepted=("101101",))]
    out = match(graduates, postings, k=2)
    state = MatchState.from_outcome(out)
    better = post(10, salary=(8000, 9000), published_on=TODAY)
    placed = place_posting(state, better)
    assert sorted(p.graduate_id for p in placed) == [1, 2]  # graduate 3 studies software: not accepted
    for p in placed:
        assert p.rank == 1 and p.displaced is not None and p.relax_step == 0
        assert "专业对口" in p.reason
    row = int(state.pool.gi.rows_of([1])[0])
    assert state.post_id[row, 0] == 10 and 10 not in state.post_id[int(state.pool.gi.rows_of([3])[0])]


def test_worse_posting_leaves_full_lists_alone() -> None:
    out = match([grad(1)], [post(1, salary=(8000, 9000)), post(2, salary=(8000, 9000))], k=2)
    state = MatchState.from_outcome(out)
    assert place_posting(state, post(10, salary=(1000, 1500), published_on=None)) == []


def test_capacity_goes_to_priority_graduates() -> None:
    graduates = [grad(i, hardship=i == 4) for i in range(1, 6)]
    out = match(graduates, [post(1)], k=2)
    state = MatchState.from_outcome(out)
    placed = place_posting(state, post(10, headcount=1), held=0)  # capacity factor 100: all five fit
    assert len(placed) == 5
    state = MatchState.from_outcome(match(graduates, [post(1)], k=2, capacity_factor=2.0))
    placed = place_posting(state, post(10, headcount=1))
    assert [p.graduate_id for p in placed] == [4, 1]


def test_employer_limit_replaces_the_worst_of_that_employer() -> None:
    postings = [post(1, employer=7, salary=(9000, 9000)), post(2, employer=7, salary=(3000, 3000)), post(3, employer=8)]
    out = match([grad(1, salary_min=5000)], postings, k=3, max_per_employer=2)
    state = MatchState.from_outcome(out)
    (placed,) = place_posting(state, post(10, employer=7, salary=(8000, 8000)))
    assert placed.displaced == 2
    assert sorted(state.post_id[0].tolist()) == [1, 3, 10]


def test_closed_or_unaccepting_posting_is_placed_nowhere() -> None:
    state = MatchState.from_outcome(match([grad(1)], [], k=2))
    assert place_posting(state, post(10), posting_state=PostingState(status=PostingStatus.CLOSED)) == []
    assert place_posting(state, post(11, adcode=SHENZHEN, accepted=("0809",))) == []
    assert [p.posting_id for p in place_posting(state, post(12))] == [12]


def test_state_from_stored_lists() -> None:
    params = MatchParams(k=2, capacity_factor=10)
    pool = prepare([grad(1), grad(2)], [post(10)], params=params, today=TODAY)
    current = {1: [CurrentMatch(5, 5, 4.0, 0), CurrentMatch(6, 6, 7.0, 1)], 2: [CurrentMatch(5, 5, 4.0, 0)], 99: []}
    state = MatchState.from_current(pool, current)
    assert state.post_id[0].tolist() == [5, 6]  # step 0 before step 1 whatever the score
    placed = place_posting(state, post(10))
    assert {p.graduate_id: p.displaced for p in placed} == {1: 6, 2: None}
