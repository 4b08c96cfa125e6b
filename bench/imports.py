"""Ledger import at province scale: `python -m bench.imports --graduates 100000 --postings 50000`.

Generates a graduate roster and a scraped-looking posting ledger as .xlsx (every salary and place form the
importer must read, GBK-era habits such as 学号 typed as numbers), migrates an empty database (default: a
temporary SQLite file), then imports each file in a fresh child process and records its wall time and RSS
high-water mark; with --reimport it imports both again to time the no-change path. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl

SEED = 20260601
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟"
    "姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉飞宇浩然子轩梓涵一诺欣怡雨彤思远俊杰佳琪晨曦嘉怡"
COLLEGES = {
    "计算机学院": [("计算机科学与技术", "080901"), ("软件工程", "080902"), ("网络工程", "080903")],
    "电气学院": [("电气工程及其自动化", "080601"), ("自动化", "080801")],
    "机械学院": [("机械设计制造及其自动化", "080202"), ("车辆工程", "080207")],
    "经管学院": [("会计学", "120203K"), ("市场营销", "120202"), ("国际经济与贸易", "020401")],
    "医学院": [("护理学", "101101"), ("临床医学", "100201K")],
    "外国语学院": [("英语", "050201"), ("日语", "050207")],
    "艺术学院": [("视觉传达设计", "130502"), ("环境设计", "130503")],
    "高职学院": [("计算机应用技术", "510201"), ("大数据技术", "510205")],
}
ORIGINS = ["湖北省宜昌市", "湖北省襄阳市", "武汉", "河南省南阳市", "420500", "湖南长沙", "江西省九江市", "四川成都"]
PLACES = ["上海·虹口", "武汉-洪山区", "湖北省宜昌市", "全国", "深圳市南山区", "杭州", "北京海淀", "广州-天河", "成都"]
PLACES += ["南京市江宁区", "苏州", "长沙·岳麓", "西安-雁塔区", "重庆渝北", "郑州", "襄阳", "湖北仙桃", "合肥"]
SALARIES = ["8千-1.1万", "0.5-1万/月", "6000-8000元/月", "10-15K·13薪", "150-200元/天", "面议", "5k-8k", "8000以上"]
SALARIES += ["3000元", "年薪12-15万", "4-6千/月", "2万+", "8000-12000", "1.2-2万·14薪", "底薪4000+提成"]
TITLES = ["Java开发工程师", "前端开发", "测试工程师", "电气工程师", "机械设计工程师", "会计", "销售代表", "护士"]
TITLES += ["英语翻译", "平面设计师", "数据分析师", "运维工程师", "管培生", "客服专员", "行政助理", "嵌入式开发"]
MAJOR_REQS = ["不限", "计算机类", "计算机类、电子信息类", "工学", "软件工程、网络工程", "会计学、财务管理", "护理学类"]
MAJOR_REQS += ["电气类、自动化类", "机械类", "外国语言文学类", "设计学类", "经管类", "计算机相关专业"]
NATURES = ["民营企业", "国有企业", "39", "31", "外企", "事业单位", "32"]
INDUSTRIES = ["互联网", "制造业", "34", "22", "金融", "教育", "批发和零售业", "建筑业", "医疗"]
EDUCATIONS = ["本科及以上", "大专", "不限", "硕士", "本科", "专科及以上"]
DEADLINES: list[Any] = ["2026/6/30", "2026年7月31日", "长期有效", 46203, "2026-08-15"]
GRADUATE_HEADER = ["学号", "姓名", "性别", "学院", "专业", "专业代码", "班级", "学历层次", "届别", "生源地"]
GRADUATE_HEADER += [
    "困难生类别",
    "脱贫家庭",
    "低保家庭",
    "手机号",
    "身份证号",
    "意向城市",
    "意向行业",
    "意向岗位",
    "期望月薪",
]
POSTING_HEADER = ["职位名称", "公司名称", "统一社会信用代码", "企业性质", "行业", "工作城市", "薪资待遇", "学历要求"]
POSTING_HEADER += ["专业要求", "招聘人数", "截止日期", "发布日期", "岗位职责", "任职要求", "联系方式", "来源", "链接"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _id_number(rng: random.Random) -> str:
    birth = date(2002, 1, 1) + timedelta(days=rng.randrange(1500))
    first17 = f"420{rng.randrange(100, 999)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def _credit_code(rng: random.Random) -> str:
    first17 = "9142" + "".join(rng.choice(CREDIT_CHARS) for _ in range(13))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return first17 + CREDIT_CHARS[(31 - total % 31) % 31]


def write_graduates(path: Path, n: int, rng: random.Random) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("毕业生")
    ws.append(GRADUATE_HEADER)
    colleges = list(COLLEGES)
    for i in range(n):
        college = colleges[i % len(colleges)]
        major, code = COLLEGES[college][(i // len(colleges)) % len(COLLEGES[college])]
        level = "专科生" if code.startswith("51") else "本科生"
        hardship = rng.random() < 0.1
        ws.append(
            [
                float(20220000 + i) if i % 3 == 0 else str(20220000 + i),  # Excel habit: 学号 stored as a number
                rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
                rng.choice("男女"),
                college,
                major,
                code,
                f"{major}{22 + i % 2}{(i // 400) % 9 + 1:02d}班",
                level,
                2026,
                rng.choice(ORIGINS),
                rng.choice("12") if hardship else 0,
                "是" if hardship and rng.random() < 0.5 else "否",
                "否",
                f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                _id_number(rng),
                rng.choice(["武汉、深圳", "不限", "宜昌", "上海 杭州", "湖北"]),
                rng.choice(["互联网", "制造业", "教育", ""]),
                rng.choice(["开发", "测试、运维", "会计", ""]),
                rng.choice(["6000", "6-8千", "8000以上", ""]),
            ]
        )
    wb.save(path)


def write_postings(path: Path, n: int, rng: random.Random) -> None:
    employers = [
        (f"{rng.choice(PLACES)[:2]}示例{k:05d}科技有限公司", _credit_code(rng)) for k in range(max(n // 10, 1))
    ]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("岗位")
    ws.append(POSTING_HEADER)
    for i in range(n):
        name, credit = employers[rng.randrange(len(employers))]
        title = f"{rng.choice(TITLES)}（{i:06d}）"
        ws.append(
            [
                title,
                name,
                credit if rng.random() < 0.8 else None,
                rng.choice(NATURES),
                rng.choice(INDUSTRIES),
                rng.choice(PLACES),
                rng.choice(SALARIES),
                rng.choice(EDUCATIONS),
                rng.choice(MAJOR_REQS),
                rng.choice(["1", "3人", "若干", 5, "2"]),
                rng.choice(DEADLINES),
                "2026-03-01",
                f"负责{title}相关工作，参与项目设计、开发与维护，按时完成上级交办的任务。",
                "认真负责，有团队合作精神；" + ("限男性" if i % 500 == 0 else "熟悉常用办公软件"),
                "hr@example.com",
                rng.choice(["校园招聘会", "智联招聘", "前程无忧"]),
                f"https://jobs.example.com/{i}",
            ]
        )
    wb.save(path)


def _child(kind: str, file: Path, url: str) -> None:
    """Import one file in this (fresh) process and print its figures as JSON."""
    from bot.bootstrap import bootstrap
    from bot.config import Settings
    from bot.services.imports import ImportOptions, import_graduates, import_postings

    settings = Settings(database_url=url, demo=True, config=Path("/nonexistent/jiuye.toml"))
    container = bootstrap(settings, configure_logs=False)
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    start = time.perf_counter()
    run = import_graduates if kind == "graduates" else import_postings
    report = run(container, file, ImportOptions(cohort=2026))
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    figures = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }
    figures["rows"] = report.rows
    figures |= {"new": report.new, "updated": report.updated, "unchanged": report.unchanged}
    print(json.dumps(figures | {"errors": len(report.errors), **report.counts}, ensure_ascii=False))


def _measure(kind: str, file: Path, url: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.imports", "--child", kind, str(file), "--database-url", url]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} import failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--graduates", type=int, default=100_000, help="graduate rows to generate (100000)")
    parser.add_argument("--postings", type=int, default=50_000, help="posting rows to generate (50000)")
    parser.add_argument("--database-url", help="an empty database to migrate and fill (default: a temp SQLite file)")
    parser.add_argument("--reimport", action="store_true", help="import both files a second time (no-change path)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], Path(args.child[1]), args.database_url)
        return
    with tempfile.TemporaryDirectory(prefix="jiuye-bench-") as tmp:
        work = Path(tmp)
        url = args.database_url or f"sqlite:///{work / 'bench.db'}"
        rng = random.Random(SEED)
        start = time.perf_counter()
        write_graduates(work / "graduates.xlsx", args.graduates, rng)
        write_postings(work / "postings.xlsx", args.postings, rng)
        generated = time.perf_counter() - start
        from bot.config import normalise_database_url
        from models import migrate
        from models.db import make_engine

        engine = make_engine(normalise_database_url(url))
        migrate.upgrade(engine)
        engine.dispose()
        out: dict[str, Any] = {"database": url.split(":", 1)[0], "generate_seconds": round(generated, 1)}
        out["load_average_at_start"] = round(os.getloadavg()[0], 1)  # the machine is shared: read times with it
        for kind in ("graduates", "postings"):
            file = work / f"{kind}.xlsx"
            out[kind] = {"file_mb": round(file.stat().st_size / 2**20, 1)} | _measure(kind, file, url)
            print(f"{kind}: {out[kind]}", flush=True)
        if args.reimport:
            for kind in ("graduates", "postings"):
                out[f"{kind}_reimport"] = _measure(kind, work / f"{kind}.xlsx", url)
                print(f"{kind} again: {out[f'{kind}_reimport']}", flush=True)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
