"""毕业去向 in the graduate's own words, always confirmed before it is saved.

"签了三方，华工激光" -> "你是说：签就业协议形式就业（10），单位：华工激光。对吗？" -> "对" -> a status_history row
(source self-report, the code list's version), the graduate's current status columns, and the open check-ins
answered. Words that leave the code open get the parser's numbered question; "2" picks the answer, which is then
confirmed like any other. 72 (不想找了) flags the graduate for the counselor.
"""

from __future__ import annotations

from dataclasses import replace

from bot.checkins.answers import record_answer
from bot.codes import places
from bot.conversation import render
from bot.conversation.memory import Flow, choice_data, choice_from, status_data, status_from
from bot.conversation.turn import Turn
from bot.dialogue import Clarification, StatusSlots
from bot.domain import StatusSource
from models import StatusRecord


def propose(turn: Turn, slots: StatusSlots | None, clarification: Clarification | None) -> None:
    if slots is None:
        turn.say("能具体说说现在的情况吗？比如“签了三方，华工激光”“还在找工作”“考研上岸了”。")
        return
    if slots.code is None:
        question = clarification or Clarification("能再具体说说吗？")
        if not question.choices:
            turn.say(question.question)
            return
        turn.memory.wait_for(
            Flow.CHOOSE_STATUS,
            question=question.question,
            choices=[choice_data(c) for c in question.choices],
            said=status_data(slots),
        )
        turn.say(render.choices(question.question, question.choices))
        return
    turn.memory.wait_for(Flow.CONFIRM_STATUS, status=status_data(slots))
    turn.say(render.confirm_status(slots, turn.container.codebook))


def choose(turn: Turn, n: int | None) -> None:
    pending = turn.memory.pending
    options = [choice_from(c) for c in pending.get("choices") or []]
    picked = next((c for c in options if c.n == n), None)
    if picked is None:
        turn.say(f"请回复 1-{len(options)} 之间的编号。\n" + render.choices(str(pending.get("question")), options))
        return
    said = status_from(pending.get("said") or {"code": None})
    chosen = picked.as_status()
    # The choice names the kind of destination; employer, place and country come from what was said before.
    slots = replace(chosen, employer=said.employer, place_adcode=said.place_adcode, study_country=said.study_country)
    propose(turn, slots, None)


def confirm(turn: Turn) -> None:
    slots = status_from(turn.memory.pending["status"])
    code = render.status_code(slots)
    graduate = turn.graduate
    assert graduate is not None and code is not None
    book = turn.container.codebook
    placed = book.is_placed(code)
    turn.session.add(
        StatusRecord(
            graduate_id=graduate.id,
            destination_code=code,
            unplaced_reason=None if placed else slots.reason,
            employer_name=slots.employer,
            employer_nature_code=slots.employer_nature,
            place_adcode=slots.place_adcode,
            place_text=places.name_of(slots.place_adcode) if slots.place_adcode else None,
            study_country=slots.study_country,
            source=StatusSource.SELF_REPORT,
            verified=False,
            code_version=book.version,
            created_at=turn.now,
        )
    )
    was_placed = bool(graduate.destination_code and book.is_placed(graduate.destination_code))
    graduate.destination_code = code
    graduate.unplaced_reason = None if placed else slots.reason
    graduate.employer_name = slots.employer
    graduate.status_updated_at = turn.now
    graduate.status_verified = False
    if placed:
        graduate.unplaced_since = None
    elif graduate.unplaced_since is None or was_placed:
        graduate.unplaced_since = turn.today
    if slots.needs_counselor or code == "72":
        graduate.needs_attention = True
    record_answer(turn.session, graduate.id, turn.now)
    turn.memory.clear()
    turn.say(_saved_reply(slots, placed, book.destination_name(code)))


def _saved_reply(slots: StatusSlots, placed: bool, name: str) -> str:
    if placed:
        return f"已登记：{name}。恭喜你！辅导员会再和你核实一下，有变化随时告诉我。"
    if slots.needs_counselor or slots.code == "72":
        return "已登记。辅导员会和你联系，有什么困难都可以跟老师说，准备好了随时回来找我。"
    return f"已登记：{name}{'（' + slots.reason + '）' if slots.reason else ''}。发送“推荐”看看为你匹配的岗位，加油！"


def deny(turn: Turn) -> None:
    if turn.memory.pending.get("denied"):
        turn.memory.clear()
        turn.say("好的，就业状态没有修改。")
        return
    turn.memory.pending["denied"] = True
    turn.say("好的，请再说一下现在的情况，比如“签了劳动合同，在武汉”或“还在找工作”。不想改了就回复“算了”。")
