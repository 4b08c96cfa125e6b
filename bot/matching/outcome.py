"""What a run produced, as arrays (one row per graduate, K columns in rank order) with readers that turn rows
into Recommendation / Shortfall values and reasons on demand (reasons are strings: built only when asked)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.matching.allocate import Lists
from bot.matching.explain import reason, shortfall_reason
from bot.matching.scoring import STEP_GAP
from bot.matching.types import PARTS, STEP_NAMES, Recommendation, RunStats, Shortfall

if TYPE_CHECKING:
    from bot.matching.engine import Pool


@dataclass
class Outcome:
    pool: Pool
    post: np.ndarray  # N x K posting columns, -1 = empty
    key: np.ndarray  # N x K ranking key (score - STEP_GAP * step)
    step: np.ndarray  # N x K relaxation step
    parts: np.ndarray  # N x K x P
    found: np.ndarray  # (N,)
    base: np.ndarray  # (N,) postings passing major/education/open
    available: np.ndarray  # (N,) of those with seats left when the graduate's turn came
    admissible: np.ndarray  # (N,) of those admissible at the last relaxation step
    refused: np.ndarray  # (N,) bool: lost a posting for want of seats
    elapsed_ms: int = 0

    @classmethod
    def empty(cls, pool: Pool) -> Outcome:
        n, k = pool.gi.n, pool.params.k
        return cls(
            pool=pool,
            post=np.full((n, k), -1, dtype=np.int64),
            key=np.full((n, k), -np.inf, dtype=np.float32),
            step=np.zeros((n, k), dtype=np.int8),
            parts=np.zeros((n, k, len(PARTS)), dtype=np.float32),
            found=np.zeros(n, dtype=np.int64),
            base=np.zeros(n, dtype=np.int64),
            available=np.zeros(n, dtype=np.int64),
            admissible=np.zeros(n, dtype=np.int64),
            refused=np.zeros(n, dtype=bool),
        )

    def store(self, lists: Lists, chosen: np.ndarray) -> None:
        """Write the chosen entries of `lists` as these graduates' results (replacing earlier ones)."""
        rows = lists.rows
        self.post[rows] = -1
        self.key[rows] = -np.inf
        self.step[rows] = 0
        self.parts[rows] = 0.0
        r, c = np.nonzero(chosen)
        rank = (np.cumsum(chosen, axis=1) - 1)[r, c]
        g = rows[r]
        self.post[g, rank] = lists.post[r, c]
        self.key[g, rank] = lists.key[r, c]
        self.step[g, rank] = lists.step[r, c]
        self.parts[g, rank] = lists.parts[r, c]
        self.found[rows] = chosen.sum(axis=1)
        self.base[rows] = lists.base
        self.available[rows] = lists.available
        self.admissible[rows] = lists.admissible
        self.refused[rows] = lists.refused

    # ------------------------------------------------------------------------------------------------ readers

    @property
    def score(self) -> np.ndarray:
        return self.key + np.float32(STEP_GAP) * self.step

    def posting_ids(self) -> np.ndarray:
        """N x K posting ids, -1 = empty."""
        return self.posting_attr(self.pool.pi.ids)

    def posting_attr(self, values: np.ndarray) -> np.ndarray:
        """N x K of a per-posting array (ids, employer ids), -1 where empty."""
        if len(values) == 0:
            return np.full(self.post.shape, -1, dtype=np.int64)
        return np.where(self.post >= 0, values[np.maximum(self.post, 0)], -1)

    def recommendations_at(self, row: int, industry_names: Mapping[str, str] | None = None) -> list[Recommendation]:
        g = self.pool.graduates[row]
        out = []
        for rank in range(int(self.found[row])):
            col = int(self.post[row, rank])
            p = self.pool.postings[col]
            parts = {name: round(float(v), 4) for name, v in zip(PARTS, self.parts[row, rank], strict=True)}
            step = int(self.step[row, rank])
            out.append(
                Recommendation(
                    graduate_id=g.id,
                    posting_id=p.id,
                    rank=rank + 1,
                    score=round(float(self.key[row, rank]) + STEP_GAP * step, 4),
                    relax_step=step,
                    parts=parts,
                    reason=reason(g, p, parts, step, industry_names),
                )
            )
        return out

    def recommendations(
        self, graduate_id: int, industry_names: Mapping[str, str] | None = None
    ) -> list[Recommendation]:
        rows = self.pool.gi.rows_of([graduate_id])
        return self.recommendations_at(int(rows[0]), industry_names) if len(rows) else []

    def iter_recommendations(self, industry_names: Mapping[str, str] | None = None) -> Iterator[Recommendation]:
        for row in range(self.pool.gi.n):
            yield from self.recommendations_at(row, industry_names)

    def shortfalls(self) -> list[Shortfall]:
        k = self.pool.params.k
        out = []
        for row in np.flatnonzero(self.found < k).tolist():
            g = self.pool.graduates[row]
            found = int(self.found[row])
            text = shortfall_reason(
                g,
                found,
                k=k,
                base=int(self.base[row]),
                admissible=int(self.admissible[row]),
                capacity_limited=bool(self.refused[row] or self.available[row] < self.base[row]),
                max_per_employer=self.pool.params.max_per_employer,
            )
            out.append(Shortfall(graduate_id=g.id, found=found, reason=text))
        return out

    def stats(self) -> RunStats:
        filled = self.post >= 0
        widest = np.where(filled, self.step, -1).max(axis=1, initial=-1)
        by_grad = {str(s): int((widest == s).sum()) for s in STEP_NAMES}
        by_grad["none"] = int((widest < 0).sum())
        by_match = {str(s): int(((self.step == s) & filled).sum()) for s in STEP_NAMES}
        return RunStats(
            graduates=self.pool.gi.n,
            postings=int(self.pool.pi.open.sum()),
            matches=int(filled.sum()),
            shortfalls=int((self.found < self.pool.params.k).sum()),
            graduates_by_step=by_grad,
            matches_by_step=by_match,
            elapsed_ms=self.elapsed_ms,
        )
