"""What planned pushes say (pure): the Chinese texts of check-ins, new matches, deadline reminders and broadcasts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.push.payloads import PushMessage

UNSUBSCRIBE_HINT = "回复“退订”可不再接收提醒。"


@dataclass(frozen=True, slots=True)
class MatchLine:
    title: str
    employer: str
    place: str
    salary: str


def checkin(url: str | None) -> PushMessage:
    return PushMessage(
        text=(
            "同学你好，我是就业助手。最近求职进展如何，工作有着落了吗？\n"
            "直接回复就行，例如“签了华工激光，在武汉”“还在找”“准备考研”。\n" + UNSUBSCRIBE_HINT
        ),
        title="就业状态询问",
        summary="请回复你目前的就业状态",
        url=url,
    )


def followup(url: str | None) -> PushMessage:
    return PushMessage(
        text=(
            "同学，前两天问你的就业情况还没收到回复～方便的话回一句就好，"
            "例如“已签约某某公司”或“还在找工作”，辅导员老师会据此帮你对接岗位。\n" + UNSUBSCRIBE_HINT
        ),
        title="就业状态询问（提醒）",
        summary="还没收到你的就业状态",
        url=url,
    )


def new_matches(lines: Sequence[MatchLine], total: int, url: str | None) -> PushMessage:
    head = f"为你找到 {total} 个新的推荐岗位："
    body = [
        f"{i}. {m.title}｜{m.employer}｜{m.place or '地点不限'}｜{m.salary or '薪资面议'}"
        for i, m in enumerate(lines, 1)
    ]
    more = f"……共 {total} 个，点链接查看全部并反馈“感兴趣 / 已投递 / 不合适”。" if total > len(lines) else ""
    tail = more or "点链接查看详情并反馈“感兴趣 / 已投递 / 不合适”。"
    text = "\n".join([head, *body, tail, UNSUBSCRIBE_HINT])
    first = lines[0].title if lines else "新岗位"
    return PushMessage(text=text, title=f"为你推荐了 {total} 个新岗位", summary=f"{first}等 {total} 个岗位", url=url)


def deadline(title: str, employer: str, until: date, url: str | None) -> PushMessage:
    when = f"{until.month}月{until.day}日"
    return PushMessage(
        text=(
            f"提醒：你感兴趣的岗位“{title}”（{employer}）将于 {when} 截止投递，还没投的话抓紧哦。"
            "投递后回复“已投递”告诉我。\n" + UNSUBSCRIBE_HINT
        ),
        title="岗位即将截止",
        summary=f"{title} {when}截止",
        url=url,
    )


def broadcast(text: str, title: str | None, url: str | None) -> PushMessage:
    heading = title or "岗位通知"
    return PushMessage(text=f"{text}\n{UNSUBSCRIBE_HINT}", title=heading, summary=heading, url=url)
