"""The check-in planner at scale, for `bench.outbox`: a synthetic school of N graduates in the given database.

Statuses: 55 % unplaced (a tenth of them hardship, a tenth 签约中), 45 % placed (a third verified). Channels: 40 %
on WeCom, 20 % on QQ (OneBot), 10 % on the WeChat Official Account (half inside the 48 h window), 30 % unbound.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.bootstrap import bootstrap
from bot.checkins import daily as checkin_job
from bot.clock import FakeClock
from bot.config import FileConfig, OnebotChannel, Settings, WechatMpChannel, WecomChannel
from bot.domain import EducationLevel
from models import ChannelIdentity, CheckinSchedule, College, Graduate, Major, SchoolClass

DAY = datetime(2026, 6, 2, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai, when the check-in job runs
CHANNELS = FileConfig(
    channels=[
        WecomChannel(kind="wecom", account="corp", corp_id="wwbench", agent_id=1, secret="bench-corp-secret-1234",
                     token="benchtoken", encoding_aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"),
        OnebotChannel(kind="onebot", account="qq", api_base="http://127.0.0.1:9"),
        WechatMpChannel(kind="wechat_mp", account="gzh", app_id="wxbench", app_secret="bench-app-secret-1234",
                        token="benchtoken", template_id_checkin="TPL-CHECKIN"),
    ]
)  # fmt: skip


def seed_school(engine: sa.Engine, n: int, rng: random.Random) -> None:
    with engine.begin() as conn:
        college = conn.execute(
            sa.insert(College).values(code="B01", name="基准学院").returning(College.id)
        ).scalar_one()
        major = conn.execute(
            sa.insert(Major)
            .values(college_id=college, code="510201", name="计算机应用技术", class_code="5102", class_name="计算机类",
                    category_code="51", category_name="电子与信息大类", level=int(EducationLevel.ZHUANKE))
            .returning(Major.id)
        ).scalar_one()  # fmt: skip
        names = [
            {"name": f"基准{i:04d}", "college_id": college, "major_id": major, "cohort": 2026}
            for i in range(n // 40 + 1)
        ]
        classes = conn.execute(sa.insert(SchoolClass).returning(SchoolClass.id), names).scalars().all()
        rows = []
        for i in range(n):
            placed = rng.random() < 0.45
            rows.append({
                "student_no": f"B{i:07d}", "name": f"学生{i}", "education": 1, "cohort": 2026, "college_id": college,
                "major_id": major, "class_id": classes[i // 40],
                "destination_code": "10" if placed else "70", "status_verified": placed and rng.random() < 0.33,
                "flag_poverty": not placed and rng.random() < 0.1,
                "unplaced_reason": "签约中" if not placed and rng.random() < 0.1 else None,
            })  # fmt: skip
        ids = conn.execute(sa.insert(Graduate).returning(Graduate.id), rows).scalars().all()
        identities = []
        for gid in ids:
            r = rng.random()
            last = None
            if r < 0.4:
                channel, account, user = "wecom", "corp", f"w{gid}"
            elif r < 0.6:
                channel, account, user = "onebot", "qq", str(100000 + gid)
            elif r < 0.7:
                channel, account, user = "wechat_mp", "gzh", f"o{gid}"
                last = DAY - timedelta(hours=rng.choice([2, 60]))
            else:
                continue
            identities.append({
                "channel": channel, "account": account, "platform_user_id": user, "last_inbound_at": last,
                "graduate_id": gid, "window_sent": 0, "bind_failures": 0, "subscribed": True, "created_at": DAY,
            })  # fmt: skip
        conn.execute(sa.insert(ChannelIdentity), identities)


def answer_most(engine: sa.Engine, share: float, at: datetime, rng: random.Random) -> None:
    """`share` of the graduates asked answer an hour later (as record_answer would note it)."""
    with engine.begin() as conn:
        ids = conn.execute(sa.select(CheckinSchedule.graduate_id)).scalars().all()
        chosen = [{"g": gid} for gid in ids if rng.random() < share]
        stmt = (
            sa.update(CheckinSchedule)
            .where(CheckinSchedule.graduate_id == sa.bindparam("g"))
            .values(last_answered_at=at, unanswered=0)
        )
        conn.execute(stmt, chosen)


def plan_bench(url: str, n: int) -> dict[str, Any]:
    """Seed, then time: the pure decision over everyone, the first day (everyone due), and a week of days after
    70 % answered the first question (follow-ups, 3-day and weekly cadences)."""
    settings = Settings(
        database_url=url, secret_key="bench-secret-key-0123456789-abcdefghijklmnop",  # type: ignore[arg-type]
        data_key="YmVuY2gtZGF0YS1rZXktMzItYnl0ZXMtbG9uZyEhISE=",  # type: ignore[arg-type]
        config=Path("/nonexistent/jiuye.toml"), log_level="WARNING",
    )  # fmt: skip
    clock = FakeClock(DAY)
    rng = random.Random(2026)
    c = bootstrap(settings, file_config=CHANNELS, clock=clock, configure_logs=False)
    try:
        t0 = time.perf_counter()
        seed_school(c.engine, n, rng)
        seeded = time.perf_counter() - t0
        with c.sessions() as session:
            t1 = time.perf_counter()
            facts = checkin_job.load_facts(session, c)
            loaded = time.perf_counter() - t1
        t2 = time.perf_counter()
        todo = checkin_job.plan_day(facts, clock.now(), c.settings.schedule)
        decided = time.perf_counter() - t2
        first = checkin_job.run(c)
        answer_most(c.engine, 0.7, DAY + timedelta(hours=1), rng)
        week = []
        for day in range(1, 8):
            clock.set(DAY + timedelta(days=day))
            r = checkin_job.run(c)
            week.append({"day": day, "s": round(r.duration_ms / 1000, 2), "checkins": r.checkins,
                         "followups": r.followups, "escalated": r.escalated})  # fmt: skip
    finally:
        c.dispose()
    return {
        "graduates": n,
        "seed_s": round(seeded, 2),
        "load_facts_s": round(loaded, 3),
        "pure_decide_s": round(decided, 3),
        "due_first_day": len(todo),
        "first_day_job_s": round(first.duration_ms / 1000, 2),
        "first_day": {"checkins": first.checkins, "queued": first.queued, "phone": first.phone},
        "week_after": week,
        "typical_day_max_s": max(d["s"] for d in week),
        "target_s": 10,
    }
