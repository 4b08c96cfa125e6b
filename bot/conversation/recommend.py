"""Recommendations in chat: the numbered list ("推荐", "换一批"), details and feedback ("详情 / 感兴趣 / 已投递 /
不合适 N").

The list is the graduate's active matches (rank order) whose postings are still open; the numbers refer to the
list last shown, remembered in the conversation (so "详情 3" works on another channel days later). When the channel
cannot carry a whole page, the first few go out with a link to the graduate's /m/ page. A 不合适 or 已投递 takes
the posting out of the list at once; the matching engine reads the feedback's reason_tags on the next run.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from bot.codes.majors import load as catalogue
from bot.conversation import render
from bot.conversation.turn import Turn
from bot.dialogue import RejectReason, RejectSlots
from bot.domain import FeedbackKind
from bot.services.matching_inline import rematch_in_session
from bot.services.matching_load import open_postings
from models import Employer, Feedback, GraduatePreference, Match, MatchShortfall, Posting

PAGE = 10
log = logging.getLogger(__name__)


def active_items(turn: Turn) -> list[render.RecItem]:
    rows = turn.session.execute(
        sa.select(Match.posting_id, Match.reason, Posting, Employer.name)
        .join(Posting, Match.posting_id == Posting.id)
        .join(Employer, Posting.employer_id == Employer.id)
        .where(Match.graduate_id == turn.graduate_id, Match.active, *open_postings(turn.today))
        # A run that read the feedback before it was given may still list the posting: it stays out.
        .where(Match.posting_id.not_in(_done(turn)))
        .order_by(Match.rank, Match.id)
    )
    return [
        render.RecItem(
            posting_id=pid,
            title=p.title,
            employer=employer,
            place=render.place_label(p.place_text, p.adcode, p.nationwide),
            salary=render.salary_label(p.salary_min, p.salary_max, p.salary_text),
            reason=reason or "",
        )
        for pid, reason, p, employer in rows
    ]


def _done(turn: Turn) -> sa.Select[int]:
    """Postings the graduate turned down or applied to."""
    kinds = (FeedbackKind.REJECTED, FeedbackKind.APPLIED)
    return sa.select(Feedback.posting_id).where(Feedback.graduate_id == turn.graduate_id, Feedback.kind.in_(kinds))


def refresh(turn: Turn, k: int | None = None) -> bool:
    """Rebuild the graduate's list now (`k` long, if given), in this transaction; False if that could not be done.

    A savepoint keeps a failed run from taking the rest of the turn (the wishes just confirmed) with it.
    """
    try:
        with turn.session.begin_nested():
            summary = rematch_in_session(turn.container, turn.session, turn.graduate_id, actor=turn.actor, k=k)
    except Exception:
        log.exception("matching one graduate failed", extra={"graduate_id": turn.graduate_id})
        return False
    return summary is not None


def show(turn: Turn, *, start: int = 0, header: str | None = None, fresh: bool = False) -> None:
    """A page of the list from `start`; an empty list is rebuilt once (unless it was just rebuilt: `fresh`)."""
    items = active_items(turn)
    if not items:
        refreshed = fresh or refresh(turn)
        items = active_items(turn) if refreshed and not fresh else []
        if not items:
            _nothing(turn, refreshed)
            return
    if start >= len(items):
        turn.say(f"为你匹配的 {len(items)} 个岗位已经看完了，从头再给你看一遍。")
        start = 0
    elif start == 0 and header is None and not _has_wishes(turn):
        turn.say("你还没告诉我求职意向，先按你的专业推荐；说说想去哪里、做什么、期望月薪，推荐会更准。")
    _page(turn, items, start, header)


def _has_wishes(turn: Turn) -> bool:
    return turn.session.scalar(sa.select(GraduatePreference.graduate_id).where(
        GraduatePreference.graduate_id == turn.graduate_id)) is not None  # fmt: skip


def more(turn: Turn) -> None:
    """The next page; past the end of the list, a longer list is asked for (K more) before starting over."""
    start = turn.memory.offset
    items = active_items(turn)
    if items and start >= len(items) and refresh(turn, k=len(items) + PAGE):
        grown = active_items(turn)
        if len(grown) > len(items):
            seen = set(turn.memory.shown)
            # The longer list may rank a few postings differently: the next page leaves out what was just shown.
            rest = [item for item in grown[start:] if item.posting_id not in seen] or grown[start:]
            _page(turn, grown[:start] + rest, start, None)
            return
    show(turn, start=start)


def _page(turn: Turn, items: list[render.RecItem], start: int, header: str | None) -> None:
    page = items[start : start + PAGE]
    title = (header or ("再给你看这些岗位" if start else "为你推荐以下岗位")) + f"（共 {len(items)} 个）："
    url = turn.container.links.url(turn.graduate_id) if turn.caps.supports_links else None
    text, count = render.render_list(page, header=title, max_chars=turn.room, reserve=len(url) + 16 if url else 0)
    if count < len(page) and url:
        text += f"\n消息放不下全部 {len(items)} 个岗位，点链接查看完整列表。"
        turn.link(url, "查看全部推荐")
    turn.say(text)
    turn.memory.shown = [item.posting_id for item in page[:count]]
    turn.memory.offset = start + count


def _nothing(turn: Turn, refreshed: bool) -> None:
    if not refreshed:
        turn.say("推荐列表正在更新，请过几分钟再发送“推荐”。")
        return
    shortfall = turn.session.scalar(
        sa.select(MatchShortfall.reason)
        .where(MatchShortfall.graduate_id == turn.graduate_id)
        .order_by(MatchShortfall.id.desc())
        .limit(1)
    )
    graduate = turn.graduate
    assert graduate is not None
    if graduate.destination_code and turn.container.codebook.is_placed(graduate.destination_code):
        turn.say("你已经登记了就业去向，暂时不再推荐岗位。如果想换工作，告诉辅导员或直接说说新的求职意向。")
        return
    text = "暂时没有找到合适的岗位。"
    if shortfall:
        text += f"（{shortfall}）"
    turn.say(text + "可以放宽地点或薪资要求再试，比如“湖北省内都行”“月薪四千以上”；新岗位上线后我也会通知你。")


def _posting_for(turn: Turn, n: int | None) -> int | None:
    if n is None:
        turn.say("请问是第几个岗位？回复编号即可，例如“详情 3”。")
        return None
    if not turn.memory.shown:
        turn.say("请先发送“推荐”查看岗位列表，再用编号告诉我。")
        return None
    pid = turn.memory.posting_at(n)
    if pid is None:
        turn.say(f"编号 {n} 不在刚才的列表里（1-{len(turn.memory.shown)}），请核对后再发。")
    return pid


def detail(turn: Turn, n: int | None) -> None:
    pid = _posting_for(turn, n)
    if pid is None or n is None:
        return
    row = turn.session.execute(
        sa.select(Posting, Employer.name).join(Employer, Posting.employer_id == Employer.id).where(Posting.id == pid)
    ).first()
    if row is None:
        turn.say("这个岗位已经不存在了，发送“推荐”看看其他岗位。")
        return
    posting, employer = row
    reason = turn.session.scalar(
        sa.select(Match.reason).where(Match.graduate_id == turn.graduate_id, Match.posting_id == pid, Match.active)
    )
    view = render.PostingView(
        title=posting.title,
        employer=employer,
        place=render.place_label(posting.place_text, posting.adcode, posting.nationwide),
        salary=render.salary_label(posting.salary_min, posting.salary_max, posting.salary_text),
        education=posting.min_education,
        majors=render.majors_label(posting.majors_any, posting.accepted_majors or [], posting.majors_text, catalogue()),
        headcount=posting.headcount,
        deadline=posting.deadline,
        contact=posting.contact,
        description=posting.description or "",
        reason=reason,
    )
    turn.say(render.posting_detail(n, view, turn.max_chars))


def feedback(turn: Turn, n: int | None, kind: FeedbackKind, reject: RejectSlots | None = None) -> None:
    pid = _posting_for(turn, n)
    if pid is None or n is None:
        return
    title = turn.session.scalar(sa.select(Posting.title).where(Posting.id == pid)) or "该岗位"
    reason = reject.reason if reject is not None else None
    seen = turn.session.scalar(
        sa.select(Feedback.id).where(
            Feedback.graduate_id == turn.graduate_id, Feedback.posting_id == pid, Feedback.kind == kind
        )
    )
    if seen is None or reason is not None:
        turn.session.add(
            Feedback(
                graduate_id=turn.graduate_id,
                posting_id=pid,
                kind=kind,
                reason=reject.text if reject is not None else None,
                reason_tags=[reason.value] if reason is not None else [],
                channel=turn.identity.channel.value,
                created_at=turn.now,
            )
        )
    if kind in (FeedbackKind.REJECTED, FeedbackKind.APPLIED):
        turn.session.execute(
            sa.update(Match)
            .where(Match.graduate_id == turn.graduate_id, Match.posting_id == pid, Match.active)
            .values(active=False)
        )
    turn.say(_feedback_reply(n, title, kind, reason))


def _feedback_reply(n: int, title: str, kind: FeedbackKind, reason: RejectReason | None) -> str:
    if kind is FeedbackKind.INTERESTED:
        return f"已记下你对“{title}”感兴趣。投递后回复“已投递 {n}”，我会帮你跟进。"
    if kind is FeedbackKind.APPLIED:
        return f"已记下你投递了“{title}”，祝你顺利！有面试或录用消息记得告诉我。"
    label = render.REJECT_LABELS.get(reason) if reason is not None else None
    if label:
        return f"好的，“{title}”不再推荐给你；以后会少推{label}的岗位。"
    return f"好的，“{title}”不再推荐给你。方便的话下次说说原因（如“不合适 {n} 太远了”），推荐会更准。"
