"""What a graduate's message asks for. Rules run from the most specific form to the most general:

commands with their own words (退订, 绑定, 换一批, "不合适 3 太远了"), one-word answers (对 / 没有 / 2),
status in their own words, recommendations, preferences, then questions (FAQ), small talk, unknown.
A status said in a statement wins over a question in the same message ("还在找，有推荐吗" reports a status);
a status word inside a question does not ("签了三方还能违约吗" is a question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.dialogue import binding, slots, status
from bot.dialogue.clarify import status_question
from bot.dialogue.normalize import bare, collapse_repeats
from bot.dialogue.numbers import find_index
from bot.dialogue.result import (
    BindingSlots,
    Clarification,
    Intent,
    PreferenceSlots,
    RejectReason,
    RejectSlots,
    StatusSlots,
)


@dataclass(frozen=True, slots=True)
class Reading:
    intent: Intent
    confidence: float
    index: int | None = None
    status: StatusSlots | None = None
    preference: PreferenceSlots | None = None
    reject: RejectSlots | None = None
    binding: BindingSlots | None = None
    query: str | None = None
    clarification: Clarification | None = None


_RESUBSCRIBE = re.compile(
    r"(恢复|重新|继续|开启|打开|重启|再次)[^,。!?不别]{0,5}(推送|订阅|提醒|消息)|^订阅$|^恢复$|又想(收到|接收)"
)
_UNSUBSCRIBE = re.compile(
    r"退订|^td$|取消(订阅|推送|提醒|关注)|(不要|不用|别|停止|关闭|不想)(再)?(给我)?(推|发|收到|接收)|"
    r"(关闭|停止|关掉|关了|关)(推送|提醒|通知)|(推送|提醒|通知)[^,。!?]{0,2}(关|停|取消)|拉黑"
)
_MORE = re.compile(
    r"换一批|换一换|换换|换点|换些|再来|再推|还有别的|还有其他|还有吗|还有没有|下一页|下一批|更多|别的岗位|"
    r"其他岗位|再给我|再看看|^next$"
)

_REJECT_CUE = re.compile(
    r"不合适|不适合|不行|不要|不考虑|不感兴趣|没兴趣|不喜欢|pass|算了|太远|远了|离家远|太低|太少|太差|不对口|不搭|"
    r"不是我(的)?专业|专业不(对|符|搭|匹配)|划掉|排除|不去|拉倒|太高|够不着|达不到|不够格|不符合|门槛"
)
_APPLIED_CUE = re.compile(r"已投|投了|投递|已申请|申请了|报名了|简历发了|发了简历|已报名")
_INTERESTED_CUE = re.compile(r"感兴趣|有兴趣|不错|挺好|可以|喜欢|收藏|想去|想投|关注|合适|还行|心动")
_DETAIL_CUE = re.compile(r"详情|详细|具体|介绍|说说|看看|是啥|是什么|什么要求|啥公司|了解|看下|要求")
_REASONS: tuple[tuple[RejectReason, re.Pattern[str]], ...] = (
    (RejectReason.TOO_FAR, re.compile(r"远|通勤|路程|离家|不在本地|外地|地方太偏|太偏")),
    (RejectReason.SALARY_LOW, re.compile(r"工资|钱|薪|待遇|收入|太低|给得少|才\d+")),
    (RejectReason.NOT_MY_MAJOR, re.compile(r"专业|不对口|不搭|学的不是")),
    (RejectReason.REQUIREMENTS, re.compile(r"要求|学历|经验|证书|研究生|硕士|门槛|条件")),
    (RejectReason.NOT_INTERESTED, re.compile(r"不感兴趣|没兴趣|不喜欢|不想做|不想干|讨厌|没意思")),
)

_CHOOSE = re.compile(r"^(?:我)?(?:选|就|要|选择)?(?:第)?([1-9]\d?)(?:个|号|项|条)?$")
_CONFIRM = {
    "对", "是", "嗯", "恩", "好", "行", "可以", "ok", "okay", "yes", "y", "yep", "没错", "确认", "确定", "没问题",
    "对的", "是的", "好的", "可以的", "同意", "正确", "没毛病", "收到", "嗯呢", "对头", "中", "要得", "妥", "就这样",
    "就是这样", "对对", "当然", "确实", "准确", "是这样", "对的没错", "好滴", "成", "okk", "好嘞", "得嘞", "yes的",
    "sure",
}  # fmt: skip
_DENY = {
    "不", "不对", "不是", "没有", "没", "错", "错了", "不是的", "no", "nope", "n", "否", "取消", "算", "算了", "不用",
    "不要", "不行", "搞错", "搞错了", "不是这样", "并不是", "不需要", "别", "拒绝", "不正确", "没有没有", "不是啊",
    "都不是", "弄错", "弄错了", "不对劲", "有误",
}  # fmt: skip
_HELP = re.compile(
    r"^(帮助|help|菜单|功能|使用说明|说明|教程|求助|帮助一下|指令|命令)$|怎么用|如何使用|怎么使用|怎么玩|"
    r"(能|可以|会)(干|做|帮我?做?)(些|点)?(啥|什么|嘛)|有(什么|哪些)功能|(有哪些|什么)(指令|命令)|"
    r"(指令|命令|功能)(有哪些|是什么|有什么|列表)|怎么操作|不会用|用法"
)
_HELP_WORD = re.compile(r"帮助|使用说明|说明书|菜单|教程|用法|指南")
_QUESTION = re.compile(
    r"怎么|怎样|如何|哪里|哪儿|在哪|去哪|放哪|哪个|哪些|什么时候|何时|多少|多久|几天|几号|是什么|什么是|啥是|能不能|能否|"
    r"可不可以|可以吗|需要吗|有没有|有什么|有啥|请问|想问|问一下|问下|为什么|为啥|吗$|吗\?|\?$|么$|嘛$|什么|啥"
)
# "哪里都行", "多少都可以": question words used as "any", not to ask.
_INDEFINITE = re.compile(r"(哪里|哪儿|哪|什么|啥|多少|怎么样?|谁)(都|也)")
_JOBS_TOPIC = re.compile(r"工作|岗位|职位|机会|招聘|推荐(?!表|信)|offer|单位招")
_RECOMMEND = re.compile(
    r"推荐(?!表|信)|推几个|推一下|推点|推一些|给我推|帮我推|帮我找|帮忙找|工作介绍|介绍(个|一下)?工作|岗位列表|匹配的岗位|"
    r"适合我的|有(没有|什么|啥|合适的|好的?)[^,。!?]{0,8}(工作|岗位|职位|机会)|(帮我|给我|帮忙)(看看|找找|筛|挑)|"
    r"有没有(合适|适合)"
)
_SEEK_JOB = re.compile(r"找(份|个|点)?(工作|岗位|活)|看(看)?(岗位|工作)|^工作$|^岗位$|^职位$|我要工作")
_DESIRE = re.compile(
    r"(想|希望|打算|最好|期望|期待|要|倾向|考虑|只要|只想|优先)\s*(回|去|留|在|做|干|进|找|当|从事|搞)"
)
_SMALLTALK = re.compile(
    r"^(老师|同学|助手|小助手|亲)?\s*(你好|您好|hello|hi|hey|嗨|哈喽|哈罗|在吗|在不在|在么|早|早安|早上好|"
    r"中午好|下午好|晚上好|晚安|谢谢|多谢|谢啦|感谢|thanks|thank you|thx|辛苦|拜拜|再见|bye|好累|好烦|心累|无聊|"
    r"哈+|嘿+|呵+|嘻+|666+|好)"
    r"|你是(谁|机器人|真人|ai)|你叫(什么|啥)|机器人吗|吃(什么|啥|了吗)|天气"
)
_FAQ_TOPIC = re.compile(
    r"补贴|报到证|三方协议|就业协议|档案|户口|违约|推荐表|毕业证|学位证|五险一金|社保|公积金|就业证明|派遣|改派|政审|"
    r"体检|报名|条件|政策|流程|手续|材料|登记|申请|盖章|成绩|学费|见习|资助|贷款"
)


_FILLER = {"啊", "呀", "呢", "吧", "哈", "啦", "嘛", "哦", "喔", "噢", "的", "了"}
_DEGREE_DENY = re.compile(r"^(不|没)(太|大|完全|怎么|是很)?(对|是|行|准确|正确|同意|需要|用)$")


def _made_of(word: str, vocab: set[str]) -> bool:
    """`word` is a run of words from `vocab` (with fillers between): "嗯对", "是的没错", "对啊就是这样"."""
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(
            reachable[start] and (word[start:end] in vocab or word[start:end] in _FILLER)
            for start in range(max(0, end - 6), end)
        )
    return reachable[-1] and any(w in word for w in vocab)


def _one_word(text: str) -> Intent | None:
    word = collapse_repeats(bare(text))
    if not word or len(word) > 12:
        return None
    if word in _CONFIRM or (_made_of(word, _CONFIRM) and not _made_of(word, _DENY)):
        return Intent.CONFIRM
    if word in _DENY or _DEGREE_DENY.match(word) or _made_of(word, _DENY):
        return Intent.DENY
    return None


def _reject_reason(text: str) -> RejectSlots:
    for reason, pattern in _REASONS:
        if pattern.search(text):
            return RejectSlots(reason, text)
    return RejectSlots(None, None)


def _indexed(text: str) -> Reading | None:
    """Feedback on a numbered recommendation: 详情 / 感兴趣 / 已投递 / 不合适 N."""
    index = find_index(text)
    choose = _CHOOSE.match(bare(text))
    if choose:
        return Reading(Intent.CHOOSE, 0.9, index=int(choose.group(1)))
    if index is None:
        return None
    if _REJECT_CUE.search(text):
        return Reading(Intent.REJECT, 0.9, index=index, reject=_reject_reason(text))
    if _APPLIED_CUE.search(text):
        return Reading(Intent.APPLIED, 0.9, index=index)
    if _INTERESTED_CUE.search(text):
        return Reading(Intent.INTERESTED, 0.85, index=index)
    if _DETAIL_CUE.search(text):
        return Reading(Intent.DETAIL, 0.85, index=index)
    if _QUESTION.search(text):
        return Reading(Intent.DETAIL, 0.75, index=index)  # any question about a numbered posting
    return None


_ASK_INDEX = Clarification("请问是第几个岗位？回复编号即可，例如“详情 3”。")


def _unindexed_feedback(text: str) -> Reading | None:
    word = bare(text)
    for intent, cue in (
        (Intent.REJECT, r"^(不合适|不适合|不感兴趣)"),
        (Intent.APPLIED, r"^(已投递|已投|投递了|投了)$"),
        (Intent.INTERESTED, r"^(感兴趣|有兴趣)$"),
        (Intent.DETAIL, r"^(详情|详细信息|看详情)$"),
    ):
        if re.search(cue, word):
            reject = _reject_reason(text) if intent == Intent.REJECT else None
            return Reading(intent, 0.6, reject=reject, clarification=_ASK_INDEX)
    return None


def _split_questions(text: str) -> tuple[str, bool]:
    """(the clauses of `text` that are statements, whether any clause is a question)."""
    clauses = [c for c in re.split(r"(?<=[,。!?;])|\s+", text) if c]
    statements = [c for c in clauses if not _QUESTION.search(_INDEFINITE.sub("", c))]
    return " ".join(statements), len(statements) < len(clauses)


def _question(text: str) -> Reading:
    if _HELP.search(text):
        return Reading(Intent.HELP, 0.8)
    if _SMALLTALK.search(text):
        return Reading(Intent.SMALLTALK, 0.7)
    if _RECOMMEND.search(text) or (_JOBS_TOPIC.search(text) and not _FAQ_TOPIC.search(text)):
        return Reading(Intent.RECOMMEND, 0.75, preference=_preference_or_none(text))
    return Reading(Intent.FAQ, 0.7, query=text)


def is_question(text: str) -> bool:
    """Whether a normalised text asks something (question words used as "any" do not count)."""
    return bool(_QUESTION.search(_INDEFINITE.sub("", text)))


def _preference_or_none(text: str) -> PreferenceSlots | None:
    found = slots.preference_slots(text)
    return None if found.empty else found


def classify(text: str) -> Reading:
    """The reading of a normalised, non-empty graduate message."""
    if _RESUBSCRIBE.search(text):
        return Reading(Intent.RESUBSCRIBE, 0.9)
    if _UNSUBSCRIBE.search(text):
        return Reading(Intent.UNSUBSCRIBE, 0.9)
    bind = binding.binding_slots(text)
    if binding.looks_like_binding(text, bind):
        return Reading(Intent.BIND, 0.9 if bind.student_no else 0.7, binding=bind)
    indexed = _indexed(text)
    if indexed is not None:
        return indexed
    one_word = _one_word(text)
    if one_word is not None:
        return Reading(one_word, 0.9)
    if len(bare(text)) <= 12 and _MORE.search(text):
        return Reading(Intent.MORE, 0.9)
    word = bare(text)
    if _HELP.search(word) or (len(word) <= 8 and _HELP_WORD.search(word)) or re.fullmatch(r"[?？]+", text):
        return Reading(Intent.HELP, 0.9)
    statement, asks = _split_questions(text)
    found = status.detect(statement) if statement else None
    if found is not None:
        return _status_reading(found)
    if asks:
        return _question(text)
    return _other(text)


def _status_reading(found: StatusSlots) -> Reading:
    if found.code is None:
        return Reading(Intent.STATUS_UPDATE, 0.5, status=found, clarification=clarify_status(found))
    return Reading(Intent.STATUS_UPDATE, 0.85, status=found)


def _other(text: str) -> Reading:
    if _RECOMMEND.search(text):
        return Reading(Intent.RECOMMEND, 0.85, preference=_preference_or_none(text))
    preference = slots.preference_slots(text)
    if not preference.empty:
        return Reading(Intent.SET_PREFERENCE, 0.85, preference=preference)
    if _SEEK_JOB.search(text):
        return Reading(Intent.RECOMMEND, 0.8)
    if _DESIRE.search(text):
        return Reading(Intent.SET_PREFERENCE, 0.5, preference=preference)
    feedback = _unindexed_feedback(text)
    if feedback is not None:
        return feedback
    if _SMALLTALK.search(text):
        return Reading(Intent.SMALLTALK, 0.8)
    if _FAQ_TOPIC.search(text):
        return Reading(Intent.FAQ, 0.5, query=text)
    return Reading(Intent.UNKNOWN, 0.1)


def clarify_status(found: StatusSlots) -> Clarification:
    """A short question with numbered choices for a status the text leaves open."""
    return status_question(found.candidates)
