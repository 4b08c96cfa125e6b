"""Words people write in ledgers -> national codes: 行业, 单位性质, 困难生类别, 性别, 学历层次 (pure).

The code book knows the official names ("信息传输、软件和信息技术服务业", "其他企业"); ledgers say "互联网",
"民营企业". The everyday words below map onto the official codes; anything else is reported, never guessed.
"""

from __future__ import annotations

import re
import unicodedata

from bot.codes.book import CodeBook
from bot.domain import EducationLevel
from bot.imports.cells import code_text


def _word_table(groups: dict[str, str]) -> dict[str, str]:
    """{code: "word word ..."} -> {word: code}."""
    return {word: code for code, words in groups.items() for word in words.split()}


_INDUSTRY_WORDS = _word_table(
    {
        "11": "农业 林业 畜牧 畜牧业 渔业 养殖 农林牧渔",
        "21": "采矿 矿业 煤炭 石油开采",
        "22": "制造 机械 汽车 电子 半导体 芯片 化工 生物医药 医药制造 家电 装备制造 新能源汽车",
        "23": "电力 能源 燃气 供水 电网 新能源 热力",
        "24": "建筑 施工 工程建设 土木 建工 装修 装饰",
        "31": "零售 批发 电商 电子商务 贸易 商贸 快消",
        "32": "物流 运输 快递 交通 交通运输 航空 铁路 仓储 邮政",
        "33": "餐饮 酒店 住宿 旅游住宿",
        "34": "互联网 it 软件 计算机 通信 电信 信息技术 人工智能 大数据 云计算 互联网/it",
        "35": "金融 银行 证券 保险 基金 投资 期货",
        "36": "房地产 地产 物业",
        "37": "咨询 广告 人力资源 法律服务 会计 审计 商务服务 租赁 旅行社",
        "38": "科研 研发 检测 技术服务 工程设计 设计院",
        "39": "环保 水利 公共设施 环境 园林",
        "41": "家政 维修 美容 居民服务",
        "42": "教育 培训 教培 学校",
        "43": "医疗 医院 卫生 养老 社会工作 医疗卫生",
        "44": "传媒 文化 娱乐 体育 影视 出版 广电 新闻 文化传媒",
        "45": "政府 机关 公务员 社会组织 公共管理",
        "46": "国际组织",
        "80": "军队 部队",
    }
)
_NATURE_WORDS = _word_table(
    {
        "10": "机关 政府机关 党政机关 行政机关 公务员 政府",
        "20": "科研设计单位 科研院所 研究所 研究院 设计院",
        "21": "高等教育单位 高校 大学 学院",
        "22": "中初教育单位 中小学 中学 小学 学校",
        "23": "医疗卫生单位 医院 卫生院 疾控中心",
        "29": "其他事业单位 事业单位",
        "31": "国有企业 国企 央企 中央企业 地方国企 国有控股",
        "32": "三资企业 外企 外资企业 外资 合资企业 中外合资 港澳台资企业",
        "39": "其他企业 民营企业 民企 私营企业 私企 股份制企业 有限责任公司 个体 民营",
        "40": "部队 军队",
        "55": "农村建制村 村委会 建制村",
        "56": "城镇社区 社区 居委会",
        "99": "其他",
    }
)

_GENDERS = {"男": "男", "男性": "男", "m": "男", "male": "男", "1": "男", "女": "女", "女性": "女", "f": "女"}
_GENDERS |= {"female": "女", "2": "女"}
_HARDSHIP_PARTS = (("就业困难", 1), ("家庭困难", 2), ("经济困难", 2), ("残疾", 4))
_NOT_HARDSHIP = frozenset({"非困难生", "无", "否", "不是", "非困难", "正常"})
_INDUSTRY_SUFFIX = re.compile(r"(?:行业|产业|领域|业)$")
_GRAD_EDU_NOISE = re.compile(r"(?:毕业|结业|肄业|学历)$")


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def industry_code(text: str, book: CodeBook) -> str | None:
    """One industry, by MOE code, official name or everyday word; None if unknown."""
    t = _norm(text)
    if not t:
        return None
    if t in book.industries:
        return t
    for word in (t, _INDUSTRY_SUFFIX.sub("", t)):
        if word in _INDUSTRY_WORDS:
            return _INDUSTRY_WORDS[word]
    if len(t) >= 2:
        return book.industry_by_name(text)
    return None


def industry_codes(text: str, book: CodeBook) -> tuple[list[str], list[str]]:
    """Several industries in one cell: (codes, words not understood). Official names contain "、", so the
    whole cell is tried before splitting on it."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,，/／;；|｜\s]+", text.strip()):
        if not part:
            continue
        whole = industry_code(part, book)
        pieces = [(part, whole)] if whole else [(p, industry_code(p, book)) for p in part.split("、") if p]
        for word, code in pieces:
            if code is None:
                unknown.append(word)
            elif code not in codes:
                codes.append(code)
    return codes, unknown


def nature_code(text: str, book: CodeBook) -> str | None:
    t = _norm(text)
    if t in book.employer_natures:
        return t
    return book.nature_by_name(t) or _NATURE_WORDS.get(t)


def hardship_mask(text: str, book: CodeBook) -> int:
    """0-7 or names ("就业困难和残疾"); raises ValueError with a Chinese reason."""
    t = code_text(text)
    if t.isdigit() and int(t) in book.hardship:
        return int(t)
    if t in _NOT_HARDSHIP:
        return 0
    mask = 0
    for word, bit in _HARDSHIP_PARTS:
        if word in t:
            mask |= bit
    if mask == 0:
        raise ValueError(f"应填 0-7 或类别名称（就业困难、家庭困难、残疾，可组合），不能是“{text}”")
    return mask


def gender(text: str) -> str:
    found = _GENDERS.get(_norm(text))
    if found is None:
        raise ValueError(f"应填“男”或“女”，不能是“{text}”")
    return found


def graduate_education(text: str) -> EducationLevel:
    """学历层次 of a graduate: 本科生/专科生/硕士生/博士生 and their everyday forms."""
    t = _GRAD_EDU_NOISE.sub("", _norm(text))
    level = EducationLevel.parse(t)
    if level is None or level == EducationLevel.ANY:
        raise ValueError(f"无法识别学历层次“{text}”（应为 本科生、专科生、硕士生 或 博士生）")
    return level


def required_education(text: str) -> EducationLevel:
    """学历要求 of a posting: 不限, 大专及以上, 本科, 硕士研究生 ..."""
    level = EducationLevel.parse(_norm(text))
    if level is None:
        raise ValueError(f"无法识别学历要求“{text}”（应为 不限、专科、本科、硕士 或 博士）")
    return level
