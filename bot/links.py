"""Signed, expiring links a graduate opens from a message: `/m/<token>`.

The token names the graduate (and optionally a page) and is signed with the secret key; it expires after
`settings.link_ttl_hours`. Nothing personal is in the URL itself, and a forged or stale token opens nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_SALT = "jiuye-mobile-link"


@dataclass(frozen=True, slots=True)
class LinkClaims:
    graduate_id: int
    page: str  # e.g. "matches"


class LinkError(Exception):
    """The link is forged, damaged or expired (the message is Chinese, for the page)."""


class LinkSigner:
    def __init__(self, secret_key: str, base_url: str, ttl_hours: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
        self._base = base_url.rstrip("/")
        self._ttl_s = ttl_hours * 3600

    def token(self, graduate_id: int, page: str = "matches") -> str:
        return self._serializer.dumps({"g": graduate_id, "p": page})

    def url(self, graduate_id: int, page: str = "matches") -> str:
        return f"{self._base}/m/{self.token(graduate_id, page)}"

    def verify(self, token: str, *, now: datetime | None = None) -> LinkClaims:
        try:
            data = self._serializer.loads(token, max_age=self._ttl_s, return_timestamp=False)
        except SignatureExpired as exc:
            raise LinkError("链接已过期，请在聊天中发送“推荐”获取新的链接") from exc
        except BadSignature as exc:
            raise LinkError("链接无效") from exc
        if not isinstance(data, dict) or not isinstance(data.get("g"), int) or not isinstance(data.get("p"), str):
            raise LinkError("链接无效")
        return LinkClaims(graduate_id=data["g"], page=data["p"])
