"""`jiuye user ...` end to end: the real CLI, its own container from JIUYE_* settings, a real database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from bot.clock import FakeClock
from bot.container import Container
from bot.domain import Role
from bot.errors import AccountLocked, LoginFailed
from bot.services import auth
from jiuye.cli import app
from models import AuditLog, College, SchoolClass, StaffUser
from models.db import transaction

PASSWORD = "Zhiye-guihua-88"


@pytest.fixture
def cli(cli: CliRunner, container: Container) -> CliRunner:
    """The shared runner, with two colleges and three classes in the database."""
    with transaction(container.sessions) as s:
        for code, name, classes in (("01", "信息工程学院", ["计应2201", "计应2202"]), ("02", "护理学院", ["护理2201"])):
            college = College(code=code, name=name)
            s.add(college)
            s.flush()
            s.add_all(SchoolClass(name=c, college_id=college.id, cohort=2025) for c in classes)
    return cli


def run(runner: CliRunner, *args: str, password: str | None = None) -> Result:
    return runner.invoke(app, ["user", *args], input=None if password is None else password + "\n")


def create(runner: CliRunner, *args: str, password: str = PASSWORD) -> Result:
    return run(runner, "create", *args, "--password-stdin", password=password)


def staff(container: Container, username: str) -> StaffUser | None:
    with container.sessions() as s:
        return s.scalars(sa.select(StaffUser).where(StaffUser.username == username)).one_or_none()


def class_counselors(container: Container) -> dict[str, str | None]:
    with container.sessions() as s:
        rows = s.execute(
            sa.select(SchoolClass.name, StaffUser.username).outerjoin(
                StaffUser, SchoolClass.counselor_id == StaffUser.id
            )
        )
        return {name: username for name, username in rows}


def cli_audit(container: Container) -> list[tuple[str, str, dict[str, object]]]:
    with container.sessions() as s:
        rows = s.scalars(sa.select(AuditLog).order_by(AuditLog.id))
        return [(r.actor, r.action, r.detail) for r in rows]


def test_create_each_role(cli: CliRunner, container: Container) -> None:
    admin = create(cli, "Admin", "--role", "admin", "--name", "教务处 王老师")
    assert admin.exit_code == 0, admin.output
    assert "已创建管理员 admin（教务处 王老师）" in admin.output
    college = create(cli, "xy01", "--role", "college", "--college", "01")
    assert college.exit_code == 0, college.output
    counselor = create(cli, "fdy1", "--role", "counselor", "--classes", "计应2201，计应2202")
    assert counselor.exit_code == 0, counselor.output
    created = staff(container, "admin")
    assert created is not None and created.role is Role.ADMIN and created.password_hash.startswith("$argon2id$")
    xy01, fdy1 = staff(container, "xy01"), staff(container, "fdy1")
    assert xy01 is not None and fdy1 is not None
    assert xy01.college_id is not None and fdy1.college_id == xy01.college_id  # taken from the classes
    assert class_counselors(container) == {"计应2201": "fdy1", "计应2202": "fdy1", "护理2201": None}
    rows = cli_audit(container)
    assert {actor for actor, _, _ in rows} == {"cli"}
    assert [(a, d["username"]) for _, a, d in rows] == [
        ("user.create", "admin"),
        ("user.create", "xy01"),
        ("user.create", "fdy1"),
        ("user.class_assign", "fdy1"),
        ("user.class_assign", "fdy1"),
    ]
    assert len(auth.login(container, "fdy1", PASSWORD).principal.class_ids) == 2


def test_bad_input_reports_every_problem_and_writes_nothing(cli: CliRunner, container: Container) -> None:
    result = create(
        cli, "fdy9", "--role", "counselor", "--college", "02", "--classes", "计应2201,不存在班", password="123"
    )
    assert result.exit_code == 1
    for problem in (
        "密码至少需要 10 个字符",
        "密码不能全是数字",
        "找不到班级：不存在班",
        "班级不属于学院 护理学院：计应2201",
    ):
        assert problem in result.output
    assert staff(container, "fdy9") is None
    assert cli_audit(container) == []
    same = create(cli, "wangwu1", "--role", "admin", password="WangWu1")
    assert same.exit_code == 1 and "密码不能与用户名相同" in same.output
    role = create(cli, "x", "--role", "boss")
    assert role.exit_code == 1 and "角色必须是" in role.output and "用户名须为" in role.output
    college = create(cli, "xy02", "--role", "college")
    assert college.exit_code == 1 and "必须用 --college 指定学院" in college.output
    unknown = create(cli, "xy02", "--role", "college", "--college", "法学院")
    assert unknown.exit_code == 1 and "找不到学院：法学院" in unknown.output
    admin_classes = create(cli, "admin2", "--role", "admin", "--classes", "计应2201")
    assert admin_classes.exit_code == 1 and "只有辅导员需要指定班级" in admin_classes.output
    assert cli_audit(container) == []


def test_duplicate_username_is_refused(cli: CliRunner) -> None:
    assert create(cli, "admin", "--role", "admin").exit_code == 0
    again = create(cli, "ADMIN", "--role", "admin")
    assert again.exit_code == 1 and "用户名 admin 已存在" in again.output


def test_password_needs_stdin_without_a_terminal(cli: CliRunner, container: Container) -> None:
    result = run(cli, "create", "admin", "--role", "admin")
    assert result.exit_code == 1 and "--password-stdin" in result.output
    empty = run(cli, "create", "admin", "--role", "admin", "--password-stdin", password="")
    assert empty.exit_code == 1 and "没有密码" in empty.output
    assert staff(container, "admin") is None


def test_list_shows_roles_scope_and_state(cli: CliRunner) -> None:
    empty = run(cli, "list")
    assert empty.exit_code == 0 and "还没有账号" in empty.output
    create(cli, "admin", "--role", "admin")
    create(cli, "fdy1", "--role", "counselor", "--name", "李老师", "--classes", "护理2201")
    create(cli, "fdy2", "--role", "counselor")
    run(cli, "disable", "fdy2")
    lines = run(cli, "list").output.splitlines()
    assert lines[0].startswith("admin\tadmin\t管理员\t全校\t正常\t最近登录 从未登录")
    assert lines[1].startswith("fdy1\t李老师\t辅导员\t护理学院：护理2201\t正常")
    assert lines[2].startswith("fdy2\tfdy2\t辅导员\t未指定学院\t已停用")


def test_assign_and_remove_classes(cli: CliRunner, container: Container) -> None:
    create(cli, "fdy1", "--role", "counselor", "--classes", "计应2201")
    create(cli, "fdy2", "--role", "counselor", "--classes", "计应2202")
    moved = run(cli, "classes", "fdy1", "--add", "计应2202")
    assert moved.exit_code == 0, moved.output
    assert "班级 计应2202 原由 fdy2 负责，现改为 fdy1" in moved.output
    assert class_counselors(container)["计应2202"] == "fdy1"
    # fdy1 belongs to 信息工程学院 (from their first class), so a nursing class is refused.
    outside = run(cli, "classes", "fdy1", "--add", "护理2201")
    assert outside.exit_code == 1 and "不属于该辅导员所在学院" in outside.output
    not_theirs = run(cli, "classes", "fdy2", "--remove", "计应2201")
    assert not_theirs.exit_code == 1 and "不由 fdy2 负责" in not_theirs.output
    removed = run(cli, "classes", "fdy1", "--remove", "计应2201")
    assert removed.exit_code == 0
    assert class_counselors(container) == {"计应2201": None, "计应2202": "fdy1", "护理2201": None}
    nothing = run(cli, "classes", "fdy1")
    assert nothing.exit_code == 1 and "--add 或 --remove" in nothing.output
    assert run(cli, "classes", "ghost", "--add", "计应2201").exit_code == 1
    actions = [(a, d.get("class"), d.get("previous_counselor")) for _, a, d in cli_audit(container) if "class_" in a]
    assert actions == [
        ("user.class_assign", "计应2201", None),
        ("user.class_assign", "计应2202", None),
        ("user.class_assign", "计应2202", "fdy2"),
        ("user.class_unassign", "计应2201", None),
    ]


def test_token_is_printed_once_and_works(cli: CliRunner, container: Container, clock: FakeClock) -> None:
    create(cli, "xy01", "--role", "college", "--college", "信息工程学院")
    result = run(cli, "token", "xy01", "--name", "导出脚本", "--days", "30")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("jyk_") and "\n" not in token
    assert "只显示这一次" in result.stderr
    assert auth.authenticate(container, token).username == "xy01"
    assert run(cli, "token", "xy01", "--name", "导出脚本").exit_code == 1  # the name is in use
    assert run(cli, "token", "xy01", "--name", "x", "--days", "0").exit_code == 1
    revoked = run(cli, "revoke-token", "xy01", "--name", "导出脚本")
    assert revoked.exit_code == 0, revoked.output
    with pytest.raises(LoginFailed):
        auth.authenticate(container, token)
    again = run(cli, "revoke-token", "xy01", "--name", "导出脚本")
    assert again.exit_code == 1 and "没有名为 导出脚本 的有效令牌" in again.output


def test_disable_revokes_everything(cli: CliRunner, container: Container) -> None:
    create(cli, "admin", "--role", "admin")
    token = run(cli, "token", "admin", "--name", "脚本").stdout.strip()
    session = auth.login(container, "admin", PASSWORD).token
    result = run(cli, "disable", "admin")
    assert result.exit_code == 0 and "吊销了 2 个会话或令牌" in result.output
    for t in (token, session):
        with pytest.raises(LoginFailed):
            auth.authenticate(container, t)
    assert run(cli, "token", "admin", "--name", "新的").exit_code == 1
    assert run(cli, "disable", "ghost").exit_code == 1


def test_unlock_clears_a_lockout(cli: CliRunner, container: Container) -> None:
    create(cli, "fdy1", "--role", "counselor")
    for _ in range(container.settings.login_max_failures):
        with pytest.raises((LoginFailed, AccountLocked)):
            auth.login(container, "fdy1", "wrong-password")
    user = staff(container, "fdy1")
    assert user is not None and user.locked_until is not None
    assert run(cli, "unlock", "fdy1").exit_code == 0
    assert auth.login(container, "fdy1", PASSWORD).principal.username == "fdy1"
    assert ("cli", "user.unlock") in [(actor, a) for actor, a, _ in cli_audit(container)]
