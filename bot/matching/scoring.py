"""Hard filters and named score parts for a block of graduates x candidate postings, as whole-array operations.

Place, industry and salary depend on a posting only through a few values (its place slot, industry, salary
range), and a block's candidates share few of them: each part is computed on a small graduates x values table
and gathered into the block, so the per-pair work is a handful of gathers and adds. Text similarity is one sparse
product. Parts lie in [0, 1] (feedback in [-1, 0.5]); the score is their weighted sum, and the ranking key
subtracts STEP_GAP per relaxation step so that relaxed postings only fill what the strict ones leave. Full parts
are gathered only for the pairs a graduate keeps (`Block.parts_at`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from bot.matching.graduates import FeedbackIndex, GraduateIndex
from bot.matching.index import PostingIndex
from bot.matching.types import PARTS, STEP_ANYWHERE, STEP_INDUSTRY, STEP_PROVINCE, STEP_STRICT

INADMISSIBLE = 9  # step value of a pair that no relaxation admits
STEP_GAP = 100.0  # larger than any score, so a stricter step always ranks first
STEP_PENALTY = np.array([-STEP_GAP * s if s <= STEP_INDUSTRY else -np.inf for s in range(10)], dtype=np.float32)
# Major fit by level: 不限, same 门类, same 专业类, exact major.
MAJOR_FIT = np.array([0.25, 0.45, 0.7, 1.0], dtype=np.float32)
PLACE_FIT = {"none": 0.5, "city": 1.0, "province_named": 0.8, "province": 0.6, "nationwide": 0.4, "elsewhere": 0.1}
FAR_CITY, FAR_PROVINCE, SAME_EMPLOYER, LIKE = 1.0, 0.5, 0.7, 0.5
P_MAJOR, P_PLACE, P_ORIGIN, P_INDUSTRY, P_TEXT, P_SALARY, P_FRESH, P_FEEDBACK = range(len(PARTS))
F32 = np.float32


def place_table(
    gi: GraduateIndex, r: np.ndarray, city: np.ndarray, prov: np.ndarray, nw: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(step int8, place fit, origin fit) for graduate rows `r` (B, 1) x places given as (1, X) columns."""
    hit = gi.city_pref[r, city]
    named = gi.prov_exp[r, prov]
    wide = gi.prov_wide[r, prov]
    has, anyp = gi.has_place[r], gi.any_place[r]
    step = np.where(
        hit | named, STEP_STRICT, np.where(wide, STEP_PROVINCE, np.where(nw | anyp, STEP_ANYWHERE, INADMISSIBLE))
    )
    step = np.where(has, step, STEP_STRICT).astype(np.int8)
    f = PLACE_FIT
    fit = np.where(wide, F32(f["province"]), np.where(nw, F32(f["nationwide"]), F32(f["elsewhere"])))
    fit = np.where(hit, F32(f["city"]), np.where(named, F32(f["province_named"]), fit))
    fit = np.where(has, fit, F32(f["none"])).astype(F32)
    origin = np.where(gi.origin_city[r] == city, F32(1.0), np.where(gi.origin_prov[r] == prov, F32(0.5), F32(0.0)))
    return step, fit, origin.astype(F32)


def industry_table(gi: GraduateIndex, r: np.ndarray, industry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(step int8, industry fit): a wished industry fits 1; others only from step 3; no wish fits all 0.5."""
    hit = gi.ind_pref[r, industry]
    has = gi.has_ind[r]
    step = np.where(has & ~hit, STEP_INDUSTRY, STEP_STRICT).astype(np.int8)
    return step, np.where(has, hit.astype(F32), F32(0.5)).astype(F32)


def salary_table(gi: GraduateIndex, r: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """1 when even the lowest pay meets the expectation, less as the top of the range falls short of it."""
    want = gi.sal_min[r]
    top = np.where(np.isnan(hi), lo, hi)
    safe_want = np.where(np.isnan(want), F32(1.0), want)
    short = np.clip(1.0 - 2.0 * (safe_want - top) / safe_want, 0.0, 1.0) * 0.6
    fit = np.where(lo >= want, F32(1.0), np.where(top >= want, F32(0.8), short))
    fit = np.where(np.isnan(top), F32(0.3), fit)
    return np.where(np.isnan(want), F32(0.5), fit).astype(F32)


def feedback_part(
    gi: GraduateIndex, pi: PostingIndex, fi: FeedbackIndex, rows: np.ndarray, cand: np.ndarray, text_t: sp.csr_matrix
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(block rows with feedback, their feedback part, their excluded mask); empty for most blocks."""
    sub = np.flatnonzero(fi.has[rows])
    if len(sub) == 0:
        return sub, np.zeros((0, len(cand)), F32), np.zeros((0, len(cand)), bool)
    r = rows[sub]
    pc, pp = pi.city[cand], pi.prov[cand]
    # 太远了 about one city also speaks of its province, but never against a city the graduate asked for.
    near_wish = gi.city_pref[r][:, pc]
    far = np.maximum(
        fi.far_city[r].toarray()[:, pc] * F32(FAR_CITY),
        fi.far_prov[r].toarray()[:, pp] * F32(FAR_PROVINCE) * ~near_wish,
    )
    emp = fi.rej_emp[r].toarray()[:, pi.emp_idx[cand]] * F32(SAME_EMPLOYER)
    similar = (fi.rej_text[r] @ text_t).toarray()
    liked = (fi.like_text[r] @ text_t).toarray()
    part = (F32(LIKE) * liked - np.maximum(np.maximum(far, emp), similar)).astype(F32)
    excluded = fi.excluded[r][:, cand].toarray() > 0
    return sub, part, excluded


def _tables(
    gi: GraduateIndex, pi: PostingIndex, rows: np.ndarray, cand: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...], np.ndarray]:
    """(candidate -> (slot, industry) column, candidate -> salary column, the five place/industry tables, salary)."""
    r = rows[:, None]
    n_ind = int(gi.ind_pref.shape[1])
    pu, pi_inv = np.unique(pi.slot[cand] * n_ind + pi.industry[cand], return_inverse=True)
    cu, c_inv = np.unique(pi.sal_class[cand], return_inverse=True)
    su, iu = pu // n_ind, pu % n_ind
    pstep, pfit, origin = place_table(
        gi, r, pi.slot_city[su][None, :], pi.slot_prov[su][None, :], pi.slot_nw[su][None, :]
    )
    istep, ifit = industry_table(gi, r, iu[None, :])
    sfit = salary_table(gi, r, pi.class_lo[cu][None, :], pi.class_hi[cu][None, :])
    return pi_inv, c_inv, (pstep, pfit, origin, istep, ifit), sfit


@dataclass(frozen=True)
class Block:
    """Ranking keys of a block and what it takes to rebuild the parts of any of its pairs."""

    key: np.ndarray  # float32 B x C, -inf where inadmissible
    cand: np.ndarray
    level: np.ndarray  # major level, broadcastable to B x C
    tables: tuple[np.ndarray, ...]  # per (place slot, industry): place step, place fit, origin, industry step/fit
    salary: np.ndarray  # per salary class
    inverse: tuple[np.ndarray, np.ndarray]  # candidate -> column of the (slot, industry) and salary tables
    text: tuple[np.ndarray, np.ndarray]  # (similarity per distinct wish text x C, block row -> its text)
    feedback: tuple[np.ndarray, np.ndarray]  # (block rows with feedback, their part)
    fresh: np.ndarray  # (C,)

    def parts_at(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(step int8 B x m, parts float32 B x m x P) of the pairs (row, idx[row, j])."""
        pi_inv, c_inv = self.inverse
        pstep, pfit, origin, istep, ifit = self.tables
        pii, ci = pi_inv[idx], c_inv[idx]

        def at(table: np.ndarray, cols: np.ndarray) -> np.ndarray:
            return np.take_along_axis(table, cols, axis=1)

        sims, text_row = self.text
        parts = np.zeros((*idx.shape, len(PARTS)), dtype=F32)
        level = np.broadcast_to(self.level, self.key.shape)
        parts[..., P_MAJOR] = MAJOR_FIT[np.maximum(at(level, idx), 0)]
        parts[..., P_PLACE] = at(pfit, pii)
        parts[..., P_ORIGIN] = at(origin, pii)
        parts[..., P_INDUSTRY] = at(ifit, pii)
        parts[..., P_TEXT] = sims[text_row[:, None], idx]
        parts[..., P_SALARY] = at(self.salary, ci)
        parts[..., P_FRESH] = self.fresh[idx]
        fb_rows, fb = self.feedback
        if len(fb_rows):
            parts[fb_rows, :, P_FEEDBACK] = np.take_along_axis(fb, idx[fb_rows], axis=1)
        return np.maximum(at(pstep, pii), at(istep, pii)), parts


def score_block(
    gi: GraduateIndex,
    pi: PostingIndex,
    fi: FeedbackIndex,
    rows: np.ndarray,
    cand: np.ndarray,
    level: np.ndarray,
    weights: np.ndarray,
    text_t: sp.csr_matrix | None = None,
) -> Block:
    """Score graduates `rows` against postings `cand`; `level` is the major level (C,) or (B, C), -1 = refused.

    `text_t` is pi.text_t(cand) when the caller already has it (it is shared by the blocks of a group).
    """
    w = weights.astype(F32)
    pi_inv, c_inv, tables, sfit = _tables(gi, pi, rows, cand)
    pstep, pfit, origin, istep, ifit = tables
    # Graduates of one major often wish for the same words: one product row per distinct wish text.
    tu, text_row = np.unique(gi.text_id[rows], return_inverse=True)
    text_t = pi.text_t(cand) if text_t is None else text_t
    sims = (gi.texts[tu] @ text_t).toarray().astype(F32, copy=False)
    fresh = pi.fresh[cand]
    place_ind = w[P_PLACE] * pfit + w[P_ORIGIN] * origin + w[P_INDUSTRY] * ifit
    key = (place_ind + STEP_PENALTY[np.maximum(pstep, istep)])[:, pi_inv]
    key += (w[P_SALARY] * sfit)[:, c_inv]
    key += w[P_MAJOR] * MAJOR_FIT[np.maximum(level, 0)] + w[P_FRESH] * fresh
    key += (w[P_TEXT] * sims)[text_row]
    fb_rows, fb, excluded = feedback_part(gi, pi, fi, rows, cand, text_t)
    if len(fb_rows):
        key[fb_rows] += w[P_FEEDBACK] * fb
        key[fb_rows] = np.where(excluded, -np.inf, key[fb_rows])
    if level.min(initial=0) < 0:
        key[np.broadcast_to(level < 0, key.shape)] = -np.inf
    return Block(
        key=key,
        cand=cand,
        level=level,
        tables=tables,
        salary=sfit,
        inverse=(pi_inv, c_inv),
        text=(sims, text_row),
        feedback=(fb_rows, fb),
        fresh=fresh,
    )
