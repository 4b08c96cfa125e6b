"""A small school for API tests: two colleges, three classes, a handful of graduates and one user per role.

信息工程学院 (01): classes 计应2201 (counselor fdy1) and 计应2202 (counselor fdy2), plus a graduate with no class.
护理学院 (02): class 护理2201 (counselor fdy3).
Users: admin; xy01 (college role, 信息工程学院); fdy1, fdy2, fdy3 (counselors). All share PASSWORD.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import CSRF_COOKIE, CSRF_HEADER
from bot.container import Container
from bot.domain import EducationLevel
from bot.security.pii import PiiCipher
from bot.services import users
from models import College, Graduate, Major, SchoolClass
from models.db import transaction

PASSWORD = "Kaoshi-2026-pass"


@dataclass
class School:
    colleges: dict[str, int] = field(default_factory=dict)  # code -> id
    classes: dict[str, int] = field(default_factory=dict)  # name -> id
    graduates: dict[str, int] = field(default_factory=dict)  # student_no -> id
    users: dict[str, int] = field(default_factory=dict)  # username -> id


# student_no, name, class (None = no class), college code, destination, hardship flags, phone, ID number
GRADUATES: list[tuple[str, str, str | None, str, str | None, dict[str, object], str | None, str | None]] = [
    ("2022010101", "张三", "计应2201", "01", "10", {}, "13812345678", "420102200301011234"),
    ("2022010102", "李四", "计应2201", "01", "70", {"flag_poverty": True}, None, None),
    ("2022010103", "王五", "计应2201", "01", None, {"hardship_mask": 2}, None, None),
    ("2022010201", "赵六", "计应2202", "01", "502", {}, "13900001111", None),
    ("2022010202", "钱七", "计应2202", "01", "71", {}, None, None),
    ("2022010999", "孙八", None, "01", None, {}, None, None),
    ("2022020101", "周九", "护理2201", "02", "11", {"flag_disability": True}, None, None),
    ("2022020102", "吴十", "护理2201", "02", "70", {}, None, None),
]


def build_school(session: Session, pii: PiiCipher) -> School:
    school = School()
    majors: dict[str, int] = {}
    for code, name, major_code, major_name in (
        ("01", "信息工程学院", "510201", "计算机应用技术"),
        ("02", "护理学院", "520201", "护理"),
    ):
        college = College(code=code, name=name)
        session.add(college)
        session.flush()
        major = Major(
            college_id=college.id,
            code=major_code,
            name=major_name,
            class_code=major_code[:4],
            class_name=major_name + "类",
            category_code=major_code[:2],
            category_name="专科大类",
            level=int(EducationLevel.ZHUANKE),
        )
        session.add(major)
        session.flush()
        school.colleges[code] = college.id
        majors[code] = major.id
    for name, code in (("计应2201", "01"), ("计应2202", "01"), ("护理2201", "02")):
        row = SchoolClass(name=name, college_id=school.colleges[code], major_id=majors[code], cohort=2025)
        session.add(row)
        session.flush()
        school.classes[name] = row.id
    for student_no, gname, class_name, code, dest, flags, phone, id_no in GRADUATES:
        g = Graduate(
            student_no=student_no,
            name=gname,
            education=int(EducationLevel.ZHUANKE),
            cohort=2025,
            college_id=school.colleges[code],
            major_id=majors[code],
            class_id=school.classes[class_name] if class_name else None,
            destination_code=dest,
            phone_enc=pii.encrypt(phone),
            id_number_enc=pii.encrypt(id_no),
            **flags,
        )
        session.add(g)
        session.flush()
        school.graduates[student_no] = g.id
    for username, role, college, classes in (
        ("admin", "admin", None, []),
        ("xy01", "college", "01", []),
        ("fdy1", "counselor", None, ["计应2201"]),
        ("fdy2", "counselor", None, ["计应2202"]),
        ("fdy3", "counselor", "护理学院", ["护理2201"]),
    ):
        user = users.create_user(
            session, username=username, password=PASSWORD, role=role, college=college, classes=classes
        )
        school.users[username] = user.id
    return school


@pytest.fixture
def school(container: Container) -> School:
    with transaction(container.sessions) as session:
        return build_school(session, container.pii)


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container)) as test_client:
        yield test_client


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in asking for a token; the headers that authenticate as this user."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password, "token": True})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def cookie_login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in with the session cookie (kept by the client); the CSRF header that write requests need."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {CSRF_HEADER: client.cookies[CSRF_COOKIE]}
