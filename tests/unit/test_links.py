from __future__ import annotations

import pytest

from bot.clock import FakeClock
from bot.security.links import LinkError, LinkSigner

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


def test_expired_token_is_refused_on_the_injected_clock() -> None:
    clock = FakeClock()
    signer = LinkSigner(KEY, "http://x", ttl_hours=72, clock=clock)
    token = signer.token(7)
    clock.advance(hours=71, minutes=59)
    assert signer.verify(token).graduate_id == 7
    clock.advance(minutes=2)
    with pytest.raises(LinkError, match="过期"):
        signer.verify(token)


def test_verification_reads_the_injected_clock_not_the_wall_clock() -> None:
    clock = FakeClock()
    token = LinkSigner(KEY, "http://x", 72, clock=clock).token(7)
    # The wall clock (2026-12 in CI) is months past the fake clock's start: the signer must not read it.
    assert LinkSigner(KEY, "http://x", 72, clock=clock).verify(token).graduate_id == 7
