"""求职意向 in plain words, saved only once the graduate confirms what was understood.

A correction ("不是宜昌，是武汉") replaces only the dimensions it names, on top of what is waiting for
confirmation (or of the saved wishes): `PreferenceSlots.to_preference(base)`. On "对" the wishes are saved
(source "chat", confirmed_at) and the graduate's list is rebuilt in this transaction and shown.
"""

from __future__ import annotations

from bot.conversation import recommend, render
from bot.conversation.memory import Flow, preference_data, preference_from
from bot.conversation.turn import Turn
from bot.dialogue import PreferenceSlots
from bot.domain import Preference
from models import GraduatePreference

ASK_DETAILS = "好的！说具体些我才好推荐：想去哪里、做什么、月薪多少？例如“想回湖北宜昌，做护士，月薪五千以上”。"
_LISTS = ("city_adcodes", "province_adcodes", "industry_codes", "positions", "skills", "employer_natures")


def saved(turn: Turn) -> Preference:
    row = turn.session.get(GraduatePreference, turn.graduate_id)
    if row is None:
        return Preference()
    lists = {name: tuple(getattr(row, name) or ()) for name in _LISTS}
    return Preference(**lists, any_place=row.any_place, salary_min=row.salary_min)


def propose(turn: Turn, slots: PreferenceSlots | None, said: str) -> None:
    if slots is None or slots.empty:
        turn.say(ASK_DETAILS)
        return
    memory = turn.memory
    waiting = memory.flow is Flow.CONFIRM_PREFERENCE and "preference" in memory.pending
    base = preference_from(memory.pending["preference"]) if waiting else saved(turn)
    words = f"{memory.pending.get('raw', '')}；{said}".strip("；") if waiting else said
    pref = slots.to_preference(base)
    memory.wait_for(Flow.CONFIRM_PREFERENCE, preference=preference_data(pref), raw=words[:500])
    turn.say(render.confirm_preference(pref, turn.container.codebook))


def confirm(turn: Turn) -> None:
    pending = turn.memory.pending
    pref = preference_from(pending["preference"])
    row = turn.session.get(GraduatePreference, turn.graduate_id)
    if row is None:
        row = GraduatePreference(graduate_id=turn.graduate_id)
        turn.session.add(row)
    for name in _LISTS:
        setattr(row, name, list(getattr(pref, name)))
    row.any_place = pref.any_place
    row.salary_min = pref.salary_min
    row.raw_text = str(pending.get("raw") or "") or None
    row.source = "chat"
    row.confirmed_at = turn.now
    row.updated_at = turn.now
    turn.memory.clear()
    turn.session.flush()
    turn.say("好的，求职意向已保存。")
    if recommend.refresh(turn):
        recommend.show(turn, header="按你的新意向为你推荐", fresh=True)
    else:
        turn.say("推荐列表正在更新，请过几分钟发送“推荐”查看。")


def deny(turn: Turn) -> None:
    if turn.memory.pending.get("denied"):
        cancel(turn)
        return
    turn.memory.pending["denied"] = True
    turn.say("好的，请直接告诉我哪里不对，比如“不是宜昌，是武汉”或“月薪六千以上”。不想改了就回复“算了”。")


def cancel(turn: Turn) -> None:
    turn.memory.clear()
    turn.say("好的，求职意向没有修改。")
