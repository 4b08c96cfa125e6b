"""Pushes the scheduler makes about postings: "new matches for you" after the nightly run, and deadline reminders.

New matches: every graduate with active matches not yet pushed (`matches.pushed_at` NULL) gets one message with
the best few and a link to the /m page with all of them; hardship graduates' messages go first (outbox priority).
The key names the newest match in the message, so a graduate who gets more matches later the same day gets a new
message and never the same one twice. Matches are marked pushed once a channel carries them or the graduate is put
on the phone list; an unsubscribed graduate's stay unpushed (退订 means no pushes, not "pushed").

Deadline reminders: a graduate who said 感兴趣 about an open posting but neither 已投递 nor 不合适 is reminded once
when its deadline is `deadline_remind_days` away or closer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from bot.access.queries import hardship_expr, placed_codes
from bot.domain import FeedbackKind, PostingStatus
from bot.push import phone_list
from bot.push import texts as push_texts
from bot.push.dispatch import PushIntent, PushOutcome, plan_intents
from bot.push.planner import Action, PushKind
from bot.push.texts import MatchLine
from bot.services import match_cards
from bot.storage.writes import job_session
from models import Employer, Feedback, Graduate, Match, Posting

if TYPE_CHECKING:
    from bot.container import Container

TOP_IN_MESSAGE = 3


@dataclass(frozen=True, slots=True)
class PushSummary:
    intents: int
    queued: int
    phone: int
    dropped: int

    @classmethod
    def of(cls, intents: int, out: PushOutcome) -> PushSummary:
        return cls(intents, len(out.queued), len(out.phone), len(out.dropped))


def _unplaced_hardship(session: Session, c: Container, ids: list[int]) -> tuple[set[int], set[int]]:
    """(unplaced, hardship) among these graduates."""
    placed = placed_codes(c.codebook)
    unplaced: set[int] = set()
    hardship: set[int] = set()
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        rows = session.execute(
            sa.select(Graduate.id, Graduate.destination_code, hardship_expr()).where(Graduate.id.in_(chunk))
        )
        for gid, code, hard in rows:
            if code is None or code not in placed:
                unplaced.add(gid)
            if hard:
                hardship.add(gid)
    return unplaced, hardship


def push_new_matches(c: Container, *, now: datetime | None = None) -> PushSummary:
    now = now or c.clock.now()
    with job_session(c.db) as session:
        fresh = match_cards.unpushed(session)
        unplaced, hardship = _unplaced_hardship(session, c, sorted(fresh))
        intents = []
        for gid in sorted(fresh, key=lambda g: (g not in hardship, g)):
            if gid not in unplaced:
                continue
            cards = fresh[gid]
            lines = [MatchLine(m.title, m.employer, m.place, m.salary) for m in cards[:TOP_IN_MESSAGE]]
            msg = push_texts.new_matches(lines, len(cards), None)
            key = f"new_matches:{gid}:{max(m.match_id for m in cards)}"
            intent = PushIntent(PushKind.NEW_MATCHES, key, msg, gid, hardship=gid in hardship, link_page="matches")
            intents.append(intent)
        out = plan_intents(session, c, intents, now)
        done = [i.graduate_id for i in intents if out.decisions[i.key].action in (Action.SEND, Action.PHONE)]
        ids = [m.match_id for gid in done if gid is not None for m in fresh[gid]]
        for start in range(0, len(ids), 2000):
            session.execute(sa.update(Match).where(Match.id.in_(ids[start : start + 2000])).values(pushed_at=now))
    return PushSummary.of(len(intents), out)


def remind_deadlines(c: Container, *, now: datetime | None = None) -> PushSummary:
    now = now or c.clock.now()
    today = phone_list.local_day(c, now)
    horizon = today + timedelta(days=c.settings.schedule.deadline_remind_days)
    later = aliased(Feedback)
    settled = (
        sa.select(later.id)
        .where(later.graduate_id == Feedback.graduate_id, later.posting_id == Feedback.posting_id)
        .where(later.kind.in_([FeedbackKind.APPLIED, FeedbackKind.REJECTED]))
        .exists()
    )
    stmt = (
        sa.select(Feedback.graduate_id, Posting.id, Posting.title, Employer.name, Posting.deadline)
        .join(Posting, Posting.id == Feedback.posting_id)
        .join(Employer, Employer.id == Posting.employer_id)
        .where(Feedback.kind == FeedbackKind.INTERESTED, sa.not_(settled))
        .where(Posting.status == PostingStatus.OPEN, Posting.deadline >= today, Posting.deadline <= horizon)
        .distinct()
        .order_by(Feedback.graduate_id, Posting.deadline, Posting.id)
    )
    with job_session(c.db) as session:
        pairs = list(session.execute(stmt))
        unplaced, hardship = _unplaced_hardship(session, c, sorted({g for g, *_ in pairs}))
        intents = []
        for gid, pid, title, employer, until in pairs:
            if gid not in unplaced or until is None:  # the query asks for a deadline; mypy cannot know
                continue
            msg = push_texts.deadline(title, employer, until, None)
            key = f"deadline:{gid}:{pid}"
            intents.append(PushIntent(PushKind.DEADLINE, key, msg, gid, hardship=gid in hardship, link_page="matches"))
        out = plan_intents(session, c, intents, now)
    return PushSummary.of(len(intents), out)
