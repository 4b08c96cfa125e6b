from __future__ import annotations

import pytest

from bot.dialogue.normalize import bare, collapse_repeats, normalize, strip_punct


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("簽了三方，還在找", "签了三方,还在找"),  # traditional -> simplified, full-width comma -> ","
        ("ＯＫ，ｗｕｈａｎ　１２３", "ok,wuhan 123"),  # full-width letters, digits and space
        ("发布崗位：長江存儲", "发布岗位:长江存储"),
        ("以经签约了", "已经签约了"),  # input-method slip
        ("3方签了", "三方签了"),
        ("考研上案了", "考研上岸了"),
        ("冇搵到工", "没有找到工"),  # Cantonese
        ("冇搵工", "没有找工作"),
        ("木有找到", "没有找到"),
        ("对滴", "对的"),
        ("@就业助手 统计", "统计"),  # a group @-mention before a command
        ("好！！！！", "好!"),
        ("  前后  空格  ", "前后 空格"),
    ],
)
def test_normal_form(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_amounts_become_digits() -> None:
    assert normalize("月薪五千以上").text == "月薪5000以上"
    assert normalize("一万二左右，8k也行，1.2万更好").text == "12000左右,8000也行,12000更好"
    assert normalize("伍仟起").text == "5000起"


def test_words_with_numerals_survive() -> None:
    for text in ("三方", "三支一扶", "二战考研", "想去十堰", "千万别", "万一不行"):
        assert normalize(text).text == text


def test_emoji_dropped_but_yes_no_kept() -> None:
    assert normalize("考研上岸啦🎉🎉").text == "考研上岸啦"
    assert normalize("👍").text == "好"
    assert normalize("[强]").text == "好"
    assert normalize("👎").text == "不"
    assert normalize("2️⃣").text == "2"  # keycap digit


def test_emoji_only_is_remembered() -> None:
    only_emoji = normalize("😂😂😂")
    assert only_emoji.text == ""
    assert only_emoji.had_symbols
    media = normalize("[图片]")  # a client's placeholder for an image says nothing
    assert media.text == ""
    assert not media.had_symbols


def test_bare_answers() -> None:
    assert bare("好的呀!") == "好的"
    assert bare("OK了") == "OK"
    assert bare("嗯嗯嗯~") == "嗯嗯嗯"
    assert collapse_repeats("对的对的") == "对的"
    assert collapse_repeats("嗯嗯嗯") == "嗯"
    assert strip_punct("。。。...!?") == ""


def test_none_and_empty() -> None:
    assert normalize("").text == ""
    assert normalize("   ").text == ""
