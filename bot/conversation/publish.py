""" "发布岗位 <text>": a posting a counselor types in one message, saved for review (never published as is).

The parser's draft becomes a `postings` row with source "chat" and review state PENDING, or FLAGGED with the
phrases `bot.postings_review.discrimination_flags` found; the employer is upserted by name, majors resolve to
catalogue codes like an imported sheet's, and the key is the import's (employer + title + place), so the same
posting typed twice, or typed and imported, is one row.
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.codes import places
from bot.codes.majors import load as load_catalogue
from bot.conversation import render
from bot.conversation.turn import Turn
from bot.dialogue import ParseResult, PostingDraft
from bot.domain import PostingStatus, ReviewState
from bot.imports.postings import posting_key, resolve_majors
from bot.postings.review import discrimination_flags
from bot.security import audit
from models import Employer, Major, Posting, StaffUser

EXAMPLE = "发布岗位 华工激光招聘机械工程师3名，武汉，本科，机械类专业，月薪8千-1.1万，截止6月30日"
_FIELD_NAMES = {"title": "岗位名称", "employer": "单位名称", "place": "工作地点"}


def _employer(turn: Turn, name: str) -> Employer:
    row = turn.session.scalars(sa.select(Employer).where(Employer.name == name)).first()
    if row is None:
        row = Employer(name=name, created_at=turn.now, updated_at=turn.now)
        turn.session.add(row)
        turn.session.flush()
    return row


def _majors(turn: Turn, draft: PostingDraft) -> tuple[bool, list[str], str]:
    if draft.majors_any or not draft.majors:
        return True, [], ""
    school: dict[str, list[str]] = {}
    for name, code in turn.session.execute(sa.select(Major.name, Major.code).distinct()):
        school.setdefault(name, []).append(code)
    return resolve_majors("、".join(draft.majors), school, load_catalogue())


def publish(turn: Turn, user: StaffUser, result: ParseResult) -> None:
    draft = result.posting
    if draft is None or draft.missing:
        missing = "、".join(_FIELD_NAMES.get(m, m) for m in (draft.missing if draft else ("title", "employer")))
        turn.say(f"岗位信息还缺少：{missing}。请按这样的格式重新发送：\n{EXAMPLE}")
        return
    assert draft.title and draft.employer and draft.place_adcode
    nationwide = draft.place_adcode == places.NATIONWIDE.adcode
    place_text = "全国" if nationwide else places.short_name_of(draft.place_adcode)
    key = posting_key(draft.employer, draft.title, place_text)
    existing = turn.session.scalar(sa.select(Posting.id).where(Posting.posting_key == key))
    if existing is not None:
        turn.say(f"这个岗位已经登记过了（岗位编号 {existing}），不用重复发布。")
        return
    any_major, codes, unknown = _majors(turn, draft)
    flags = discrimination_flags(result.text)
    posting = Posting(
        posting_key=key, employer_id=_employer(turn, draft.employer).id, title=draft.title[:128],
        description=result.text[:2000], place_text=place_text, adcode=None if nationwide else draft.place_adcode,
        nationwide=nationwide, majors_any=any_major, accepted_majors=codes, majors_text="、".join(draft.majors)[:256],
        min_education=int(draft.education or 0), salary_min=draft.salary_min, salary_max=draft.salary_max,
        salary_text="", headcount=draft.headcount or 1, deadline=draft.deadline, published_on=turn.today,
        source="chat", review_state=ReviewState.FLAGGED if flags else ReviewState.PENDING,
        flags={"discrimination": flags} if flags else {}, status=PostingStatus.OPEN, created_by_id=user.id,
        created_at=turn.now, updated_at=turn.now,
    )  # fmt: skip
    turn.session.add(posting)
    turn.session.flush()
    audit.record(
        turn.session, actor=user.username, actor_user_id=user.id, action="posting.create_chat",
        object_type="posting", object_id=posting.id,
        detail={"title": posting.title, "employer": draft.employer, "flags": flags, "unknown_majors": unknown},
        at=turn.now,
    )  # fmt: skip
    turn.say(_summary(posting.id, draft, place_text, flags))


def _summary(posting_id: int, draft: PostingDraft, place: str, flags: list[str]) -> str:
    lines = [
        f"已收到岗位（编号 {posting_id}），审核通过后才会推荐给同学：",
        f"单位：{draft.employer}",
        f"岗位：{draft.title}　人数：{draft.headcount or 1}",
        f"地点：{place}　薪资：{render.salary_label(draft.salary_min, draft.salary_max)}",
        f"学历：{render.education_label(int(draft.education or 0))}　专业：{'、'.join(draft.majors) or '不限'}",
    ]
    if draft.deadline:
        lines.append(f"截止：{draft.deadline:%Y-%m-%d}")
    elif draft.deadline_text:
        lines.append(f"截止：{draft.deadline_text}（年份不明，请在后台核对）")
    if flags:
        lines.append(f"注意：岗位信息含有可能涉及就业歧视的内容（{'、'.join(flags)}），已标记待人工复核。")
    return "\n".join(lines)
