"""A small school for conversation tests, and a chat driver that goes through the real inbound pipeline.

医学院: 护理2201 (counselor fdy1: 张三, 李四 (低保), 王五), 护理2202 (counselor fdy2: 赵六);
计算机学院: 软件2201 (counselor fdy3: 孙七). Staff: admin, yx (college role, 医学院), fdy1-3.
Postings: 14 for 护理学类 (Wuhan, Yichang, Shenzhen, nationwide; two per employer) and 8 for 计算机类, all approved.
Staff rows carry an unusable password hash: these tests never log in through the web.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from bot.container import Container
from bot.domain import ChannelKind, InboundMessage, OutboundMessage, ReviewState, Role
from bot.inbox import handle_inbound
from models import College, Employer, FaqEntry, Graduate, Major, Posting, SchoolClass, StaffUser

WUHAN, YICHANG, SHENZHEN = "420100", "420500", "440300"
SECRETS = {
    "2022010101": "12345X",
    "2022010102": "222222",
    "2022010103": "333333",
    "2022010201": "444444",
    "2022020101": "555555",
}
NAMES = {"2022010101": "张三", "2022010102": "李四", "2022010103": "王五", "2022010201": "赵六", "2022020101": "孙七"}


@dataclass
class School:
    graduates: dict[str, int] = field(default_factory=dict)  # student_no -> id
    classes: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)
    postings: list[int] = field(default_factory=list)
    colleges: dict[str, int] = field(default_factory=dict)


def _major(college_id: int, code: str, name: str, class_name: str, category: str) -> Major:
    return Major(college_id=college_id, code=code, name=name, class_code=code[:4], class_name=class_name,
                 category_code=code[:2], category_name=category, level=2)  # fmt: skip


def build(c: Container) -> School:
    school = School()
    with c.sessions.begin() as s:
        med, it = College(code="YX", name="医学院"), College(code="JS", name="计算机学院")
        s.add_all([med, it])
        s.flush()
        school.colleges = {"医学院": med.id, "计算机学院": it.id}
        nursing = _major(med.id, "101101", "护理学", "护理学类", "医学")
        software = _major(it.id, "080902", "软件工程", "计算机类", "工学")
        s.add_all([nursing, software])
        s.flush()
        for username, role, college in (("admin", Role.ADMIN, None), ("yx", Role.COLLEGE, med.id),
                                        ("fdy1", Role.COUNSELOR, med.id), ("fdy2", Role.COUNSELOR, med.id),
                                        ("fdy3", Role.COUNSELOR, it.id)):  # fmt: skip
            user = StaffUser(username=username, display_name=f"{username}老师", role=role, college_id=college,
                             password_hash="!unusable")  # fmt: skip
            s.add(user)
            s.flush()
            school.staff[username] = user.id
        for name, owner, major, counselor in (("护理2201", med, nursing, "fdy1"), ("护理2202", med, nursing, "fdy2"),
                                              ("软件2201", it, software, "fdy3")):  # fmt: skip
            row = SchoolClass(name=name, college_id=owner.id, major_id=major.id, cohort=2026,
                              counselor_id=school.staff[counselor])  # fmt: skip
            s.add(row)
            s.flush()
            school.classes[name] = row.id
        for no, cls in (("2022010101", "护理2201"), ("2022010102", "护理2201"), ("2022010103", "护理2201"),
                        ("2022010201", "护理2202"), ("2022020101", "软件2201")):  # fmt: skip
            is_it = cls.startswith("软件")
            g = Graduate(student_no=no, name=NAMES[no], education=2, cohort=2026,
                         college_id=(it if is_it else med).id, major_id=(software if is_it else nursing).id,
                         class_id=school.classes[cls], origin_adcode=YICHANG, flag_dibao=no == "2022010102",
                         bind_secret_digest=c.pii.digest(SECRETS[no]), unplaced_since=date(2026, 3, 1))  # fmt: skip
            s.add(g)
            s.flush()
            school.graduates[no] = g.id
        school.postings = _postings(s)
        s.add_all([
            FaqEntry(question="三方协议（就业协议书）怎么签？", keywords="三方协议,就业协议,网签",
                     answer="就业协议以网签为主，单位发起签约后你在平台确认。"),
            FaqEntry(question="求职创业补贴怎么申请？", answer="每年秋季学期由学校统一组织申报。",
                     keywords="求职补贴,创业补贴"),
            FaqEntry(question="护理学院实习证明去哪开？", answer="到医学院办公室开具。", keywords="实习证明",
                     college_id=med.id),
        ])  # fmt: skip
    return school


def _postings(s: sa.orm.Session) -> list[int]:
    employers = [Employer(name=f"{n}", industry_code=ind) for n, ind in (
        ("武汉协和医院", "43"), ("宜昌中心医院", "43"), ("深圳人民医院", "43"), ("同济医院", "43"),
        ("湖北康复中心", "43"), ("爱尔眼科", "43"), ("华中护理集团", "43"),
        ("光谷软件", "34"), ("华工激光", "22"), ("长江数据", "34"), ("楚天科技", "34"),
    )]  # fmt: skip
    s.add_all(employers)
    s.flush()
    ids: list[int] = []
    places = itertools.cycle([WUHAN, YICHANG, SHENZHEN, None])
    for i in range(14):
        adcode = next(places)
        p = Posting(posting_key=f"n{i}", employer_id=employers[i // 2].id, title=["护士", "护理员", "护师"][i % 3],
                    description="病房护理，倒班", place_text="", adcode=adcode, nationwide=adcode is None,
                    industry_code="43", majors_any=False, accepted_majors=["1011"], min_education=1,
                    salary_min=4000 + 200 * i, salary_max=7000 + 200 * i, headcount=3,
                    published_on=date(2026, 5, 20), review_state=ReviewState.APPROVED)  # fmt: skip
        s.add(p)
        s.flush()
        ids.append(p.id)
    for i in range(8):
        p = Posting(posting_key=f"s{i}", employer_id=employers[7 + i // 2].id,
                    title=["前端开发", "机械工程师", "测试工程师", "运维工程师"][i % 4], description="",
                    adcode=WUHAN, industry_code="34", majors_any=False, accepted_majors=["0809"], min_education=2,
                    salary_min=6000, salary_max=9000, headcount=2, published_on=date(2026, 5, 20),
                    review_state=ReviewState.APPROVED)  # fmt: skip
        s.add(p)
        s.flush()
        ids.append(p.id)
    return ids


class Chat:
    """Messages from one platform user through `handle_inbound`; each call returns the joined reply text."""

    _ids = itertools.count(1)

    def __init__(
        self,
        c: Container,
        user: str,
        *,
        channel: ChannelKind = ChannelKind.WEB,
        account: str = "demo",
        group: str | None = None,
    ) -> None:
        self.c, self.user, self.channel, self.account, self.group = c, user, channel, account, group

    def send(self, text: str) -> list[OutboundMessage]:
        n = next(self._ids)
        msg = InboundMessage(
            channel=self.channel, account=self.account, user_id=self.user, text=text,
            dedupe_key=f"{self.user}:{n}", group_id=self.group, to_me=True,
        )  # fmt: skip
        return handle_inbound(self.c, msg)

    def __call__(self, text: str) -> str:
        return "\n".join(r.text for r in self.send(text))

    def bind(self, student_no: str) -> str:
        return self(f"绑定 {student_no} {NAMES[student_no]} {SECRETS[student_no]}")
