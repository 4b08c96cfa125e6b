"""Quality on the demo school's hidden truth: the engine beats plain TF-IDF, serves everyone or says why,
and hardship graduates are not served worse."""

from __future__ import annotations

import re

import pytest

from bench.matching_quality import DemoRun, demo_run, figures
from bot.matching.evaluate import mean, ndcg_at, recall_at


@pytest.fixture(scope="module")
def demo() -> DemoRun:
    return demo_run(2026)


def test_metrics_on_hand_made_rankings() -> None:
    assert recall_at([1, 2, 3], {2, 9}, k=2) == 0.5
    assert recall_at([1], set()) is None
    assert ndcg_at([5, 6], {5: 2, 6: 1}) == pytest.approx(1.0)
    assert ndcg_at([6, 5], {5: 2, 6: 1}) == pytest.approx((1 + 3 / 1.5849625) / (3 + 1 / 1.5849625))
    assert ndcg_at([7, 8], {5: 1}) == 0.0
    assert mean([None, 1.0, 0.0]) == 0.5


def test_engine_beats_the_tfidf_baseline_on_recall_and_ndcg(demo: DemoRun) -> None:
    f = figures(demo, 10)
    assert f["labelled"] > 300
    assert f["engine_recall"] > f["baseline_recall"]
    assert f["engine_ndcg"] > f["baseline_ndcg"]


def test_every_graduate_has_k_matches_or_an_explained_shortfall(demo: DemoRun) -> None:
    short = {s.graduate_id: s for s in demo.outcome.shortfalls()}
    for g in demo.graduates:
        found = len(demo.engine[g.id])
        if found >= 10:
            assert g.id not in short
        else:
            s = short[g.id]
            assert s.found == found and s.reason.endswith(f"仅找到 {found} 个")
            assert re.match(r"^(专业对口岗位不足|符合意向的岗位不足|岗位名额已优先分配|符合条件的岗位集中)", s.reason)


def test_hardship_graduates_are_not_served_worse(demo: DemoRun) -> None:
    f = figures(demo, 10)
    assert f["hardship"] > 20
    assert f["hardship_mean_score"] >= f["others_mean_score"]
    # where seats are short, priority decides: hardship graduates keep their quality, the others pay
    tight = demo_run(2026, capacity_factor=1.0)
    hard = [g.id for g in tight.graduates if g.hardship]
    other = [g.id for g in tight.graduates if not g.hardship]
    assert mean(ndcg_at(tight.engine[i], tight.grades[i]) for i in hard) > mean(
        ndcg_at(tight.engine[i], tight.grades[i]) for i in other
    )
