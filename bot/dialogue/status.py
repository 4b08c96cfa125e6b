"""A graduate's own words about where they stand -> 毕业去向 code (+ 未就业原因), or a clarifying question.

Each concept of status_words.py (signed an agreement, enlisted, got into graduate school, still looking, ...)
is found with its aspect in the clause around it: done, only planned ("准备考研" is 71, not 80), or negated
("还没签"). Words that undo what came before ("违约", "辞职", "没考上", "倒闭") drop the concepts before
them, so "签了三方但是又违约了，现在重新在找" is 70 求职中. Of what remains the most specific concept wins;
text that only says "done" without saying what ("差不多了", "搞定了吧") gets a question with numbered choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.dialogue import employer as employer_words
from bot.dialogue.result import StatusSlots
from bot.dialogue.status_words import ACHIEVED, CONCEPTS, COUNTRIES, COUNTRY, EMPLOYED, NOT_YET_CODES, UNSURE, Concept


@dataclass(frozen=True, slots=True)
class _Hit:
    concept: Concept
    start: int
    planned: bool


_STOP = "[^,。!?]"
# Negation right before a concept ("还没签", "才签合同"), right after a noun ("三方还没签") or inside the match.
_NEG_BEFORE = re.compile(rf"(没|未|不|无|才|别){_STOP}{{0,2}}$")
_NEG_AFTER = re.compile(rf"^{_STOP}?(还没|没|未|还未)(签|有|定|落实|找到)")
_NEG_INSIDE = re.compile(r"没|未|(?<!差)不")
_A_NOT_A = re.compile(r"(.)不\1")  # "要不要去", "签不签": a choice being weighed, not a negation
# "没找到工作" is no success: the employed concept does not fire inside a seeking phrase.
_SEEKING_NEG = re.compile(r"(没|未)(有)?(找到|着落|落实|定|上班|工作|结果)|还没(找|定|着落)")
_PLAN_BEFORE = re.compile(
    r"(准备|打算|想|计划|将要|要去|在等|等着|正在报名|报名|备考|复习|下(个)?(周|月)|明年|考虑|(在|正在)申请|申请中)"
    rf"{_STOP}{{0,6}}$"
)
_PLAN_AFTER = re.compile(rf"^{_STOP}{{0,8}}(还在准备|准备中|还没开|还在报名|在报名|的考试|考试|报名中|还没去|还没走)")
_DEFERRED = re.compile(
    rf"(等|下(个)?(周|月)|准备|要|考虑|明天|过几天|下周一|正在|在走|走){_STOP}{{0,4}}$|(就|再|才|会)签?$"
)
_DEFERRED_AFTER = re.compile(rf"^{_STOP}{{0,3}}(下(个)?(周|月)|明天|后天|过几天|流程|手续|办理中|中$)")
_IMMINENT = re.compile(rf"(要|将要|要去|就要){_STOP}{{0,4}}$")  # "要去德国读研了": decided, only not begun
_ACHIEVED_RE = re.compile(rf"{ACHIEVED}|已经|了")
_RESET = re.compile(
    r"违约(?!金)|毁约|解约|辞职|离职|倒闭|被裁|裁员|没考上|没上|落榜|没过|黄了|寂寞|没录|被刷|挂了|凉了|取消了|失败|没戏"
)
_CLAUSE_END = ",。!?;"


def _clause_bounds(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before and after a match inside its clause."""
    left = max(text.rfind(p, 0, start) for p in _CLAUSE_END)
    rights = [i for i in (text.find(p, end) for p in _CLAUSE_END) if i >= 0]
    return text[left + 1 : start], text[end : min(rights) if rights else len(text)]


def _negated(concept: Concept, match: re.Match[str], before: str, after: str) -> bool:
    if concept.negation_is_meaning:
        return False
    if concept.name == "employed" and _SEEKING_NEG.search(match.string[max(0, match.start() - 3) : match.end()]):
        return True
    return bool(
        _NEG_BEFORE.search(_A_NOT_A.sub("", before)) or _NEG_AFTER.search(after) or _NEG_INSIDE.search(match.group(0))
    )


def _planned(concept: Concept, match: re.Match[str], before: str, after: str) -> bool:
    if concept.name == "abroad_test":
        return True  # taking IELTS is preparing, whatever the tense
    planned = bool(_PLAN_BEFORE.search(before) or _PLAN_AFTER.search(after))
    if planned and _IMMINENT.search(before) and after.endswith("了"):
        planned = False
    if concept.deferred_is_plan and (_DEFERRED.search(before) or _DEFERRED_AFTER.search(after)):
        planned = True
    if planned and concept.name in {"study", "abroad"} and _ACHIEVED_RE.search(match.group(0)):
        planned = False
    return planned


def _hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for concept in CONCEPTS:
        for match in concept.pattern.finditer(text):
            before, after = _clause_bounds(text, match.start(), match.end())
            if not _negated(concept, match, before, after):
                hits.append(_Hit(concept, match.start(), _planned(concept, match, before, after)))
    resets = [m.start() for m in _RESET.finditer(text)]
    if resets:
        # What was undone no longer counts; plans made after it ("没考上，准备再考") still do.
        last = resets[-1]
        hits = [h for h in hits if h.start > last or (h.concept.code in NOT_YET_CODES and h.planned)]
        hits = [h for h in hits if h.start > last or h.concept.name != "unsure"]
    return hits


def _priority(hit: _Hit) -> int:
    # A plan ranks below anything done: "想去当兵" must not beat "已经签了三方".
    return hit.concept.priority - (40 if hit.planned and hit.concept.planned else 0)


def _resolve(hit: _Hit) -> tuple[str, str | None, str | None]:
    concept = hit.concept
    if hit.planned and concept.planned is not None:
        return concept.planned[0], None, concept.planned[1]
    return concept.code, concept.subcode, concept.reason


def _study_subcode(text: str) -> str | None:
    if re.search(r"专升本|专插本|升本", text):
        return None  # no national sub-code for 专升本 yet
    if re.search(r"二学位|第二学士|第二学位|双学位", text):
        return "802"
    return "801"


def _country(text: str) -> str | None:
    match = re.search(COUNTRY, text)
    return COUNTRIES[match.group(0)] if match else None


def _where(text: str, code: str) -> tuple[str | None, str | None]:
    """(employer, place adcode) of a status that has them."""
    name = employer_words.find_employer(text) if code in {"10", "11", "12", EMPLOYED, UNSURE} else None
    return name, employer_words.find_place(text, name)


def detect(text: str) -> StatusSlots | None:
    """The status a normalised text reports, or None when it reports none."""
    hits = _hits(text)
    if not hits:
        if _RESET.search(text):
            # Lost a job or failed an exam, and nothing said about now: ask, do not guess 70 / 71 / 72.
            return StatusSlots(code=None, candidates=NOT_YET_CODES)
        return None
    best = max(hits, key=lambda h: (_priority(h), h.start))
    code, subcode, reason = _resolve(best)
    if best.concept.name == "study" and code == "80":
        subcode = _study_subcode(text)
    if code == EMPLOYED and re.search(r"(没|未|才|还没)签|不签", text):
        code = "12"  # working, and says no agreement or contract is signed: 其他录用形式就业
    if code in {EMPLOYED, UNSURE}:
        employer, place = _where(text, code)
        candidates = ("10", "11", "12") if code == EMPLOYED else ("10", "11", "70", "80")
        return StatusSlots(
            code=None, employer=employer, employer_nature=_nature(text), place_adcode=place, candidates=candidates
        )
    if code == "85":
        return StatusSlots(code=code, subcode=subcode, study_country=_country(text))
    if code in {"70", "71", "72", "80"}:
        return StatusSlots(code=code, subcode=subcode, reason=reason, needs_counselor=code == "72")
    employer, place = _where(text, code)
    return StatusSlots(code=code, subcode=subcode, employer=employer, employer_nature=_nature(text), place_adcode=place)


def _nature(text: str) -> str | None:
    """The 单位性质 a status names when it names one unambiguously ("考上公务员" -> 10 机关)."""
    if re.search(r"公务员|考公|国考|省考|机关|公安", text):
        return "10"
    if re.search(r"国企|央企", text):
        return "31"
    return None
