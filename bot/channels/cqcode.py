"""OneBot v11 message bodies: CQ-code strings and segment arrays, reduced to plain text plus "was the bot @-ed".

CQ codes look like `[CQ:at,qq=10001]`; in plain text `&`, `[` and `]` are escaped as `&amp;`, `&#91;`, `&#93;`,
and inside a code's parameter values `,` is escaped as `&#44;` as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.errors import BadPayload

_CQ = re.compile(r"\[CQ:([A-Za-z0-9_.\-]+)((?:,[^,\]]*)*)\]")


@dataclass(frozen=True, slots=True)
class Segment:
    type: str
    data: Mapping[str, str]


def unescape(text: str) -> str:
    # `&` itself is always escaped, so a bare `&#44;` can only be an escaped comma, in text as in parameters.
    return text.replace("&#44;", ",").replace("&#91;", "[").replace("&#93;", "]").replace("&amp;", "&")


def escape(text: str, *, in_param: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("[", "&#91;").replace("]", "&#93;")
    return text.replace(",", "&#44;") if in_param else text


def parse_cq(message: str) -> list[Segment]:
    """A CQ-code string as segments; text between codes becomes text segments (unescaped)."""
    out: list[Segment] = []
    pos = 0
    for match in _CQ.finditer(message):
        if match.start() > pos:
            out.append(Segment("text", {"text": unescape(message[pos : match.start()])}))
        params: dict[str, str] = {}
        for part in match.group(2).split(",")[1:]:
            name, _, value = part.partition("=")
            params[name] = unescape(value)
        out.append(Segment(match.group(1), params))
        pos = match.end()
    if pos < len(message):
        out.append(Segment("text", {"text": unescape(message[pos:])}))
    return out


def parse_segments(items: Iterable[Any]) -> list[Segment]:
    out: list[Segment] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise BadPayload("消息段格式错误：每一段应为 {type, data} 对象")
        data = item.get("data") or {}
        if not isinstance(data, dict):
            raise BadPayload("消息段格式错误：data 应为对象")
        out.append(Segment(item["type"], {str(k): "" if v is None else str(v) for k, v in data.items()}))
    return out


def segments_of(message: Any) -> list[Segment]:
    if isinstance(message, str):
        return parse_cq(message)
    if isinstance(message, list):
        return parse_segments(message)
    raise BadPayload("message 字段应为 CQ 码字符串或消息段数组")


def text_and_mention(segments: Iterable[Segment], self_id: str) -> tuple[str, bool]:
    """The plain text (mentions removed) and whether the bot itself was @-ed."""
    parts: list[str] = []
    mentioned = False
    for seg in segments:
        if seg.type == "text":
            parts.append(seg.data.get("text", ""))
        elif seg.type == "at" and seg.data.get("qq") == self_id:
            mentioned = True
    return "".join(parts).strip(), mentioned
