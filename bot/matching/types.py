"""Values the matching engine takes and gives, besides the domain profiles (bot.domain).

Pure: no numpy here, so callers (services, API, dialogue) can use these without the engine's arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from bot.config import MatchingSettings
from bot.domain import FeedbackKind, PostingStatus, ReviewState

# Score parts, in the order the engine keeps them (index into its arrays).
PARTS: tuple[str, ...] = ("major", "place", "origin", "industry", "text", "salary", "fresh", "feedback")

# Relaxation steps: what each one lets through beyond the previous.
STEP_STRICT = 0  # desired city (or province named as such), desired industry
STEP_PROVINCE = 1  # any city in the province of a desired city
STEP_ANYWHERE = 2  # nationwide postings, and any place when the graduate said 地点不限
STEP_INDUSTRY = 3  # any industry
STEP_NAMES: dict[int, str] = {
    STEP_STRICT: "严格匹配",
    STEP_PROVINCE: "城市放宽到省内",
    STEP_ANYWHERE: "放宽到全国岗位/不限地点",
    STEP_INDUSTRY: "行业放宽为不限",
}


@dataclass(frozen=True, slots=True)
class MatchParams:
    """Limits and weights of one run; `as_record()` is what the run row stores."""

    k: int = 10
    capacity_factor: float = 3.0
    max_per_employer: int = 2
    weights: tuple[float, ...] = (3.0, 2.5, 0.3, 1.0, 2.0, 1.0, 0.5, 1.5)  # aligned with PARTS

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError("推荐数量 k 必须至少为 1")
        if self.capacity_factor <= 0:
            raise ValueError("名额系数 capacity_factor 必须大于 0")
        if self.max_per_employer < 1:
            raise ValueError("同单位上限 max_per_employer 必须至少为 1")
        if len(self.weights) != len(PARTS):
            raise ValueError(f"权重个数应为 {len(PARTS)}")
        if any(not math.isfinite(w) or w < 0 for w in self.weights):
            raise ValueError("权重必须是非负的有限数")

    @classmethod
    def from_settings(cls, s: MatchingSettings) -> MatchParams:
        return cls(
            k=s.k,
            capacity_factor=s.capacity_factor,
            max_per_employer=s.max_per_employer,
            weights=(s.w_major, s.w_place, s.w_origin, s.w_industry, s.w_text, s.w_salary, s.w_fresh, s.w_feedback),
        )

    def capacity(self, headcount: int) -> int:
        """How many graduates one posting may be recommended to in a run: ceil(c * h), h at least 1."""
        return math.ceil(self.capacity_factor * max(headcount, 1) - 1e-9)

    def as_record(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "capacity_factor": self.capacity_factor,
            "max_per_employer": self.max_per_employer,
            "weights": dict(zip(PARTS, self.weights, strict=True)),
        }


@dataclass(frozen=True, slots=True)
class PostingState:
    """Lifecycle of a posting; the engine treats a posting without a state as open and approved."""

    status: PostingStatus = PostingStatus.OPEN
    review: ReviewState = ReviewState.APPROVED


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    """A graduate's reaction to a posting, with what the engine needs of that posting (it may be closed by now)."""

    graduate_id: int
    posting_id: int
    kind: FeedbackKind
    too_far: bool = False  # "不合适 太远了": lowers that place, not that kind of job
    adcode: str | None = None
    employer_id: int | None = None
    text: str = ""  # the posting's title and description, for "similar postings"


TOO_FAR_TAGS = frozenset({"too_far", "distance", "location", "place"})
_TOO_FAR_WORDS = ("太远", "远了", "离家远", "地点不合适", "城市不合适", "不想去", "通勤")


def is_too_far(reason: str | None, tags: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether a 不合适 means the place (太远了), read from its tags or its words."""
    if any(t in TOO_FAR_TAGS for t in tags):
        return True
    return bool(reason) and any(w in str(reason) for w in _TOO_FAR_WORDS)


@dataclass(frozen=True, slots=True)
class Recommendation:
    graduate_id: int
    posting_id: int
    rank: int  # 1-based
    score: float
    relax_step: int
    parts: dict[str, float]
    reason: str


@dataclass(frozen=True, slots=True)
class Shortfall:
    """岗位不足: fewer than K postings even after every relaxation step."""

    graduate_id: int
    found: int
    reason: str


@dataclass(frozen=True, slots=True)
class RunStats:
    graduates: int
    postings: int  # open postings that took part
    matches: int
    shortfalls: int
    # graduates by the widest relaxation step their list needed ("0".."3"; "none": no match at all)
    graduates_by_step: dict[str, int] = field(default_factory=dict)
    matches_by_step: dict[str, int] = field(default_factory=dict)
    elapsed_ms: int = 0

    def as_record(self) -> dict[str, Any]:
        return {"graduates_by_step": self.graduates_by_step, "matches_by_step": self.matches_by_step}
