"""Chat rendering (pure): lists that fit the channel, confirmations in Chinese, short reasons, labels."""

from __future__ import annotations

from datetime import date

from bot import codes
from bot.codes.majors import load as catalogue
from bot.conversation import render
from bot.dialogue import Choice, StatusSlots, parse
from bot.domain import Preference

BOOK = codes.load()
REASON = "相近专业：护理学（同专业类）；意向城市：武汉；岗位相符：护士；薪资 6.4-9.4千 满足期望"


def items(n: int) -> list[render.RecItem]:
    return [
        render.RecItem(100 + i, f"护士{i}", f"第{i}医院", "武汉", "5000-7000元/月", REASON) for i in range(1, n + 1)
    ]


def test_a_roomy_channel_gets_the_whole_page_numbered_from_one() -> None:
    text, count = render.render_list(items(10), header="为你推荐（共 10 个）：", max_chars=2000)
    assert count == 10
    lines = text.splitlines()
    assert lines[0] == "为你推荐（共 10 个）：" and lines[-1] == render.LIST_FOOTER
    assert lines[1] == "1. 护士1 · 第1医院 · 武汉 · 5000-7000元/月"
    assert "10. 护士10 · 第10医院" in text
    assert len(text) <= 2000


def test_a_small_channel_gets_the_first_items_that_fit_with_room_for_a_link() -> None:
    text, count = render.render_list(items(10), header="为你推荐：", max_chars=600, reserve=150)
    assert 1 <= count < 10
    assert len(text) <= 450
    assert f"{count}. 护士{count}" in text and f"{count + 1}. 护士{count + 1}" not in text
    assert text.endswith(render.LIST_FOOTER)


def test_even_a_tiny_channel_shows_one_item() -> None:
    text, count = render.render_list(items(3), header="推荐：", max_chars=60)
    assert count == 1 and len(text) <= 60


def test_the_short_reason_keeps_whole_parts_and_leaves_the_salary_to_the_list_line() -> None:
    assert render.short_reason(REASON) == "相近专业：护理学（同专业类）；意向城市：武汉；岗位相符：护士"
    assert render.short_reason(REASON, limit=20) == "相近专业：护理学（同专业类）"
    assert render.short_reason("一个没有分号但特别长的理由" * 5, limit=10) == "一个没有分号但特别…"


def test_preference_confirmation_names_places_the_way_people_say_them() -> None:
    slots = parse("想回湖北宜昌，做护士，月薪五千以上").preference
    assert slots is not None
    text = render.confirm_preference(slots.to_preference(), BOOK)
    assert text.startswith("我理解的求职意向是：地点：宜昌；岗位：护士；月薪：5000元以上。对吗？")
    anywhere = render.confirm_preference(Preference(any_place=True, industry_codes=("43",)), BOOK)
    assert "地点：不限" in anywhere and "行业：卫生和社会工作" in anywhere


def test_status_confirmation_has_name_code_employer_and_place() -> None:
    slots = StatusSlots(code="10", employer="华工激光", place_adcode="420100")
    assert render.confirm_status(slots, BOOK).startswith(
        "你是说：签就业协议形式就业（10），单位：华工激光，地点：武汉。对吗？"
    )
    looking = StatusSlots(code="70", reason="拟参加公招考试")
    assert render.status_summary(looking, BOOK) == "待就业（70），拟参加公招考试"
    assert render.status_code(StatusSlots(code="50", subcode="502")) == "502"


def test_choices_are_numbered_lines_under_the_question() -> None:
    text = render.choices("哪一种？", [Choice(1, "就业协议", "10"), Choice(2, "劳动合同", "11")])
    assert text == "哪一种？\n1. 就业协议\n2. 劳动合同"


def test_salary_place_and_major_labels() -> None:
    assert render.salary_label(8000, 11000) == "8000-11000元/月"
    assert render.salary_label(5000, None) == "5000元/月起"
    assert render.salary_label(None, None) == "薪资面议"
    assert render.salary_label(1, 2, " 8千-1.1万 ") == "8千-1.1万"
    assert render.place_label("", None, True) == "全国"
    assert render.place_label("光谷", "420100", False) == "武汉"
    assert render.place_label("", "420111", False) == "武汉洪山区"
    assert render.place_label("", "110105", False) == "北京朝阳区"
    assert render.place_label("", None, False) == "地点待定"
    assert render.majors_label(False, ["1011"], "", catalogue()) == "护理学类"
    assert render.majors_label(True, [], "", catalogue()) == "不限"
    assert render.majors_label(False, ["0809"], "计算机相关", catalogue()) == "计算机相关"


def test_posting_detail_fits_and_tells_how_to_answer() -> None:
    view = render.PostingView(
        title="护士", employer="协和医院", place="武汉", salary="6000元/月起", education=2, majors="护理学类",
        headcount=3, deadline=date(2026, 6, 30), contact="027-1234", description="三甲医院病房护理。" * 80,
        reason="专业对口",
    )  # fmt: skip
    text = render.posting_detail(3, view, 600)
    assert len(text) <= 600
    assert text.startswith("【3】护士\n单位：协和医院") and "学历：本科及以上" in text and "截止：2026-06-30" in text
    assert text.endswith("感兴趣回复“感兴趣 3”，投递后回复“已投递 3”，不合适回复“不合适 3 原因”。")
