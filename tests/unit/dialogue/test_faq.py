from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.dialogue.faq import FaqIndex, FaqRecord, tokens

FAQ = (
    FaqRecord("求职创业补贴怎么申请？", "在毕业学年内向学院就业办提交申请表。", "求职补贴,创业补贴,申请,低保", 1),
    FaqRecord("三方协议丢了怎么办？", "向学院就业办申请补发，并写情况说明。", "三方协议,就业协议,遗失,补办", 2),
    FaqRecord("报到证还需要办吗？", "不再发放报到证，改为就业去向登记。", "报到证,派遣,就业去向登记", 3),
    FaqRecord("毕业后档案怎么转？", "档案随就业去向转递到单位或人才中心。", "档案,转递,人才中心,存档", 4),
    FaqRecord("签了三方还能违约吗？违约金多少？", "可以，需与单位协商并支付约定违约金。", "违约,违约金,解约", 5),
    FaqRecord("户口可以迁回原籍吗？", "可以，毕业时选择迁回生源地。", "户口,落户,迁移,原籍", 6),
    FaqRecord("就业推荐表在哪里盖章？", "学院审核盖章后再到学校就业中心盖章。", "推荐表,盖章", 7),
    FaqRecord("五险一金是什么？", "养老、医疗、失业、工伤、生育保险和住房公积金。", "社保,公积金,保险", 8),
    FaqRecord("毕业证什么时候发？", "毕业典礼后统一发放。", "毕业证,学位证,领取", 9),
)


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex(FAQ)


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        ("求职补贴怎么申请", 1),
        ("求职補貼什麼時候發", 1),  # traditional characters
        ("三方弄丢了咋办", 2),  # other words for the same question
        ("报到证要不要办", 3),
        ("档案要自己带走吗", 4),
        ("违约要赔多少钱", 5),
        ("推荐表去哪盖章", 7),
        ("社保公积金", 8),  # only the keywords name it
    ],
)
def test_finds_the_entry(index: FaqIndex, query: str, entry_id: int) -> None:
    hits = index.search(query)
    assert hits, query
    best = hits[0].entry
    assert isinstance(best, FaqRecord) and best.id == entry_id
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("query", ["今天天气怎么样", "你好", "我想找工作", "", "？？？"])
def test_nothing_below_the_threshold(index: FaqIndex, query: str) -> None:
    assert index.search(query) == []


def test_threshold_and_limit() -> None:
    strict = FaqIndex(FAQ, threshold=100.0)
    assert strict.search("求职补贴怎么申请") == []
    assert len(FaqIndex(FAQ, threshold=0.0).search("毕业证 档案 户口", limit=2)) == 2


def test_no_entries() -> None:
    assert FaqIndex([]).search("求职补贴") == []


def test_accepts_rows_shaped_like_the_faq_table() -> None:
    @dataclass
    class Row:  # the shape of models.conversation.FaqEntry: keywords is one comma-separated string
        question: str
        answer: str
        keywords: str

    rows = [Row("实习证明怎么开？", "找实习单位人事部门开具。", "实习，证明"), Row("学费怎么交？", "网上缴费。", "")]
    hits = FaqIndex(rows).search("实习证明")
    assert [h.entry for h in hits][:1] == [rows[0]]


def test_tokens_drop_question_words() -> None:
    words = tokens("请问求职补贴怎么申请？")
    assert "求职补贴" in words
    assert not {"请问", "怎么", "?"} & set(words)
