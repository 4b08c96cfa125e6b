"""Staff in chat: binding an identity with the admin's one-time code, then the counselor commands.

Commands run with the staff member's role and class scope (bot.access.rules): a counselor's 统计 counts only their
classes, and a class they do not follow is "not found" rather than counted. In groups, lists that would expose
personal circumstances (困难生) give a count only.
"""

from __future__ import annotations

from datetime import timedelta

from bot.access.queries import principal_for
from bot.conversation import broadcast, general, publish, reports, texts
from bot.conversation.turn import Turn
from bot.dialogue import Intent, parse
from bot.services import staff_binding
from models import StaffUser


def try_bind_code(turn: Turn, text: str) -> bool:
    """ "绑定工作人员 <code>": bind this identity to the staff member the code was issued for."""
    match = staff_binding.COMMAND.match(text)
    if match is None:
        return False
    turn.intent = "staff_bind"
    identity = turn.identity
    if identity.graduate_id is not None:
        turn.say(texts.GRADUATE_CANNOT_BIND_STAFF)
        return True
    if identity.bind_locked_until is not None and identity.bind_locked_until > turn.now:
        turn.say("绑定失败次数过多，已暂时锁定，请稍后再试，或请管理员重新签发绑定码。")
        return True
    user = staff_binding.redeem(turn.session, turn.container.pii, match.group("code"), identity, now=turn.now)
    if user is None:
        _count_failure(turn)
        return True
    turn.say(f"{user.display_name}，绑定成功！以后可以在这里直接发指令。\n\n{texts.STAFF_HELP}")
    return True


def _count_failure(turn: Turn) -> None:
    settings = turn.container.settings
    identity = turn.identity
    identity.bind_failures += 1
    if identity.bind_failures >= settings.bind_max_failures:
        identity.bind_locked_until = turn.now + timedelta(minutes=settings.bind_lock_minutes)
        identity.bind_failures = 0
        turn.say("绑定码无效的次数过多，已暂时锁定，请稍后再试，或请管理员重新签发绑定码。")
        return
    turn.say("绑定码无效或已过期（有效期 24 小时，只能用一次），请向管理员重新获取。")


def handle(turn: Turn, user: StaffUser, text: str) -> None:
    result = parse(text, user.role.value, today=turn.today)
    turn.intent = result.intent.value
    principal = principal_for(turn.session, user)
    intent = result.intent
    if intent is Intent.STATS:
        reports.stats(turn, principal, result.scope)
    elif intent is Intent.NON_RESPONDERS:
        reports.non_responders(turn, principal, result.scope)
    elif intent is Intent.HARDSHIP:
        reports.hardship(turn, principal, result.scope)
    elif intent is Intent.PUBLISH_POSTING:
        publish.publish(turn, user, result)
    elif intent is Intent.BROADCAST:
        broadcast.send(turn, user, principal, result)
    elif not general.general(
        turn, result, help_text=texts.STAFF_HELP, college_id=user.college_id, smalltalk=texts.STAFF_SMALLTALK
    ):
        turn.say(texts.STAFF_HELP)
