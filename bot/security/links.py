"""Signed, expiring links a graduate opens from a message: `/m/<token>`.

The token names the graduate (and optionally a page) and is signed with the secret key; it expires after
`settings.link_ttl_hours`. Nothing personal is in the URL itself, and a forged or stale token opens nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from bot.clock import Clock, SystemClock

_SALT = "jiuye-mobile-link"


@dataclass(frozen=True, slots=True)
class LinkClaims:
    graduate_id: int
    page: str  # e.g. "matches"


class LinkError(Exception):
    """The link is forged, damaged or expired (the message is Chinese, for the page)."""


def _signer_on(clock: Clock) -> type[TimestampSigner]:
    """itsdangerous reads the wall clock for both the stamp and the age; this signer reads the injected clock."""

    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock.now().timestamp())

    return ClockSigner


class LinkSigner:
    def __init__(self, secret_key: str, base_url: str, ttl_hours: int, *, clock: Clock | None = None) -> None:
        signer: Any = _signer_on(clock or SystemClock())
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT, signer=signer)
        self._base = base_url.rstrip("/")
        self._ttl_s = ttl_hours * 3600

    def token(self, graduate_id: int, page: str = "matches") -> str:
        return self._serializer.dumps({"g": graduate_id, "p": page})

    def url(self, graduate_id: int, page: str = "matches") -> str:
        return f"{self._base}/m/{self.token(graduate_id, page)}"

    def verify(self, token: str) -> LinkClaims:
        """The claims of a token signed here and younger than the TTL on this signer's clock."""
        try:
            data = self._serializer.loads(token, max_age=self._ttl_s, return_timestamp=False)
        except SignatureExpired as exc:
            raise LinkError("链接已过期，请在聊天中发送“推荐”获取新的链接") from exc
        except BadSignature as exc:
            raise LinkError("链接无效") from exc
        if not isinstance(data, dict) or not isinstance(data.get("g"), int) or not isinstance(data.get("p"), str):
            raise LinkError("链接无效")
        return LinkClaims(graduate_id=data["g"], page=data["p"])
