"""Clarifying questions with numbered choices, for statuses the graduate's words leave open.

Each choice carries the code (and 未就业原因) it stands for, so "2" answers the question without a second
round of guessing. The choice lists are short: a chat reply, not a form.
"""

from __future__ import annotations

from bot.dialogue.result import Choice, Clarification

_EMPLOYED = Clarification(
    "恭喜！请问你和单位签的是哪一种？回复编号：",
    (
        Choice(1, "就业协议（三方协议）", "10"),
        Choice(2, "劳动合同", "11"),
        Choice(3, "没签协议或合同，单位出具了录用证明/接收函", "12"),
        Choice(4, "还没签，正在等签约", "70", "签约中"),
    ),
)
_OPEN = Clarification(
    "能再具体说说吗？回复编号：",
    (
        Choice(1, "已签就业协议（三方协议）", "10"),
        Choice(2, "已签劳动合同", "11"),
        Choice(3, "拿到offer，还没签", "70", "签约中"),
        Choice(4, "考上研究生/专升本", "80"),
        Choice(5, "还在找工作", "70", "求职中"),
    ),
)
_NOT_YET = Clarification(
    "明白，目前是哪种情况？回复编号：",
    (
        Choice(1, "还在找工作", "70", "求职中"),
        Choice(2, "有offer还没签", "70", "签约中"),
        Choice(3, "准备考公/考编", "70", "拟参加公招考试"),
        Choice(4, "准备考研/专升本", "71", "拟升学"),
        Choice(5, "暂时不打算就业", "72", "暂不就业"),
    ),
)


def status_question(candidates: tuple[str, ...]) -> Clarification:
    """The question for a status whose code is one of `candidates` (10/11/12: which document was signed)."""
    if set(candidates) <= {"10", "11", "12"}:
        return _EMPLOYED
    if set(candidates) <= {"70", "71", "72"}:
        return _NOT_YET
    return _OPEN


def not_yet_question() -> Clarification:
    """Asked when a graduate answers "no" to "工作有着落了吗？"."""
    return _NOT_YET
