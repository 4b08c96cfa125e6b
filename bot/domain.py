"""Plain values of the domain: no I/O, no ORM, no web framework.

These are what the pure core (dialogue parsing, matching, push planning) consumes and produces; the
persistence layer maps its rows onto them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class ChannelKind(enum.StrEnum):
    WECHAT_MP = "wechat_mp"
    WECOM = "wecom"
    WECOM_BOT = "wecom_bot"
    ONEBOT = "onebot"
    QQBOT = "qqbot"
    WEB = "web"


class Role(enum.StrEnum):
    ADMIN = "admin"
    COLLEGE = "college"  # a college's employment office: all classes of one college
    COUNSELOR = "counselor"  # 辅导员: only the classes assigned to them


class EducationLevel(enum.IntEnum):
    """学历层次, ordered so that `>=` means "meets the minimum"."""

    ANY = 0
    ZHUANKE = 1  # 专科生 (高职专科)
    BENKE = 2  # 本科生
    SHUOSHI = 3  # 硕士生
    BOSHI = 4  # 博士生

    @property
    def label(self) -> str:
        return _EDU_LABELS[self]

    @classmethod
    def parse(cls, text: str | None) -> EducationLevel | None:
        """Read the many ways schools and job boards write a level; None if unreadable."""
        if text is None:
            return None
        t = str(text).strip().replace(" ", "")
        if not t:
            return None
        for words, level in _EDU_WORDS:
            if any(w in t for w in words):
                return level
        return None


_EDU_LABELS = {
    EducationLevel.ANY: "不限",
    EducationLevel.ZHUANKE: "专科",
    EducationLevel.BENKE: "本科",
    EducationLevel.SHUOSHI: "硕士",
    EducationLevel.BOSHI: "博士",
}
_EDU_WORDS: tuple[tuple[tuple[str, ...], EducationLevel], ...] = (
    (("不限", "学历不限", "无要求", "无", "中专", "高中", "中技"), EducationLevel.ANY),
    (("博士",), EducationLevel.BOSHI),
    (("硕士", "研究生"), EducationLevel.SHUOSHI),
    (("本科", "学士"), EducationLevel.BENKE),
    (("专科", "大专", "高职"), EducationLevel.ZHUANKE),
)


class ReviewState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    FLAGGED = "flagged"  # needs a human look (e.g. discriminatory requirements)


class PostingStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class FeedbackKind(enum.StrEnum):
    INTERESTED = "interested"  # 感兴趣
    APPLIED = "applied"  # 已投递
    REJECTED = "rejected"  # 不合适


class StatusSource(enum.StrEnum):
    SELF_REPORT = "self-report"
    COUNSELOR = "counselor"
    IMPORT = "import"
    VERIFIED = "verified"


class HardshipFlag(enum.IntFlag):
    """困难生类别 bitmask as reported nationally."""

    NONE = 0
    EMPLOYMENT = 1  # 就业困难
    FAMILY = 2  # 家庭困难
    DISABILITY = 4  # 残疾


class InboundKind(enum.StrEnum):
    TEXT = "text"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    CLICK = "click"  # menu click; event_key holds the menu key
    OTHER = "other"  # images, voice, unknown events: acknowledged and logged


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """What every channel adapter hands the core, whatever the platform's wire format."""

    channel: ChannelKind
    account: str
    user_id: str
    text: str
    dedupe_key: str
    kind: InboundKind = InboundKind.TEXT
    group_id: str | None = None
    to_me: bool = True
    msg_id: str | None = None
    event_key: str | None = None
    sent_at: datetime | None = None
    # Platform data a passive reply needs (QQ bot msg_id/seq, WeChat ToUserName, ...); opaque to the core.
    reply_context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message the core wants delivered; adapters render it in what their platform supports."""

    text: str
    title: str | None = None
    url: str | None = None
    markdown: str | None = None


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel may carry, for the push planner and the dialogue's message sizes."""

    passive_reply_window_s: float | None  # None: no passive reply (send-only channels)
    can_push_user: bool
    can_push_group: bool
    # Active push to a person only within this many seconds of their last message (WeChat 48 h); None: any time.
    user_push_window_s: float | None = None
    # How many active messages fit in one such window (WeChat: about 5 per user message).
    per_window_limit: int | None = None
    rate_per_minute: int | None = None
    max_text_chars: int = 2000
    supports_links: bool = True
    reply_only_window_s: float | None = None  # QQ official bot: replies only, within this window


@dataclass(frozen=True, slots=True)
class Preference:
    """What a graduate wants; empty lists mean "no preference" for that dimension."""

    city_adcodes: tuple[str, ...] = ()
    province_adcodes: tuple[str, ...] = ()
    any_place: bool = False
    industry_codes: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    salary_min: int | None = None  # yuan per month
    employer_natures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GraduateProfile:
    id: int
    education: EducationLevel
    major_code: str  # 专业代码, e.g. "101101"
    major_class_code: str  # 专业类, e.g. "1011"
    major_category_code: str  # 门类 / 大类, e.g. "10"
    origin_adcode: str | None
    hardship: bool
    unplaced_since: date | None
    preference: Preference
    major_name: str = ""


@dataclass(frozen=True, slots=True)
class PostingProfile:
    id: int
    employer_id: int
    title: str
    description: str
    adcode: str | None  # None: 全国 / anywhere
    industry_code: str | None
    employer_nature: str | None
    min_education: EducationLevel
    majors_any: bool
    accepted_majors: tuple[str, ...]  # major codes (6), 专业类 codes (4) or 门类 codes (2)
    salary_min: int | None
    salary_max: int | None
    headcount: int
    published_on: date | None
    deadline: date | None
