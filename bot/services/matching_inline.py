"""One graduate's list rebuilt inside the caller's transaction: what the dialogue needs when a graduate confirms
new wishes, or asks for recommendations and has none.

`bot.services.matching.on_preference_changed` runs its own transactions and takes the matching lock in each; the
inbound pipeline already holds a transaction (on SQLite, the database's write lock), so calling it from there would
wait on ourselves. Here every read and write joins the caller's session:

- SQLite: the pipeline began with BEGIN IMMEDIATE, so no other writer (a nightly batch either) runs meanwhile.
- PostgreSQL: the same advisory key as the batch (`PG_LOCK_KEY`), taken with `pg_try_advisory_xact_lock`: a
  webhook must answer within seconds, and a province-wide batch may hold the lock for longer. When it is busy
  nothing is written and None comes back; the batch running at that moment rebuilds lists anyway, and the caller
  says the list will follow.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.matching import MatchParams, prepare, run_pool
from bot.services.matching import RunSummary, add_run, store_outcome
from bot.services.matching_load import (
    PG_LOCK_KEY,
    held_seats,
    load_feedback,
    load_graduates,
    load_postings,
    local_today,
    open_postings,
    unplaced,
)
from models import Graduate
from models.db import is_postgres

if TYPE_CHECKING:
    from bot.container import Container


def try_matching_lock(session: Session) -> bool:
    """Take the matching lock for the rest of the caller's transaction, if it is free (always on SQLite)."""
    if not is_postgres(session.connection()):
        return True
    return bool(session.scalar(sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY}))


def rematch_in_session(
    c: Container,
    session: Session,
    graduate_id: int,
    *,
    actor: str = "system",
    trigger: str = "incremental",
    k: int | None = None,
) -> RunSummary | None:
    """Rebuild one graduate's active list in `session`'s transaction; None if another run holds the lock.

    `k` asks for a longer list than the settings' K ("换一批" after the first K); the next batch run brings it
    back to K. A placed graduate gets no list (like in every run): their active matches retire.
    """
    if not try_matching_lock(session):
        return None
    params = MatchParams.from_settings(c.settings.matching)
    usual_k = params.k
    if k is not None and k > params.k:
        params = replace(params, k=k)
    today = local_today(c)
    conds = [Graduate.id == graduate_id]
    scope = {"graduate_ids": [graduate_id]}
    run_id = add_run(session, c, trigger, scope, params)
    started = time.perf_counter()
    graduates = load_graduates(session, [*conds, unplaced(c)])
    postings = load_postings(session, open_postings(today))
    feedback = load_feedback(session, [graduate_id])
    pool = prepare(graduates, postings, params=params, today=today, feedback=feedback)
    outcome = run_pool(pool, held_seats(session, conds))
    return store_outcome(session, c, run_id, trigger, scope, conds, outcome, started, actor, shortfall_below=usual_k)
