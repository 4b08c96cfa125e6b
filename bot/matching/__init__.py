"""The matching engine: hard filters, named score parts, relaxation, diversity, capacity and explanations.

Pure and vectorised (numpy/scipy): no database, no I/O. `run` is the batch; `place_posting` and `run` on one
graduate are the incremental paths; `bot.services.matching` loads profiles from the tables and stores results.
"""

from bot.matching.engine import Pool, prepare, run, run_pool
from bot.matching.outcome import Outcome
from bot.matching.types import (
    PARTS,
    STEP_NAMES,
    FeedbackItem,
    MatchParams,
    PostingState,
    Recommendation,
    RunStats,
    Shortfall,
    is_too_far,
)

__all__ = [
    "PARTS",
    "STEP_NAMES",
    "FeedbackItem",
    "MatchParams",
    "Outcome",
    "Pool",
    "PostingState",
    "Recommendation",
    "RunStats",
    "Shortfall",
    "is_too_far",
    "prepare",
    "run",
    "run_pool",
]
