"""The national code lists (毕业去向, 单位性质, 行业, 困难生类别), shipped as versioned data.

Pure data access: no database, no ORM. Local additions (a province's extra destination codes) come from the
channel file's `[codes]` table through `CodeBook.extended`, never by editing the shipped file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_VERSION = "2024"


@dataclass(frozen=True, slots=True)
class Destination:
    code: str
    name: str
    placed: bool
    group: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class CodeBook:
    version: str
    destinations: dict[str, Destination]
    unplaced_reasons: tuple[str, ...]
    employer_natures: dict[str, str]
    industries: dict[str, str]
    industry_sections: dict[str, str]  # GB/T 4754 section letter -> MOE code
    hardship: dict[int, str]
    education_levels: tuple[str, ...]
    export_columns: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    def is_placed(self, code: str) -> bool:
        dest = self.destinations.get(code)
        return bool(dest and dest.placed)

    def destination_name(self, code: str) -> str:
        dest = self.destinations.get(code)
        return dest.name if dest else code

    def top_level(self, code: str) -> str:
        """The 2-digit code a 3-digit sub-code rolls up to (502 -> 50)."""
        dest = self.destinations.get(code)
        return dest.parent if dest and dest.parent else code

    def industry_by_name(self, name: str) -> str | None:
        name = name.strip()
        for code, label in self.industries.items():
            if name in (label, code):
                return code
        for code, label in self.industries.items():
            if name and (name in label or label.split("、")[0] in name):
                return code
        return None

    def nature_by_name(self, name: str) -> str | None:
        name = name.strip()
        for code, label in self.employer_natures.items():
            if name in (label, code):
                return code
        return None

    def extended(self, extra_destinations: dict[str, str], extra_placed: list[str]) -> CodeBook:
        """This book plus local destination codes; `extra_placed` lists which of them count as 落实."""
        if not extra_destinations:
            return self
        dests = dict(self.destinations)
        for code, name in extra_destinations.items():
            dests[code] = Destination(code=code, name=name, placed=code in extra_placed, group="地方扩展")
        return replace(self, destinations=dests, version=f"{self.version}+local")


@cache
def load(version: str = DEFAULT_VERSION) -> CodeBook:
    raw = json.loads(resources.files("bot.codes").joinpath(f"data/codes-{version}.json").read_text("utf-8"))
    dests: dict[str, Destination] = {
        d["code"]: Destination(d["code"], d["name"], d["placed"], d["group"]) for d in raw["destinations"]
    }
    for sub in raw["destination_subcodes"]:
        parent = dests[sub["parent"]]
        dests[sub["code"]] = Destination(sub["code"], sub["name"], parent.placed, parent.group, sub["parent"])
    return CodeBook(
        version=raw["version"],
        destinations=dests,
        unplaced_reasons=tuple(raw["unplaced_reasons"]),
        employer_natures={n["code"]: n["name"] for n in raw["employer_natures"]},
        industries={i["code"]: i["name"] for i in raw["industries"]},
        industry_sections={i["section"]: i["code"] for i in raw["industries"] if i["section"]},
        hardship={h["code"]: h["name"] for h in raw["hardship"]},
        education_levels=tuple(raw["education_levels"]),
        export_columns=tuple(raw["export_columns"]),
    )
