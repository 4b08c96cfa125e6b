"""Staff in chat on both databases: one-time bind codes, then 统计 / 未回复 / 困难生 / 发布岗位 / 推送 in scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.clock import FakeClock
from bot.container import Container
from bot.domain import ChannelKind, ReviewState
from bot.errors import LoginFailed
from bot.services import auth, staff_binding
from jiuye.cli import app
from models import (
    AuditLog,
    ChannelGroup,
    ChannelIdentity,
    Checkin,
    Employer,
    Graduate,
    OutboxMessage,
    Posting,
    StaffToken,
    StaffUser,
)
from tests.support.channels import CHANNELS
from tests.support.containers import make_container
from tests.support.school import Chat, School, build


@pytest.fixture
def c(db_engine: Engine, clock: FakeClock) -> Container:
    return make_container(db_engine, clock, CHANNELS)


@pytest.fixture
def school(c: Container) -> School:
    return build(c)


def code_for(c: Container, school: School, username: str) -> str:
    with c.sessions.begin() as s:
        user = s.get(StaffUser, school.staff[username])
        assert user is not None
        return staff_binding.issue_code(s, c.pii, user, now=c.clock.now(), actor="admin").code


def staff_chat(
    c: Container,
    school: School,
    username: str,
    user: str = "t-1",
    channel: ChannelKind = ChannelKind.WEB,
    account: str = "demo",
) -> Chat:
    chat = Chat(c, user, channel=channel, account=account)
    assert "绑定成功" in chat(f"绑定工作人员 {code_for(c, school, username)}")
    return chat


def test_a_bind_code_works_once_within_a_day_and_is_no_login_token(
    c: Container, school: School, clock: FakeClock
) -> None:
    code = code_for(c, school, "fdy1")
    first = Chat(c, "t-a")
    assert "fdy1老师，绑定成功" in first(f"绑定工作人员 {code.lower()}")
    with c.sessions() as s:
        who = s.scalars(sa.select(ChannelIdentity).where(ChannelIdentity.platform_user_id == "t-a")).one()
        assert who.staff_user_id == school.staff["fdy1"]
        row = s.scalars(sa.select(StaffToken).where(StaffToken.kind == "bind")).one()
        assert row.revoked and code.replace("-", "") not in row.token_digest
        assert s.scalar(sa.select(sa.func.count()).where(AuditLog.action == "staff.bind_identity")) == 1
    assert "无效或已过期" in Chat(c, "t-b")(f"绑定工作人员 {code}")
    with pytest.raises(LoginFailed):
        auth.authenticate(c, code)
    late = code_for(c, school, "fdy2")
    clock.advance(hours=24, seconds=1)
    assert "无效或已过期" in Chat(c, "t-c")(f"绑定工作人员 {late}")


def test_a_new_code_voids_the_old_one(c: Container, school: School) -> None:
    old = code_for(c, school, "fdy1")
    new = code_for(c, school, "fdy1")
    assert "无效" in Chat(c, "t-d")(f"绑定工作人员 {old}")
    assert "绑定成功" in Chat(c, "t-d")(f"绑定工作人员 {new}")


def test_guessing_codes_locks_the_identity(c: Container, school: School) -> None:
    chat = Chat(c, "t-e")
    for i in range(5):
        chat(f"绑定工作人员 AAAAA-BBBB{i}")
    code = code_for(c, school, "fdy1")
    assert "已暂时锁定" in chat(f"绑定工作人员 {code}")


def test_a_graduate_identity_cannot_become_staff(c: Container, school: School) -> None:
    chat = Chat(c, "g-1")
    chat.bind("2022010101")
    assert "不能再绑定工作人员" in chat(f"绑定工作人员 {code_for(c, school, 'fdy1')}")


def test_stats_count_only_the_counselors_classes(c: Container, school: School) -> None:
    with c.sessions.begin() as s:
        s.execute(sa.update(Graduate).where(Graduate.student_no == "2022010101").values(destination_code="10"))
        s.execute(
            sa.update(Graduate)
            .where(Graduate.student_no == "2022010102")
            .values(destination_code="70", unplaced_reason="求职中")
        )
    fdy1 = staff_chat(c, school, "fdy1")
    stats = fdy1("统计")
    assert stats.startswith("你负责的班级就业统计（截至 6月1日）：\n总人数 3，已落实 1，落实率 33.3%")
    assert "协议和合同就业 1" in stats and "求职中 1" in stats and "未登记去向 1" in stats
    assert "没有找到你负责的班级：软件2201" in fdy1("统计 软件2201")
    admin = staff_chat(c, school, "admin", user="t-admin")
    assert "全校就业统计" in admin("统计") and "总人数 5" in admin("统计")
    assert "总人数 1" in admin("统计 软件2201")
    college = staff_chat(c, school, "yx", user="t-yx")
    assert college("统计").startswith("医学院就业统计") and "总人数 4" in college("统计")
    assert "护理学专业就业统计" in college("统计 护理学专业")


def test_non_responders_are_those_whose_last_checkin_is_unanswered(c: Container, school: School) -> None:
    now = c.clock.now()
    ids = school.graduates

    def asked(no: str, period: str, days_ago: int, answered: bool = False) -> Checkin:
        sent = now - timedelta(days=days_ago)
        return Checkin(graduate_id=ids[no], kind="checkin", period_key=period, due_at=sent, sent_at=sent,
                       answered_at=now if answered else None, channel="web")  # fmt: skip

    with c.sessions.begin() as s:
        s.add_all([
            asked("2022010101", "w1", 8), asked("2022010101", "w2", 1, answered=True), asked("2022010102", "w2", 1),
            asked("2022010201", "w2", 1),
            # A phone-list entry (no channel, never sent) is no unanswered question.
            Checkin(graduate_id=ids["2022010103"], kind="checkin", period_key="phone:checkin:2026-06-01", due_at=now),
        ])  # fmt: skip
    fdy1 = staff_chat(c, school, "fdy1")
    reply = fdy1("未回复")
    assert "（1 人）" in reply and "护理2201：李四（5月31日问）" in reply
    assert "张三" not in reply and "赵六" not in reply and "王五" not in reply


def test_hardship_names_in_private_count_only_in_a_group(c: Container, school: School) -> None:
    fdy1 = staff_chat(c, school, "fdy1", user="50001", channel=ChannelKind.ONEBOT, account="qq")
    assert "护理2201：李四（未登记去向）" in fdy1("困难生")
    group = Chat(c, "50001", channel=ChannelKind.ONEBOT, account="qq", group="888")
    in_group = group("困难生")
    assert "有 1 人" in in_group and "李四" not in in_group and "私聊" in in_group


def test_publishing_a_posting_saves_it_for_review(c: Container, school: School) -> None:
    fdy1 = staff_chat(c, school, "fdy1")
    text = "发布岗位 华工激光招聘机械工程师3名，武汉，本科及以上，机械类专业，月薪8千-1.1万，截止6月30日"
    reply = fdy1(text)
    assert "审核通过后才会推荐" in reply and "单位：华工激光" in reply and "截止：2026-06-30" in reply
    with c.sessions() as s:
        posting = s.scalars(sa.select(Posting).where(Posting.source == "chat")).one()
        assert posting.review_state is ReviewState.PENDING and posting.created_by_id == school.staff["fdy1"]
        assert (posting.title, posting.adcode, posting.salary_min, posting.salary_max) == (
            "机械工程师",
            "420100",
            8000,
            11000,
        )
        assert posting.accepted_majors == ["0802"] and posting.headcount == 3 and posting.min_education == 2
        assert s.scalar(sa.select(sa.func.count()).select_from(Employer).where(Employer.name == "华工激光")) == 1
    assert "已经登记过了" in fdy1(text)
    flagged = fdy1("发布岗位 同济医院招聘护士5名，武汉，限女性，本地户口优先")
    assert "已标记待人工复核" in flagged
    with c.sessions() as s:
        row = s.scalars(sa.select(Posting).where(Posting.title == "护士", Posting.source == "chat")).one()
        assert row.review_state is ReviewState.FLAGGED and row.flags["discrimination"]
    assert "还缺少" in fdy1("发布岗位 月薪五千")


def test_broadcast_plans_pushes_for_those_it_fits_and_notices_the_class_group(c: Container, school: School) -> None:
    posting = school.postings[0]
    zhang = Chat(c, "60001", channel=ChannelKind.ONEBOT, account="qq")
    zhang.bind("2022010101")
    with c.sessions.begin() as s:
        s.add(ChannelGroup(channel=ChannelKind.ONEBOT, account="qq", group_id="9001", name="护理2201群",
                           class_id=school.classes["护理2201"]))  # fmt: skip
        s.execute(sa.update(Graduate).where(Graduate.student_no == "2022010103").values(unsubscribed=True))
    fdy1 = staff_chat(c, school, "fdy1")
    reply = fdy1(f"推送 {posting} 给 护理2201")
    assert "未落实的同学 3 人" in reply and "未退订的 2 人" in reply and "私信推送 1 人" in reply
    assert "1 人暂时没有可推送的渠道" in reply and "群消息 1 个" in reply
    with c.sessions() as s:
        rows = s.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    keys = {r.idempotency_key: r for r in rows}
    private = keys[f"broadcast:{posting}:{school.graduates['2022010101']}"]
    assert (private.channel, private.target_kind, private.target_id, private.intent) == (
        ChannelKind.ONEBOT, "user", "60001", "broadcast"
    )  # fmt: skip
    assert "【岗位推荐】" in private.payload["text"]
    group = keys[f"broadcast:{posting}:group:1"]
    assert (group.target_kind, group.target_id) == ("group", "9001")
    again = fdy1(f"推送 {posting} 给 护理2201")
    assert "此前已推送过" in again
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == len(rows)
        assert s.scalar(sa.select(sa.func.count()).where(AuditLog.action == "posting.broadcast")) == 2


def test_broadcast_respects_scope_review_and_fit(c: Container, school: School) -> None:
    fdy1 = staff_chat(c, school, "fdy1")
    assert "没有找到你负责的班级：软件2201" in fdy1(f"推送 {school.postings[-1]} 给 软件2201")
    with c.sessions.begin() as s:
        s.execute(sa.update(Posting).where(Posting.id == school.postings[1]).values(review_state=ReviewState.PENDING))
    assert "还没有审核通过" in fdy1(f"推送 {school.postings[1]} 给 护理2201")
    software = fdy1(f"推送 {school.postings[-1]} 给 护理2201")  # a 计算机类 posting: no nurse fits
    assert "符合岗位要求（专业、学历）且未退订的 0 人" in software
    many = fdy1("推送 医院 给 护理2201")
    assert "对应多个岗位" in many
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_the_cli_issues_a_code_that_binds_in_chat(c: Container, school: School, cli: CliRunner) -> None:
    result = cli.invoke(app, ["user", "bind-code", "fdy3"])
    assert result.exit_code == 0, result.output
    code = result.stdout.strip().splitlines()[0]
    assert "绑定工作人员" in result.stderr
    assert "绑定成功" in Chat(c, "t-cli")(f"绑定工作人员 {code}")
    missing = cli.invoke(app, ["user", "bind-code", "nobody"])
    assert missing.exit_code == 1 and "找不到用户" in missing.stderr
