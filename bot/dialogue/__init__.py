"""Understanding what graduates and counselors type (pure: no storage, no network).

    parse(text, role="graduate", expecting=None, today=None) -> ParseResult

normalize     traditional -> simplified, full-width, emoji, typos, amounts as digits
numbers       Chinese numerals and amounts (一万二, 五千五, 8k, 1.2万), list positions (第三个)
slots         places -> adcodes, salary floor, industries, employer natures, job words
status        毕业去向 codes + 未就业原因 from the graduate's words (concepts in status_words.py);
              clarify.py asks when the words leave it open
employer      employer name and place in a status report
binding       学号 / 姓名 / secret
graduate      graduate intents; counselor.py and posting.py: counselor commands and postings typed in chat
faq           BM25 search over the counselors' FAQ
parser        the entry point; result.py holds the frozen result types
"""

from bot.dialogue.faq import FaqHit, FaqIndex, FaqIndexCache, FaqRecord
from bot.dialogue.parser import Expect, parse
from bot.dialogue.result import (
    BindingSlots,
    BroadcastSlots,
    Choice,
    Clarification,
    Intent,
    ParseResult,
    PostingDraft,
    PreferenceSlots,
    RejectReason,
    RejectSlots,
    StatusSlots,
    TargetKind,
)

__all__ = [
    "BindingSlots",
    "BroadcastSlots",
    "Choice",
    "Clarification",
    "Expect",
    "FaqHit",
    "FaqIndex",
    "FaqIndexCache",
    "FaqRecord",
    "Intent",
    "ParseResult",
    "PostingDraft",
    "PreferenceSlots",
    "RejectReason",
    "RejectSlots",
    "StatusSlots",
    "TargetKind",
    "parse",
]
