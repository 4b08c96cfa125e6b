from __future__ import annotations

import time

import pytest

from bot.links import LinkError, LinkSigner

KEY = "a-secret-key-for-link-tests-0123456789abcdef"


def test_round_trip_and_url() -> None:
    signer = LinkSigner(KEY, "https://jiuye.example.edu.cn/", ttl_hours=72)
    url = signer.url(42)
    assert url.startswith("https://jiuye.example.edu.cn/m/")
    claims = signer.verify(url.rsplit("/", 1)[1])
    assert (claims.graduate_id, claims.page) == (42, "matches")


def test_forged_and_foreign_tokens_are_refused() -> None:
    token = LinkSigner(KEY, "http://x", 72).token(42)
    with pytest.raises(LinkError, match="无效"):
        LinkSigner("another-key-another-key-another-key-0000", "http://x", 72).verify(token)
    with pytest.raises(LinkError, match="无效"):
        LinkSigner(KEY, "http://x", 72).verify(token[:-2] + "xx")


def test_expired_token_is_refused() -> None:
    signer = LinkSigner(KEY, "http://x", ttl_hours=0)
    token = signer.token(7)
    time.sleep(1.1)
    with pytest.raises(LinkError, match="过期"):
        signer.verify(token)
