"""Graduate intents other than status: commands, feedback on numbered postings, short answers, binding."""

from __future__ import annotations

import pytest

from bot.dialogue import Expect, Intent, RejectReason, parse


@pytest.mark.parametrize(
    ("text", "intent", "index"),
    [
        ("详情 3", Intent.DETAIL, 3),
        ("第3个详细说说", Intent.DETAIL, 3),
        ("7号岗位在哪里上班", Intent.DETAIL, 7),  # any question about a numbered posting
        ("感兴趣 3", Intent.INTERESTED, 3),
        ("第一个不错", Intent.INTERESTED, 1),
        ("已投递 3", Intent.APPLIED, 3),
        ("三号岗位已经投了简历", Intent.APPLIED, 3),
        ("不合适 3 太远了", Intent.REJECT, 3),
        ("选1", Intent.CHOOSE, 1),
        ("２", Intent.CHOOSE, 2),
    ],
)
def test_numbered_feedback(text: str, intent: Intent, index: int) -> None:
    result = parse(text)
    assert (result.intent, result.index) == (intent, index)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("不合适 3 太远了", RejectReason.TOO_FAR),
        ("3不合适 工资太低", RejectReason.SALARY_LOW),
        ("第二个不行，专业不对口", RejectReason.NOT_MY_MAJOR),
        ("4号不感兴趣", RejectReason.NOT_INTERESTED),
        ("2号要求太高了，够不着", RejectReason.REQUIREMENTS),
    ],
)
def test_reject_reasons(text: str, reason: RejectReason) -> None:
    result = parse(text)
    assert result.intent is Intent.REJECT
    assert result.reject is not None and result.reject.reason is reason
    assert result.reject.text == result.normalized  # the graduate's words are kept for the counselor


def test_feedback_without_a_number_asks_which() -> None:
    result = parse("不合适")
    assert result.intent is Intent.REJECT and result.index is None
    assert result.clarification is not None and "第几个" in result.clarification.question


def test_a_number_that_counts_something_is_not_a_choice() -> None:
    assert parse("面试了3家都不行").intent is Intent.STATUS_UPDATE
    assert parse("0").intent is Intent.UNKNOWN


@pytest.mark.parametrize(
    "text", ["对", "是的", "嗯嗯", "ok", "好的", "👍", "对的对的", "嗯对", "是的没错", "对啊就是这样"]
)
def test_yes(text: str) -> None:
    assert parse(text).intent is Intent.CONFIRM


@pytest.mark.parametrize("text", ["没有", "不对", "不是的", "no", "搞错了", "不太对", "不不不", "👎"])
def test_no(text: str) -> None:
    assert parse(text).intent is Intent.DENY


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("推荐", Intent.RECOMMEND),
        ("找工作", Intent.RECOMMEND),
        ("有合适的岗位吗", Intent.RECOMMEND),
        ("换一批", Intent.MORE),
        ("还有别的吗", Intent.MORE),
        ("帮助", Intent.HELP),
        ("？", Intent.HELP),
        ("你能干啥", Intent.HELP),
        ("退订", Intent.UNSUBSCRIBE),
        ("别再给我发了", Intent.UNSUBSCRIBE),
        ("把推送关了", Intent.UNSUBSCRIBE),
        ("恢复推送", Intent.RESUBSCRIBE),
        ("我想重新接收岗位推送", Intent.RESUBSCRIBE),
        ("你好", Intent.SMALLTALK),
        ("老师辛苦啦", Intent.SMALLTALK),
        ("😂😂", Intent.SMALLTALK),
        ("求职补贴怎么申请", Intent.FAQ),
        ("落户武汉需要什么材料", Intent.FAQ),
        ("asdfgh", Intent.UNKNOWN),
        ("[图片]", Intent.UNKNOWN),
        ("", Intent.UNKNOWN),
    ],
)
def test_other_intents(text: str, intent: Intent) -> None:
    assert parse(text).intent is intent


def test_faq_query_is_the_normalised_question() -> None:
    result = parse("求职補貼什麼時候發")
    assert result.intent is Intent.FAQ
    assert result.query == "求职补贴什么时候发"


def test_recommend_with_filters() -> None:
    result = parse("有没有深圳的岗位")
    assert result.intent is Intent.RECOMMEND
    assert result.preference is not None and result.preference.city_adcodes == ("440300",)


def test_preference_with_everything() -> None:
    result = parse("想回湖北宜昌，做护士，月薪五千以上")
    assert result.intent is Intent.SET_PREFERENCE
    pref = result.preference
    assert pref is not None
    assert (pref.city_adcodes, pref.positions, pref.salary_min) == (("420500",), ("护士",), 5000)


def test_preference_wish_without_slots() -> None:
    result = parse("想回老家")
    assert result.intent is Intent.SET_PREFERENCE
    assert result.preference is not None and result.preference.empty  # the flow asks where that is
    assert result.confidence < 0.8


@pytest.mark.parametrize(
    ("text", "student_no", "name", "secret"),
    [
        ("绑定 2021001234 张三 12345X", "2021001234", "张三", "12345X"),
        ("学号：2021001234，姓名：赵六，证件后六位：20001x", "2021001234", "赵六", "20001X"),
        ("我叫王五，学号是20191234567，后六位是123456", "20191234567", "王五", "123456"),
        ("绑定 学号2021001234 姓名 迪丽热巴·迪力木拉提 密码 123456", "2021001234", "迪丽热巴·迪力木拉提", "123456"),
        ("我是19级计科的刘洋 学号1903020112", "1903020112", "刘洋", None),
        ("綁定 2020111222 陳小明 111111", "2020111222", "陈小明", "111111"),
    ],
)
def test_binding(text: str, student_no: str, name: str, secret: str | None) -> None:
    result = parse(text)
    assert result.intent is Intent.BIND
    assert result.binding is not None
    assert (result.binding.student_no, result.binding.name, result.binding.secret) == (student_no, name, secret)


def test_binding_step_by_step() -> None:
    """When the bot asked for the binding data, a bare name or number is that data."""
    assert parse("张三").intent is not Intent.BIND
    name = parse("张三", expecting=Expect.BINDING)
    assert name.intent is Intent.BIND and name.binding is not None and name.binding.name == "张三"
    number = parse("2021001234", expecting="binding")
    assert number.binding is not None and number.binding.student_no == "2021001234"


def test_choice_context() -> None:
    assert parse("详情 3", expecting=Expect.CHOICE).intent is Intent.CHOOSE
    assert parse("3", expecting=Expect.CHOICE).index == 3


def test_graduate_cannot_run_counselor_commands() -> None:
    for text in ("统计", "未回复", "困难生", "发布岗位 我们公司招人", "推送 岗位3 给 计科2101班"):
        result = parse(text)
        assert result.intent is Intent.UNKNOWN, text
        assert result.staff_only is not None
        assert result.posting is None and result.broadcast is None and result.scope is None
    # A graduate asking about hardship support is asking, not commanding.
    assert parse("困难生有什么补贴吗").intent is Intent.FAQ


def test_unknown_role_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="未知角色"):
        parse("统计", "boss")
    with pytest.raises(ValueError):
        parse("统计", expecting="nothing")


def test_robust_to_odd_input() -> None:
    for text in ("a" * 5000, "<script>alert(1)</script>", "1234567890123456789", "\x00\x01", "。。。", "🙂" * 500):
        result = parse(text)
        assert result.intent in {Intent.UNKNOWN, Intent.SMALLTALK, Intent.BIND}


def test_long_hostile_input_stays_fast() -> None:
    """Regexes must not backtrack over long digit runs: a 3000-digit message once took half a second.

    Asserts the work done (the text is read at most MAX_CHARS far), not wall-clock time.
    """
    from bot.dialogue.parser import MAX_CHARS

    long_text = "1" * 3000 + "k"
    result = parse(long_text)
    assert result.text == long_text
    assert len(result.normalized) <= MAX_CHARS


def test_feedback_kind_for_matching() -> None:
    from bot.domain import FeedbackKind

    assert parse("感兴趣 3").feedback_kind is FeedbackKind.INTERESTED
    assert parse("已投递 3").feedback_kind is FeedbackKind.APPLIED
    assert parse("不合适 3 太远了").feedback_kind is FeedbackKind.REJECTED
    assert parse("详情 3").feedback_kind is None
