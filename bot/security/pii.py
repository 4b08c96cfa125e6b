"""Personal data protection: encryption at rest for phone and ID numbers, keyed digests for secrets.

The data key is a Fernet key (urlsafe base64 of 32 bytes) or any string of 32+ characters, from which one is
derived; the same key also derives the HMAC key for binding-secret digests so that a database dump alone
reveals neither the ID numbers nor the secrets that bind a chat account to a student.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class PiiCipher:
    def __init__(self, key: str) -> None:
        raw = _key_bytes(key)
        self._fernet = Fernet(base64.urlsafe_b64encode(raw))
        self._mac_key = hashlib.sha256(b"jiuye-binding-digest|" + raw).digest()

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            return None

    def digest(self, secret: str) -> str:
        """A keyed digest of a binding secret; compare with `verify_digest`."""
        normalised = secret.strip().upper()
        return hmac.new(self._mac_key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()

    def verify_digest(self, secret: str, digest: str | None) -> bool:
        if not digest:
            return False
        return hmac.compare_digest(self.digest(secret), digest)


def _key_bytes(key: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
        if len(raw) == 32:
            return raw
    except (ValueError, UnicodeEncodeError):
        pass
    return hashlib.sha256(key.encode("utf-8")).digest()


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_id_number(id_number: str | None) -> str:
    if not id_number:
        return ""
    return id_number[:3] + "*" * max(len(id_number) - 7, 4) + id_number[-4:]
