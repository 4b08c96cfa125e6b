"""Persistence: typed SQLAlchemy tables, the code lists, engine/session helpers.

Importing this package registers every table on `Base.metadata` (Alembic's env.py relies on it).
"""

from models.audit import AuditLog
from models.base import Base
from models.broadcasts import ScheduledBroadcast
from models.channels import (
    ChannelGroup,
    ChannelIdentity,
    InboundDedupe,
    OutboxMessage,
    OutboxStatus,
    PlatformToken,
)
from models.conversation import ConversationLog, ConversationState, FaqEntry
from models.matching import Feedback, Match, MatchRun, MatchShortfall
from models.org import College, Major, SchoolClass
from models.people import Graduate, GraduatePreference, StaffToken, StaffUser
from models.postings import Employer, Posting
from models.status import Checkin, CheckinSchedule, StatusRecord

__all__ = [
    "AuditLog",
    "Base",
    "ChannelGroup",
    "ChannelIdentity",
    "Checkin",
    "CheckinSchedule",
    "College",
    "ConversationLog",
    "ConversationState",
    "Employer",
    "FaqEntry",
    "Feedback",
    "Graduate",
    "GraduatePreference",
    "InboundDedupe",
    "Major",
    "Match",
    "MatchRun",
    "MatchShortfall",
    "OutboxMessage",
    "OutboxStatus",
    "PlatformToken",
    "Posting",
    "ScheduledBroadcast",
    "SchoolClass",
    "StaffToken",
    "StaffUser",
    "StatusRecord",
]
