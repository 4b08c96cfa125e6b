"""Check characters of Chinese identifiers, so that synthetic numbers are well-formed (pure).

- GB 11643-1999 citizen ID number: 17 digits + check (0-9 or X), ISO 7064 MOD 11-2.
- GB 11714 organisation code: 8 characters + check (0-9 or X), the body of a credit code.
- GB 32100-2015 unified social credit code (统一社会信用代码): 17 characters + check over a 31-character
  alphabet that leaves out I, O, S, V and Z.
"""

from __future__ import annotations

ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
ID_CHECK = "10X98765432"

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(body17: str) -> str:
    if len(body17) != 17 or not body17.isdigit():
        raise ValueError(f"ID body must be 17 digits: {body17!r}")
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_number(value: str) -> bool:
    return len(value) == 18 and value[:17].isdigit() and id_check_char(value[:17]) == value[17]


def org_check_char(body8: str) -> str:
    """GB 11714: digits count as themselves, letters A-Z as 10-35."""
    if len(body8) != 8 or not body8.isalnum():
        raise ValueError(f"organisation code body must be 8 alphanumerics: {body8!r}")
    total = sum(int(c, 36) * w for c, w in zip(body8.upper(), ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_check_char(body17: str) -> str:
    if len(body17) != 17 or any(c not in CREDIT_ALPHABET for c in body17):
        raise ValueError(f"credit code body must be 17 characters of the GB 32100 alphabet: {body17!r}")
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    return (
        len(value) == 18
        and all(c in CREDIT_ALPHABET for c in value)
        and org_check_char(value[8:16]) == value[16]
        and credit_check_char(value[:17]) == value[17]
    )
