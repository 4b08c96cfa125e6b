"""The counselors' morning digest ("班班清、日日清"), sent to each counselor's own channel identity.

For every counselor with classes and a bound identity (`channel_identities.staff_user_id`): per class the counts
(total, placed, unplaced), who has not answered check-ins (today's phone list and open questions), hardship
graduates without progress for `STALE_DAYS`, and graduates with fewer than K matches. One message per counselor
per day (key `digest:<staff id>:<date>`), planned like any push; the lists are cut short with a count so the
message fits the platforms' text limits, and link to the admin console for the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.access.queries import hardship_expr, placed_codes
from bot.push import phone_list
from bot.push.dispatch import PushIntent, plan_intents
from bot.push.payloads import PushMessage
from bot.push.planner import PushKind
from bot.services.reminders import PushSummary
from bot.storage.writes import job_session
from models import ChannelIdentity, Checkin, Graduate, Match, SchoolClass, StaffUser

if TYPE_CHECKING:
    from bot.container import Container

STALE_DAYS = 14
NAMES_SHOWN = 5


@dataclass
class ClassCounts:
    name: str
    total: int = 0
    placed: int = 0


@dataclass
class Digest:
    """What one counselor is told (pure data; `text` renders it)."""

    day: date
    classes: list[ClassCounts] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)  # today's phone list
    silent: list[str] = field(default_factory=list)  # open check-ins past the follow-up time
    hardship_stalled: list[str] = field(default_factory=list)
    few_matches: list[str] = field(default_factory=list)
    k: int = 10

    def text(self, admin_url: str) -> str:
        lines = [f"【就业日报 {self.day.month}月{self.day.day}日】"]
        for cls in self.classes:
            rate = f"{cls.placed * 100 / cls.total:.0f}%" if cls.total else "—"
            lines.append(
                f"{cls.name}：共 {cls.total} 人，已落实 {cls.placed}（{rate}），未落实 {cls.total - cls.placed}"
            )
        lines.append(_names("请电话联系", self.phone))
        lines.append(_names("状态询问未回复", self.silent))
        lines.append(_names(f"困难生 {STALE_DAYS} 天无进展", self.hardship_stalled))
        lines.append(_names(f"推荐岗位不足 {self.k} 个", self.few_matches))
        lines.append(f"详情：{admin_url}")
        return "\n".join(lines)


def _names(label: str, names: Sequence[str]) -> str:
    if not names:
        return f"{label}：无"
    shown = "、".join(names[:NAMES_SHOWN])
    more = f" 等 {len(names)} 人" if len(names) > NAMES_SHOWN else f"（{len(names)} 人）"
    return f"{label}：{shown}{more}"


def build(session: Session, c: Container, class_ids: Sequence[int], now: datetime) -> Digest:
    day = phone_list.local_day(c, now)
    digest = Digest(day=day, k=c.settings.matching.k)
    placed = set(placed_codes(c.codebook))
    rows = session.execute(
        sa.select(Graduate.id, Graduate.name, Graduate.class_id, Graduate.destination_code, hardship_expr(),
                  Graduate.status_updated_at)
        .where(Graduate.class_id.in_(class_ids))
        .order_by(Graduate.class_id, Graduate.student_no)
    ).all()  # fmt: skip
    names = dict(
        session.execute(sa.select(SchoolClass.id, SchoolClass.name).where(SchoolClass.id.in_(class_ids))).all()
    )
    counts = {cid: ClassCounts(names[cid]) for cid in sorted(class_ids, key=lambda i: names.get(i, ""))}
    unplaced: list[tuple[int, str]] = []
    stale = now - timedelta(days=STALE_DAYS)
    for gid, name, cid, code, hardship, updated in rows:
        assert cid is not None  # the query filters on the class
        klass = counts[cid]
        klass.total += 1
        if code in placed:
            klass.placed += 1
            continue
        unplaced.append((gid, name))
        if hardship and (updated is None or updated < stale):
            digest.hardship_stalled.append(name)
    digest.classes = list(counts.values())
    digest.phone = [e.name for e in phone_list.entries(session, c, day, class_ids=class_ids)]
    digest.silent = _silent(session, c, [gid for gid, _ in unplaced], now)
    held = Counter(
        session.scalars(
            sa.select(Match.graduate_id).where(Match.active, Match.graduate_id.in_([g for g, _ in unplaced]))
        )
    )
    digest.few_matches = [name for gid, name in unplaced if held[gid] < digest.k]
    return digest


def _silent(session: Session, c: Container, ids: Sequence[int], now: datetime) -> list[str]:
    """Graduates with a check-in sent longer than the follow-up time ago and still unanswered."""
    cutoff = now - timedelta(hours=c.settings.schedule.followup_after_hours)
    rows = session.execute(
        sa.select(Graduate.name)
        .where(Graduate.id.in_(ids))
        .where(
            sa.select(Checkin.id)
            .where(Checkin.graduate_id == Graduate.id, Checkin.answered_at.is_(None))
            .where(Checkin.sent_at.is_not(None), Checkin.sent_at <= cutoff)
            .exists()
        )
        .order_by(Graduate.class_id, Graduate.student_no)
    )
    return list(rows.scalars())


def send_all(c: Container, *, now: datetime | None = None) -> PushSummary:
    """Plan today's digest for every counselor who has classes and a channel identity."""
    now = now or c.clock.now()
    day = phone_list.local_day(c, now)
    admin_url = c.settings.base_url.rstrip("/") + "/admin"
    with job_session(c.db) as session:
        classes: dict[int, list[int]] = {}
        for cid, staff_id in session.execute(
            sa.select(SchoolClass.id, SchoolClass.counselor_id).where(SchoolClass.counselor_id.is_not(None))
        ):
            if staff_id is not None:  # filtered above; the check is for the type checker
                classes.setdefault(staff_id, []).append(cid)
        reachable = set(
            session.scalars(
                sa.select(ChannelIdentity.staff_user_id).where(ChannelIdentity.staff_user_id.in_(sorted(classes)))
            )
        )
        active = set(
            session.scalars(sa.select(StaffUser.id).where(StaffUser.active, StaffUser.id.in_(sorted(reachable))))
        )
        intents = []
        for staff_id in sorted(active):
            text = build(session, c, classes[staff_id], now).text(admin_url)
            msg = PushMessage(
                text=text, title=f"就业日报 {day.month}月{day.day}日", summary="今日就业工作提醒", url=admin_url
            )
            intents.append(
                PushIntent(PushKind.DIGEST, f"digest:{staff_id}:{day.isoformat()}", msg, staff_user_id=staff_id)
            )
        out = plan_intents(session, c, intents, now)
    return PushSummary.of(len(intents), out)
