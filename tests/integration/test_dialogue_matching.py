"""One graduate rematched inside the caller's transaction (what the dialogue uses), on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import FakeClock
from bot.container import Container
from bot.services.matching_inline import rematch_in_session
from bot.services.matching_load import PG_LOCK_KEY
from models import AuditLog, Match, MatchRun, MatchShortfall
from tests.support.containers import make_container
from tests.support.school import Chat, School, build

ZHANG = "2022010101"


@pytest.fixture
def c(db_engine: Engine, clock: FakeClock) -> Container:
    return make_container(db_engine, clock)


@pytest.fixture
def school(c: Container) -> School:
    return build(c)


def test_rematch_joins_the_callers_transaction_and_rolls_back_with_it(c: Container, school: School) -> None:
    gid = school.graduates[ZHANG]
    with c.sessions() as s, s.begin():
        s.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        summary = rematch_in_session(c, s, gid, actor="test")
        assert summary is not None and summary.stats.graduates == 1 and summary.stats.matches == 10
        assert s.scalar(sa.select(sa.func.count()).where(Match.graduate_id == gid, Match.active)) == 10
        s.rollback()
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Match)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(MatchRun)) == 0
    with c.sessions.begin() as s:
        summary = rematch_in_session(c, s, gid, actor="test")
    with c.sessions() as s:
        run = s.get(MatchRun, summary.run_id if summary else -1)
        assert run is not None and run.status == "done" and run.scope == {"graduate_ids": [gid]}
        assert s.scalar(sa.select(sa.func.count()).where(AuditLog.action == "match.run")) == 1


def test_a_longer_list_on_request_is_no_shortfall(c: Container, school: School) -> None:
    gid = school.graduates[ZHANG]
    with c.sessions.begin() as s:
        summary = rematch_in_session(c, s, gid, k=40)
    assert summary is not None and 10 < summary.stats.matches < 40
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(MatchShortfall)) == 0
        run = s.get(MatchRun, summary.run_id)
        assert run is not None and run.params["k"] == 40 and run.shortfalls == 0


def test_software_graduate_short_of_postings_is_a_shortfall(c: Container, school: School) -> None:
    with c.sessions.begin() as s:
        summary = rematch_in_session(c, s, school.graduates["2022020101"])
    assert summary is not None and summary.stats.shortfalls == 1 and summary.shortfalls[0].found < 10


def test_a_busy_matching_lock_on_postgresql_writes_nothing_and_the_chat_says_later(
    c: Container, school: School, db_engine: Engine
) -> None:
    if db_engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock exists on PostgreSQL only; SQLite's write lock is the pipeline's own")
    chat = Chat(c, "web-lock")
    chat.bind(ZHANG)
    with db_engine.connect() as other, other.begin():
        other.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        with c.sessions.begin() as s:
            assert rematch_in_session(c, s, school.graduates[ZHANG]) is None
        assert "推荐列表正在更新" in chat("推荐")
    assert "为你推荐以下岗位" in chat("推荐")
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(MatchRun)) == 1
