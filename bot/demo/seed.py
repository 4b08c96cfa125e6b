"""Write the demo school into the database, once: `jiuye demo`.

One transaction (SQLite BEGIN IMMEDIATE; PostgreSQL advisory lock, so two seeders never race). The marker is
the demo's first college code: if it is there, nothing is written and the accounts file is re-created from the
seed and day recorded in the audit log, so it always describes the rows that exist. If any natural key of the
demo (college, class, 学号, username, employer, credit code, posting key) is already taken by other data,
nothing is written and a Chinese error says which; real data is never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.container import Container
from bot.demo.accounts import DEFAULT_PATH, build_accounts, write_accounts
from bot.demo.catalogue import MARKER_COLLEGE
from bot.demo.faq import FAQ
from bot.demo.generator import generate, is_open
from bot.demo.model import DemoEmployer, DemoGraduate, DemoPosting, DemoSchool
from bot.domain import ChannelKind, StatusSource
from bot.errors import Conflict
from bot.security import audit
from bot.security.passwords import hash_password
from bot.security.pii import PiiCipher
from models import (
    AuditLog,
    College,
    Employer,
    FaqEntry,
    Graduate,
    GraduatePreference,
    Major,
    Posting,
    SchoolClass,
    StaffUser,
    StatusRecord,
)

AUDIT_ACTION = "demo.seed"
_PG_LOCK_KEY = 7_426_001  # arbitrary; taken only by demo seeding


@dataclass(frozen=True)
class SeedResult:
    created: bool  # False: the demo school was already there, nothing written
    school: DemoSchool
    accounts_path: Path
    counts: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def local_today(container: Container) -> date:
    return container.clock.now().astimezone(ZoneInfo(container.settings.schedule.timezone)).date()


def seed_demo(
    container: Container,
    *,
    seed: int = 2026,
    today: date | None = None,
    accounts_path: Path = DEFAULT_PATH,
) -> SeedResult:
    """Seed the demo school unless it is there; (re)write the accounts file either way."""
    fresh: DemoSchool | None = None
    notes: tuple[str, ...] = ()
    with container.sessions() as session:
        recorded = _recorded_run(session)
        if recorded is None:
            fresh = generate(seed, today=today or local_today(container))
            _refuse_conflicts(session, fresh)  # fail fast; checked again under the write lock
    # Hash before taking the write lock: argon2 is the slow part and needs no database.
    if fresh is not None and _write_once(container, fresh, hash_passwords(fresh)):
        school, created = fresh, True
    else:
        if recorded is None:  # another seeder won the race
            with container.sessions() as session:
                recorded = _recorded_run(session)
        if recorded is None:
            raise Conflict("演示数据写入被并发操作打断，请重新运行 jiuye demo。")
        school, created = generate(recorded[0], today=recorded[1]), False
        if recorded[0] != seed:
            notes = (f"演示学校已按种子 {recorded[0]} 生成，忽略本次指定的种子 {seed}。",)
    write_accounts(accounts_path, build_accounts(school, web_account=_web_account(container)))
    return SeedResult(created, school, accounts_path, summary_counts(school), notes)


def hash_passwords(school: DemoSchool) -> dict[str, str]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        hashes = pool.map(hash_password, [s.password for s in school.staff])
        return dict(zip([s.username for s in school.staff], hashes, strict=True))


def _write_once(container: Container, school: DemoSchool, hashes: dict[str, str]) -> bool:
    """Write the school in one transaction; False if a demo school appeared meanwhile."""
    with container.sessions() as session, session.begin():
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        if session.get_bind().dialect.name == "postgresql":
            session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        if _recorded_run(session) is not None:
            return False
        _refuse_conflicts(session, school)
        _write(session, container, school, hashes)
    return True


def _recorded_run(session: Session) -> tuple[int, date] | None:
    """(seed, day) of the demo already in the database, or None when there is none."""
    if session.scalar(sa.select(College.id).where(College.code == MARKER_COLLEGE)) is None:
        return None
    detail = session.scalar(
        sa.select(AuditLog.detail).where(AuditLog.action == AUDIT_ACTION).order_by(AuditLog.id.desc()).limit(1)
    )
    if not detail:
        raise Conflict(
            f"数据库中已有学院代码 {MARKER_COLLEGE}，但找不到演示数据的生成记录，无法确认其来源；未做任何修改。"
        )
    return int(detail["seed"]), date.fromisoformat(str(detail["today"]))


def _web_account(container: Container) -> str:
    web = [ch.account for ch in container.file_config.channels if ch.kind == ChannelKind.WEB.value]
    return web[0] if web else "demo"


def summary_counts(school: DemoSchool) -> dict[str, int]:
    return {
        "colleges": len(school.colleges),
        "majors": len(school.majors),
        "classes": len(school.classes),
        "graduates": len(school.graduates),
        "hardship": sum(g.is_hardship for g in school.graduates),
        "with_status": sum(g.status is not None for g in school.graduates),
        "preferences": sum(g.stated is not None for g in school.graduates),
        "employers": len(school.employers),
        "postings": len(school.postings),
        "open_postings": sum(is_open(p, school.today) for p in school.postings),
        "flagged_postings": sum(bool(p.discrimination) for p in school.postings),
        "staff": len(school.staff),
        "faq": len(FAQ),
    }


def _refuse_conflicts(session: Session, school: DemoSchool) -> None:
    checks: Sequence[tuple[str, InstrumentedAttribute[Any], list[str]]] = (
        ("学院代码", College.code, [c.code for c in school.colleges]),
        ("学院", College.name, [c.name for c in school.colleges]),
        ("班级", SchoolClass.name, [c.name for c in school.classes]),
        ("学号", Graduate.student_no, [g.student_no for g in school.graduates]),
        ("账号", StaffUser.username, [s.username for s in school.staff]),
        ("用人单位", Employer.name, [e.name for e in school.employers]),
        ("统一社会信用代码", Employer.credit_code, [e.credit_code for e in school.employers]),
        ("岗位编号", Posting.posting_key, [p.key for p in school.postings]),
    )
    found: list[str] = []
    for label, column, values in checks:
        taken = session.scalars(sa.select(column).where(column.in_(values)).order_by(column).limit(3)).all()
        if taken:
            found.append(f"{label}：{'、'.join(str(v) for v in taken)}")
    if found:
        raise Conflict("数据库中已有与演示数据重名的记录（" + "；".join(found) + "），为保护现有数据，演示数据未写入。")


def _write(session: Session, container: Container, school: DemoSchool, hashes: dict[str, str]) -> None:
    now = container.clock.now()
    stamp: dict[str, Any] = {"created_at": now, "updated_at": now}
    colleges, majors, classes = _write_structure(session, school, hashes, stamp)
    employers = {e.name: _employer(e, stamp) for e in school.employers}
    session.add_all(employers.values())
    session.flush()
    session.add_all([_posting(p, employers[p.employer_name].id, stamp) for p in school.postings])
    tz = ZoneInfo(container.settings.schedule.timezone)
    graduates = [
        _graduate(g, container.pii, tz, (colleges[g.college_code], majors[g.major_code], classes[g.class_name]))
        for g in school.graduates
    ]
    for row in graduates:
        row.created_at = row.updated_at = now
    session.add_all(graduates)
    session.add_all(FaqEntry(question=q, answer=a, keywords=k, updated_at=now) for q, a, k in FAQ)
    session.flush()
    for row, g in zip(graduates, school.graduates, strict=True):
        if g.stated is not None:
            session.add(_preference(row.id, g, now))
        if g.status is not None:
            session.add(_status_record(row.id, g, container.codebook.version, tz))
    entry = audit.record(
        session,
        actor="cli",
        action=AUDIT_ACTION,
        object_type="demo",
        object_id=school.seed,
        detail={"seed": school.seed, "today": school.today.isoformat(), "counts": summary_counts(school)},
    )
    entry.at = now
    session.flush()


def _write_structure(
    session: Session, school: DemoSchool, hashes: dict[str, str], stamp: dict[str, Any]
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Colleges, majors, staff and classes; returns the new ids of colleges, majors and classes by natural key."""
    colleges = {c.code: College(code=c.code, name=c.name, **stamp) for c in school.colleges}
    session.add_all(colleges.values())
    session.flush()
    majors = {
        m.code: Major(
            college_id=colleges[m.college_code].id,
            code=m.code,
            name=m.name,
            class_code=m.class_code,
            class_name=m.class_name,
            category_code=m.category_code,
            category_name=m.category_name,
            level=int(m.level),
            **stamp,
        )
        for m in school.majors
    }
    staff = {
        s.username: StaffUser(
            username=s.username,
            display_name=s.display_name,
            role=s.role,
            college_id=colleges[s.college_code].id if s.college_code else None,
            password_hash=hashes[s.username],
            **stamp,
        )
        for s in school.staff
    }
    session.add_all([*majors.values(), *staff.values()])
    session.flush()
    classes = {
        c.name: SchoolClass(
            name=c.name,
            college_id=colleges[c.college_code].id,
            major_id=majors[c.major_code].id,
            cohort=c.cohort,
            counselor_id=staff[c.counselor].id,
            **stamp,
        )
        for c in school.classes
    }
    session.add_all(classes.values())
    session.flush()
    return (
        {k: v.id for k, v in colleges.items()},
        {k: v.id for k, v in majors.items()},
        {k: v.id for k, v in classes.items()},
    )


def _employer(e: DemoEmployer, stamp: dict[str, Any]) -> Employer:
    return Employer(
        name=e.name,
        credit_code=e.credit_code,
        nature_code=e.nature_code,
        industry_code=e.industry_code,
        adcode=e.adcode,
        **stamp,
    )


def _posting(p: DemoPosting, employer_id: int, stamp: dict[str, Any]) -> Posting:
    return Posting(
        posting_key=p.key,
        employer_id=employer_id,
        title=p.title,
        description=p.description,
        place_text=p.place_text,
        adcode=p.adcode,
        nationwide=p.nationwide,
        industry_code=p.industry_code,
        majors_any=p.majors_any,
        accepted_majors=list(p.accepted_majors),
        majors_text=p.majors_text,
        min_education=int(p.min_education),
        salary_min=p.salary_min,
        salary_max=p.salary_max,
        salary_months=p.salary_months,
        salary_text=p.salary_text,
        headcount=p.headcount,
        deadline=p.deadline,
        published_on=p.published_on,
        contact=p.contact,
        source="demo",
        review_state=p.review_state,
        review_note="岗位要求含性别、户籍等限制，涉嫌就业歧视，待人工审核。" if p.discrimination else None,
        flags={"discrimination": list(p.discrimination)} if p.discrimination else {},
        status=p.status,
        **stamp,
    )


def _graduate(g: DemoGraduate, pii: PiiCipher, tz: ZoneInfo, ids: tuple[int, int, int]) -> Graduate:
    college_id, major_id, class_id = ids
    status = g.status
    return Graduate(
        student_no=g.student_no,
        exam_no=g.exam_no,
        name=g.name,
        gender=g.gender,
        education=int(g.education),
        cohort=g.cohort,
        college_id=college_id,
        major_id=major_id,
        class_id=class_id,
        origin_adcode=g.origin_adcode,
        hardship_mask=g.hardship_mask,
        flag_poverty=g.flag_poverty,
        flag_dibao=g.flag_dibao,
        flag_zero_employment=g.flag_zero_employment,
        flag_disability=g.flag_disability,
        phone_enc=pii.encrypt(g.phone),
        id_number_enc=pii.encrypt(g.id_number),
        bind_secret_digest=pii.digest(g.binding_secret),
        destination_code=status.destination_code if status else None,
        unplaced_reason=status.unplaced_reason if status else None,
        employer_name=status.employer_name if status else None,
        status_updated_at=_at(status.on, tz) if status else None,
        unplaced_since=status.on if status and not status.placed else None,
    )


def _preference(graduate_id: int, g: DemoGraduate, now: datetime) -> GraduatePreference:
    pref = g.stated
    assert pref is not None
    return GraduatePreference(
        graduate_id=graduate_id,
        city_adcodes=list(pref.city_adcodes),
        province_adcodes=list(pref.province_adcodes),
        any_place=pref.any_place,
        industry_codes=list(pref.industry_codes),
        positions=list(pref.positions),
        skills=list(pref.skills),
        salary_min=pref.salary_min,
        employer_natures=list(pref.employer_natures),
        raw_text=g.stated_text,
        source="demo",
        updated_at=now,
    )


def _status_record(graduate_id: int, g: DemoGraduate, code_version: str, tz: ZoneInfo) -> StatusRecord:
    s = g.status
    assert s is not None
    return StatusRecord(
        graduate_id=graduate_id,
        destination_code=s.destination_code,
        unplaced_reason=s.unplaced_reason,
        employer_name=s.employer_name,
        employer_credit_code=s.employer_credit_code,
        employer_nature_code=s.employer_nature_code,
        industry_code=s.industry_code,
        place_adcode=s.place_adcode,
        place_text=s.place_text,
        study_country=s.study_country,
        source=StatusSource.IMPORT,
        verified=False,
        note="演示数据：初始毕业去向",
        code_version=code_version,
        created_at=_at(s.on, tz),
    )


def _at(day: date, tz: ZoneInfo) -> datetime:
    """A status date as an aware instant: 10:00 school time that day."""
    return datetime.combine(day, time(10, 0), tzinfo=tz)
