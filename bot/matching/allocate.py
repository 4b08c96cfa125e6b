"""Each graduate's best few candidates, and their allocation under diversity and capacity limits.

Allocation is a serial dictatorship in priority order (hardship first, then unplaced longest, then id), computed
without a loop over graduates: everyone proposes their current top-K, each posting keeps its highest-priority
proposers up to its remaining capacity, the refused strike it off and propose again. With one priority order
shared by all postings this converges to exactly what serving graduates one by one in that order would give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.matching.scoring import Block


@dataclass
class Lists:
    """Per graduate row: the best `m` admissible candidates, best first."""

    rows: np.ndarray  # graduate rows (B,)
    post: np.ndarray  # posting columns B x m, -1 = empty
    key: np.ndarray  # float32 B x m
    step: np.ndarray  # int8 B x m
    parts: np.ndarray  # float32 B x m x P
    admissible: np.ndarray  # (B,) how many admissible candidates there were in all
    base: np.ndarray  # (B,) postings passing the major/education/open filters, whatever their capacity
    available: np.ndarray  # (B,) of those, the ones with seats left when the list was built
    refused: np.ndarray  # (B,) bool: a posting of the list had no seat left for this graduate

    @property
    def truncated(self) -> np.ndarray:
        """Rows that have more admissible candidates than their list holds."""
        return np.asarray(self.admissible > self.post.shape[1])

    @classmethod
    def empty(cls, rows: np.ndarray, m: int, n_parts: int) -> Lists:
        b = len(rows)
        return cls(
            rows=rows,
            post=np.full((b, m), -1, dtype=np.int64),
            key=np.full((b, m), -np.inf, dtype=np.float32),
            step=np.zeros((b, m), dtype=np.int8),
            parts=np.zeros((b, m, n_parts), dtype=np.float32),
            admissible=np.zeros(b, dtype=np.int64),
            base=np.zeros(b, dtype=np.int64),
            available=np.zeros(b, dtype=np.int64),
            refused=np.zeros(b, dtype=bool),
        )

    def put(self, at: np.ndarray, block: Block) -> None:
        """Keep the best `m` of each block row, in (key desc, posting asc) order, at list rows `at`."""
        m = self.post.shape[1]
        key = block.key
        idx = top_m(key, m)
        k_sel = np.take_along_axis(key, idx, axis=1)
        step, parts = block.parts_at(idx)
        width = idx.shape[1]
        self.post[at, :width] = np.where(np.isfinite(k_sel), block.cand[idx], -1)
        self.key[at, :width] = k_sel
        self.step[at, :width] = step
        self.parts[at, :width] = parts
        self.admissible[at] = np.count_nonzero(key > -np.inf, axis=1)


def top_m(key: np.ndarray, m: int) -> np.ndarray:
    """Columns of each row's m largest keys, best first, ties to the lower column (candidates are in id order).

    Cheaper than argpartition on wide rows: the m-th largest of the maxima of 4m column chunks is a threshold
    that at least m entries reach, and usually not many more; only those are sorted.
    """
    b, c = key.shape
    if c <= m:
        return np.lexsort((np.broadcast_to(np.arange(c), key.shape), -key), axis=1)
    width = max(1, c // (4 * m))
    maxima = np.maximum.reduceat(key, np.arange(0, c, width), axis=1)
    n = maxima.shape[1]  # > m, see width
    threshold = np.partition(maxima, n - m, axis=1)[:, n - m]
    r, col = np.nonzero(key >= threshold[:, None])
    order = np.lexsort((col, -key[r, col], r))
    r, col = r[order], col[order]
    rank = np.arange(len(r)) - np.searchsorted(r, np.arange(b))[r]
    keep = rank < m
    idx = np.zeros((b, m), dtype=np.int64)
    idx[r[keep], rank[keep]] = col[keep]
    return idx


def select(employer: np.ndarray, avail: np.ndarray, k: int, max_per_employer: int) -> np.ndarray:
    """The first k available entries of each row, skipping an employer's entries beyond its limit."""
    b, m = avail.shape
    flat = np.flatnonzero(avail)
    row = flat // m
    group = row * (int(employer.max(initial=0)) + 2) + employer.ravel()[flat] + 1
    order = np.argsort(group, kind="stable")  # within a (row, employer) run, list order is kept
    g_sorted = group[order]
    starts = np.r_[True, g_sorted[1:] != g_sorted[:-1]] if len(flat) else np.zeros(0, bool)
    idx = np.arange(len(flat))
    run_start = np.maximum.accumulate(np.where(starts, idx, 0)) if len(flat) else idx
    occurrence = np.empty(len(flat), dtype=np.int64)
    occurrence[order] = idx - run_start
    ok = np.zeros(b * m, dtype=bool)
    ok[flat[occurrence < max_per_employer]] = True
    ok = ok.reshape(b, m)
    return ok & (np.cumsum(ok, axis=1) <= k)


def allocate(
    lists: Lists,
    employer: np.ndarray,
    priority: np.ndarray,
    remaining: np.ndarray,
    k: int,
    max_per_employer: int,
) -> np.ndarray:
    """Chosen entries (B x m bool) under diversity and `remaining` capacity; `remaining` is reduced in place.

    `employer` maps posting columns to employer columns; `priority` ranks the list rows (lower goes first).
    Rows that lost a posting for want of seats are marked in `lists.refused`.
    Each round only the postings asked by more graduates than they have seats refuse, and only the refused
    graduates choose again.
    """
    post = lists.post
    valid = post >= 0
    safe = np.where(valid, post, 0)
    emp = np.where(valid, employer[safe], -1)
    full = valid & (remaining[safe] <= 0)
    lists.refused |= full.any(axis=1)
    blocked = ~valid | full
    chosen = select(emp, ~blocked, k, max_per_employer)
    while True:
        r, c = np.nonzero(chosen)
        p = post[r, c]
        demand = np.bincount(p, minlength=len(remaining))
        over = demand > remaining
        if not over.any():
            remaining -= demand
            return chosen
        hot = over[p]
        r, c, p = r[hot], c[hot], p[hot]
        order = np.lexsort((priority[r], p))
        r, c, p = r[order], c[order], p[order]
        seat = np.arange(len(p)) - np.searchsorted(p, p)
        refused = seat >= remaining[p]
        blocked[r[refused], c[refused]] = True
        lists.refused[r[refused]] = True
        again = np.unique(r[refused])
        chosen[again] = select(emp[again], ~blocked[again], k, max_per_employer)


def release(chosen: np.ndarray, post: np.ndarray, remaining: np.ndarray) -> None:
    """Give back the seats of `chosen` entries (a graduate whose list is about to be rebuilt)."""
    np.add.at(remaining, post[chosen], 1)
