"""The status concepts and the words graduates use for them (status.py reads these; no logic here).

Each concept names the 毕业去向 it stands for when done, its rank when several are said (the more specific
wins), and the status it means when it is only planned ("准备去当兵" is 70 拟应征入伍, not 46).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEEKING = "求职中"
SIGNING = "签约中"
EXAM = "拟参加公招考试"
STARTUP_PLAN = "拟创业"
ARMY_PLAN = "拟应征入伍"
STUDY_PLAN = "拟升学"
ABROAD_PLAN = "拟出国出境"
NOT_NOW = "暂不就业"
HEALTH = "身体健康状况"
EMPLOYED = "employed"  # signed or working, document not said: 10, 11 or 12
UNSURE = "unsure"  # "done" without saying what
NOT_YET_CODES = ("70", "71", "72")


@dataclass(frozen=True, slots=True)
class Concept:
    name: str
    pattern: re.Pattern[str]
    code: str  # EMPLOYED / UNSURE for the open ones
    priority: int
    subcode: str | None = None
    reason: str | None = None
    planned: tuple[str, str] | None = None  # (code, reason) when it is only a plan
    deferred_is_plan: bool = False  # "等…" / "下周…" makes it a plan (signing) rather than done
    negation_is_meaning: bool = False  # "没找到" is what the concept says, not its denial


def any_of(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives))


COUNTRIES = {
    "英国": "英国", "美国": "美国", "澳洲": "澳大利亚", "澳大利亚": "澳大利亚", "日本": "日本", "韩国": "韩国",
    "德国": "德国", "法国": "法国", "加拿大": "加拿大", "新加坡": "新加坡", "香港": "中国香港", "澳门": "中国澳门",
    "台湾": "中国台湾", "俄罗斯": "俄罗斯", "马来西亚": "马来西亚", "新西兰": "新西兰", "爱尔兰": "爱尔兰",
    "荷兰": "荷兰", "意大利": "意大利", "西班牙": "西班牙", "泰国": "泰国", "瑞士": "瑞士", "瑞典": "瑞典",
}  # fmt: skip
COUNTRY = "|".join(COUNTRIES)
STUDY_TOPIC = "考研|研究生|读研|读博|硕士|博士|专升本|专插本|升本|二学位|第二学士学位|第二学位|双学位|保研|推免"
ACHIEVED = "上岸|考上|录取|拟录取|成功|过了|通过|复试过|录了|考进"
EXAM_NOUN = "公务员|事业编|事业单位|教师编|编制|公安|国企|选调"
_CLAUSE = "[^,。!?]"

CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "assistant",
        any_of("科研助理", "管理助理", "课题组助理", "实验室助理", "科研助手", "助研"),
        "27", 95, "271", planned=("70", SEEKING),
    ),
    Concept(
        "army",
        any_of("当兵", "参军", "入伍", "服兵役", "(去|到|进|在)部队(?!文职)", "应征", "从军"),
        "46", 90, planned=("70", ARMY_PLAN),
    ),
    Concept("sanzhi", any_of("三支一扶"), "50", 90, "502", planned=("70", EXAM)),
    Concept("xibu", any_of("西部计划", "西部志愿"), "50", 90, "503", planned=("70", EXAM)),
    Concept("tegang", any_of("特岗"), "50", 89, planned=("70", EXAM)),
    Concept("xuandiao", any_of("选调"), "51", 90, "512", planned=("70", EXAM)),
    Concept("cunguan", any_of("村官"), "51", 89, "519", planned=("70", EXAM)),
    Concept(
        "abroad",
        any_of(
            "出国", "留学", "国外", "海外", "境外",
            f"({COUNTRY})[^,。!]{{0,6}}(读|念|学|研|硕|博|offer|录取|学校)",
            f"申请到[^,。!]{{0,4}}({COUNTRY})",
        ),
        "85", 88, planned=("71", ABROAD_PLAN),
    ),
    Concept(
        "abroad_test",
        any_of("雅思", "托福", "gre", "gmat", "申请学校", "语言成绩"),
        "85", 40, planned=("71", ABROAD_PLAN),
    ),
    Concept(
        "study",
        any_of(
            f"({STUDY_TOPIC}){_CLAUSE}{{0,8}}({ACHIEVED})",
            f"({ACHIEVED}){_CLAUSE}{{0,6}}({STUDY_TOPIC})",
            "保研", "推免", "读研", "在读研", "读(第二学士学位|二学位|第二学位|双学位)", "研究生录取",
            "录取[^,。]{0,4}读研",
        ),
        "80", 87, "801", planned=("71", STUDY_PLAN),
    ),
    Concept(
        "study_plan",
        any_of(
            r"(准备|打算|想|计划|备考|复习|继续|还要|要)\s*(考研|读研|考研究生|研究生|专升本|升本|考博|读博|专插本)",
            "二战", "再考一年", "再战一年", "再考", "考研ing", "备考研", "考研复习", "调剂",
        ),
        "71", 61, reason=STUDY_PLAN,
    ),
    Concept(
        "startup",
        any_of(
            "创业", "开(了)?(一)?(家|个|间)?[^,。!]{0,5}(店|公司|工作室|餐馆|饭馆|厂)", "开网店", "当老板", "合伙",
            "注册(了)?(个)?公司", "自己干", "养殖", "做生意", "摆摊",
        ),
        "75", 85, planned=("70", STARTUP_PLAN),
    ),
    Concept(
        "freelance",
        any_of(
            "自媒体", "自由职业", "私活", "接单", "主播", "直播", "网文", "撰稿", "up主", "博主", "外卖", "网约车",
            "滴滴",
            "代驾", "灵活就业", "兼职", r"自由[\u4e00-\u9fff]{0,3}(师|者|人|职业)", "接稿", "约稿", "接活", "独立设计",
        ),
        "76", 84, planned=("70", SEEKING),
    ),
    Concept(
        "other_hire",
        any_of("录用证明", "录用函", "接收函", "工作证明", "聘用证明", "用人证明", "接收证明", "录用通知"),
        "12", 83, planned=("70", SIGNING), deferred_is_plan=True,
    ),
    Concept(
        "contract",
        any_of("劳动合同", "正式合同", "签(了|的|好)?[^,。!三]{0,4}合同", "合同[^,。!]{0,2}签"),
        "11", 82, planned=("70", SIGNING), deferred_is_plan=True,
    ),
    Concept(
        "agreement",
        any_of("三方", "就业协议", "网签", "签约", "签了", "已签", "签好", "签啦", "签完", "签下"),
        "10", 80, planned=("70", SIGNING), deferred_is_plan=True,
    ),
    Concept(
        "exam_passed",
        any_of(
            f"(考上|考进|进了|录取为?|上岸){_CLAUSE}{{0,3}}({EXAM_NOUN})",
            f"({EXAM_NOUN}|考公|考编|国考|省考){_CLAUSE}{{0,4}}(上岸|考上|录取|过了|成功)",
        ),
        EMPLOYED, 56,
    ),
    Concept(
        "exam",
        any_of(
            "考公", "国考", "省考", "考公务员", "公务员考试", "考编", "考事业编", "考教师编", "事业编考试",
            "考事业单位", "事业单位考试", "考教资", "公考", "遴选", "招教", "公招", "备考事业编", "备考公务员",
        ),
        "70", 55, reason=EXAM,
    ),
    Concept(
        "employed",
        any_of(
            "上班", "入职", "(已经?|开始)(在)?工作", "报到(?!证)", "找到(了)?(工作|单位|下家)?",
            "工作(已经)?(落实|定了|有着落|找到)", "落实(了)?", "着落", "onboard", "上岗", "在职",
        ),
        EMPLOYED, 50,
    ),
    Concept(
        "signing",
        any_of(
            "offer", "意向书", "在谈", "谈好", "谈着", "考虑签", "纠结", "签不签", "待签", "(还)?没有?签", "未签",
            "签约流程", "走流程", "有(家|个)(公司|单位)要我", "等(公司|单位)?(发)?(三方|合同|签约|录用)",
        ),
        "70", 45, reason=SIGNING, negation_is_meaning=True,
    ),
    Concept(
        "seeking",
        any_of(
            r"(还|正|仍|一直|重新|又得?|都|继续|开始)\s*在?\s*(找|投)", "在找", "找着", "投简历", "海投", "投了好多",
            "面试", "招聘会", "看机会", "找不到", "准备找", "待业", "失业",
            "没(有)?(结果|找到|着落|落实|定下来|定|工作|回音)", "等[^,。]{0,3}(通知|结果)", "求职中", "在求职",
            "求职ing", "找工作中", "面了", "笔试", "(投|发)了[^,。]{0,6}简历", "简历[^,。]{0,3}(投|发)了", "石沉大海",
        ),
        "70", 40, reason=SEEKING, negation_is_meaning=True,
    ),
    Concept(
        "not_now",
        any_of(
            "(不想|不打算|不准备|暂时不|先不|不急着|不)(找|工作|上班|就业)", "暂不就业", "躺平", "休息", "歇", "gap",
            "间隔年", "在家(待着|呆着|歇着)", "啃老", "结婚", "带娃", "带孩子", "照顾家人", "陪(陪)?家人", "家里有事",
        ),
        "72", 35, reason=NOT_NOW, negation_is_meaning=True,
    ),
    Concept(
        "health",
        any_of(
            "生病", "养病", "住院", "身体[^,。!?]{0,4}(问题|不好|不舒服|原因|状况|不行)", "手术", "抑郁", "看病",
            "治疗", "康复",
        ),
        "72", 36, reason=HEALTH, negation_is_meaning=True,
    ),
    Concept(
        "unsure",
        any_of(
            "差不多", "搞定", "快了", "有眉目", "定了", "定下来", "稳了", "成了", "考上了", "上岸了?", "有了", "妥了",
        ),
        UNSURE, 20,
    ),
)  # fmt: skip
