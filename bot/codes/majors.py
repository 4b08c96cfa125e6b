"""The national catalogue of fields of study: 本科 门类 and 专业类, 高职专科 专业大类, shipped as data.

Postings name the majors they accept loosely ("计算机类", "工学", "电子信息相关专业"); this maps such names to
the catalogue codes that a graduate's 6-digit major code starts with. Pure data access: no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

_SUFFIXES = ("大类", "类")


@dataclass(frozen=True, slots=True)
class MajorsCatalogue:
    version: str
    categories: dict[str, str]  # 2-digit 门类 (本科) and 专业大类 (高职专科) -> name
    classes: dict[str, str]  # 4-digit 本科 专业类 -> name
    by_name: dict[str, tuple[str, ...]]  # every accepted spelling -> codes

    def category_name(self, code: str) -> str:
        return self.categories.get(code[:2], "")

    def class_name(self, code: str) -> str:
        return self.classes.get(code[:4], "")

    def codes_for(self, word: str) -> tuple[str, ...]:
        """Codes a name stands for ("计算机类" -> 0809, "工学" -> 08, "计算机" -> 0809); () if unknown."""
        return self.by_name.get(word.strip(), ())


def _index(
    categories: dict[str, str], classes: dict[str, str], aliases: dict[str, list[str]]
) -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    # Exact names first so that "哲学" stays the 门类 rather than 哲学类 without its suffix.
    for table in (categories, classes):
        for code, name in table.items():
            index.setdefault(name, (code,))
    for table in (categories, classes):
        for code, name in table.items():
            for suffix in _SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    index.setdefault(name[: -len(suffix)], (code,))
                    break
    for word, codes in aliases.items():
        index.setdefault(word, tuple(codes))
    return index


@cache
def load() -> MajorsCatalogue:
    raw = json.loads(resources.files("bot.codes").joinpath("data/majors-catalogue.json").read_text("utf-8"))
    categories = {c["code"]: c["name"] for c in raw["undergraduate_categories"]}
    categories.update({c["code"]: c["name"] for c in raw["vocational_categories"]})
    classes = {c["code"]: c["name"] for c in raw["undergraduate_classes"]}
    return MajorsCatalogue(
        version=raw["version"],
        categories=categories,
        classes=classes,
        by_name=_index(categories, classes, raw["aliases"]),
    )
