"""The engine's rules written the plain way: one graduate, every posting, Python loops and dicts.

It is the yardstick, not a path the product uses: the benchmark times it on a sample to show what vectorising
buys, and the tests check the engine against it (same filters, same parts, same ranking; no capacity, since
capacity couples graduates and a per-graduate reference cannot see it).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.codes.places import NATIONWIDE, city_of, province_of
from bot.domain import FeedbackKind, GraduateProfile, PostingProfile
from bot.matching.explain import major_level
from bot.matching.index import FRESH_HALF_LIFE_DAYS, MAJOR_NAME_WEIGHT, graduate_text, is_open, posting_text
from bot.matching.scoring import FAR_CITY, FAR_PROVINCE, LIKE, MAJOR_FIT, PLACE_FIT, SAME_EMPLOYER, STEP_GAP
from bot.matching.text import TextModel
from bot.matching.types import PARTS, FeedbackItem, MatchParams, PostingState

Vector = dict[int, float]


def bigrams(text: str) -> dict[int, int]:
    """Bigram counts of `text`, as TextModel sees them (CJK and latin letters, case-folded)."""
    out: dict[int, int] = {}
    t = text.lower()
    for a, b in itertools.pairwise(t):
        if _word(a) and _word(b):
            code = (ord(a) << 21) | ord(b)
            out[code] = out.get(code, 0) + 1
    return out


def _word(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "a" <= ch <= "z"


class TfIdf:
    def __init__(self, model: TextModel) -> None:
        self.idf = {int(t): float(w) for t, w in zip(model.vocab.tolist(), model.idf.tolist(), strict=True)}

    def raw(self, text: str) -> Vector:
        out = {}
        for term, count in bigrams(text).items():
            w = self.idf.get(term, 0.0)
            if w > 0:
                out[term] = (1.0 + math.log(count)) * w
        return out

    @staticmethod
    def unit(v: Vector) -> Vector:
        norm = math.sqrt(sum(x * x for x in v.values()))
        return {t: x / norm for t, x in v.items()} if norm > 0 else {}


def dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


@dataclass
class Scored:
    posting: PostingProfile
    step: int
    score: float
    parts: dict[str, float]


def _city(adcode: str | None) -> str | None:
    return None if not adcode or adcode == NATIONWIDE.adcode else city_of(adcode)


def _prov(adcode: str | None) -> str | None:
    return None if not adcode or adcode == NATIONWIDE.adcode else province_of(adcode)


def place_step_and_fit(g: GraduateProfile, p: PostingProfile) -> tuple[int, float]:
    """The relaxation step that admits the posting's place (9: none) and the place fit."""
    pref = g.preference
    if not (pref.city_adcodes or pref.province_adcodes):
        return 0, PLACE_FIT["none"]
    city, prov = _city(p.adcode), _prov(p.adcode)
    if city is not None and city in {_city(a) for a in pref.city_adcodes}:
        return 0, PLACE_FIT["city"]
    if prov is not None and prov in {_prov(a) for a in pref.province_adcodes}:
        return 0, PLACE_FIT["province_named"]
    if prov is not None and prov in {_prov(a) for a in pref.city_adcodes}:
        return 1, PLACE_FIT["province"]
    if prov is None:
        return 2, PLACE_FIT["nationwide"]
    return (2 if pref.any_place else 9), PLACE_FIT["elsewhere"]


def salary_fit(want: int | None, lo: int | None, hi: int | None) -> float:
    if not want or want <= 0:
        return 0.5
    top = hi if hi is not None else lo
    if top is None:
        return 0.3
    if lo is not None and lo >= want:
        return 1.0
    if top >= want:
        return 0.8
    return min(max(1.0 - 2.0 * (want - top) / want, 0.0), 1.0) * 0.6


def origin_fit(g: GraduateProfile, p: PostingProfile) -> float:
    if not g.origin_adcode or _prov(p.adcode) is None:
        return 0.0
    if _city(g.origin_adcode) is not None and _city(g.origin_adcode) == _city(p.adcode):
        return 1.0
    return 0.5 if _prov(g.origin_adcode) == _prov(p.adcode) else 0.0


class Reference:
    """Scores one graduate against every posting, exactly as the engine's rules say."""

    def __init__(
        self,
        postings: Sequence[PostingProfile],
        model: TextModel,
        params: MatchParams,
        today: date,
        feedback: Sequence[FeedbackItem] = (),
        states: Mapping[int, PostingState] | None = None,
    ) -> None:
        self.postings = sorted(postings, key=lambda p: p.id)
        self.tfidf = TfIdf(model)
        self.params = params
        self.today = today
        self.states = states or {}
        self.vectors = {p.id: TfIdf.unit(self.tfidf.raw(posting_text(p))) for p in self.postings}
        self.feedback: dict[int, list[FeedbackItem]] = {}
        for f in feedback:
            self.feedback.setdefault(f.graduate_id, []).append(f)

    def _query(self, g: GraduateProfile) -> Vector:
        q = self.tfidf.raw(graduate_text(g))
        for t, x in self.tfidf.raw(g.major_name).items():
            q[t] = q.get(t, 0.0) + MAJOR_NAME_WEIGHT * x
        return TfIdf.unit(q)

    def _feedback_vector(self, items: list[FeedbackItem]) -> Vector:
        total: Vector = {}
        for f in items:
            v = TfIdf.unit(self.tfidf.raw(f.text)) if f.text else self.vectors.get(f.posting_id, {})
            for t, x in v.items():
                total[t] = total.get(t, 0.0) + x
        return TfIdf.unit(total)

    def _feedback(self, g: GraduateProfile, p: PostingProfile, items: list[FeedbackItem]) -> tuple[float, bool]:
        """(feedback part, excluded)."""
        by_id = {q.id: q for q in self.postings}
        rejected = [f for f in items if f.kind == FeedbackKind.REJECTED]
        far = [f for f in rejected if f.too_far]
        other = [f for f in rejected if not f.too_far]
        liked = [f for f in items if f.kind != FeedbackKind.REJECTED]
        excluded = any(f.posting_id == p.id and f.kind != FeedbackKind.INTERESTED for f in items)
        wished = {_city(a) for a in g.preference.city_adcodes}
        pen = 0.0
        for f in far:
            if _city(f.adcode) is not None and _city(f.adcode) == _city(p.adcode):
                pen = max(pen, FAR_CITY)
            elif _prov(f.adcode) is not None and _prov(f.adcode) == _prov(p.adcode) and _city(p.adcode) not in wished:
                pen = max(pen, FAR_PROVINCE)
        for f in other:
            emp = f.employer_id if f.employer_id is not None else getattr(by_id.get(f.posting_id), "employer_id", None)
            if emp == p.employer_id:
                pen = max(pen, SAME_EMPLOYER)
        vec = self.vectors[p.id]
        if other:
            pen = max(pen, dot(self._feedback_vector(other), vec))
        like = dot(self._feedback_vector(liked), vec) if liked else 0.0
        return LIKE * like - pen, excluded

    def score(self, g: GraduateProfile) -> list[Scored]:
        """Every admissible posting for `g` with its step, score and parts."""
        w = dict(zip(PARTS, self.params.weights, strict=True))
        query = self._query(g)
        items = self.feedback.get(g.id, [])
        out = []
        for p in self.postings:
            level = major_level(g, p)
            if level < 0 or not is_open(p, self.states.get(p.id), self.today) or p.min_education > g.education:
                continue
            pstep, place = place_step_and_fit(g, p)
            inds = g.preference.industry_codes
            istep = 3 if inds and p.industry_code not in inds else 0
            fb, excluded = self._feedback(g, p, items) if items else (0.0, False)
            step = max(pstep, istep)
            if excluded or step > 3:
                continue
            age = max((self.today - p.published_on).days, 0) if p.published_on else None
            parts = {
                "major": float(MAJOR_FIT[level]),
                "place": place,
                "origin": origin_fit(g, p),
                "industry": 0.5 if not inds else float(p.industry_code in inds),
                "text": dot(query, self.vectors[p.id]),
                "salary": salary_fit(g.preference.salary_min, p.salary_min, p.salary_max),
                "fresh": 0.5 if age is None else math.exp(-age * math.log(2) / FRESH_HALF_LIFE_DAYS),
                "feedback": fb,
            }
            out.append(Scored(p, step, sum(w[k] * v for k, v in parts.items()), parts))
        return out

    def top_k(self, g: GraduateProfile) -> list[Scored]:
        """Best K by (step, -score, id), at most max_per_employer per employer."""
        ranked = sorted(self.score(g), key=lambda s: (s.score - STEP_GAP * s.step, -s.posting.id), reverse=True)
        per_employer: dict[int, int] = {}
        chosen = []
        for s in ranked:
            e = s.posting.employer_id
            if per_employer.get(e, 0) >= self.params.max_per_employer:
                continue
            per_employer[e] = per_employer.get(e, 0) + 1
            chosen.append(s)
            if len(chosen) == self.params.k:
                break
        return chosen
