"""Incremental matching: one new (or changed) posting placed into the current lists, without a batch run.

The posting is scored against every graduate at once (a graduates x 1 block); it enters a list when it beats
that list's worst entry (or fills a free place), respecting the employer limit (it then replaces the worst
entry of the same employer) and its own capacity, which goes to the wanting graduates in priority order.
A changed preference is simpler: a batch run of that one graduate against the seats still free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.domain import PostingProfile
from bot.matching.engine import Pool
from bot.matching.explain import reason
from bot.matching.index import PostingIndex
from bot.matching.outcome import Outcome
from bot.matching.scoring import STEP_GAP, score_block
from bot.matching.types import PARTS, PostingState


@dataclass(frozen=True, slots=True)
class CurrentMatch:
    """An entry of a graduate's current list, as stored."""

    posting_id: int
    employer_id: int
    score: float
    relax_step: int


@dataclass(frozen=True, slots=True)
class Placement:
    graduate_id: int
    posting_id: int
    rank: int  # 1-based, in the updated list
    score: float
    relax_step: int
    parts: dict[str, float]
    reason: str
    displaced: int | None  # the posting that left the list to make room, if any


@dataclass
class MatchState:
    """Current lists of the pool's graduates (rows aligned with pool.gi), best first, -1 = empty."""

    pool: Pool
    post_id: np.ndarray  # N x K posting ids
    employer: np.ndarray  # N x K employer ids
    key: np.ndarray  # N x K float32 ranking key
    step: np.ndarray  # N x K int8
    parts: np.ndarray  # N x K x P

    @classmethod
    def from_outcome(cls, out: Outcome) -> MatchState:
        return cls(
            pool=out.pool,
            post_id=out.posting_ids(),
            employer=out.posting_attr(out.pool.pi.employer),
            key=out.key.copy(),
            step=out.step.copy(),
            parts=out.parts.copy(),
        )

    @classmethod
    def from_current(cls, pool: Pool, current: Mapping[int, Sequence[CurrentMatch]]) -> MatchState:
        """Lists as loaded from storage (graduate id -> entries); entries beyond K are dropped."""
        n, k = pool.gi.n, pool.params.k
        state = cls(
            pool=pool,
            post_id=np.full((n, k), -1, dtype=np.int64),
            employer=np.full((n, k), -1, dtype=np.int64),
            key=np.full((n, k), -np.inf, dtype=np.float32),
            step=np.zeros((n, k), dtype=np.int8),
            parts=np.zeros((n, k, len(PARTS)), dtype=np.float32),
        )
        for gid, entries in current.items():
            rows = pool.gi.rows_of([gid])
            if not len(rows):
                continue
            ranked = sorted(entries, key=lambda e: (-(e.score - STEP_GAP * e.relax_step), e.posting_id))[:k]
            for j, e in enumerate(ranked):
                r = int(rows[0])
                state.post_id[r, j] = e.posting_id
                state.employer[r, j] = e.employer_id
                state.key[r, j] = e.score - STEP_GAP * e.relax_step
                state.step[r, j] = e.relax_step
        return state

    def _resort(self, rows: np.ndarray) -> None:
        order = np.lexsort((self.post_id[rows], -self.key[rows]), axis=1)
        for name in ("post_id", "employer", "key", "step"):
            arr = getattr(self, name)
            arr[rows] = np.take_along_axis(arr[rows], order, axis=1)
        self.parts[rows] = np.take_along_axis(self.parts[rows], order[:, :, None], axis=1)


def _score_one(
    state: MatchState, posting: PostingProfile, posting_state: PostingState | None
) -> tuple[np.ndarray, ...]:
    """(key, step, parts N x P) of the posting for every graduate of the pool."""
    pool = state.pool
    gi = pool.gi
    pi1 = PostingIndex.build(
        [posting], pool.vocab, pool.params, pool.today, {posting.id: posting_state} if posting_state else None
    )
    if not pi1.open[0]:
        n = gi.n
        return np.full(n, -np.inf, np.float32), np.zeros(n, np.int8), np.zeros((n, len(PARTS)), np.float32)
    by_group = np.array(
        [pi1.major_level(*grp[:3])[0] if int(pi1.min_edu[0]) <= grp[3] else -1 for grp in gi.groups], dtype=np.int8
    )
    level = by_group[gi.group][:, None] if gi.n else np.zeros((0, 1), np.int8)
    first = np.zeros(1, np.int64)
    block = score_block(gi, pi1, pool.fi.for_postings(pi1), np.arange(gi.n), first, level, pool.weights)
    step, parts = block.parts_at(np.zeros((gi.n, 1), np.int64))
    return block.key[:, 0], step[:, 0], parts[:, 0, :]


def _slots(state: MatchState, posting: PostingProfile) -> tuple[np.ndarray, np.ndarray]:
    """Per graduate: the list slot the posting would take, and the key it must beat to take it."""
    params = state.pool.params
    filled = state.post_id >= 0
    count = filled.sum(axis=1)
    same = filled & (state.employer == posting.employer_id)
    at_limit = same.sum(axis=1) >= params.max_per_employer
    full = count >= params.k
    worst_same = np.argmin(np.where(same, state.key, np.inf), axis=1)
    worst_any = np.argmin(np.where(filled, state.key, np.inf), axis=1)
    slot = np.where(at_limit, worst_same, np.where(full, worst_any, np.minimum(count, params.k - 1)))
    bar = np.where(at_limit | full, state.key[np.arange(len(slot)), slot], -np.inf)
    return slot, bar


def place_posting(
    state: MatchState,
    posting: PostingProfile,
    *,
    held: int = 0,
    posting_state: PostingState | None = None,
    industry_names: Mapping[str, str] | None = None,
) -> list[Placement]:
    """Put `posting` into the lists it improves (updating `state`); `held` seats are already taken elsewhere."""
    pool = state.pool
    key, step, parts = _score_one(state, posting, posting_state)
    slot, bar = _slots(state, posting)
    holds = (state.post_id == posting.id).any(axis=1)
    want = np.flatnonzero(np.isfinite(key) & (key > bar) & ~holds)
    seats = max(pool.params.capacity(posting.headcount) - held, 0)
    chosen = want[np.argsort(pool.gi.prio_rank[want], kind="stable")][:seats]
    if not len(chosen):
        return []
    s = slot[chosen]
    displaced = state.post_id[chosen, s].copy()
    state.post_id[chosen, s] = posting.id
    state.employer[chosen, s] = posting.employer_id
    state.key[chosen, s] = key[chosen]
    state.step[chosen, s] = step[chosen]
    state.parts[chosen, s] = parts[chosen]
    state._resort(chosen)
    ranks = np.argmax(state.post_id[chosen] == posting.id, axis=1) + 1
    out = []
    for r, rank, gone in zip(chosen.tolist(), ranks.tolist(), displaced.tolist(), strict=True):
        named = {name: round(float(v), 4) for name, v in zip(PARTS, parts[r], strict=True)}
        st = int(step[r])
        out.append(
            Placement(
                graduate_id=pool.graduates[r].id,
                posting_id=posting.id,
                rank=rank,
                score=round(float(key[r]) + STEP_GAP * st, 4),
                relax_step=st,
                parts=named,
                reason=reason(pool.graduates[r], posting, named, st, industry_names),
                displaced=None if gone < 0 else gone,
            )
        )
    return out
