"""Graduates and their feedback as arrays aligned with a PostingIndex (same vocabularies, same columns).

Never read here: gender, ethnicity, marital status, household registration. The profiles do not carry them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from bot.codes.places import province_of
from bot.domain import FeedbackKind, GraduateProfile
from bot.matching.index import (
    MAJOR_NAME_WEIGHT,
    N_PROV,
    PostingIndex,
    Vocab,
    graduate_text,
    indicator,
    lookup,
    province_code,
)
from bot.matching.text import normalise_rows
from bot.matching.types import FeedbackItem

GroupKey = tuple[str, str, str, int]  # major, 专业类, 门类, education: graduates that share candidate postings
_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class GraduateIndex:
    ids: np.ndarray  # int64, ascending
    edu: np.ndarray  # int8
    group: np.ndarray  # row -> index into `groups`
    groups: list[GroupKey]
    city_pref: np.ndarray  # bool N x (n_city + 1)
    prov_exp: np.ndarray  # bool N x N_PROV: provinces named as such
    prov_wide: np.ndarray  # bool N x N_PROV: those plus the provinces of desired cities
    has_place: np.ndarray  # bool: said where they want to work
    any_place: np.ndarray  # bool: 地点不限 (accepts anywhere once the desired places run out)
    ind_pref: np.ndarray  # bool N x (n_industries + 1)
    has_ind: np.ndarray
    origin_city: np.ndarray  # city column of 生源地, -1 none
    origin_prov: np.ndarray  # province column, -1 none
    sal_min: np.ndarray  # float32, nan = no expectation
    hardship: np.ndarray  # bool
    unplaced_since: np.ndarray  # date ordinal, int64 max = unknown
    order: np.ndarray  # rows in priority order: hardship first, then unplaced longest, then id
    prio_rank: np.ndarray  # row -> position in `order`
    text_id: np.ndarray  # row -> row of `texts` (graduates with the same wishes share one)
    texts: sp.csr_matrix  # distinct wish texts: wanted positions and skills, plus a little of the major's name

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, graduates: Sequence[GraduateProfile], vocab: Vocab) -> GraduateIndex:
        group_of: dict[GroupKey, int] = {}
        group = np.array(
            [
                group_of.setdefault(
                    (g.major_code, g.major_class_code, g.major_category_code, int(g.education)), len(group_of)
                )
                for g in graduates
            ],
            dtype=np.int64,
        )
        n_ind = len(vocab.industries)
        ind_pref = indicator(
            [[vocab.industry_index(c) for c in g.preference.industry_codes] for g in graduates], n_ind + 1
        )
        ind_pref[:, n_ind] = False
        ids = np.array([g.id for g in graduates], dtype=np.int64)
        hardship = np.array([g.hardship for g in graduates], dtype=bool)
        since = np.array(
            [_NEVER if g.unplaced_since is None else g.unplaced_since.toordinal() for g in graduates], dtype=np.int64
        )
        order = np.lexsort((ids, since, ~hardship))
        prio_rank = np.empty(len(ids), dtype=np.int64)
        prio_rank[order] = np.arange(len(ids))
        text_id, texts = _wish_texts(graduates, vocab)
        wants = [g.preference.salary_min for g in graduates]
        return cls(
            ids=ids,
            edu=np.array([int(g.education) for g in graduates], dtype=np.int8),
            group=group,
            groups=list(group_of),
            **_place_arrays(graduates, vocab),
            ind_pref=ind_pref,
            has_ind=np.array([bool(g.preference.industry_codes) for g in graduates], dtype=bool),
            sal_min=np.array([np.nan if not w or w <= 0 else w for w in wants], dtype=np.float32),
            hardship=hardship,
            unplaced_since=since,
            order=order,
            prio_rank=prio_rank,
            text_id=text_id,
            texts=texts,
        )

    def rows_of(self, graduate_ids: Sequence[int]) -> np.ndarray:
        """Rows of the given graduates (unknown ids are left out)."""
        rows, found = lookup(self.ids, np.asarray(graduate_ids, dtype=np.int64))
        return np.asarray(rows[found])


def _place_arrays(graduates: Sequence[GraduateProfile], vocab: Vocab) -> dict[str, np.ndarray]:
    """Wished cities and provinces as boolean matrices (sentinel columns never set), 生源地 as columns."""
    n_city = vocab.n_city
    cities = [[vocab.city_index(a) for a in g.preference.city_adcodes] for g in graduates]
    named = [[province_code(a) for a in g.preference.province_adcodes] for g in graduates]
    wide = [
        [*p, *(province_code(province_of(a)) for a in g.preference.city_adcodes if len(a) == 6)]
        for p, g in zip(named, graduates, strict=True)
    ]
    city_pref = indicator(cities, n_city + 1)
    city_pref[:, n_city] = False
    prov_exp, prov_wide = indicator(named, N_PROV), indicator(wide, N_PROV)
    prov_exp[:, 0] = prov_wide[:, 0] = False
    origin_city = np.array([vocab.city_index(g.origin_adcode) for g in graduates], dtype=np.int64)
    origin_city[origin_city == n_city] = -1
    origin_prov = np.array([province_code(g.origin_adcode) for g in graduates], dtype=np.int64)
    origin_prov[origin_prov == 0] = -1
    return {
        "city_pref": city_pref,
        "prov_exp": prov_exp,
        "prov_wide": prov_wide,
        "has_place": np.array([bool(g.preference.city_adcodes or g.preference.province_adcodes) for g in graduates]),
        "any_place": np.array([g.preference.any_place for g in graduates], dtype=bool),
        "origin_city": origin_city,
        "origin_prov": origin_prov,
    }


def _wish_texts(graduates: Sequence[GraduateProfile], vocab: Vocab) -> tuple[np.ndarray, sp.csr_matrix]:
    """(row -> distinct wish text, vectors of the distinct texts): graduates with the same words share a row."""
    wish_of: dict[tuple[str, str], int] = {}
    text_id = np.array(
        [wish_of.setdefault((graduate_text(g), g.major_name), len(wish_of)) for g in graduates], dtype=np.int64
    )
    wishes = list(wish_of)
    t = vocab.text
    raw = t.raw([w for w, _ in wishes]) + MAJOR_NAME_WEIGHT * t.raw([major for _, major in wishes])
    return text_id, normalise_rows(raw)


def _pairs(rows: np.ndarray, cols: np.ndarray, mask: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """0/1 sparse matrix with a one at each (row, col) where mask holds."""
    keep = mask & (cols >= 0)
    m = sp.csr_matrix(
        (np.ones(int(keep.sum()), np.float32), (rows[keep], cols[keep])), shape=(shape[0], max(shape[1], 1))
    )
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


@dataclass(frozen=True)
class FeedbackIndex:
    """What each graduate said about postings, as sparse rows (most graduates have none)."""

    items: tuple[FeedbackItem, ...]  # those of known graduates
    rows: np.ndarray  # graduate row of each item
    has: np.ndarray  # bool per graduate
    excluded: sp.csr_matrix  # N x postings: already rejected or applied
    far_city: sp.csr_matrix  # N x (n_city + 1): places called 太远了
    far_prov: sp.csr_matrix  # N x N_PROV
    rej_emp: sp.csr_matrix  # N x (employers + 1): turned down for another reason
    rej_text: sp.csr_matrix  # N x vocabulary: what those postings said
    like_text: sp.csr_matrix  # N x vocabulary: what interested/applied postings said

    @classmethod
    def build(cls, items: Sequence[FeedbackItem], gi: GraduateIndex, pi: PostingIndex, vocab: Vocab) -> FeedbackIndex:
        n = gi.n
        rows, known = lookup(gi.ids, np.array([f.graduate_id for f in items], dtype=np.int64))
        kept = tuple(f for f, k in zip(items, known, strict=True) if k)
        rows = rows[known]
        pcols, in_pool = lookup(pi.ids, np.array([f.posting_id for f in kept], dtype=np.int64))
        rejected = np.array([f.kind == FeedbackKind.REJECTED for f in kept], dtype=bool)
        far = rejected & np.array([f.too_far for f in kept], dtype=bool)
        other = rejected & ~far
        vecs = _feedback_vectors(kept, pcols, in_pool, pi, vocab)
        emp = np.array(
            [
                vocab.employer_index(f.employer_id if f.employer_id is not None or not ok else int(pi.employer[c]))
                for f, c, ok in zip(kept, pcols, in_pool, strict=True)
            ],
            dtype=np.int64,
        )
        city = np.array([vocab.city_index(f.adcode) for f in kept], dtype=np.int64)
        prov = np.array([province_code(f.adcode) for f in kept], dtype=np.int64)
        has = np.zeros(n, dtype=bool)
        has[rows] = True

        def texts_of(mask: np.ndarray) -> sp.csr_matrix:
            pick = sp.csr_matrix(
                (np.ones(int(mask.sum()), np.float32), (rows[mask], np.flatnonzero(mask))), shape=(n, len(kept))
            )
            return normalise_rows(pick @ vecs)

        return cls(
            items=kept,
            rows=rows,
            has=has,
            excluded=_excluded(kept, rows, n, pi),
            far_city=_pairs(rows, city, far & (city < vocab.n_city), (n, vocab.n_city + 1)),
            far_prov=_pairs(rows, prov, far & (prov > 0), (n, N_PROV)),
            rej_emp=_pairs(rows, emp, other & (emp < vocab.n_employer), (n, vocab.n_employer + 1)),
            rej_text=texts_of(other),
            like_text=texts_of(~rejected),
        )

    def for_postings(self, pi: PostingIndex) -> FeedbackIndex:
        """The same feedback seen against other postings (an incremental posting): only exclusions change."""
        return replace(self, excluded=_excluded(self.items, self.rows, len(self.has), pi))


def _excluded(items: Sequence[FeedbackItem], rows: np.ndarray, n: int, pi: PostingIndex) -> sp.csr_matrix:
    """Pairs a graduate already turned down or applied to: never recommended again."""
    pcols, in_pool = lookup(pi.ids, np.array([f.posting_id for f in items], dtype=np.int64))
    done = np.array([f.kind in (FeedbackKind.REJECTED, FeedbackKind.APPLIED) for f in items], dtype=bool)
    return _pairs(rows, pcols, done & in_pool, (n, pi.n))


def _feedback_vectors(
    items: Sequence[FeedbackItem], pcols: np.ndarray, in_pool: np.ndarray, pi: PostingIndex, vocab: Vocab
) -> sp.csr_matrix:
    """Text vector of each feedback's posting: from its own text, else from the pool's vector of that posting."""
    width = max(vocab.text.size, 1)
    if not items:
        return sp.csr_matrix((0, width), dtype=np.float32)
    own = vocab.text.vectors([f.text for f in items])
    borrow = in_pool & np.array([not f.text for f in items], dtype=bool)
    pick = sp.csr_matrix(
        (np.ones(int(borrow.sum()), np.float32), (np.flatnonzero(borrow), pcols[borrow])),
        shape=(len(items), max(pi.n, 1)),
    )
    if pi.n == 0:
        return own
    return sp.csr_matrix(own + pick @ pi.text, dtype=np.float32)
