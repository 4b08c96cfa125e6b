"""Bring what people type in WeChat/QQ to one plain form before any rule looks at it.

Traditional -> simplified (OpenCC t2s), full-width -> half-width (NFKC), lower case, emoji and chat stickers
dropped (the few that mean yes/no become words), common input-method slips and dialect words fixed, and
amounts rewritten as Arabic digits (numbers.to_arabic). The converter is built once per process.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from bot.dialogue.numbers import to_arabic


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str  # the normalised text every rule reads
    had_symbols: bool  # emoji or stickers were removed (an emoji-only message is still a message)


# Stickers and emoji that carry a yes/no; everything else pictorial is dropped.
_YES_SYMBOLS = ("👍", "👌", "✅", "✔", "🙆", "[强]", "[ok]", "[好的]", "[胜利]", "[握手]", "[抱拳]", "[嗯嗯]")
_NO_SYMBOLS = ("👎", "❌", "✖", "🙅", "[弱]", "[no]")
_STICKER = re.compile(r"\[[\u4e00-\u9fffa-z]{1,4}\]")
# Placeholders some clients put in place of media; they say nothing, unlike a sticker.
_MEDIA = re.compile(r"\[(图片|语音|视频|文件|位置|链接|动画表情|表情)\]")
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, supplemental symbols
    "\u2600-\u27bf"  # misc symbols and dingbats
    "\u2b00-\u2bff"
    "\u2300-\u23ff"
    "\ufe0e\ufe0f\u20e3\u200d"  # variation selectors, keycap, zero-width joiner
    "\U000e0000-\U000e007f"
    "]+"
)
_MENTION = re.compile(r"^\s*@\S+\s+|\s+@\S+\s*$")

# Input-method slips (homophones) and dialect words, applied after t2s. Each maps a wrong or regional
# spelling to the word the rules know; none of them is an ordinary word that could be meant literally.
_FIXES: tuple[tuple[str, str], ...] = (
    ("以经", "已经"),
    ("己经", "已经"),
    ("已近签", "已经签"),
    ("叁", "三"),
    ("三放", "三方"),
    ("3方", "三方"),
    ("劳动和同", "劳动合同"),
    ("签和同", "签合同"),
    ("和同签", "合同签"),
    ("考妍", "考研"),
    ("上案", "上岸"),
    ("专生本", "专升本"),
    ("专升笨", "专升本"),
    ("入值", "入职"),
    ("工做", "工作"),
    ("自煤体", "自媒体"),
    ("参君", "参军"),
    ("木有", "没有"),
    ("冇", "没有"),
    ("莫得", "没有"),
    ("么得", "没有"),
    ("没得", "没有"),
    ("揾工", "找工作"),
    ("揾", "找"),
    ("咋", "怎么"),
    ("啥子", "什么"),
    ("神马", "什么"),
    ("肿么", "怎么"),
    ("木问题", "没问题"),
)
_FIX_PATTERN = re.compile("|".join(re.escape(wrong) for wrong, _ in _FIXES))
_FIX_MAP = dict(_FIXES)
# "对滴" / "是滴": the regional 滴 for 的 after a short answer.
_DI = re.compile(r"(?<=[对是好])滴")
_REPEATED_PUNCT = re.compile(r"([!?.,~。、])\1+")
_SPACES = re.compile(r"\s+")


@cache
def _converter() -> Any:
    import opencc  # imported lazily: building the converter reads its dictionaries once

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_converter().convert(text))


def _symbols(text: str) -> tuple[str, bool]:
    had = False
    lowered = text.lower()
    for symbol in _YES_SYMBOLS:
        if symbol in lowered:
            lowered, had = lowered.replace(symbol, " 好 "), True
    for symbol in _NO_SYMBOLS:
        if symbol in lowered:
            lowered, had = lowered.replace(symbol, " 不 "), True
    lowered = _MEDIA.sub(" ", lowered)
    stripped = _STICKER.sub(" ", lowered)
    stripped = _EMOJI.sub(" ", stripped)
    return stripped, had or stripped != lowered


@lru_cache(maxsize=4096)
def normalize(text: str) -> Normalized:
    """The one normal form of a chat message (see the module docstring)."""
    raw = unicodedata.normalize("NFKC", text or "")
    raw = _MENTION.sub(" ", raw)
    cleaned, had_symbols = _symbols(raw)
    cleaned = to_simplified(cleaned)
    cleaned = _FIX_PATTERN.sub(lambda m: _FIX_MAP[m.group(0)], cleaned)
    cleaned = _DI.sub("的", cleaned)
    cleaned = cleaned.replace("…", "...").replace("“", '"').replace("”", '"')
    cleaned = _REPEATED_PUNCT.sub(r"\1", cleaned)
    cleaned = to_arabic(cleaned)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    return Normalized(cleaned, had_symbols)


_PUNCT = re.compile(r"[\s!?.,~。、:;'\"()\[\]【】《》<>\-—_/\\|*#@&^%$`+=…]+")
_PARTICLES = re.compile(r"[啊呀呢吧哈啦嘛哦喔噢嘞咯哇呐]+$")


def strip_punct(text: str) -> str:
    return _PUNCT.sub("", text)


def bare(text: str) -> str:
    """`text` without punctuation, spaces and trailing modal particles: what a one-word answer really says."""
    t = _PUNCT.sub("", text)
    previous = None
    while previous != t:
        previous = t
        t = _PARTICLES.sub("", t)
        if len(t) > 1 and t.endswith("了"):
            t = t[:-1]
    return t


def collapse_repeats(text: str) -> str:
    """ "对的对的" -> "对的", "嗯嗯嗯" -> "嗯": people repeat short answers for emphasis."""
    return re.sub(r"(.+?)\1+$", r"\1", text)
