"""The batch run: graduates in priority order, chunk by chunk; within a chunk, graduates of one (major, education)
share their candidate postings and are scored together; each keeps its best few; allocation settles diversity and
capacity; a graduate whose list ran dry gets a deeper one against the seats still free.

Priority order is exact while lists are deep enough (the tests check it against serving graduates one by one);
a graduate served in a deeper pass draws from the seats the rest of the chunk left, which can differ from strict
order only for postings outside that graduate's first list.

Deterministic: inputs are put in id order, every sort breaks ties on ids, and nothing depends on wall time.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import numpy as np

from bot.domain import GraduateProfile, PostingProfile
from bot.matching.allocate import Lists, allocate, release
from bot.matching.graduates import FeedbackIndex, GraduateIndex
from bot.matching.index import PostingIndex, Vocab, lookup
from bot.matching.outcome import Outcome
from bot.matching.scoring import score_block
from bot.matching.types import PARTS, FeedbackItem, MatchParams, PostingState

BLOCK_PAIRS = 1 << 20  # pairs scored at once: 8 parts x 4 bytes x 1M = 32 MB
CHUNK = 8192  # graduates allocated together (larger: fewer passes; smaller: lists run dry less often)
DEEPER_PASSES = 3


@dataclass
class Pool:
    """Everything one run builds once from the profiles."""

    graduates: list[GraduateProfile]  # in id order, aligned with gi rows
    postings: list[PostingProfile]  # in id order, aligned with pi columns
    params: MatchParams
    today: date
    vocab: Vocab
    pi: PostingIndex
    gi: GraduateIndex
    fi: FeedbackIndex
    weights: np.ndarray
    candidates: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def group_candidates(self, group: int) -> tuple[np.ndarray, np.ndarray]:
        """Postings open to this (major, education) group and their major level; computed once per group."""
        hit = self.candidates.get(group)
        if hit is None:
            major, major_class, category, edu = self.gi.groups[group]
            level = self.pi.major_level(major, major_class, category)
            cand = np.flatnonzero((level >= 0) & self.pi.open & (self.pi.min_edu <= edu))
            hit = (cand, level[cand])
            self.candidates[group] = hit
        return hit


_P = TypeVar("_P", GraduateProfile, PostingProfile)


def _unique_by_id(items: Sequence[_P], what: str) -> list[_P]:
    ordered = sorted(items, key=lambda x: x.id)
    for a, b in itertools.pairwise(ordered):
        if a.id == b.id:
            raise ValueError(f"{what} id {a.id} 重复")
    return ordered


def prepare(
    graduates: Sequence[GraduateProfile],
    postings: Sequence[PostingProfile],
    *,
    params: MatchParams,
    today: date,
    feedback: Sequence[FeedbackItem] = (),
    states: Mapping[int, PostingState] | None = None,
) -> Pool:
    grads = _unique_by_id(graduates, "毕业生")
    posts = _unique_by_id(postings, "岗位")
    feedback = sorted(feedback, key=lambda f: (f.graduate_id, f.posting_id, f.kind.value))
    vocab = Vocab.build(posts, grads, feedback)
    pi = PostingIndex.build(posts, vocab, params, today, states)
    gi = GraduateIndex.build(grads, vocab)
    fi = FeedbackIndex.build(feedback, gi, pi, vocab)
    weights = np.array(params.weights, dtype=np.float32)
    return Pool(grads, posts, params, today, vocab, pi, gi, fi, weights)


def build_lists(pool: Pool, rows: np.ndarray, m: int, remaining: np.ndarray) -> Lists:
    """Each row's best `m` admissible postings among those with seats left."""
    lists = Lists.empty(rows, m, len(PARTS))
    groups = pool.gi.group[rows]
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.r_[True, groups[order][1:] != groups[order][:-1], True])
    for lo, hi in itertools.pairwise(bounds):
        at = order[lo:hi]
        cand_all, level_all = pool.group_candidates(int(groups[at[0]]))
        free = remaining[cand_all] > 0
        cand, level = cand_all[free], level_all[free]
        lists.base[at] = len(cand_all)
        lists.available[at] = len(cand)
        if len(cand) == 0:
            continue
        text_t = pool.pi.text_t(cand)
        step = max(1, BLOCK_PAIRS // len(cand))
        for s in range(0, len(at), step):
            part = at[s : s + step]
            block = score_block(pool.gi, pool.pi, pool.fi, rows[part], cand, level, pool.weights, text_t)
            lists.put(part, block)
    return lists


def run_pool(pool: Pool, held: Mapping[int, int] | None = None, *, chunk: int = CHUNK) -> Outcome:
    """Allocate every graduate of the pool; `held` counts seats already taken by graduates outside this run."""
    started = time.perf_counter()
    pi, gi, params = pool.pi, pool.gi, pool.params
    remaining = pi.capacity.copy()
    remaining[~pi.open] = 0
    if held:
        cols, found = lookup(pi.ids, np.fromiter(held.keys(), dtype=np.int64, count=len(held)))
        taken = np.fromiter(held.values(), dtype=np.int64, count=len(held))
        np.subtract.at(remaining, cols[found], taken[found])
        np.maximum(remaining, 0, out=remaining)
    out = Outcome.empty(pool)
    if pi.n == 0:
        return out
    k, limit = params.k, params.max_per_employer
    base_m = k + max(k, 10)
    m = base_m
    for start in range(0, gi.n, chunk):
        rows = gi.order[start : start + chunk]
        lists = build_lists(pool, rows, m, remaining)
        chosen = allocate(lists, pi.emp_idx, gi.prio_rank[rows], remaining, k, limit)
        out.store(lists, chosen)
        need = (chosen.sum(axis=1) < k) & lists.truncated
        # Where seats run short, lists run dry: give the next chunk deeper lists instead of second passes.
        m = min(m * 2, base_m * 8) if need.mean() > 0.2 else max(base_m, m // 2)
        for _ in range(DEEPER_PASSES):
            if not need.any():
                break
            release(chosen[need], lists.post[need], remaining)
            lists = build_lists(pool, lists.rows[need], m, remaining)
            chosen = allocate(lists, pi.emp_idx, gi.prio_rank[lists.rows], remaining, k, limit)
            out.store(lists, chosen)
            need = (chosen.sum(axis=1) < k) & lists.truncated
    out.elapsed_ms = int((time.perf_counter() - started) * 1000)
    return out


def run(
    graduates: Sequence[GraduateProfile],
    postings: Sequence[PostingProfile],
    *,
    params: MatchParams,
    today: date,
    feedback: Sequence[FeedbackItem] = (),
    states: Mapping[int, PostingState] | None = None,
    held: Mapping[int, int] | None = None,
) -> Outcome:
    """Match every graduate with up to K postings; see the module docstring for how."""
    started = time.perf_counter()
    pool = prepare(graduates, postings, params=params, today=today, feedback=feedback, states=states)
    out = run_pool(pool, held)
    out.elapsed_ms = int((time.perf_counter() - started) * 1000)
    return out
