"""Ranking quality against labels: Recall@K and NDCG@K, and the plain TF-IDF baseline the engine must beat.

Pure. Labels come from elsewhere (the demo generator's hidden truth); a graduate without any relevant posting
has no defined recall and is left out of the means.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import numpy as np

from bot.codes.places import NATIONWIDE, short_name_of
from bot.domain import FeedbackKind, GraduateProfile, PostingProfile
from bot.matching.explain import major_level
from bot.matching.index import is_open
from bot.matching.text import TextModel
from bot.matching.types import FeedbackItem, PostingState

K = TypeVar("K", bound=Hashable)


def recall_at(ranked: Sequence[K], relevant: Collection[K], k: int = 10) -> float | None:
    """Share of the relevant items found in the first k; None when nothing is relevant."""
    if not relevant:
        return None
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def ndcg_at(ranked: Sequence[K], grades: Mapping[K, int], k: int = 10) -> float | None:
    """Normalised discounted cumulative gain with graded relevance (gain 2^g - 1); None when nothing is relevant."""
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    if not ideal:
        return None
    dcg = sum((2.0 ** grades.get(item, 0) - 1) / math.log2(i + 2) for i, item in enumerate(ranked[:k]))
    idcg = sum((2.0**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return float(dcg / idcg)


def mean(values: Iterable[float | None]) -> float:
    got = [v for v in values if v is not None]
    return sum(got) / len(got) if got else 0.0


@dataclass(frozen=True)
class Quality:
    recall: float
    ndcg: float
    graduates: int  # with at least one relevant posting


def quality(rankings: Mapping[int, Sequence[K]], grades: Mapping[int, Mapping[K, int]], k: int = 10) -> Quality:
    """Mean Recall@k and NDCG@k over the graduates that have relevant postings."""
    ids = [g for g, gr in grades.items() if any(v > 0 for v in gr.values())]
    return Quality(
        recall=mean(recall_at(rankings.get(g, ()), [p for p, v in grades[g].items() if v > 0], k) for g in ids),
        ndcg=mean(ndcg_at(rankings.get(g, ()), grades[g], k) for g in ids),
        graduates=len(ids),
    )


def baseline_text(g: GraduateProfile, stated: str | None = None) -> str:
    """What the graduate said, in words: their own sentence if any, wished positions and skills, the major."""
    return " ".join((stated or "", *g.preference.positions, *g.preference.skills, g.major_name))


def _posting_words(p: PostingProfile) -> str:
    place = "全国" if p.adcode in (None, NATIONWIDE.adcode) else short_name_of(p.adcode)
    return f"{p.title} {p.description} {place}"


def tfidf_baseline(
    graduates: Sequence[GraduateProfile],
    postings: Sequence[PostingProfile],
    *,
    today: date,
    k: int = 10,
    texts: Mapping[int, str] | None = None,
    feedback: Sequence[FeedbackItem] = (),
    states: Mapping[int, PostingState] | None = None,
) -> dict[int, list[int]]:
    """Top-k posting ids per graduate by plain TF-IDF cosine, under the same hard filters as the engine."""
    texts = texts or {}
    states = states or {}
    done = {(f.graduate_id, f.posting_id) for f in feedback if f.kind != FeedbackKind.INTERESTED}
    open_posts = [p for p in sorted(postings, key=lambda p: p.id) if is_open(p, states.get(p.id), today)]
    model = TextModel.build([_posting_words(p) for p in open_posts])
    pv = model.vectors([_posting_words(p) for p in open_posts])
    gv = model.vectors([baseline_text(g, texts.get(g.id)) for g in graduates])
    sims = (gv @ pv.T).toarray()
    out: dict[int, list[int]] = {}
    for row, g in enumerate(graduates):
        ok = np.array(
            [
                p.min_education <= g.education and major_level(g, p) >= 0 and (g.id, p.id) not in done
                for p in open_posts
            ],
            dtype=bool,
        )
        score = np.where(ok, sims[row], -np.inf)
        order = np.lexsort((np.arange(len(open_posts)), -score))[:k]
        out[g.id] = [open_posts[i].id for i in order if np.isfinite(score[i])]
    return out
