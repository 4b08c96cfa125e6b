"""The one-line Chinese reasons that go with every match."""

from __future__ import annotations

from bot.matching.explain import salary_text
from tests.unit.matching.factories import HONGSHAN, SHENZHEN, WUHAN, YICHANG, grad, match, post


def test_reason_names_major_city_and_salary() -> None:
    g = grad(city_adcodes=(WUHAN,), salary_min=5000)
    out = match([g], [post(1, adcode=HONGSHAN, salary=(5000, 7000))])
    (rec,) = out.recommendations(1)
    assert rec.reason == "专业对口：护理学；意向城市：武汉；薪资 5-7千 满足期望"


def test_reason_names_wished_position_and_industry() -> None:
    g = grad(positions=("护士",), industry_codes=("43",))
    out = match([g], [post(1, title="护士", description="病房护理")])
    (rec,) = out.recommendations(1, industry_names={"43": "卫生和社会工作"})
    assert "岗位相符：护士" in rec.reason and "意向行业：卫生和社会工作" in rec.reason


def test_reason_says_when_the_list_was_relaxed() -> None:
    g = grad(city_adcodes=(WUHAN,))
    out = match([g], [post(1, adcode=YICHANG, accepted=("1011",))])
    (rec,) = out.recommendations(1)
    assert rec.reason.startswith("相近专业：护理学（同专业类）；工作地：宜昌（与意向城市同省）")
    assert rec.reason.endswith("（城市放宽到省内）")


def test_reason_for_nationwide_and_any_major_postings() -> None:
    out = match([grad()], [post(1, adcode=None, accepted=(), majors_any=True)])
    assert out.recommendations(1)[0].reason == "专业不限；全国招聘"


def test_reason_mentions_home_town() -> None:
    out = match([grad(origin=SHENZHEN)], [post(1, adcode=SHENZHEN)])
    assert "生源地就业" in out.recommendations(1)[0].reason


def test_salary_text() -> None:
    assert salary_text(5000, 7000) == "5-7千"
    assert salary_text(5500, 8000) == "5.5-8千"
    assert salary_text(8000, 12000) == "8千-1.2万"
    assert salary_text(10000, 15000) == "1-1.5万"
    assert salary_text(6000, None) == "6千起"
    assert salary_text(None, 9000) == "最高9千"
    assert salary_text(None, None) is None


def test_reasons_fit_the_column() -> None:
    g = grad(positions=tuple("护理岗位" + str(i) for i in range(80)))
    out = match([g], [post(1, title="护理岗位" * 20)])
    assert len(out.recommendations(1)[0].reason) <= 250
