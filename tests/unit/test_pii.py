from __future__ import annotations

from bot.security.pii import PiiCipher, mask_id_number, mask_phone


def test_encrypt_round_trip_and_ciphertext_hides_value() -> None:
    cipher = PiiCipher("a-test-key-that-is-long-enough-for-derivation")
    token = cipher.encrypt("420502200001011234")
    assert token is not None and "420502" not in token
    assert cipher.decrypt(token) == "420502200001011234"
    assert cipher.encrypt("") is None and cipher.encrypt(None) is None


def test_wrong_key_cannot_decrypt() -> None:
    token = PiiCipher("key-one-key-one-key-one-key-one-1").encrypt("13800138000")
    assert PiiCipher("key-two-key-two-key-two-key-two-2").decrypt(token) is None


def test_digest_is_keyed_and_case_insensitive() -> None:
    a = PiiCipher("key-one-key-one-key-one-key-one-1")
    b = PiiCipher("key-two-key-two-key-two-key-two-2")
    assert a.verify_digest("01123x", a.digest("01123X"))
    assert not a.verify_digest("011234", a.digest("01123X"))
    assert a.digest("01123X") != b.digest("01123X")
    assert not a.verify_digest("01123X", None)


def test_masks() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_id_number("420502200001011234") == "420***********1234"
