"""Profiles turned into arrays once per run, so that scoring is array arithmetic and never a loop over pairs.

Places are indexed by city (prefecture, or municipality) and by province (the adcode's first two digits);
column `n` of a city matrix and column 0 of a province matrix are the "no such place" sentinels that no
preference ever contains, so gathers need no special case for nationwide postings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

import numpy as np
import scipy.sparse as sp

from bot.codes.places import NATIONWIDE, city_of
from bot.domain import GraduateProfile, PostingProfile, PostingStatus, ReviewState
from bot.matching.text import TextModel
from bot.matching.types import FeedbackItem, MatchParams, PostingState

N_PROV = 100
FRESH_HALF_LIFE_DAYS = 21.0
MAJOR_NAME_WEIGHT = 0.5  # what one studied says less about the job one wants than the words one chose


@lru_cache(maxsize=100_000)
def city_code(adcode: str | None) -> int:
    """The city an adcode lies in, as an int; -1 for none (nationwide, a whole province, unreadable)."""
    if not adcode or adcode == NATIONWIDE.adcode or len(adcode) != 6 or not adcode.isdigit():
        return -1
    city = city_of(adcode)
    return int(city) if city else -1


def province_code(adcode: str | None) -> int:
    """Column of the adcode's province; 0 (the sentinel) for none."""
    if not adcode or adcode == NATIONWIDE.adcode or len(adcode) != 6 or not adcode.isdigit():
        return 0
    return int(adcode[:2])


def posting_text(p: PostingProfile) -> str:
    # The title twice: it says what the job is, the description also says much else.
    return f"{p.title} {p.title} {p.description}"


def graduate_text(g: GraduateProfile) -> str:
    return " ".join((*g.preference.positions, *g.preference.skills))


@dataclass(frozen=True)
class Vocab:
    cities: np.ndarray  # sorted city codes (int64)
    industries: tuple[str, ...]  # sorted industry codes
    employers: np.ndarray  # sorted employer ids (int64)
    text: TextModel

    @classmethod
    def build(
        cls,
        postings: Sequence[PostingProfile],
        graduates: Sequence[GraduateProfile],
        feedback: Sequence[FeedbackItem] = (),
    ) -> Vocab:
        cities = {city_code(p.adcode) for p in postings}
        industries = {p.industry_code for p in postings if p.industry_code}
        for g in graduates:
            cities.update(city_code(a) for a in g.preference.city_adcodes)
            cities.add(city_code(g.origin_adcode))
            industries.update(g.preference.industry_codes)
        cities.update(city_code(f.adcode) for f in feedback)
        cities.discard(-1)
        text = TextModel.build(
            [posting_text(p) for p in postings],
            [graduate_text(g) + " " + g.major_name for g in graduates],
        )
        return cls(
            cities=np.array(sorted(cities), dtype=np.int64),
            industries=tuple(sorted(industries)),
            employers=np.unique(np.array([p.employer_id for p in postings], dtype=np.int64)),
            text=text,
        )

    @property
    def n_city(self) -> int:
        return len(self.cities)

    def city_index(self, adcode: str | None) -> int:
        """Column of the adcode's city; n_city (the sentinel) if none or unknown."""
        code = city_code(adcode)
        i = int(np.searchsorted(self.cities, code))
        return i if code >= 0 and i < self.n_city and self.cities[i] == code else self.n_city

    @cached_property
    def _industry_pos(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.industries)}

    def industry_index(self, code: str | None) -> int:
        """Column of the industry; len(industries) (the sentinel) if none or unknown."""
        return self._industry_pos.get(code or "", len(self.industries))

    @property
    def n_employer(self) -> int:
        return len(self.employers)

    def employer_index(self, employer_id: int | None) -> int:
        """Column of the employer; n_employer (the sentinel) if unknown."""
        if employer_id is None:
            return self.n_employer
        i = int(np.searchsorted(self.employers, employer_id))
        return i if i < self.n_employer and self.employers[i] == employer_id else self.n_employer


def lookup(ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position, found) of each wanted id in the ascending `ids`."""
    if len(ids) == 0:
        return np.zeros(len(wanted), np.int64), np.zeros(len(wanted), bool)
    pos = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return pos, ids[pos] == wanted


def indicator(rows: list[list[int]], width: int) -> np.ndarray:
    """Dense boolean matrix with True at the given columns of each row."""
    out = np.zeros((len(rows), width), dtype=bool)
    r = np.repeat(np.arange(len(rows)), [len(x) for x in rows])
    c = np.fromiter((i for x in rows for i in x), dtype=np.int64, count=len(r))
    out[r, c] = True
    return out


def is_open(p: PostingProfile, state: PostingState | None, today: date) -> bool:
    """Hard filter: open, passed review, not past its deadline."""
    status = state.status if state else PostingStatus.OPEN
    review = state.review if state else ReviewState.APPROVED
    return (
        status == PostingStatus.OPEN and review == ReviewState.APPROVED and (p.deadline is None or p.deadline >= today)
    )


def freshness(published_on: date | None, today: date) -> float:
    if published_on is None:
        return 0.5
    age = max((today - published_on).days, 0)
    return math.exp(-age * math.log(2) / FRESH_HALF_LIFE_DAYS)


@dataclass(frozen=True)
class PostingIndex:
    ids: np.ndarray  # int64, ascending
    employer: np.ndarray  # employer ids (int64)
    emp_idx: np.ndarray  # column in vocab.employers (n_employer = unknown employer)
    city: np.ndarray  # city column (n_city = none)
    prov: np.ndarray  # province column (0 = none)
    nationwide: np.ndarray  # bool
    industry: np.ndarray  # industry column (len(industries) = none)
    min_edu: np.ndarray  # int8
    sal_min: np.ndarray  # float32, nan = unknown
    sal_max: np.ndarray
    fresh: np.ndarray  # float32
    open: np.ndarray  # bool: passes the posting-level hard filter
    capacity: np.ndarray  # int64: ceil(c * headcount)
    any_major: np.ndarray  # bool
    accept: dict[str, np.ndarray]  # accepted code (6, 4 or 2 digits) -> posting rows
    text: sp.csr_matrix  # rows: postings
    # Place slots: a posting's city column, else n_city + its province (n_city + 0: nationwide). Scoring builds
    # per-graduate tables over the few slots of a block and gathers them, instead of comparing per pair.
    slot: np.ndarray
    slot_city: np.ndarray  # per slot: city column (n_city = none)
    slot_prov: np.ndarray  # per slot: province column (0 = none)
    slot_nw: np.ndarray  # per slot: nationwide
    # Salary classes: postings with the same (min, max) share one, for the same reason.
    sal_class: np.ndarray
    class_lo: np.ndarray  # float32, nan = unknown
    class_hi: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls,
        postings: Sequence[PostingProfile],
        vocab: Vocab,
        params: MatchParams,
        today: date,
        states: Mapping[int, PostingState] | None = None,
    ) -> PostingIndex:
        states = states or {}
        accept: dict[str, list[int]] = {}
        for i, p in enumerate(postings):
            for code in set(p.accepted_majors):
                accept.setdefault(code, []).append(i)
        nan = float("nan")
        emp = np.array([p.employer_id for p in postings], dtype=np.int64)
        city = np.array([vocab.city_index(p.adcode) for p in postings], dtype=np.int64)
        prov = np.array([province_code(p.adcode) for p in postings], dtype=np.int64)
        lo = np.array([nan if p.salary_min is None else p.salary_min for p in postings], dtype=np.float32)
        hi = np.array([nan if p.salary_max is None else p.salary_max for p in postings], dtype=np.float32)
        sal_key = (np.nan_to_num(lo, nan=-1).astype(np.int64) + 1) << 32 | (
            np.nan_to_num(hi, nan=-1).astype(np.int64) + 1
        )
        _, first, sal_class = np.unique(sal_key, return_index=True, return_inverse=True)
        nc = vocab.n_city
        slots = np.arange(nc + N_PROV)
        return cls(
            ids=np.array([p.id for p in postings], dtype=np.int64),
            employer=emp,
            emp_idx=np.array([vocab.employer_index(e) for e in emp.tolist()], dtype=np.int64),
            city=city,
            prov=prov,
            nationwide=np.array([p.adcode in (None, NATIONWIDE.adcode) for p in postings], dtype=bool),
            industry=np.array([vocab.industry_index(p.industry_code) for p in postings], dtype=np.int64),
            min_edu=np.array([int(p.min_education) for p in postings], dtype=np.int8),
            sal_min=lo,
            sal_max=hi,
            fresh=np.array([freshness(p.published_on, today) for p in postings], dtype=np.float32),
            open=np.array([is_open(p, states.get(p.id), today) for p in postings], dtype=bool),
            capacity=np.array([params.capacity(p.headcount) for p in postings], dtype=np.int64),
            # An empty list of accepted majors means the sheet named none: 不限.
            any_major=np.array([p.majors_any or not p.accepted_majors for p in postings], dtype=bool),
            accept={code: np.array(rows, dtype=np.int64) for code, rows in accept.items()},
            text=vocab.text.vectors([posting_text(p) for p in postings]),
            slot=np.where(city < nc, city, nc + prov),
            slot_city=np.minimum(slots, nc),
            slot_prov=np.concatenate([vocab.cities // 10000, np.arange(N_PROV)]).astype(np.int64),
            slot_nw=slots == nc,
            sal_class=sal_class.astype(np.int64),
            class_lo=lo[first],
            class_hi=hi[first],
        )

    def text_t(self, cand: np.ndarray) -> sp.csr_matrix:
        """Vocabulary x candidates, the right-hand side of a graduates @ postings similarity product."""
        return sp.csr_matrix(self.text[cand].T)

    def major_level(self, major: str, major_class: str, category: str) -> np.ndarray:
        """Per posting: 3 exact major, 2 same 专业类, 1 same 门类, 0 不限, -1 not accepted."""
        level = np.full(self.n, -1, dtype=np.int8)
        level[self.any_major] = 0
        for code, value in ((category, 1), (major_class, 2), (major, 3)):
            rows = self.accept.get(code) if code else None
            if rows is not None:
                level[rows] = np.maximum(level[rows], value)
        return level
