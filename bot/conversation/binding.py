"""Binding a chat identity to a student record: 学号 + 姓名 + the secret the school holds.

The secret is compared with the record's keyed digest (`PiiCipher.verify_digest`), never stored, and never kept in
the conversation's memory (学号 and 姓名 are, while the rest is asked for). Guessing is limited twice:

- per identity: `settings.bind_max_failures` wrong tries lock it for `bind_lock_minutes`
  (ChannelIdentity.bind_failures / bind_locked_until); while locked even the right secret is refused;
- per student record: the same number of failures against one 学号 within `bind_lock_minutes`, from any
  identities, refuses further tries on that 学号, so an attacker cannot rotate accounts against one record. The
  failures are counted in the audit log (action "binding.failure", object the 学号), which is where a school
  looks for them anyway; no schema change needed.

Failure messages never tell whether a 学号 exists or which part was wrong. A correct secret for a record that is
already bound to another identity on the same channel account is refused with a pointer to the counselor (who
can unbind it); that is said only after the secret proved the asker owns the record.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.conversation import pending, texts
from bot.conversation.memory import Flow
from bot.conversation.turn import Turn
from bot.dialogue import BindingSlots
from bot.security import audit
from models import AuditLog, ChannelIdentity, Graduate

FAILURE = "binding.failure"


def _norm_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "·•.．-").lower()


def _local(turn: Turn, when: datetime) -> str:
    return f"{when.astimezone(ZoneInfo(turn.container.settings.schedule.timezone)):%H:%M}"


def _identity_locked(turn: Turn) -> bool:
    identity = turn.identity
    until = identity.bind_locked_until
    if until is None:
        return False
    if until > turn.now:
        turn.say(f"绑定失败次数过多，已暂时锁定，请在 {_local(turn, until)} 之后再试；如有疑问请联系辅导员。")
        return True
    identity.bind_locked_until = None
    identity.bind_failures = 0
    return False


def _record_locked(turn: Turn, student_no: str) -> bool:
    settings = turn.container.settings
    since = turn.now - timedelta(minutes=settings.bind_lock_minutes)
    failures = turn.session.scalar(
        sa.select(sa.func.count()).where(
            AuditLog.action == FAILURE,
            AuditLog.object_type == "binding",
            AuditLog.object_id == student_no,
            AuditLog.at >= since,
        )
    )
    if (failures or 0) < settings.bind_max_failures:
        return False
    turn.say(
        f"这个学号最近的绑定尝试次数过多，已暂时锁定，请 {settings.bind_lock_minutes} 分钟后再试；"
        "如果不是你本人在尝试，请告诉辅导员。"
    )
    return True


def _fail(turn: Turn, student_no: str) -> None:
    settings = turn.container.settings
    identity = turn.identity
    identity.bind_failures += 1
    audit.record(
        turn.session, actor=turn.actor, action=FAILURE, object_type="binding", object_id=student_no,
        detail={"identity_id": identity.id, "channel": identity.channel.value, "failures": identity.bind_failures},
        at=turn.now,
    )  # fmt: skip
    turn.memory.wait_for(Flow.BINDING)
    if identity.bind_failures >= settings.bind_max_failures:
        identity.bind_locked_until = turn.now + timedelta(minutes=settings.bind_lock_minutes)
        identity.bind_failures = 0
        audit.record(
            turn.session, actor=turn.actor, action="binding.locked", object_type="channel_identity",
            object_id=identity.id, detail={"until": identity.bind_locked_until.isoformat()}, at=turn.now,
        )  # fmt: skip
        turn.say(
            f"绑定失败次数过多，已暂时锁定，请在 {_local(turn, identity.bind_locked_until)} 之后再试；"
            "如有疑问请联系辅导员。"
        )
        return
    left = settings.bind_max_failures - identity.bind_failures
    label = texts.secret_label(settings.binding_secret)
    turn.say(f"学号、姓名或{label}不正确，请核对后重新发送（还可以再试 {left} 次）。")


def _find(turn: Turn, student_no: str) -> Graduate | None:
    return turn.session.scalars(
        sa.select(Graduate).where(sa.func.upper(Graduate.student_no) == student_no.upper())
    ).first()


def _taken_on_this_account(turn: Turn, graduate: Graduate) -> bool:
    identity = turn.identity
    other = turn.session.scalar(
        sa.select(ChannelIdentity.id).where(
            ChannelIdentity.channel == identity.channel,
            ChannelIdentity.account == identity.account,
            ChannelIdentity.graduate_id == graduate.id,
            ChannelIdentity.id != identity.id,
        )
    )
    return other is not None


def _missing(slots: BindingSlots, label: str) -> list[str]:
    names = [("学号", slots.student_no), ("姓名", slots.name), (label, slots.secret)]
    return [name for name, value in names if not value]


def attempt(turn: Turn, said: BindingSlots) -> None:
    """One binding message (the pieces may come over several messages; the secret is never remembered)."""
    identity = turn.identity
    if said.secret:
        turn.redact(said.secret)
    if identity.staff_user_id is not None:
        turn.say(texts.STAFF_CANNOT_BIND_GRADUATE)
        return
    if _identity_locked(turn):
        return
    earlier = turn.memory.pending if turn.memory.flow is Flow.BINDING else {}
    slots = BindingSlots(
        student_no=said.student_no or earlier.get("student_no"),
        name=said.name or earlier.get("name"),
        secret=said.secret,
    )
    label = texts.secret_label(turn.container.settings.binding_secret)
    missing = _missing(slots, label)
    if missing:
        turn.memory.wait_for(Flow.BINDING, student_no=slots.student_no, name=slots.name)
        turn.say(f"还需要你的{'、'.join(missing)}，请接着发送。" + ("" if slots.student_no else "例如：2023123456"))
        return
    assert slots.student_no and slots.name and slots.secret
    student_no = slots.student_no.upper()
    if _record_locked(turn, student_no):
        turn.memory.clear()
        return
    graduate = _find(turn, student_no)
    ok = (
        graduate is not None
        and _norm_name(graduate.name) == _norm_name(slots.name)
        and turn.container.pii.verify_digest(slots.secret, graduate.bind_secret_digest)
    )
    if not ok or graduate is None:
        _fail(turn, student_no)
        return
    if _taken_on_this_account(turn, graduate):
        turn.memory.clear()
        audit.record(
            turn.session, actor=turn.actor, action="binding.conflict", object_type="graduate", object_id=graduate.id,
            detail={"identity_id": identity.id, "channel": identity.channel.value}, at=turn.now,
        )  # fmt: skip
        turn.say("这个学号已经在本渠道绑定了另一个聊天账号。如需换绑，请联系辅导员解除原来的绑定后再试。")
        return
    _bind(turn, graduate)


def _bind(turn: Turn, graduate: Graduate) -> None:
    identity = turn.identity
    identity.graduate_id = graduate.id
    identity.bound_at = turn.now
    identity.bind_failures = 0
    identity.bind_locked_until = None
    if graduate.consent_at is None:
        # They saw the privacy notice before they could bind: binding is the consent it asked for.
        graduate.consent_at = turn.now
        graduate.consent_version = texts.PRIVACY_VERSION
    audit.record(
        turn.session, actor=turn.actor, action="binding.success", object_type="graduate", object_id=graduate.id,
        detail={"identity_id": identity.id, "channel": identity.channel.value, "account": identity.account},
        at=turn.now,
    )  # fmt: skip
    turn.became_graduate(graduate)
    turn.say(
        f"绑定成功！{graduate.name}同学你好。\n"
        "现在可以直接告诉我求职意向（如“想回宜昌做护士，月薪五千以上”），或发送“推荐”看看为你匹配的岗位。"
    )
    # The graduate may have left a question open on another channel: this conversation continues it.
    reminder = pending.reminder(turn.memory, turn.container.codebook)
    if reminder:
        turn.say(reminder)
