"""Status in the graduate's own words -> 毕业去向 code + 未就业原因, or a question; never a wrong guess."""

from __future__ import annotations

import pytest

from bot import codes
from bot.dialogue import Expect, Intent, parse


def _status(text: str) -> tuple[str | None, str | None, str | None]:
    result = parse(text)
    assert result.intent is Intent.STATUS_UPDATE, (text, result.intent)
    assert result.status is not None
    return result.status.code, result.status.subcode, result.status.reason


# The examples of issue 4, each with the code it names.
@pytest.mark.parametrize(
    ("text", "code", "subcode", "reason"),
    [
        ("签了三方，华工激光", "10", None, None),
        ("签了劳动合同", "11", None, None),
        ("考上专升本了", "80", None, None),
        ("考研上岸", "80", "801", None),
        ("去当兵", "46", None, None),
        ("出国读研", "85", None, None),
        ("自己开网店", "75", None, None),
        ("做自媒体", "76", None, None),
        ("还在找", "70", None, "求职中"),
        ("准备考公", "70", None, "拟参加公招考试"),
        ("有offer还没签", "70", None, "签约中"),
        ("不想找了", "72", None, "暂不就业"),
        ("考上三支一扶了", "50", "502", None),
        ("参加了西部计划", "50", "503", None),
        ("考上选调生了", "51", "512", None),
        ("留校当科研助理了", "27", "271", None),
        ("单位给我开了录用证明，没签合同", "12", None, None),
        ("准备考研", "71", None, "拟升学"),
        ("准备明年出国留学", "71", None, "拟出国出境"),
        ("身体不好在家养病", "72", None, "身体健康状况"),
    ],
)
def test_issue_examples(text: str, code: str, subcode: str | None, reason: str | None) -> None:
    assert _status(text) == (code, subcode, reason)


def test_codes_are_national_codes() -> None:
    book = codes.load()
    for text in ("签了三方", "考研上岸", "参加了西部计划", "留校当科研助理了", "还在找", "不想找了"):
        code, subcode, reason = _status(text)
        assert code in book.destinations
        assert subcode is None or book.top_level(subcode) == code
        assert reason is None or reason in book.unplaced_reasons


@pytest.mark.parametrize(
    ("text", "code", "reason"),
    [
        ("想去当兵 还在报名", "70", "拟应征入伍"),  # a plan is not the thing done
        ("准备去当兵，在等体检", "70", "拟应征入伍"),
        ("想自己创业 还在准备", "70", "拟创业"),
        ("在等三支一扶的考试", "70", "拟参加公招考试"),
        ("谈好了，下周签三方", "70", "签约中"),  # signing next week is not signed
        ("单位说三方下周寄给我", "70", "签约中"),
        ("三方还没签呢", "70", "签约中"),  # negation after the noun
        ("我在华为实习，转正了就签三方", "70", "签约中"),
        ("我还在考虑要不要去当兵", "70", "拟应征入伍"),  # "要不要" weighs a choice, it does not deny
    ],
)
def test_plans_and_negations(text: str, code: str, reason: str) -> None:
    assert _status(text) == (code, None, reason)


@pytest.mark.parametrize(
    ("text", "code", "reason"),
    [
        ("签了三方但是又违约了，现在重新在找", "70", "求职中"),  # what was undone no longer counts
        ("三方签了个寂寞，公司倒闭了，又得重新找", "70", "求职中"),
        ("唉 考研没考上，现在在找工作", "70", "求职中"),
        ("考研没上 准备再考一年", "71", "拟升学"),
        ("本来想考公的，后来家里让我去当兵，现在已经到部队了", "46", None),  # the latest decision
        ("签了违约金很高的三方", "10", None),  # 违约金 is part of the contract, not a breach
    ],
)
def test_what_was_undone(text: str, code: str, reason: str | None) -> None:
    assert _status(text)[0::2] == (code, reason)


def test_undone_without_a_new_status_asks() -> None:
    result = parse("我被裁员了")
    assert result.status is not None and result.status.code is None
    assert result.clarification is not None
    assert {c.code for c in result.clarification.choices} == {"70", "71", "72"}


@pytest.mark.parametrize("text", ["差不多了", "搞定了吧", "快了快了", "有眉目了", "定了"])
def test_ambiguous_gets_a_question_not_a_guess(text: str) -> None:
    result = parse(text)
    assert result.intent is Intent.STATUS_UPDATE
    assert result.status is not None and result.status.code is None
    question = result.clarification
    assert question is not None
    assert [c.n for c in question.choices] == list(range(1, len(question.choices) + 1))
    assert all(c.code in codes.load().destinations for c in question.choices)
    assert result.confidence < 0.8


def test_working_without_saying_which_document() -> None:
    result = parse("已经在华为上班了")
    assert result.status is not None
    assert result.status.code is None
    assert result.status.employer == "华为"
    assert result.status.candidates == ("10", "11", "12")
    assert result.clarification is not None
    chosen = result.clarification.choice(2)
    assert chosen is not None and chosen.code == "11"


def test_civil_service_is_employment_with_its_nature() -> None:
    result = parse("考公上岸了！！")
    assert result.status is not None
    assert result.status.code is None  # 10, 11 or 12: asked
    assert result.status.employer_nature == "10"


@pytest.mark.parametrize(
    ("text", "employer", "place"),
    [
        ("签了三方，华工激光，在武汉", "华工激光", "420100"),
        ("我已经和美的集团签了三方", "美的集团", None),
        ("已簽約，單位：比亞迪", "比亚迪", None),
        ("和京东方签了就业协议 在合肥", "京东方", "340100"),  # "东方" inside the name is not 海南东方
        ("老师我三方签好了，是深圳的一家做芯片的公司", None, "440300"),  # a description, not a name
        ("签了三方协议，在长沙上班", None, "430100"),  # a place is not an employer
        ("三方已经签了，单位是武汉华星光电", "武汉华星光电", "420100"),  # place inside the name
    ],
)
def test_employer_and_place(text: str, employer: str | None, place: str | None) -> None:
    result = parse(text)
    assert result.status is not None and result.status.code == "10"
    assert (result.status.employer, result.status.place_adcode) == (employer, place)


def test_study_abroad_country() -> None:
    result = parse("拿到了澳洲的offer 去读研")
    assert result.status is not None
    assert (result.status.code, result.status.study_country) == ("85", "澳大利亚")


def test_gave_up_flags_the_counselor() -> None:
    for text in ("不想找了", "在家躺平", "生病住院了，暂时没法工作"):
        result = parse(text)
        assert result.status is not None and result.status.needs_counselor, text
    seeking = parse("还在找").status
    assert seeking is not None and not seeking.needs_counselor


def test_a_question_about_a_status_is_a_question() -> None:
    assert parse("签了三方还能违约吗").intent is Intent.FAQ
    assert parse("应征入伍有什么补贴").intent is Intent.FAQ
    # A statement with a question after it reports the statement.
    assert parse("还在找工作呢 老师有推荐的吗").intent is Intent.STATUS_UPDATE


def test_answer_to_the_check_in_question() -> None:
    """After "工作有着落了吗？", a bare "没有" or "嗯" is an answer about the status."""
    no = parse("没有", expecting=Expect.STATUS)
    assert no.intent is Intent.STATUS_UPDATE
    assert no.clarification is not None
    assert {c.code for c in no.clarification.choices} == {"70", "71", "72"}
    yes = parse("嗯嗯", expecting="status")
    assert yes.intent is Intent.STATUS_UPDATE and yes.clarification is not None
    # Without that context the same words are plain yes / no.
    assert parse("没有").intent is Intent.DENY
    assert parse("嗯嗯").intent is Intent.CONFIRM
    # A full answer is read as usual.
    assert parse("还在找", expecting=Expect.STATUS).status is not None


def test_a_numbered_answer_gives_the_status() -> None:
    question = parse("差不多了").clarification
    assert question is not None
    third = question.choice(3)
    assert third is not None
    assert third.as_status() == parse("有offer还没签").status
    assert question.choice(9) is None
