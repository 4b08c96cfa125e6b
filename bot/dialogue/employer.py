"""The employer and its place in a status report: "签了三方，华工激光" -> 华工激光; "在华为上班" -> 华为.

Pure heuristics over normalised text. A name is only returned when it looks like a name: not a place alone,
not a description ("一家做芯片的公司"), not a status phrase.
"""

from __future__ import annotations

import re

from bot.codes import places
from bot.dialogue.slots import real_places

_NAME = r"([^\s,。!?;:、]{2,30}?)"
_PATTERNS = (
    re.compile(rf"(?:单位|公司|企业|东家|用人单位)\s*(?:是|叫|为|:)\s*{_NAME}(?=$|[\s,。!?;:、]|的offer)"),
    re.compile(rf"(?:和|跟|与)\s*{_NAME}\s*(?:签|正式签)"),
    re.compile(rf"在\s*{_NAME}\s*(?:上班|工作|入职|就职|干活)"),
    re.compile(rf"(?:入职|去了|进了|加入)\s*(?:了)?\s*{_NAME}(?=$|[\s,。!?;:、])"),
    re.compile(rf"签了\s*{_NAME}(?=$|[\s,。!?;:、])"),
    re.compile(rf"{_NAME}\s*的\s*offer"),
)
# Words that make a candidate a phrase about the status, not a name.
_NOT_NAME = re.compile(
    r"三方|协议|合同|签|约|offer|上班|入职|工作|单位|考|研|兵|找|一家|某|一个|这家|那家|了|吗|呢|吧|啦|"
    r"老师|谢谢|现在|已经|今天|明天|下周|试用期|毕业|学校|系统|个$|年$"
)
_NOT_NAME_START = re.compile(r"^(我|你|他|她|在|去|做|当|是|和|跟|已|还|也|都|就|又|但|不|没|说|等|跑|搞|拿|有|被)")
_GENERIC = {"公司", "单位", "企业", "学校", "工厂", "外企", "国企", "私企", "央企", "民企", "大厂", "银行"}
_SEGMENTS = re.compile(r"[\s,。!?;:、~]+")


def is_place_only(name: str) -> bool:
    found = places.find_places(name)
    if not found:
        return False
    rest = name
    for place in found:
        for form in (places.name_of(place.adcode), places.short_name_of(place.adcode)):
            rest = rest.replace(form, "")
    return len(re.sub(r"[省市区县的]", "", rest)) == 0


def _valid(name: str) -> bool:
    name = name.strip()
    return (
        2 <= len(name) <= 30
        and name not in _GENERIC
        and not _NOT_NAME.search(name)
        and not _NOT_NAME_START.search(name)
        and not name.isdigit()
        and not is_place_only(name)
    )


def find_employer(text: str) -> str | None:
    """The employer named in a status report, or None."""
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            name = match.group(1).strip()
            if _valid(name):
                return name
    # A bare name standing alone between commas ("签了三方，华工激光", "已签约 中建三局").
    for segment in _SEGMENTS.split(text):
        if _valid(segment) and re.search(r"[\u4e00-\u9fff]{2}|[a-z]{2}", segment):
            return segment
    return None


def find_place(text: str, employer: str | None) -> str | None:
    """Where the job is: a place named outside the employer's name first, else the one inside it."""
    outside = text.replace(employer, " ") if employer else text
    found = real_places(outside)
    if found:
        return found[0].adcode
    if employer:
        inside = real_places(employer)
        if inside:
            return inside[0].adcode
    return None
