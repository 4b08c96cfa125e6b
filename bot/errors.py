"""Named exceptions of the core, one tree so callers can catch at the depth they care about.

JiuyeError
 ├── ConfigError                 settings or channel file invalid (refuse to start)
 ├── ImportFileError             a spreadsheet cannot be read at all (not a bad row: rows are reported, not raised)
 ├── ChannelError
 │    ├── UnknownAccount          no such channel account configured (HTTP 404)
 │    ├── BadSignature            signature missing/forged or timestamp outside the allowed skew (HTTP 401/403)
 │    ├── BadPayload              malformed, truncated, oversized, or hostile body (HTTP 400/413)
 │    └── SendError
 │         ├── TransientSendError time-out, 5xx, rate limit, expired token: retry later
 │         └── PermanentSendError the platform refused for good (user blocked us, bad target): park
 ├── AuthError
 │    ├── LoginFailed             wrong username/password (HTTP 401)
 │    ├── AccountLocked           too many failures (HTTP 423)
 │    └── Forbidden               authenticated but out of role/class scope (HTTP 403)
 ├── InvalidInput                 the request itself is wrong; each problem a Chinese sentence (HTTP 422)
 ├── NotFound                     a record the caller named does not exist (HTTP 404)
 └── Conflict                     the request contradicts current state (HTTP 409)
"""

from __future__ import annotations

from collections.abc import Sequence


class JiuyeError(Exception):
    """Base of every error jiuye raises on purpose."""


class ConfigError(JiuyeError):
    pass


class ImportFileError(JiuyeError):
    pass


class ChannelError(JiuyeError):
    pass


class UnknownAccount(ChannelError):
    pass


class BadSignature(ChannelError):
    pass


class BadPayload(ChannelError):
    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class SendError(ChannelError):
    def __init__(self, message: str, *, code: int | str | None = None, response: object = None) -> None:
        super().__init__(message)
        self.code = code
        self.response = response


class TransientSendError(SendError):
    def __init__(
        self,
        message: str,
        *,
        code: int | str | None = None,
        response: object = None,
        retry_after_s: float | None = None,
        token_expired: bool = False,
    ) -> None:
        super().__init__(message, code=code, response=response)
        self.retry_after_s = retry_after_s
        self.token_expired = token_expired


class PermanentSendError(SendError):
    pass


class AuthError(JiuyeError):
    pass


class LoginFailed(AuthError):
    pass


class AccountLocked(AuthError):
    pass


class Forbidden(AuthError):
    pass


class NotFound(JiuyeError):
    pass


class Conflict(JiuyeError):
    pass


class InvalidInput(JiuyeError):
    """The request itself is wrong (not the state): each problem is a Chinese sentence for the user."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = list(problems)
