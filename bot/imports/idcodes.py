"""Check digits of the identifiers a ledger carries: mobile numbers, ID numbers, 统一社会信用代码 (pure).

Each validator returns the canonical form or raises ValueError whose message is the Chinese reason.
"""

from __future__ import annotations

import re
from datetime import date

from bot.imports.cells import code_text, is_float_number, looks_scientific

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB 32100-2015: 31 characters, no I, O, S, V, Z.
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_SCIENTIFIC_HINT = "被 Excel 转成了科学计数法，末尾数字已丢失；请把该列设为“文本”后重新填写"


def mobile(value: object) -> str:
    """An 11-digit mainland mobile number; "+86 138-0013-8000" is accepted and cleaned."""
    text = code_text(value)
    if looks_scientific(text):
        raise ValueError(f"手机号{_SCIENTIFIC_HINT}")
    digits = re.sub(r"[-()（）]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.match(digits):
        raise ValueError(f"不是有效的 11 位手机号（应为 1 开头的 11 位数字，实际填写了 {len(digits)} 个字符）")
    return digits


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number(value: object) -> str:
    """An 18-character 居民身份证号码 with a valid birth date and check character (x normalised to X)."""
    text = code_text(value).upper()
    if is_float_number(value) or looks_scientific(text):
        raise ValueError(f"身份证号{_SCIENTIFIC_HINT}")
    if len(text) == 15 and text.isdigit():
        raise ValueError("这是 15 位旧身份证号，请填写 18 位身份证号")
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise ValueError(f"身份证号应为 18 位（前 17 位数字，最后一位数字或 X），实际为“{_masked(text)}”")
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValueError("身份证号中的出生日期无效") from None
    if id_check_char(text[:17]) != text[17]:
        raise ValueError("身份证号校验位不正确，请核对")
    return text


def credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code(value: object) -> str:
    """An 18-character 统一社会信用代码 whose last character is the GB 32100 check character."""
    text = code_text(value).upper()
    if len(text) != 18:
        raise ValueError(f"统一社会信用代码应为 18 位，“{text}”是 {len(text)} 位")
    bad = sorted({c for c in text if c not in _CREDIT_CHARS})
    if bad:
        raise ValueError(f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）")
    if credit_check_char(text[:17]) != text[17]:
        raise ValueError(f"统一社会信用代码“{text}”校验位不正确，请核对")
    return text


def _masked(text: str) -> str:
    """Error messages end up in files and terminals: never echo a whole ID number."""
    return text[:3] + "*" * max(len(text) - 7, 0) + text[-4:] if len(text) > 7 else text
