from __future__ import annotations

import pytest

from bot.postings.review import discrimination_flags


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("限男性", ["限男性"]),
        ("仅限女生，有驾照者优先", ["仅限女生"]),
        ("已婚已育优先", ["已婚已育优先"]),
        ("汉族，身体健康", ["汉族"]),
        ("要求本地户口", ["要求本地户口"]),
        ("本地户籍优先", ["本地户籍优先"]),
        ("限本市户籍", ["限本市户籍"]),
        ("女性优先", ["女性优先"]),
        ("男士优先，能出差", ["男士优先"]),
        ("性别：男", ["性别:男"]),
        ("本科及以上，男性，30岁以下", ["男性"]),
        ("未婚", ["未婚"]),
        ("两年内无生育计划", ["两年内无生育计划"]),
        ("不招河南人", ["不招河南人"]),
        ("乙肝携带者勿投", ["乙肝携带者勿投"]),
        ("无宗教信仰", ["无宗教信仰"]),
        ("限男性；已婚已育优先；本地户口", ["限男性", "已婚已育优先", "本地户口"]),
        ("性别不限；男性优先", ["男性优先"]),
    ],
)
def test_discriminatory_requirements_are_found(text: str, phrases: list[str]) -> None:
    assert discrimination_flags(text) == phrases


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "男女不限",
        "性别不限，户籍不限，婚否不限",
        "不限户籍",
        "民族不限",
        "非本地户籍亦可",
        "外地户口也可",
        "负责男装、女装门店的陈列",
        "熟悉 Java，有团队合作精神",
        "35岁以下",  # age limits are not in scope of this check
    ],
)
def test_neutral_texts_are_not_flagged(text: str | None) -> None:
    assert discrimination_flags(text) == []


def test_repeated_phrase_is_reported_once() -> None:
    assert discrimination_flags("限男性。再说一遍：限男性") == ["限男性"]
