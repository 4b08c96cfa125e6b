""" "推送 <posting> 给 <class|major>": a posting sent to the graduates it fits in those classes, and to their groups.

The posting (by number, or by words of its title or employer) must be approved and open. Within the staff
member's scope, every graduate of the target who is not placed, has not unsubscribed, and whom the posting
accepts (major, education) gets a personal push planned by `bot.push.dispatch` (channel choice, quiet hours, the
phone list for those no channel reaches); every group chat of those classes whose channel can post to groups gets
one notice. Idempotency keys ("broadcast:<posting>:<graduate>") make a repeated command send nothing twice.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot import outbox
from bot.access.queries import hardship_expr
from bot.access.rules import StaffPrincipal
from bot.conversation import render, targets
from bot.conversation.turn import Turn
from bot.dialogue import BroadcastSlots, ParseResult
from bot.errors import UnknownAccount
from bot.push.dispatch import PushIntent, PushOutcome, plan_intents, quiet_hours
from bot.push.payloads import PushMessage
from bot.push.planner import Action, PushKind
from bot.security import audit
from bot.services.matching_load import open_postings, unplaced
from models import ChannelGroup, Employer, Graduate, Major, Posting, StaffUser

USAGE = "请按“推送 岗位编号 给 班级”发送，例如：推送 12 给 计应2201（岗位编号见发布回执或管理后台）。"


def _find(turn: Turn, slots: BroadcastSlots) -> Posting | None:
    if slots.posting_id is not None:
        posting = turn.session.get(Posting, slots.posting_id)
        if posting is None:
            turn.say(f"没有找到编号为 {slots.posting_id} 的岗位。")
        elif not turn.session.scalar(
            sa.select(sa.func.count()).where(Posting.id == posting.id, *open_postings(turn.today))
        ):
            turn.say(f"岗位 {posting.id}「{posting.title}」还没有审核通过，或已经截止/关闭，暂时不能推送。")
            return None
        return posting
    words = (slots.posting_ref or "").strip()
    found = turn.session.execute(
        sa.select(Posting, Employer.name)
        .join(Employer, Posting.employer_id == Employer.id)
        .where(
            sa.or_(Posting.title.contains(words, autoescape=True), Employer.name.contains(words, autoescape=True)),
            *open_postings(turn.today),
        )
        .order_by(Posting.id.desc())
        .limit(6)
    ).all()
    if not found:
        turn.say(f"没有找到可推送的岗位“{words}”（需已审核通过且仍在招聘）。" + USAGE)
        return None
    if len(found) > 1:
        listed = "\n".join(f"编号 {p.id}：{p.title} · {employer}" for p, employer in found[:5])
        turn.say(f"“{words}”对应多个岗位，请用编号推送：\n{listed}")
        return None
    only: Posting = found[0][0]
    return only


def _accepts(posting: Posting, education: int, codes: tuple[str, ...]) -> bool:
    if education < posting.min_education:
        return False
    accepted = posting.accepted_majors or []
    return posting.majors_any or not accepted or any(code in codes for code in accepted)


def _message(posting: Posting, employer: str, sender: str) -> PushMessage:
    place = render.place_label(posting.place_text, posting.adcode, posting.nationwide)
    salary = render.salary_label(posting.salary_min, posting.salary_max, posting.salary_text)
    lines = [f"【岗位推荐】{posting.title}", f"单位：{employer}", f"地点：{place}　薪资：{salary}"]
    if posting.deadline:
        lines.append(f"截止：{posting.deadline:%Y-%m-%d}")
    lines.append(f"（{sender}推荐）感兴趣请私聊我发送“推荐”，或直接联系辅导员。")
    return PushMessage(text="\n".join(lines), title=f"岗位推荐：{posting.title}", summary=f"{employer} {posting.title}")


def send(turn: Turn, user: StaffUser, principal: StaffPrincipal, result: ParseResult) -> None:
    slots = result.broadcast
    if slots is None or not slots.posting_ref:
        turn.say(USAGE)
        return
    target = targets.resolve(turn.session, principal, slots.target, slots.target_kind)
    if target.error:
        turn.say(target.error)
        return
    posting = _find(turn, slots)
    if posting is None:
        return
    employer = turn.session.scalar(sa.select(Employer.name).where(Employer.id == posting.employer_id)) or ""
    message = _message(posting, employer, f"{user.display_name}老师")
    people = turn.session.execute(
        sa.select(
            Graduate.id,
            Graduate.education,
            Graduate.unsubscribed,
            hardship_expr(),
            Major.code,
            Major.class_code,
            Major.category_code,
        )
        .join(Major, Graduate.major_id == Major.id)
        .where(*target.conds, unplaced(turn.container))
    ).all()
    fits = [row for row in people if not row.unsubscribed and _accepts(posting, row.education, tuple(row[4:]))]
    intents = [
        PushIntent(PushKind.BROADCAST, f"broadcast:{posting.id}:{row.id}", message, graduate_id=row.id, hardship=row[3])
        for row in fits
    ]
    outcome = plan_intents(turn.session, turn.container, intents, turn.now)
    groups = _groups(turn, posting, message, target.class_ids)
    sent = outcome.count(Action.SEND)
    audit.record(
        turn.session, actor=user.username, actor_user_id=user.id, action="posting.broadcast",
        object_type="posting", object_id=posting.id,
        detail={"target": target.label, "graduates": sent, "new_rows": len(outcome.queued),
                "phone": len(outcome.phone), "groups": groups, "skipped": len(people) - len(fits)},
        at=turn.now,
    )  # fmt: skip
    turn.say(_report(posting, target.label, len(people), len(fits), sent, len(outcome.queued), outcome, groups))


def _groups(turn: Turn, posting: Posting, message: PushMessage, class_ids: list[int]) -> int:
    if not class_ids:
        return 0
    rows = turn.session.scalars(sa.select(ChannelGroup).where(ChannelGroup.class_id.in_(class_ids))).all()
    send_at = quiet_hours(turn.container).next_end(turn.now)
    count = 0
    for group in rows:
        try:
            caps = turn.container.channels.get(group.channel, group.account).capabilities
        except UnknownAccount:
            continue
        if not caps.can_push_group:
            continue
        outbox.enqueue(
            turn.session, idempotency_key=f"broadcast:{posting.id}:group:{group.id}", channel=group.channel,
            account=group.account, target_kind="group", target_id=group.group_id,
            payload={"text": message.text, "title": message.title}, intent="group_notice",
            not_before=send_at, now=turn.now,
        )  # fmt: skip
        count += 1
    return count


def _report(
    posting: Posting, label: str, unplaced: int, fits: int, sent: int, new: int, outcome: PushOutcome, groups: int
) -> str:
    phone = len(outcome.phone)
    lines = [
        f"岗位 {posting.id}「{posting.title}」已推送给 {label}：",
        f"未落实的同学 {unplaced} 人，符合岗位要求（专业、学历）且未退订的 {fits} 人；",
        f"私信推送 {sent} 人" + (f"（其中 {sent - new} 人此前已推送过）" if sent > new else "") + "；",
        f"{phone} 人暂时没有可推送的渠道，已列入今天的电话联系名单；",
        f"群消息 {groups} 个。免打扰时段（晚 10 点到早 8 点）的消息会在之后发出。",
    ]
    return "\n".join(lines)
