"""Access tokens shared by every worker through the database (`platform_tokens`).

WeChat, WeCom and the QQ bot hand out tokens that live about two hours and that a fresh request may invalidate,
so several workers must not each fetch their own. The fast path is a plain read; a refresh happens under a row
lock (PostgreSQL `FOR UPDATE`, SQLite `BEGIN IMMEDIATE`) and re-checks whether another worker already refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.domain import ChannelKind
from models import PlatformToken

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TokenStore:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, *, refresh_margin_s: float = 300.0) -> None:
        self._sessions = sessions
        self._clock = clock
        self._margin = timedelta(seconds=refresh_margin_s)

    def get(self, channel: ChannelKind, account: str, fetch: Callable[[], tuple[str, float]]) -> str:
        """A token valid for at least the refresh margin; `fetch` returns (token, lifetime in seconds)."""
        with self._sessions() as session:
            row = session.execute(_select(channel, account)).one_or_none()
        if row is not None and row.token and row.expires_at - self._margin > self._clock.now():
            return str(row.token)
        return self._refresh(channel, account, fetch)

    def invalidate(self, channel: ChannelKind, account: str, stale: str) -> None:
        """Forget `stale` (the platform said it expired) unless another worker already replaced it."""
        with self._sessions() as session, session.begin():
            session.execute(
                sa.update(PlatformToken)
                .where(PlatformToken.channel == channel, PlatformToken.account == account)
                .where(PlatformToken.token == stale)
                .values(expires_at=self._clock.now() - timedelta(seconds=1))
            )

    def _refresh(self, channel: ChannelKind, account: str, fetch: Callable[[], tuple[str, float]]) -> str:
        with self._sessions() as session, session.begin():
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            _ensure_row(session, channel, account)
            row = session.execute(_select(channel, account).with_for_update()).one()
            now = self._clock.now()
            if row.token and row.expires_at - self._margin > now:
                return str(row.token)
            token, lifetime_s = fetch()
            session.execute(
                sa.update(PlatformToken)
                .where(PlatformToken.channel == channel, PlatformToken.account == account)
                .values(token=token, expires_at=now + timedelta(seconds=max(lifetime_s, 0.0)), updated_at=now)
            )
            return token

    def peek(self, channel: ChannelKind, account: str) -> tuple[str, datetime] | None:
        with self._sessions() as session:
            row = session.execute(_select(channel, account)).one_or_none()
        return None if row is None else (str(row.token), row.expires_at)


def _select(channel: ChannelKind, account: str) -> sa.Select[str, datetime]:
    return sa.select(PlatformToken.token, PlatformToken.expires_at).where(
        PlatformToken.channel == channel, PlatformToken.account == account
    )


def _ensure_row(session: Session, channel: ChannelKind, account: str) -> None:
    """A placeholder row to lock, so that two workers refreshing the first token still take turns."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"channel": channel, "account": account, "token": "", "expires_at": _EPOCH}
    session.execute(insert(PlatformToken).values(**values).on_conflict_do_nothing())
