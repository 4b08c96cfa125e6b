"""Domain errors mapped to HTTP statuses, in one place for the app's handlers and the webhook layer."""

from __future__ import annotations

from bot import errors

_ERROR_STATUS: list[tuple[type[errors.JiuyeError], int]] = [
    (errors.UnknownAccount, 404),
    (errors.BadSignature, 401),
    (errors.LoginFailed, 401),
    (errors.AccountLocked, 423),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.InvalidInput, 422),
]


def status_for(exc: errors.JiuyeError) -> int:
    if isinstance(exc, errors.BadPayload):
        return exc.status
    for cls, code in _ERROR_STATUS:
        if isinstance(exc, cls):
            return code
    return 500
