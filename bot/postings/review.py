"""Checks a posting's text needs before it reaches graduates (pure; reused for imported and chat-posted postings).

`discrimination_flags` finds requirements the 就业促进法 forbids or that schools will not forward: gender,
ethnicity, marital or childbearing status, household registration (户籍), regional origin, religion and
hepatitis-B carrier status. A posting with such phrases is flagged for a person to look at, never dropped:
the phrase may be quoted in a harmless context, and the reviewer decides.
"""

from __future__ import annotations

import re
import unicodedata

# Every pattern below needs one of these words: most postings have none and are cleared by one search.
_TRIGGERS = re.compile(
    r"男|女|汉族|民族|婚|生育|已育|未育|户口|户籍|本地人|本市人|本省人|当地人|不招|不要|不收|宗教|乙肝|hbv", re.I
)

# Phrases that say the opposite ("男女不限", "不限户籍") are removed before searching.
_NEUTRAL = re.compile(
    r"(?:男女|性别|民族|户籍|户口|婚否|婚姻状况|婚姻|婚育|生育|地域|籍贯|生源地)(?:不限|均可|皆可|无要求|无限制|不作要求|不做要求)"
    r"|不限(?:男女|性别|民族|户籍|户口|婚否|婚姻|婚育|地域|籍贯|生源地)"
    r"|男女(?:均可|皆可|不限|各半)"
    r"|(?:非|外地)?(?:本地|本市|本省|外地)(?:户口|户籍|人)?(?:亦可|也可|均可|皆可)"
)

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # gender
        r"(?<![不无])(?:仅限|只限|限|仅招|只招|只要|仅要|要求|适合)(?:男|女)(?:性|生|士|孩)?(?![女男装款鞋])",
        r"(?<![男女])(?:男|女)(?:性|生|士)?优先",
        r"性别(?:要求)?[:：]?\s*(?:男|女)(?![女男])(?:性)?",
        r"(?:(?<=[，,。；;、\s|:：(（])|^)(?:男|女)(?:性|生)?(?=[，,。；;、\s|)）]|$)",
        # ethnicity
        r"(?:限|仅限|只招|要求)?汉族(?:优先)?",
        r"少数民族(?:除外|勿扰|勿投|不要|不招|慎投)",
        # marital and childbearing status
        r"已婚已育(?:者)?(?:优先)?",
        r"未婚未育(?:者)?(?:优先)?",
        r"(?<!婚否)(?:已婚|未婚|已育|未育|离异)(?:者)?(?:优先)?",
        r"(?:近期|[一二两三四五\d]年内)?(?:无|不考虑|暂无|暂不考虑)(?:婚育|生育)(?:计划|打算|要求)?",
        # household registration and origin
        r"(?:本地|本市|本省|当地|本区|本县)(?:户口|户籍|人)(?:优先)?",
        r"(?:仅限|只限|限|要求)[^\s，,。；;、]{0,6}(?:户口|户籍)",
        r"(?:户口|户籍)(?:要求|限制|限定)",
        r"不(?:招|要|收)[^\s，,。；;、]{1,4}(?:人|籍)",
        # religion, health status
        r"无宗教信仰",
        r"(?:乙肝|HBV|hbv)[^\s，,。；;]{0,6}?(?:勿扰|勿投|勿|不要|不录用|不招|除外|免谈)",
        r"非乙肝",
    )
)


def discrimination_flags(text: str | None) -> list[str]:
    """The discriminatory phrases in `text`, in order of appearance, without repeats; [] when clean."""
    if not text or not _TRIGGERS.search(text):
        return []
    t = _NEUTRAL.sub("|", unicodedata.normalize("NFKC", text))
    hits: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        hits.extend((m.start(), m.group(0).strip()) for m in pattern.finditer(t))
    found: list[tuple[int, str]] = []
    covered: list[tuple[int, int]] = []
    # Longest first, so "已婚已育优先" is reported once rather than also as "已婚" and "已育".
    for start, phrase in sorted(hits, key=lambda h: (-len(h[1]), h[0])):
        end = start + len(phrase)
        if any(s <= start and end <= e for s, e in covered):
            continue
        covered.append((start, end))
        found.append((start, phrase))
    return _unique([phrase for _, phrase in sorted(found)])


def _unique(phrases: list[str]) -> list[str]:
    out: list[str] = []
    for phrase in phrases:
        if phrase and phrase not in out:
            out.append(phrase)
    return out
