"""The WeChat family's message security (公众号, 企业微信 app and 智能机器人): SHA-1 signatures over the sorted
token/timestamp/nonce(/ciphertext), AES-256-CBC with the EncodingAESKey, and hardened XML parsing.

The AES layer is wechatpy's (`PrpCrypto`); around it this module adds what a webhook on the open internet needs:
constant-time signature comparison, one clear error for every way a wrong key or a damaged ciphertext can fail,
and XML parsed with every DTD and entity refused (no XML bombs, no external entities).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import random
import secrets
from xml.parsers import expat

from wechatpy.crypto import PrpCrypto

from bot.errors import BadPayload, BadSignature, ConfigError


def signature(*parts: str) -> str:
    """WeChat's signature: SHA-1 of the parts sorted and concatenated."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()  # noqa: S324 (the platform's algorithm)


def verify_signature(given: str, *parts: str) -> None:
    if not given or not hmac.compare_digest(signature(*parts).encode(), given.strip().lower().encode()):
        raise BadSignature("签名校验失败：请求不是来自平台，或 Token 配置不一致")


def aes_key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("EncodingAESKey 不是合法的 Base64（应为 43 个字符）") from exc
    if len(key) != 32:
        raise ConfigError("EncodingAESKey 长度错误：解码后应为 32 字节（43 个字符）")
    return key


class WxCipher:
    """AES for one account: `receive_id` is the AppID (公众号), the CorpID (企业微信) or "" (智能机器人)."""

    def __init__(self, encoding_aes_key: str, receive_id: str) -> None:
        self._key = aes_key(encoding_aes_key)
        self.receive_id = receive_id
        # Holds only the key and the cipher spec; each call makes its own encryptor, so one instance is thread-safe.
        self._prp = PrpCrypto(self._key)

    def decrypt(self, encrypted: str) -> str:
        try:
            plain: str = self._prp.decrypt(encrypted, self.receive_id)
        except Exception as exc:
            # A wrong key or a damaged ciphertext surfaces as any of ValueError, struct.error, UnicodeDecodeError,
            # binascii.Error or wechatpy's InvalidAppIdException; to the caller they are one thing.
            raise BadPayload("消息解密失败：EncodingAESKey 与平台配置不一致，或密文已损坏", status=400) from exc
        return plain

    def encrypt(self, plain: str) -> str:
        encrypted: bytes = self._prp.encrypt(plain, self.receive_id)
        return encrypted.decode("ascii")


# The reply nonce only has to differ between replies (the signature carries the integrity), so a seeded PRNG
# saves a getrandom() system call on the hot path.
_nonces = random.Random(secrets.randbits(64))  # noqa: S311


def new_nonce() -> str:
    return str(_nonces.randrange(10**10))


def encrypted_xml(token: str, cipher: WxCipher, plain: str, timestamp: str) -> str:
    """The encrypted passive-reply envelope (公众号 safe mode, 企业微信)."""
    nonce = new_nonce()
    encrypted = cipher.encrypt(plain)
    sig = signature(token, timestamp, nonce, encrypted)
    return (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><MsgSignature><![CDATA[{sig}]]></MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
    )


def encrypted_json(token: str, cipher: WxCipher, plain: str, timestamp: str) -> bytes:
    """The encrypted passive-reply envelope of the 智能机器人 (JSON flavour of the same scheme)."""
    nonce = new_nonce()
    encrypted = cipher.encrypt(plain)
    sig = signature(token, timestamp, nonce, encrypted)
    envelope = {"encrypt": encrypted, "msgsignature": sig, "timestamp": int(timestamp), "nonce": nonce}
    return json.dumps(envelope, ensure_ascii=False).encode("utf-8")


class _Refused(Exception):
    pass


def _refuse(*_args: object) -> int:
    raise _Refused


def parse_xml(raw: bytes | str) -> dict[str, str]:
    """A flat WeChat XML document as {tag: text}; DTDs, entities and malformed XML are refused with a 400.

    expat driven directly (one pass, no tree) with every DTD and entity declaration refused before it takes effect:
    what defusedxml guards against, at a fifth of its cost on the webhook hot path. Children that have children
    of their own (rare event details) map to "".
    """
    if not raw.strip():
        raise BadPayload("请求体为空")
    out: dict[str, str] = {}
    root: list[str] = []
    depth = 0
    current = ""
    nested = False
    parts: list[str] = []

    def start(name: str, _attrs: object) -> None:
        nonlocal depth, current, nested
        depth += 1
        if depth == 1:
            root.append(name)
        elif depth == 2:
            current, nested = name, False
            parts.clear()
        else:
            nested = True

    def end(_name: str) -> None:
        nonlocal depth
        if depth == 2:
            out[current] = "" if nested else "".join(parts).strip()
        depth -= 1

    def text(data: str) -> None:
        if depth == 2:
            parts.append(data)

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        parser.Parse(raw, True)
    except _Refused as exc:
        raise BadPayload("XML 含有 DTD 或实体声明，已拒绝（防 XML 炸弹 / 外部实体）") from exc
    except expat.ExpatError as exc:
        raise BadPayload(f"XML 格式错误或不完整：{exc}") from exc
    if root and root[0] != "xml":
        raise BadPayload(f"XML 根元素应为 <xml>，收到 <{root[0][:32]}>")
    return out


def cdata_safe(text: str) -> str:
    """Text that cannot close the CDATA section it is written into."""
    return text.replace("]]>", "]]]]><![CDATA[>")
