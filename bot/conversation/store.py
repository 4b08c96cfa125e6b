"""Memory <-> `conversation_states`: keyed "g:<graduate id>" once bound (it follows the graduate across channels),
"i:<identity id>" before (and for staff).

The row is created if missing and then read FOR UPDATE: two messages of one graduate arriving at once on two
channels (PostgreSQL, several workers) take turns instead of both answering the same pending question. SQLite
has a single writer already.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.conversation.memory import Flow, Memory
from models import ConversationState


def graduate_key(graduate_id: int) -> str:
    return f"g:{graduate_id}"


def identity_key(identity_id: int) -> str:
    return f"i:{identity_id}"


def load(session: Session, key: str, now: datetime) -> Memory:
    table = cast(sa.Table, ConversationState.__table__)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(table)
        .values(key=key, flow=None, data={}, updated_at=now, expires_at=None)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = session.get(ConversationState, key, with_for_update=True, populate_existing=True)
    assert row is not None, "inserted above"
    return Memory.from_row(row.flow, row.data, row.expires_at, now)


def save(session: Session, key: str, memory: Memory, now: datetime) -> None:
    row = session.get(ConversationState, key)
    if row is None:
        row = ConversationState(key=key)
        session.add(row)
    row.flow = memory.flow.value if memory.flow else None
    row.data = memory.to_data()
    row.updated_at = now
    row.expires_at = memory.expires_at(now)


def forget(session: Session, key: str) -> None:
    row = session.get(ConversationState, key)
    if row is not None:
        session.delete(row)


def expect_checkin_answer(session: Session, graduate_id: int, now: datetime) -> None:
    """For the scheduler when it asks "工作有着落了吗？": the graduate's next message is read as the answer
    (a bare "没有" is then "not placed yet"). The last list shown is kept."""
    key = graduate_key(graduate_id)
    memory = load(session, key, now)
    memory.wait_for(Flow.CHECKIN)
    save(session, key, memory, now)
