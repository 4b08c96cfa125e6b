"""The question a conversation is still waiting on, asked again (e.g. after binding on another channel)."""

from __future__ import annotations

from bot.codes.book import CodeBook
from bot.conversation import render
from bot.conversation.memory import Flow, Memory, choice_from, preference_from, status_from


def question(memory: Memory, book: CodeBook) -> str | None:
    pending = memory.pending
    if memory.flow is Flow.CONFIRM_PREFERENCE and "preference" in pending:
        return render.confirm_preference(preference_from(pending["preference"]), book)
    if memory.flow is Flow.CONFIRM_STATUS and "status" in pending:
        return render.confirm_status(status_from(pending["status"]), book)
    if memory.flow is Flow.CHOOSE_STATUS and pending.get("choices"):
        options = [choice_from(c) for c in pending["choices"]]
        return render.choices(str(pending.get("question") or "请回复编号："), options)
    if memory.flow is Flow.CHECKIN:
        return "同学，工作有着落了吗？直接告诉我就行，比如“签了三方，华工激光”或“还在找”。"
    return None


def reminder(memory: Memory, book: CodeBook) -> str | None:
    asked = question(memory, book)
    return f"你之前还有一个问题没回答：\n{asked}" if asked else None
