"""What the parser understood: frozen values, JSON-able through `to_dict()`.

The conversation flows (binding, preferences, recommendations, status confirmation) read these; nothing here
decides what to reply or touches storage.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from bot.domain import EducationLevel, FeedbackKind, Preference


class Intent(enum.StrEnum):
    # graduates
    BIND = "bind"
    SET_PREFERENCE = "set_preference"
    RECOMMEND = "recommend"
    MORE = "more"  # 换一批
    DETAIL = "detail"  # 详情 N
    INTERESTED = "interested"  # 感兴趣 N
    APPLIED = "applied"  # 已投递 N
    REJECT = "reject"  # 不合适 N [reason]
    STATUS_UPDATE = "status_update"
    CONFIRM = "confirm"
    DENY = "deny"
    CHOOSE = "choose"  # a numbered choice
    HELP = "help"
    UNSUBSCRIBE = "unsubscribe"  # 退订
    RESUBSCRIBE = "resubscribe"  # 恢复推送
    SMALLTALK = "smalltalk"
    FAQ = "faq"
    UNKNOWN = "unknown"
    # counselors
    STATS = "stats"  # 统计
    NON_RESPONDERS = "non_responders"  # 未回复
    HARDSHIP = "hardship"  # 困难生
    PUBLISH_POSTING = "publish_posting"  # 发布岗位 <text>
    BROADCAST = "broadcast"  # 推送 <posting> 给 <class|major>


COUNSELOR_INTENTS = frozenset(
    {Intent.STATS, Intent.NON_RESPONDERS, Intent.HARDSHIP, Intent.PUBLISH_POSTING, Intent.BROADCAST}
)
INDEXED_INTENTS = frozenset({Intent.DETAIL, Intent.INTERESTED, Intent.APPLIED, Intent.REJECT, Intent.CHOOSE})


class RejectReason(enum.StrEnum):
    """Why a posting does not fit; matching reads these to change what it proposes next."""

    TOO_FAR = "too_far"
    SALARY_LOW = "salary_low"
    NOT_MY_MAJOR = "not_my_major"
    NOT_INTERESTED = "not_interested"
    REQUIREMENTS = "requirements"  # 学历/经验/证书 asked for are out of reach
    OTHER = "other"


class TargetKind(enum.StrEnum):
    CLASS = "class"
    MAJOR = "major"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Choice:
    """One numbered answer of a clarifying question; choosing it yields this status."""

    n: int
    label: str
    code: str | None = None
    reason: str | None = None  # 未就业原因 for 70/71/72
    subcode: str | None = None

    def as_status(self) -> StatusSlots:
        return StatusSlots(code=self.code, subcode=self.subcode, reason=self.reason, needs_counselor=self.code == "72")


@dataclass(frozen=True, slots=True)
class Clarification:
    question: str
    choices: tuple[Choice, ...] = ()

    def choice(self, n: int) -> Choice | None:
        return next((c for c in self.choices if c.n == n), None)


@dataclass(frozen=True, slots=True)
class StatusSlots:
    """A 毕业去向 in the graduate's words. `code` is None when the text leaves it open (see `candidates`)."""

    code: str | None
    subcode: str | None = None  # 3-digit national sub-code (502 三支一扶, 801 研究生, ...)
    reason: str | None = None  # 未就业原因 for 70/71/72
    employer: str | None = None
    employer_nature: str | None = None  # 单位性质 when the words name it ("考上公务员" -> 10)
    place_adcode: str | None = None
    study_country: str | None = None  # 留学国家地区 for 85
    needs_counselor: bool = False  # the counselor should get in touch (72: gave up, health)
    candidates: tuple[str, ...] = ()  # the codes still possible when `code` is None


@dataclass(frozen=True, slots=True)
class PreferenceSlots:
    city_adcodes: tuple[str, ...] = ()
    province_adcodes: tuple[str, ...] = ()
    any_place: bool = False
    industry_codes: tuple[str, ...] = ()
    employer_natures: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    salary_min: int | None = None

    @property
    def empty(self) -> bool:
        return self == PreferenceSlots()

    def to_preference(self, base: Preference | None = None) -> Preference:
        """The domain preference: what was said replaces the same dimension of `base`, the rest is kept."""
        base = base or Preference()
        said_place = bool(self.city_adcodes or self.province_adcodes or self.any_place)
        return Preference(
            city_adcodes=self.city_adcodes if said_place else base.city_adcodes,
            province_adcodes=self.province_adcodes if said_place else base.province_adcodes,
            any_place=self.any_place if said_place else base.any_place,
            industry_codes=self.industry_codes or base.industry_codes,
            positions=self.positions or base.positions,
            skills=base.skills,
            salary_min=self.salary_min if self.salary_min is not None else base.salary_min,
            employer_natures=self.employer_natures or base.employer_natures,
        )


@dataclass(frozen=True, slots=True)
class RejectSlots:
    reason: RejectReason | None
    text: str | None = None  # the graduate's own words for the reason


@dataclass(frozen=True, slots=True)
class BindingSlots:
    student_no: str | None = None
    name: str | None = None
    secret: str | None = None


@dataclass(frozen=True, slots=True)
class PostingDraft:
    """A posting a counselor typed in one line; saved for review, never published as is."""

    title: str | None = None
    employer: str | None = None
    place_adcode: str | None = None  # "000000": 全国
    salary_min: int | None = None
    salary_max: int | None = None
    education: EducationLevel | None = None
    majors: tuple[str, ...] = ()
    majors_any: bool = False
    headcount: int | None = None
    deadline: date | None = None
    deadline_text: str | None = None  # "06-30" when the year could not be told
    missing: tuple[str, ...] = ()  # fields a posting needs that the text did not give


@dataclass(frozen=True, slots=True)
class BroadcastSlots:
    posting_ref: str | None  # a posting id ("12") or words naming it ("华工激光")
    target: str | None
    target_kind: TargetKind | None

    @property
    def posting_id(self) -> int | None:
        return int(self.posting_ref) if self.posting_ref and self.posting_ref.isdigit() else None


@dataclass(frozen=True, slots=True)
class ParseResult:
    text: str
    normalized: str
    role: str
    intent: Intent
    confidence: float
    index: int | None = None  # detail / interested / applied / reject / choose
    status: StatusSlots | None = None
    preference: PreferenceSlots | None = None
    reject: RejectSlots | None = None
    binding: BindingSlots | None = None
    posting: PostingDraft | None = None
    broadcast: BroadcastSlots | None = None
    scope: str | None = None  # counselor commands: a class or major named after the command
    query: str | None = None  # FAQ question as normalised text
    staff_only: Intent | None = None  # a graduate typed a counselor command
    clarification: Clarification | None = None

    @property
    def feedback_kind(self) -> FeedbackKind | None:
        """The match feedback this message gives (感兴趣 / 已投递 / 不合适), if any."""
        return _FEEDBACK.get(self.intent)

    def to_dict(self, *, reveal_secrets: bool = False) -> dict[str, Any]:
        """Plain JSON types; the binding secret is masked unless asked for (this goes into logs)."""
        slots: dict[str, Any] = {}
        for f in fields(self):
            if f.name in {"text", "normalized", "role", "intent", "confidence", "clarification"}:
                continue
            value = getattr(self, f.name)
            if value is None or value == ():
                continue
            slots[f.name] = _plain(value)
        if not reveal_secrets and self.binding is not None and self.binding.secret:
            slots["binding"]["secret"] = "*" * len(self.binding.secret)
        return {
            "text": self.text,
            "normalized": self.normalized,
            "role": self.role,
            "intent": self.intent.value,
            "confidence": round(self.confidence, 2),
            "slots": slots,
            "codes": self.codes(),
            "clarification": _plain(self.clarification) if self.clarification else None,
        }

    def codes(self) -> dict[str, Any]:
        """The national codes this result names, in one place (what a counselor checks first)."""
        out: dict[str, Any] = {}
        if self.status is not None:
            out.update(
                destination=self.status.code,
                destination_sub=self.status.subcode,
                unplaced_reason=self.status.reason,
                place=self.status.place_adcode,
            )
        if self.preference is not None:
            out.update(
                cities=list(self.preference.city_adcodes),
                provinces=list(self.preference.province_adcodes),
                industries=list(self.preference.industry_codes),
                employer_natures=list(self.preference.employer_natures),
            )
        if self.posting is not None:
            out.update(place=self.posting.place_adcode)
        return {k: v for k, v in out.items() if v not in (None, [])}


_FEEDBACK = {
    Intent.INTERESTED: FeedbackKind.INTERESTED,
    Intent.APPLIED: FeedbackKind.APPLIED,
    Intent.REJECT: FeedbackKind.REJECTED,
}


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value if not isinstance(value, EducationLevel) else value.label
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        out = {}
        for f in fields(value):
            v = getattr(value, f.name)
            if v is None or v == () or v is False:
                continue
            out[f.name] = _plain(v)
        return out
    return value
