"""Fixed facts of the demo school: its colleges and majors, the places it deals with, the names people have.

Plain data, no randomness: the generator draws from these tables. Major codes are the national catalogue's
(普通高等学校本科专业目录 2024 and 职业教育专业目录 2021 for 高职专科); places are written as full names and
turned into adcodes through bot/codes/places.py, so the codes always agree with the table the product resolves with.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import EducationLevel

SCHOOL_NAME = "楚江大学（演示）"
COHORT = 2026  # 届别 of the graduates the demo follows
HOME_PROVINCE = "420000"  # 湖北: the school is in 武汉
HOME_CITY = "武汉"

# (code, name, login suffix of its employment office)
COLLEGES: tuple[tuple[str, str, str], ...] = (
    ("DEMO01", "医学院", "yxy"),
    ("DEMO02", "信息工程学院", "xxgc"),
    ("DEMO03", "经济管理学院", "jjgl"),
)
MARKER_COLLEGE = COLLEGES[0][0]  # its presence means the demo school is already in the database


@dataclass(frozen=True, slots=True)
class MajorSpec:
    college: str
    code: str
    name: str
    class_code: str
    class_name: str
    category_code: str
    category_name: str
    level: EducationLevel
    years: int
    short: str
    family: str
    classes: int  # how many classes of the 2026 cohort
    female_share: float


_B = EducationLevel.BENKE
_Z = EducationLevel.ZHUANKE

MAJORS: tuple[MajorSpec, ...] = (
    MajorSpec("DEMO01", "101101K", "护理学", "1011", "护理学类", "10", "医学", _B, 4, "护理", "nursing", 2, 0.86),
    MajorSpec("DEMO01", "100201K", "临床医学", "1002", "临床医学类", "10", "医学", _B, 5, "临床", "clinical", 2, 0.52),
    MajorSpec("DEMO01", "100701", "药学", "1007", "药学类", "10", "医学", _B, 4, "药学", "pharmacy", 1, 0.62),
    MajorSpec("DEMO01", "101001", "医学检验技术", "1010", "医学技术类", "10", "医学", _B, 4, "检验", "lab", 1, 0.6),
    MajorSpec("DEMO01", "520201", "护理", "5202", "护理类", "52", "医药卫生大类", _Z, 3, "高护", "nursing", 1, 0.9),
    MajorSpec(
        "DEMO02", "080901", "计算机科学与技术", "0809", "计算机类", "08", "工学", _B, 4, "计科", "software", 2, 0.3
    ),
    MajorSpec("DEMO02", "080902", "软件工程", "0809", "计算机类", "08", "工学", _B, 4, "软工", "software", 2, 0.32),
    MajorSpec(
        "DEMO02", "080701", "电子信息工程", "0807", "电子信息类", "08", "工学", _B, 4, "电信", "electronics", 2, 0.25
    ),
    MajorSpec(
        "DEMO02", "080910T", "数据科学与大数据技术", "0809", "计算机类", "08", "工学", _B, 4, "数据", "data", 1, 0.4
    ),
    MajorSpec(
        "DEMO03", "120203K", "会计学", "1202", "工商管理类", "12", "管理学", _B, 4, "会计", "accounting", 2, 0.75
    ),
    MajorSpec(
        "DEMO03", "120202", "市场营销", "1202", "工商管理类", "12", "管理学", _B, 4, "营销", "marketing", 1, 0.55
    ),
    MajorSpec("DEMO03", "120801", "电子商务", "1208", "电子商务类", "12", "管理学", _B, 4, "电商", "ecommerce", 2, 0.6),
    MajorSpec("DEMO03", "120206", "人力资源管理", "1202", "工商管理类", "12", "管理学", _B, 4, "人力", "hr", 1, 0.72),
)

GRADUATES = 600
HARDSHIP_SHARE = 0.10
STATUS_SHARE = 0.35
HOME_ORIGIN_SHARE = 0.60


@dataclass(frozen=True, slots=True)
class CitySpec:
    label: str  # the short name people write: 武汉, 恩施
    salary_factor: float  # local pay level relative to 武汉
    employers: int  # how many demo employers sit there
    districts: tuple[str, ...] = ()  # employers may sit in a named district (full names)
    full: str | None = None  # a name bot/places resolves to the city itself when the label does not

    @property
    def query(self) -> str:
        return self.full or self.label


CITIES: tuple[CitySpec, ...] = (
    CitySpec(
        "武汉",
        1.0,
        42,
        (
            "湖北省武汉市洪山区",
            "湖北省武汉市武昌区",
            "湖北省武汉市江汉区",
            "湖北省武汉市江夏区",
            "湖北省武汉市东西湖区",
            "湖北省武汉市汉阳区",
        ),
    ),
    CitySpec("宜昌", 0.8, 3),
    CitySpec("襄阳", 0.8, 3),
    CitySpec("荆州", 0.75, 3),
    CitySpec("黄冈", 0.72, 3),
    CitySpec("孝感", 0.75, 3),
    CitySpec("十堰", 0.75, 3),
    CitySpec("荆门", 0.75, 3),
    CitySpec("咸宁", 0.75, 3),
    CitySpec("恩施", 0.7, 3, ("湖北省恩施土家族苗族自治州恩施市",), "湖北省恩施土家族苗族自治州"),
    CitySpec("北京", 1.4, 5, ("北京市海淀区", "北京市朝阳区")),
    CitySpec("上海", 1.4, 5, ("上海市浦东新区", "上海市闵行区")),
    CitySpec("广州", 1.25, 5),
    CitySpec("深圳", 1.35, 5, ("广东省深圳市南山区",)),
    CitySpec("杭州", 1.2, 4),
    CitySpec("南京", 1.15, 4),
    CitySpec("苏州", 1.15, 4),
    CitySpec("长沙", 0.95, 4),
    CitySpec("郑州", 0.9, 4),
    CitySpec("成都", 1.0, 4),
    CitySpec("重庆", 0.95, 4),
    CitySpec("西安", 0.95, 4),
    CitySpec("合肥", 0.95, 4),
    CitySpec("南昌", 0.85, 4),
    CitySpec("东莞", 1.05, 4),
    CitySpec("佛山", 1.05, 4),
    CitySpec("厦门", 1.05, 3),
    CitySpec("天津", 1.05, 4),
    CitySpec("青岛", 1.0, 3),
    CitySpec("宁波", 1.05, 3),
)
BIG_CITIES = ("北京", "上海", "广州", "深圳", "杭州", "南京", "成都")

# 生源地 counties (full names, resolved to county adcodes); the first block is the home province.
HOME_ORIGINS: tuple[str, ...] = (
    "湖北省武汉市江岸区",
    "湖北省武汉市洪山区",
    "湖北省武汉市黄陂区",
    "湖北省武汉市新洲区",
    "湖北省武汉市蔡甸区",
    "湖北省武汉市江夏区",
    "湖北省宜昌市夷陵区",
    "湖北省宜昌市当阳市",
    "湖北省宜昌市枝江市",
    "湖北省宜昌市秭归县",
    "湖北省宜昌市长阳土家族自治县",
    "湖北省襄阳市襄州区",
    "湖北省襄阳市枣阳市",
    "湖北省襄阳市宜城市",
    "湖北省襄阳市谷城县",
    "湖北省荆州市沙市区",
    "湖北省荆州市公安县",
    "湖北省荆州市洪湖市",
    "湖北省荆州市松滋市",
    "湖北省黄冈市黄州区",
    "湖北省黄冈市麻城市",
    "湖北省黄冈市武穴市",
    "湖北省黄冈市蕲春县",
    "湖北省黄冈市浠水县",
    "湖北省黄冈市红安县",
    "湖北省孝感市孝南区",
    "湖北省孝感市汉川市",
    "湖北省孝感市应城市",
    "湖北省孝感市云梦县",
    "湖北省十堰市郧阳区",
    "湖北省十堰市丹江口市",
    "湖北省十堰市房县",
    "湖北省十堰市竹山县",
    "湖北省荆门市东宝区",
    "湖北省荆门市钟祥市",
    "湖北省荆门市沙洋县",
    "湖北省咸宁市咸安区",
    "湖北省咸宁市赤壁市",
    "湖北省咸宁市嘉鱼县",
    "湖北省咸宁市通城县",
    "湖北省恩施土家族苗族自治州恩施市",
    "湖北省恩施土家族苗族自治州利川市",
    "湖北省恩施土家族苗族自治州建始县",
    "湖北省恩施土家族苗族自治州巴东县",
    "湖北省随州市曾都区",
    "湖北省随州市广水市",
    "湖北省鄂州市鄂城区",
    "湖北省黄石市大冶市",
    "湖北省黄石市阳新县",
    "湖北省仙桃市",
    "湖北省天门市",
    "湖北省潜江市",
)
OTHER_ORIGINS: tuple[str, ...] = (
    "河南省信阳市光山县",
    "河南省南阳市邓州市",
    "河南省周口市项城市",
    "河南省驻马店市确山县",
    "河南省商丘市永城市",
    "湖南省岳阳市平江县",
    "湖南省常德市澧县",
    "湖南省衡阳市衡南县",
    "湖南省邵阳市隆回县",
    "江西省九江市都昌县",
    "江西省赣州市于都县",
    "江西省上饶市鄱阳县",
    "安徽省安庆市怀宁县",
    "安徽省六安市霍邱县",
    "安徽省阜阳市临泉县",
    "四川省南充市阆中市",
    "四川省达州市渠县",
    "重庆市万州区",
    "重庆市开州区",
    "广东省湛江市雷州市",
    "广东省茂名市化州市",
    "山东省临沂市沂南县",
    "山东省菏泽市曹县",
    "河北省邯郸市大名县",
    "贵州省黔东南苗族侗族自治州凯里市",
    "广西壮族自治区桂林市全州县",
    "山西省运城市永济市",
    "甘肃省天水市秦安县",
)
# Where graduates from a province without a demo city of their own tend to look (by province adcode prefix).
NEAR_CITIES: dict[str, tuple[str, ...]] = {
    "41": ("郑州",),
    "43": ("长沙",),
    "36": ("南昌",),
    "34": ("合肥",),
    "51": ("成都",),
    "50": ("重庆",),
    "44": ("广州", "深圳", "东莞", "佛山"),
    "37": ("青岛",),
    "13": ("北京", "天津"),
    "52": ("成都", "重庆", "长沙"),
    "45": ("广州", "深圳"),
    "14": ("西安", "郑州", "北京"),
    "62": ("西安",),
}

# Surnames with rough frequency weights (most common first), and given-name characters by register.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 55), ("陈", 46), ("杨", 32), ("黄", 25), ("赵", 21),
    ("吴", 20), ("周", 20), ("徐", 15), ("孙", 15), ("马", 12), ("朱", 12), ("胡", 11), ("郭", 11),
    ("何", 10), ("高", 10), ("林", 10), ("罗", 9), ("郑", 9), ("梁", 8), ("谢", 7), ("宋", 7),
    ("唐", 7), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6), ("曹", 6), ("彭", 6), ("曾", 5),
    ("肖", 5), ("田", 5), ("董", 5), ("袁", 5), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4),
    ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3),
    ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3),
    ("陆", 2), ("汪", 2), ("范", 2), ("金", 2), ("石", 2), ("廖", 2), ("贾", 2), ("夏", 2),
    ("熊", 2), ("付", 2), ("方", 2), ("邹", 2), ("雷", 2), ("万", 2), ("向", 2), ("欧阳", 1),
)  # fmt: skip
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林坤博文志昊晨阳轩然睿哲"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲婷雪琳颖倩佳慧欣怡悦萌晶璐瑶琪蕾洁梦莹嘉雨思涵婉菲晴"
GIVEN_EITHER = "子一天佳雨思欣文嘉梓星晓心可安家书若语沐亦明清泽"

PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
)  # fmt: skip

UNIVERSITIES_FOR_STUDY = (
    ("华中科技大学", "武汉"),
    ("武汉大学", "武汉"),
    ("华中师范大学", "武汉"),
    ("武汉理工大学", "武汉"),
    ("中南财经政法大学", "武汉"),
    ("湖北大学", "武汉"),
    ("三峡大学", "宜昌"),
    ("中南大学", "长沙"),
    ("郑州大学", "郑州"),
)
