"""Feedback from the /m page, recorded exactly as in chat: a `feedback` row per answer (a repeated answer of the
same kind is not stored twice unless it brings a reason); 已投递 and 不合适 take the posting out of the graduate's
current list at once, and the next matching run reads the 不合适 reason tags."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.dialogue import RejectReason
from bot.domain import FeedbackKind
from bot.errors import InvalidInput, NotFound
from models import Feedback, Match, Posting

MAX_REASON = 200
CHANNEL = "mobile"
REASON_LABELS = {
    RejectReason.TOO_FAR: "离得太远",
    RejectReason.SALARY_LOW: "薪资偏低",
    RejectReason.NOT_MY_MAJOR: "专业不对口",
    RejectReason.NOT_INTERESTED: "不感兴趣",
    RejectReason.REQUIREMENTS: "要求够不着",
    RejectReason.OTHER: "其他原因",
}
KIND_LABELS = {FeedbackKind.INTERESTED: "感兴趣", FeedbackKind.APPLIED: "已投递", FeedbackKind.REJECTED: "不合适"}


def record(
    session: Session,
    graduate_id: int,
    posting_id: int,
    kind: str,
    *,
    reason_tag: str | None,
    reason_text: str | None,
    now: datetime,
) -> str:
    """Store one answer; returns the posting's title. Raises InvalidInput / NotFound with a Chinese message."""
    try:
        fk = FeedbackKind(kind)
    except ValueError as exc:
        raise InvalidInput(["请选择“感兴趣”“已投递”或“不合适”"]) from exc
    tag: RejectReason | None = None
    if reason_tag:
        try:
            tag = RejectReason(reason_tag)
        except ValueError as exc:
            raise InvalidInput(["不合适的原因不在可选范围内"]) from exc
    text = (reason_text or "").strip() or None
    if text is not None and len(text) > MAX_REASON:
        raise InvalidInput([f"原因太长（最多 {MAX_REASON} 字）"])
    if fk is not FeedbackKind.REJECTED:
        tag, text = None, None
    listed = session.execute(
        sa.select(Posting.title)
        .join(Match, Match.posting_id == Posting.id)
        .where(Match.graduate_id == graduate_id, Match.posting_id == posting_id, Match.active)
    ).first()
    if listed is None:
        raise NotFound("该岗位已不在你的推荐列表中（可能已投递、已标记不合适或推荐已更新），请刷新页面")
    seen = session.scalar(
        sa.select(Feedback.id).where(
            Feedback.graduate_id == graduate_id, Feedback.posting_id == posting_id, Feedback.kind == fk
        )
    )
    if seen is None or tag is not None or text is not None:
        session.add(
            Feedback(
                graduate_id=graduate_id,
                posting_id=posting_id,
                kind=fk,
                reason=text,
                reason_tags=[tag.value] if tag is not None else [],
                channel=CHANNEL,
                created_at=now,
            )
        )
    if fk in (FeedbackKind.APPLIED, FeedbackKind.REJECTED):
        session.execute(
            sa.update(Match)
            .where(Match.graduate_id == graduate_id, Match.posting_id == posting_id, Match.active)
            .values(active=False)
        )
    return str(listed[0])
