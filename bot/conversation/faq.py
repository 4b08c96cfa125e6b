"""FAQ answers: the counselors' entries (active; the asker's college or global), searched with BM25.

Tokenising every entry per message would cost more than the rest of a turn, so an index is built once per
set of entries and kept in the container's `FaqIndexCache` until an entry changes (count, newest id or last edit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.dialogue import FaqHit, FaqIndex, FaqRecord
from models import FaqEntry

if TYPE_CHECKING:
    from bot.container import Container


def _visible(college_id: int | None) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = [FaqEntry.active.is_(True)]
    if college_id is None:
        conds.append(FaqEntry.college_id.is_(None))
    else:
        conds.append(sa.or_(FaqEntry.college_id.is_(None), FaqEntry.college_id == college_id))
    return conds


def index_for(container: Container, session: Session, college_id: int | None) -> FaqIndex:
    conds = _visible(college_id)
    signature: tuple[Any, ...] = tuple(
        session.execute(
            sa.select(sa.func.count(), sa.func.max(FaqEntry.id), sa.func.max(FaqEntry.updated_at)).where(*conds)
        ).one()
    )
    cached = container.faq_indexes.get(college_id, signature)
    if cached is not None:
        return cached
    rows = session.execute(sa.select(FaqEntry.id, FaqEntry.question, FaqEntry.answer, FaqEntry.keywords).where(*conds))
    index = FaqIndex([FaqRecord(question=q, answer=a, keywords=k or "", id=i) for i, q, a, k in rows])
    container.faq_indexes.put(college_id, signature, index)
    return index


def search(container: Container, session: Session, college_id: int | None, query: str) -> list[FaqHit]:
    return index_for(container, session, college_id).search(query, limit=3)


def answer(hits: list[FaqHit]) -> str:
    best = hits[0].entry
    text = f"【{best.question}】\n{best.answer}"
    others = [h.entry.question for h in hits[1:]]
    if others:
        text += "\n\n相关问题：" + "；".join(others)
    return text
