from __future__ import annotations

from datetime import date

import pytest

from bot.dialogue import Intent, ParseResult, TargetKind, parse
from bot.domain import EducationLevel


def _c(text: str, today: date | None = None) -> ParseResult:
    return parse(text, "counselor", today=today)


@pytest.mark.parametrize(
    ("text", "intent", "scope"),
    [
        ("统计", Intent.STATS, None),
        ("统计 计科2101班", Intent.STATS, "计科2101班"),
        ("护理专业统计", Intent.STATS, "护理专业"),
        ("看看电气2202班的情况", Intent.STATS, "电气2202班"),
        ("就业率多少了", Intent.STATS, None),
        ("@就业助手 统计", Intent.STATS, None),
        ("未回复", Intent.NON_RESPONDERS, None),
        ("谁还没回我消息", Intent.NON_RESPONDERS, None),
        ("未回复 计科2102", Intent.NON_RESPONDERS, "计科2102"),
        ("困难生", Intent.HARDSHIP, None),
        ("建档立卡的学生", Intent.HARDSHIP, None),
        ("困难生就业情况", Intent.HARDSHIP, None),  # not stats: the subject decides
    ],
)
def test_commands(text: str, intent: Intent, scope: str | None) -> None:
    result = _c(text)
    assert (result.intent, result.scope) == (intent, scope)


@pytest.mark.parametrize(
    ("text", "posting", "target", "kind"),
    [
        ("推送 岗位12 给 计科2101班", "12", "计科2101班", TargetKind.CLASS),
        ("推送 #35 给 护理专业", "35", "护理", TargetKind.MAJOR),
        ("把华工激光的岗位推给机械专业", "华工激光", "机械", TargetKind.MAJOR),
        ("推送 12 给 全体", "12", None, TargetKind.ALL),
        ("将岗位7推送至会计1班", "7", "会计1班", TargetKind.CLASS),
        ("把岗位9发给计科2班", "9", "计科2班", TargetKind.CLASS),
        ("推送 岗位20 给 2021级护理专业", "20", "2021级护理", TargetKind.MAJOR),
        ("岗位15 推送给 市场营销专业的同学", "15", "市场营销", TargetKind.MAJOR),
    ],
)
def test_broadcast(text: str, posting: str, target: str | None, kind: TargetKind) -> None:
    result = _c(text)
    assert result.intent is Intent.BROADCAST
    b = result.broadcast
    assert b is not None
    assert (b.posting_ref, b.target, b.target_kind) == (posting, target, kind)
    assert b.posting_id == (int(posting) if posting.isdigit() else None)


def test_publish_posting_reads_every_field() -> None:
    text = "发布岗位 华工激光招聘机械工程师3名，武汉，本科及以上，机械类专业，月薪8千-1.1万，截止6月30日"
    result = _c(text, today=date(2026, 5, 1))
    assert result.intent is Intent.PUBLISH_POSTING
    p = result.posting
    assert p is not None
    assert (p.employer, p.title, p.headcount, p.place_adcode) == ("华工激光", "机械工程师", 3, "420100")
    assert (p.salary_min, p.salary_max, p.education) == (8000, 11000, EducationLevel.BENKE)
    assert p.majors == ("机械类",)
    assert p.deadline == date(2026, 6, 30)
    assert p.missing == ()


def test_deadline_year() -> None:
    text = "发布岗位 护士 5名 武汉 截止3月1日"
    dated = _c(text, today=date(2026, 11, 22)).posting
    assert dated is not None and dated.deadline == date(2027, 3, 1)  # already past this year: next year
    undated = _c(text).posting
    assert undated is not None and undated.deadline is None and undated.deadline_text == "03-01"


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "发布岗位 湖北省人民医院 护士 10人 大专以上 护理专业 5000-7000",
            {"employer": "湖北省人民医院", "title": "护士", "headcount": 10, "salary_min": 5000, "salary_max": 7000},
        ),
        (
            "发岗位 深圳某科技公司 前端开发 若干 本科 1.2万-1.8万",
            {"employer": "深圳某科技公司", "title": "前端开发", "headcount": None, "place_adcode": "440300"},
        ),
        (
            "发布岗位 中建三局 施工员 5名 全国 本科 不限专业 6k-9k",
            {"employer": "中建三局", "place_adcode": "000000", "majors_any": True, "salary_max": 9000},
        ),
        ("发布岗位：招聘会计1名，宜昌，学历不限，4000起", {"title": "会计", "salary_min": 4000, "salary_max": None}),
    ],
)
def test_publish_posting_variants(text: str, fields: dict[str, object]) -> None:
    posting = _c(text).posting
    assert posting is not None
    assert {k: getattr(posting, k) for k in fields} == fields


def test_posting_with_nothing_says_what_is_missing() -> None:
    result = _c("发布岗位")
    assert result.intent is Intent.PUBLISH_POSTING
    assert result.posting is not None
    assert result.posting.missing == ("title", "employer", "place")


def test_counselor_general_messages() -> None:
    assert _c("帮助").intent is Intent.HELP
    assert _c("好的").intent is Intent.CONFIRM
    assert _c("求职补贴怎么申请").intent is Intent.FAQ
    # Graduate-only intents are not a counselor's.
    assert _c("签了三方").intent is Intent.UNKNOWN
    assert _c("退订").intent is Intent.UNKNOWN


@pytest.mark.parametrize(
    ("text", "employer", "title"),
    [
        ("发布岗位 长江存储 工艺工程师 20人 硕士 武汉", "长江存储", "工艺工程师"),  # 工程师 is a job, not an org
        ("发布岗位 某某电气 电气工程师 3名 武汉", "某某电气", "电气工程师"),
        ("发布岗位 小学语文老师 襄阳实验小学 本科 2名", "襄阳实验小学", "小学语文老师"),  # any order
    ],
)
def test_job_title_and_employer_told_apart(text: str, employer: str, title: str) -> None:
    posting = _c(text).posting
    assert posting is not None
    assert (posting.employer, posting.title) == (employer, title)
