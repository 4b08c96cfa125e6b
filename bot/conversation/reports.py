"""Counselor reports in chat: 统计 (status counts), 未回复 (last check-in unanswered), 困难生 (hardship, unplaced)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.access.queries import hardship_expr, placed_codes
from bot.access.rules import StaffPrincipal
from bot.conversation import targets
from bot.conversation.turn import Turn
from models import Checkin, Graduate, SchoolClass

MAX_NAMES = 40
UNREPORTED = "未登记去向"


def _target(turn: Turn, principal: StaffPrincipal, scope: str | None) -> targets.Target | None:
    target = targets.resolve(turn.session, principal, scope)
    if target.error:
        turn.say(target.error)
        return None
    return target


def stats(turn: Turn, principal: StaffPrincipal, scope: str | None) -> None:
    target = _target(turn, principal, scope)
    if target is None:
        return
    book = turn.container.codebook
    rows = turn.session.execute(
        sa.select(Graduate.destination_code, Graduate.unplaced_reason, sa.func.count())
        .where(*target.conds)
        .group_by(Graduate.destination_code, Graduate.unplaced_reason)
    ).all()
    total = sum(n for _, _, n in rows)
    if not total:
        turn.say(f"{target.label}还没有毕业生数据。")
        return
    groups: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for code, reason, n in rows:
        if code and book.is_placed(code):
            groups[book.destinations[code].group] += n
        else:
            reasons[reason or (book.destination_name(code) if code else UNREPORTED)] += n
    placed = sum(groups.values())
    lines = [
        f"{target.label}就业统计（截至 {turn.today.month}月{turn.today.day}日）：",
        f"总人数 {total}，已落实 {placed}，落实率 {placed / total:.1%}",
    ]
    if groups:
        lines.append("已落实：" + "、".join(f"{g} {n}" for g, n in groups.most_common()))
    if reasons:
        lines.append(f"未落实 {total - placed}：" + "、".join(f"{r} {n}" for r, n in reasons.most_common()))
    turn.say("\n".join(lines))


def _day(turn: Turn, when: datetime) -> str:
    local = when.astimezone(ZoneInfo(turn.container.settings.schedule.timezone))
    return f"{local.month}月{local.day}日"


def _by_class(entries: list[tuple[str, str]], limit: int = MAX_NAMES) -> str:
    """ "计应2201：张三、李四" per class, at most `limit` names in all."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for class_name, text in entries[:limit]:
        grouped[class_name].append(text)
    lines = [f"{cls}：{'、'.join(names)}" for cls, names in grouped.items()]
    if len(entries) > limit:
        lines.append(f"……等共 {len(entries)} 人，完整名单请在管理后台查看。")
    return "\n".join(lines)


def non_responders(turn: Turn, principal: StaffPrincipal, scope: str | None) -> None:
    target = _target(turn, principal, scope)
    if target is None:
        return
    last = (
        sa.select(Checkin.graduate_id, sa.func.max(Checkin.sent_at).label("sent_at"))
        .where(Checkin.sent_at.is_not(None))
        .group_by(Checkin.graduate_id)
        .subquery()
    )
    rows = turn.session.execute(
        sa.select(Graduate.name, SchoolClass.name, last.c.sent_at)
        .join(last, last.c.graduate_id == Graduate.id)
        .join(Checkin, sa.and_(Checkin.graduate_id == Graduate.id, Checkin.sent_at == last.c.sent_at))
        .outerjoin(SchoolClass, SchoolClass.id == Graduate.class_id)
        .where(Checkin.answered_at.is_(None), *target.conds)
        .order_by(SchoolClass.name, Graduate.student_no)
    ).all()
    if not rows:
        turn.say(f"{target.label}：最近一次询问大家都回复了（或还没有发出询问）。")
        return
    entries = [(cls or "未分班", f"{name}（{_day(turn, sent)}问）") for name, cls, sent in rows]
    turn.say(f"{target.label}最近一次询问还没回复的同学（{len(rows)} 人）：\n" + _by_class(entries))


def hardship(turn: Turn, principal: StaffPrincipal, scope: str | None) -> None:
    target = _target(turn, principal, scope)
    if target is None:
        return
    book = turn.container.codebook
    unplaced = sa.or_(Graduate.destination_code.is_(None), Graduate.destination_code.not_in(placed_codes(book)))
    rows = turn.session.execute(
        sa.select(Graduate.name, SchoolClass.name, Graduate.destination_code, Graduate.unplaced_reason)
        .outerjoin(SchoolClass, SchoolClass.id == Graduate.class_id)
        .where(hardship_expr(), unplaced, *target.conds)
        .order_by(SchoolClass.name, Graduate.student_no)
    ).all()
    if not rows:
        turn.say(f"{target.label}的困难生都已落实去向。")
        return
    if turn.in_group:
        # Who is a 困难生 is private (资助 rules): the group learns the count, the counselor the names in private.
        turn.say(f"{target.label}尚未落实的困难生有 {len(rows)} 人，名单请私聊我发送“困难生”查看。")
        return
    entries = [
        (cls or "未分班", f"{name}（{reason or (book.destination_name(code) if code else UNREPORTED)}）")
        for name, cls, code, reason in rows
    ]
    turn.say(f"{target.label}尚未落实的困难生（{len(rows)} 人）：\n" + _by_class(entries))
