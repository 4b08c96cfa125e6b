"""Matching at province scale: `python -m bench.matching --graduates 100000 --postings 20000 --k 20`.

Generates synthetic profiles with realistic skew (about 100 majors in 35 专业类, about 300 cities with a home
province, Zipf-skewed employers, some nationwide postings), runs the engine, measures wall time and the RSS
high-water mark, times the plain-Python reference (bot.matching.reference) on a sample of graduates and
extrapolates it to all of them, and times placing one new posting incrementally. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from bot.codes.places import city_of, short_name_of
from bot.domain import EducationLevel, FeedbackKind, GraduateProfile, PostingProfile, Preference
from bot.matching import FeedbackItem, MatchParams, Outcome, prepare, run_pool
from bot.matching.incremental import MatchState, place_posting
from bot.matching.reference import Reference

TODAY = date(2026, 6, 1)
EXPLAIN_SAMPLE = 1000  # graduates whose reasons are built to time explanation
HOME_PROVINCE = "42"  # 湖北

# (专业类 code, 门类 code, majors, positions, skills, industry codes)
# fmt: off
DOMAINS: list[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    ("0809", "08", ("计算机科学与技术", "软件工程", "网络工程", "数据科学与大数据技术"),
     ("软件开发工程师", "Java开发", "前端开发", "测试工程师", "运维工程师", "数据分析师"),
     ("Java", "Python", "MySQL", "Linux", "Vue"), ("34",)),
    ("0807", "08", ("电子信息工程", "通信工程", "微电子科学与工程"),
     ("硬件工程师", "嵌入式开发", "通信工程师", "射频工程师"), ("单片机", "PCB设计", "C语言"), ("22", "34")),
    ("0802", "08", ("机械设计制造及其自动化", "机械电子工程", "车辆工程"),
     ("机械设计工程师", "工艺工程师", "设备维护", "数控编程"), ("CAD", "SolidWorks", "三维建模"), ("22",)),
    ("0806", "08", ("电气工程及其自动化", "智能电网信息工程"),
     ("电气工程师", "电力运维", "PLC工程师"), ("PLC", "电气设计", "变电运行"), ("23", "22")),
    ("0810", "08", ("土木工程", "给排水科学与工程", "道路桥梁与渡河工程"),
     ("施工员", "结构设计", "造价员", "监理"), ("AutoCAD", "广联达", "施工管理"), ("24",)),
    ("0828", "08", ("建筑学", "城乡规划"),
     ("建筑设计师", "规划设计师"), ("SketchUp", "方案设计"), ("24", "38")),
    ("0813", "08", ("化学工程与工艺", "制药工程"),
     ("化工工艺员", "质检员", "研发助理"), ("色谱分析", "GMP"), ("22",)),
    ("1011", "10", ("护理学", "助产学"),
     ("护士", "临床护理", "助产士"), ("护理", "急救", "静脉穿刺"), ("43",)),
    ("1002", "10", ("临床医学", "麻醉学", "医学影像学"),
     ("住院医师", "临床医生", "影像医师"), ("诊断", "病历书写"), ("43",)),
    ("1007", "10", ("药学", "临床药学"),
     ("药剂师", "医药代表", "药品质检"), ("药品管理", "药理"), ("43", "31")),
    ("1202", "12", ("工商管理", "市场营销", "会计学", "财务管理", "人力资源管理"),
     ("销售代表", "市场专员", "会计", "出纳", "人事专员", "财务助理"),
     ("Excel", "财务软件", "沟通"), ("37", "35", "31")),
    ("1204", "12", ("行政管理", "劳动与社会保障"),
     ("行政专员", "社区工作者", "文员"), ("公文写作", "办公软件"), ("45",)),
    ("1206", "12", ("物流管理", "采购管理"),
     ("物流专员", "仓储主管", "采购专员"), ("供应链", "ERP"), ("32",)),
    ("1209", "12", ("旅游管理", "酒店管理"),
     ("酒店管理培训生", "导游", "前台接待"), ("英语", "服务意识"), ("33",)),
    ("0201", "02", ("经济学", "国民经济管理"),
     ("经济分析师", "统计员"), ("统计", "SPSS"), ("35", "45")),
    ("0204", "02", ("国际经济与贸易", "贸易经济"),
     ("外贸业务员", "跟单员"), ("英语", "报关"), ("31",)),
    ("0203", "02", ("金融学", "保险学", "投资学"),
     ("银行柜员", "客户经理", "理财顾问"), ("金融", "风控"), ("35",)),
    ("0401", "04", ("教育学", "学前教育", "小学教育"),
     ("教师", "幼儿教师", "课程顾问"), ("教学设计", "普通话"), ("42",)),
    ("0402", "04", ("体育教育", "社会体育指导与管理"),
     ("体育教师", "健身教练"), ("运动训练",), ("42", "44")),
    ("0501", "05", ("汉语言文学", "秘书学"),
     ("文案策划", "编辑", "语文教师"), ("写作", "校对"), ("44", "42")),
    ("0502", "05", ("英语", "日语", "商务英语"),
     ("翻译", "英语教师", "外贸跟单"), ("英语", "日语"), ("42", "31")),
    ("0503", "05", ("新闻学", "广告学", "网络与新媒体"),
     ("新媒体运营", "记者", "广告策划"), ("短视频", "剪辑"), ("44",)),
    ("1305", "13", ("视觉传达设计", "环境设计", "产品设计"),
     ("平面设计师", "UI设计", "室内设计"), ("Photoshop", "Illustrator"), ("37", "44")),
    ("0901", "09", ("农学", "园艺", "植物保护"),
     ("农技员", "园艺师"), ("种植", "病虫害防治"), ("11",)),
    ("0710", "07", ("生物科学", "生物技术"),
     ("实验员", "检测员"), ("PCR", "细胞培养"), ("38",)),
    ("0301", "03", ("法学",),
     ("法务专员", "律师助理"), ("合同审查", "法律检索"), ("37", "45")),
    ("5202", "52", ("护理", "助产"),
     ("护士", "护理员"), ("护理", "急救"), ("43",)),
    ("5102", "51", ("计算机应用技术", "软件技术", "大数据技术"),
     ("程序员", "网络管理员", "实施工程师"), ("Java", "网络"), ("34",)),
    ("5303", "53", ("大数据与会计", "会计信息管理"),
     ("会计", "出纳", "记账员"), ("财务软件", "Excel"), ("37",)),
    ("4603", "46", ("机械制造及自动化", "数控技术", "模具设计与制造"),
     ("数控操作工", "模具工", "设备维修"), ("数控", "CAD"), ("22",)),
    ("5307", "53", ("现代物流管理",),
     ("仓管员", "配送专员"), ("仓储",), ("32",)),
    ("5701", "57", ("学前教育", "小学教育"),
     ("幼儿教师", "保育员"), ("幼儿教育",), ("42",)),
    ("4702", "47", ("建设工程管理", "工程造价"),
     ("造价员", "资料员", "施工员"), ("广联达",), ("24",)),
    ("5401", "54", ("旅游管理", "酒店管理与数字化运营"),
     ("酒店前台", "旅游顾问"), ("服务",), ("33",)),
    ("5502", "55", ("艺术设计", "数字媒体艺术设计"),
     ("美工", "设计助理"), ("Photoshop",), ("37",)),
]
# fmt: on
GENERIC = ("五险一金", "带薪年假", "团队氛围好", "有培训", "包住宿", "绩效奖金", "节日福利", "晋升空间大", "双休")
SUFFIX = ("", "助理", "专员", "（应届生）", "储备干部", "主管")


@dataclass(frozen=True)
class Major:
    code: str
    cls: str
    cat: str
    name: str
    domain: int
    level: EducationLevel


def majors() -> list[Major]:
    out: list[Major] = []
    for d, (cls, cat, names, *_rest) in enumerate(DOMAINS):
        level = EducationLevel.ZHUANKE if cat >= "41" else EducationLevel.BENKE
        out.extend(Major(f"{cls}{j + 1:02d}", cls, cat, name, d, level) for j, name in enumerate(names))
    return out


def cities() -> tuple[list[str], list[str]]:
    """(home-province cities, all cities), real adcodes."""
    import cpca

    found = set()
    for key in cpca.ad_2_addr_dict:
        code = key[:6]
        if code.endswith("00") and not code.endswith("0000"):
            city = city_of(code)
            if city and short_name_of(city) not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                found.add(city)
    everywhere = sorted(found)
    return [c for c in everywhere if c.startswith(HOME_PROVINCE)], everywhere


def zipf(rng: np.random.Generator, n: int, size: int, a: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** a
    return rng.choice(n, size=size, p=weights / weights.sum())


def make_postings(rng: np.random.Generator, n: int, ms: list[Major]) -> list[PostingProfile]:
    home, everywhere = cities()
    rng.shuffle(everywhere)
    dom = zipf(rng, len(DOMAINS), n, 0.6)
    n_emp = max(n // 5, 1)
    employer = zipf(rng, n_emp, n, 0.9) + 1
    where = rng.random(n)
    city_home = rng.choice(len(home), n)
    city_any = zipf(rng, len(everywhere), n)
    out = []
    for i in range(n):
        d = DOMAINS[dom[i]]
        cls, cat, _names, positions, skills, inds = d
        title = positions[rng.integers(len(positions))] + SUFFIX[rng.integers(len(SUFFIX))]
        words = [skills[j] for j in rng.choice(len(skills), min(2, len(skills)), replace=False)]
        desc = f"招聘{title}，负责{'、'.join(words)}相关工作。" + "，".join(rng.choice(GENERIC, 3, replace=False))
        adcode = None if where[i] < 0.1 else home[city_home[i]] if where[i] < 0.55 else everywhere[city_any[i]]
        kind = rng.random()
        own = [m for m in ms if m.domain == dom[i]]
        accepted: tuple[str, ...] = ()
        if kind < 0.45:
            accepted = (cls,)
        elif kind < 0.7:
            accepted = tuple(m.code for m in own[: int(rng.integers(1, len(own) + 1))])
        elif kind < 0.8:
            accepted = (cat,)
        lo = int(rng.integers(3, 12)) * 1000
        out.append(
            PostingProfile(
                id=i + 1, employer_id=int(employer[i]), title=title, description=desc, adcode=adcode,
                industry_code=inds[rng.integers(len(inds))] if rng.random() < 0.9 else None, employer_nature=None,
                min_education=EducationLevel.ZHUANKE if cat >= "41" or rng.random() < 0.3 else EducationLevel.BENKE,
                majors_any=not accepted, accepted_majors=accepted, salary_min=lo if rng.random() < 0.85 else None,
                salary_max=lo + int(rng.integers(1, 6)) * 1000 if rng.random() < 0.8 else None,
                headcount=int(rng.geometric(0.25)), published_on=TODAY - timedelta(days=int(rng.integers(0, 60))),
                deadline=TODAY + timedelta(days=int(rng.integers(-5, 90))) if rng.random() < 0.6 else None,
            )
        )  # fmt: skip
    return out


def make_graduates(rng: np.random.Generator, n: int, ms: list[Major]) -> list[GraduateProfile]:
    home, everywhere = cities()
    rng.shuffle(everywhere)
    major = zipf(rng, len(ms), n, 0.5)
    # Random draws in bulk (one row per graduate), so that generating 100,000 takes seconds.
    u = rng.random((n, 10))
    n_city = rng.choice(4, size=n, p=[0.15, 0.45, 0.3, 0.1])
    home_pick = rng.integers(0, len(home), (n, 3))
    far_pick = zipf(rng, len(everywhere), 3 * n).reshape(n, 3)
    pick = rng.integers(0, 1 << 30, (n, 4))
    days = rng.integers(0, 300, n)
    out: list[GraduateProfile] = []
    for i in range(n):
        m = ms[major[i]]
        _cls, _cat, _names, positions, skills, inds = DOMAINS[m.domain]
        c = int(n_city[i])
        wished = [home[j] for j in home_pick[i, :c]] if u[i, 0] < 0.6 else [everywhere[j] for j in far_pick[i, :c]]
        pref = Preference(
            city_adcodes=tuple(dict.fromkeys(wished)),
            province_adcodes=(HOME_PROVINCE + "0000",) if u[i, 1] < 0.1 else (),
            any_place=bool(u[i, 2] < 0.3),
            industry_codes=(inds[0],) if u[i, 3] < 0.4 else (),
            positions=(positions[pick[i, 0] % len(positions)],) if u[i, 4] < 0.75 else (),
            skills=(skills[pick[i, 1] % len(skills)],) if u[i, 5] < 0.5 else (),
            salary_min=int(3 + pick[i, 2] % 7) * 1000 if u[i, 6] < 0.6 else None,
        )
        origin = home[pick[i, 3] % len(home)] if u[i, 7] < 0.7 else everywhere[pick[i, 3] % len(everywhere)]
        out.append(
            GraduateProfile(
                id=i + 1, education=m.level, major_code=m.code, major_class_code=m.cls, major_category_code=m.cat,
                origin_adcode=origin, hardship=bool(u[i, 8] < 0.15),
                unplaced_since=TODAY - timedelta(days=int(days[i])) if u[i, 9] < 0.9 else None,
                preference=pref, major_name=m.name,
            )
        )  # fmt: skip
    return out


def make_feedback(rng: np.random.Generator, graduates: int, postings: list[PostingProfile]) -> list[FeedbackItem]:
    out = []
    for gid in rng.choice(graduates, graduates // 50, replace=False).tolist():
        p = postings[int(rng.integers(len(postings)))]
        kind = [FeedbackKind.REJECTED, FeedbackKind.INTERESTED, FeedbackKind.APPLIED][int(rng.integers(3))]
        far = kind == FeedbackKind.REJECTED and rng.random() < 0.5
        out.append(FeedbackItem(gid + 1, p.id, kind, far, p.adcode, p.employer_id, f"{p.title} {p.description}"))
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure_engine(
    graduates: list[GraduateProfile], postings: list[PostingProfile], feedback: list[FeedbackItem], params: MatchParams
) -> tuple[Outcome, dict[str, Any]]:
    t0 = time.perf_counter()
    pool = prepare(graduates, postings, params=params, today=TODAY, feedback=feedback)
    prep_s = time.perf_counter() - t0
    outcome = run_pool(pool)
    engine_s = time.perf_counter() - t0
    print(f"引擎：准备 {prep_s:.1f} 秒，打分与分配 {engine_s - prep_s:.1f} 秒，合计 {engine_s:.1f} 秒", flush=True)
    stats = outcome.stats()
    sample = range(0, len(graduates), max(1, len(graduates) // EXPLAIN_SAMPLE))
    t0 = time.perf_counter()
    reasons = sum(len(outcome.recommendations_at(row)) for row in sample)
    explain_ms = (time.perf_counter() - t0) * 1000 / max(reasons, 1)
    return outcome, {
        "engine_s": round(engine_s, 2),
        "prepare_s": round(prep_s, 2),
        "allocate_s": round(engine_s - prep_s, 2),
        "matches": stats.matches,
        "shortfalls": stats.shortfalls,
        "graduates_by_step": stats.graduates_by_step,
        "explain_ms_per_match": round(explain_ms, 3),
    }


def measure_incremental(outcome: Outcome, posting: PostingProfile) -> dict[str, Any]:
    """Place a copy of an existing posting (new id, 5 seats) into the current lists."""
    state = MatchState.from_outcome(outcome)
    new = replace(posting, id=int(outcome.pool.pi.ids.max(initial=0)) + 1, headcount=5)
    t0 = time.perf_counter()
    placed = place_posting(state, new)
    return {"incremental_s": round(time.perf_counter() - t0, 4), "incremental_placed": len(placed)}


def measure_reference(
    rng: np.random.Generator, outcome: Outcome, feedback: list[FeedbackItem], sample: int, engine_s: float
) -> dict[str, Any]:
    """Time the plain-Python reference on a sample and extrapolate to every graduate."""
    pool = outcome.pool
    t0 = time.perf_counter()
    ref = Reference(pool.postings, pool.vocab.text, pool.params, TODAY, feedback)
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in rng.choice(len(pool.graduates), sample, replace=False).tolist():
        ref.top_k(pool.graduates[i])
    per = (time.perf_counter() - t0) / sample
    total = setup + per * len(pool.graduates)
    print(f"参照实现：每人 {per * 1000:.0f} 毫秒，外推到全部 {total:.0f} 秒", flush=True)
    return {
        "reference_ms_per_graduate": round(per * 1000, 1),
        "reference_extrapolated_s": round(total, 0),
        "speedup": round(total / engine_s, 1),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.matching", description="匹配引擎基准：省级规模的速度与内存。")
    ap.add_argument("--graduates", type=int, default=100_000, help="毕业生人数")
    ap.add_argument("--postings", type=int, default=20_000, help="岗位数")
    ap.add_argument("--k", type=int, default=20, help="每人推荐数 K")
    ap.add_argument("--seed", type=int, default=2026, help="随机种子")
    ap.add_argument("--capacity-factor", type=float, default=3.0, help="名额系数 c（每岗最多推荐 ceil(c*h) 人）")
    ap.add_argument("--reference-sample", type=int, default=200, help="参照实现（纯 Python）抽样人数，0 = 不跑")
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    ms = majors()
    postings = make_postings(rng, args.postings, ms)
    graduates = make_graduates(rng, args.graduates, ms)
    feedback = make_feedback(rng, args.graduates, postings)
    print(f"生成数据：{args.graduates} 名毕业生，{args.postings} 个岗位，{len(ms)} 个专业，"
          f"用时 {time.perf_counter() - t0:.1f} 秒", flush=True)  # fmt: skip
    rss_before = peak_mb()
    params = MatchParams(k=args.k, capacity_factor=args.capacity_factor)
    outcome, figures = measure_engine(graduates, postings, feedback, params)
    figures["peak_rss_mb"] = round(peak_mb(), 0)  # before the reference and its Python dicts
    figures["rss_before_engine_mb"] = round(rss_before, 0)
    figures.update(measure_incremental(outcome, postings[len(postings) // 2]))
    if args.reference_sample:
        figures.update(measure_reference(rng, outcome, feedback, args.reference_sample, figures["engine_s"]))
    head = {"graduates": args.graduates, "postings": args.postings, "k": args.k}
    head.update({"capacity_factor": args.capacity_factor, "seed": args.seed})
    print(json.dumps({**head, **figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
