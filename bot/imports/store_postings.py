"""Posting rows against the database: employers (by 统一社会信用代码, else by name), majors, review, upsert.

`resolve` adds the errors only stored data can reveal (a new posting without 岗位名称, a credit code that
belongs to another employer) and marks rows that repeat an earlier row word for word; `write` creates the
missing employers, fills what the sheet adds to known ones, and inserts or updates postings in batches,
comparing with the stored values so that an unchanged row is not written at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from bot.codes import majors as catalogue
from bot.domain import ReviewState
from bot.imports.postings import resolve_majors
from bot.imports.report import ParsedRow
from bot.imports.store_common import WRITE_CHUNK, chunks, fetch_by, insert_rows, update_rows
from bot.postings.review import discrimination_flags
from models import Employer, Major, Posting

POSTINGS = cast(sa.Table, Posting.__table__)
EMPLOYERS = cast(sa.Table, Employer.__table__)
_DEFAULTS: dict[str, Any] = {
    "employer_id": None, "title": "", "description": "", "place_text": "", "adcode": None, "nationwide": False,
    "industry_code": None, "majors_any": True, "accepted_majors": [], "majors_text": "", "min_education": 0,
    "salary_min": None, "salary_max": None, "salary_months": None, "salary_text": "", "headcount": 1,
    "deadline": None, "published_on": None, "contact": None, "source": "import", "source_url": None,
    "review_state": ReviewState.APPROVED, "flags": {},
}  # fmt: skip
MANAGED = ("posting_key", *_DEFAULTS)
# (field, where its value lands, under which key) of what a new posting must have
_REQUIRED_NEW = (("title", "values", "title"), ("employer", "refs", "employer"), ("place", "values", "adcode"))
_EMPLOYER_FIELDS = ("credit_code", "nature_code", "industry_code")


@dataclass
class _Employer:
    id: int | None
    name: str
    stored: dict[str, Any] = field(default_factory=dict)  # credit_code, nature_code, industry_code as stored
    credit_code: str | None = None  # as claimed so far in this file (conflict detection)


@dataclass
class PostingStore:
    session: Session
    default_state: ReviewState
    counts: dict[str, int] = field(default_factory=dict)
    _existing: dict[str, RowMapping] = field(default_factory=dict)
    _by_name: dict[str, _Employer] = field(default_factory=dict)
    _by_credit: dict[str, _Employer] = field(default_factory=dict)
    _by_id: dict[int, _Employer] = field(default_factory=dict)
    _school_majors: dict[str, list[str]] = field(default_factory=dict)

    # ------------------------------------------------------------------------------------------ resolve

    def resolve(self, rows: list[ParsedRow]) -> list[ParsedRow]:
        """Check rows against the database; returns the rows that repeat an earlier row exactly (skipped)."""
        columns = [POSTINGS.c.id, *(POSTINGS.c[name] for name in MANAGED)]
        self._existing = fetch_by(self.session, columns, POSTINGS.c.posting_key, [r.key for r in rows if r.key])
        self._load_employers(rows)
        for major_name, code in self.session.execute(sa.select(Major.name, Major.code).distinct()):
            self._school_majors.setdefault(major_name, []).append(code)
        # key -> (row number, what the row said before resolving added to it)
        first: dict[str, tuple[int, tuple[dict[str, Any], dict[str, Any]]]] = {}
        repeats: list[ParsedRow] = []
        for row in rows:
            if row.key is None:
                continue
            earlier = first.get(row.key)
            if earlier is not None:
                if earlier[1] == (row.values, row.refs):
                    repeats.append(row)
                else:
                    row.error("", f"与第 {earlier[0]} 行是同一岗位（岗位编号或 单位+岗位+地点 相同），但内容不同")
                continue
            first[row.key] = (row.number, (dict(row.values), dict(row.refs)))
            self._resolve_row(row, self._existing.get(row.key))
        return repeats

    def _load_employers(self, rows: list[ParsedRow]) -> None:
        columns = [EMPLOYERS.c.id, EMPLOYERS.c.name, *(EMPLOYERS.c[f] for f in _EMPLOYER_FIELDS)]
        names = {r.refs["employer"] for r in rows if "employer" in r.refs}
        credits = {r.refs["credit_code"] for r in rows if "credit_code" in r.refs}
        ids = {p["employer_id"] for p in self._existing.values()}
        found: dict[int, dict[str, Any]] = {}
        for key, wanted in ((EMPLOYERS.c.name, names), (EMPLOYERS.c.credit_code, credits), (EMPLOYERS.c.id, ids)):
            found.update({row["id"]: row for row in fetch_by(self.session, columns, key, wanted).values()})
        for row in found.values():
            emp = _Employer(row["id"], row["name"], {f: row[f] for f in _EMPLOYER_FIELDS}, row["credit_code"])
            self._by_id[row["id"]] = emp
            self._by_name[emp.name] = emp
            if emp.credit_code:
                self._by_credit[emp.credit_code] = emp

    def _resolve_row(self, row: ParsedRow, stored: RowMapping | None) -> None:
        if stored is None:
            reported = {name for name, _ in row.errors}
            for name, where, key in _REQUIRED_NEW:
                if key not in (row.values if where == "values" else row.refs) and name not in reported:
                    row.error(name, "新岗位必须填写此项")
        emp = self._employer(row, stored)
        if emp is not None:
            row.refs["employer_ref"] = emp
        if "majors" in row.refs:
            any_major, codes, unknown = resolve_majors(row.refs["majors"], self._school_majors, catalogue.load())
            row.values.update(majors_any=any_major, accepted_majors=codes, majors_text=unknown)

    def _employer(self, row: ParsedRow, stored: RowMapping | None) -> _Employer | None:
        name = row.refs.get("employer")
        credit = row.refs.get("credit_code")
        if name is None:
            return self._by_id[stored["employer_id"]] if stored is not None else None
        emp = self._by_credit.get(credit) if credit else None
        if emp is None:
            emp = self._by_name.get(name)
        if emp is None:
            emp = _Employer(None, name, credit_code=credit)
        self._by_name.setdefault(name, emp)  # a renamed employer found by its code answers to both names
        if credit and emp.credit_code != credit:
            if emp.credit_code is not None:
                row.error("credit_code", f"单位“{emp.name}”已登记的统一社会信用代码是 {emp.credit_code}，与本行不一致")
                return None
            emp.credit_code = credit
        if credit:
            self._by_credit.setdefault(credit, emp)
        return emp

    # -------------------------------------------------------------------------------------------- write

    def write(self, rows: list[ParsedRow]) -> tuple[int, int, int]:
        """Upsert the good rows; returns (new, updated, unchanged)."""
        self._write_employers(rows)
        new = updated = flagged = 0
        for part in chunks(rows, WRITE_CHUNK):  # bounded memory for the statement parameters
            inserts: list[dict[str, Any]] = []
            changes: list[tuple[int, dict[str, Any]]] = []
            for row in part:
                assert row.key is not None
                stored = self._existing.get(row.key)
                values = self._values(row, stored)
                flagged += values["review_state"] == ReviewState.FLAGGED
                if stored is None:
                    inserts.append(_DEFAULTS | values | {"posting_key": row.key})
                elif diff := {k: v for k, v in values.items() if stored[k] != v}:
                    changes.append((stored["id"], diff))
            insert_rows(self.session, POSTINGS, inserts)
            update_rows(self.session, POSTINGS, changes)
            new += len(inserts)
            updated += len(changes)
        self.counts["flagged"] = flagged
        return new, updated, len(rows) - new - updated

    def _write_employers(self, rows: list[ParsedRow]) -> None:
        final: dict[int, dict[str, Any]] = {}  # id(employer object) -> attributes after the good rows
        used: dict[int, _Employer] = {}
        for row in rows:
            emp: _Employer = row.refs["employer_ref"]
            used[id(emp)] = emp
            attrs = final.setdefault(id(emp), dict(emp.stored) or dict.fromkeys(_EMPLOYER_FIELDS))
            if "credit_code" in row.refs:
                attrs["credit_code"] = row.refs["credit_code"]
            if "nature_code" in row.refs:
                attrs["nature_code"] = row.refs["nature_code"]
            if row.values.get("industry_code") and not attrs["industry_code"]:
                attrs["industry_code"] = row.values["industry_code"]
        new = [emp for emp in used.values() if emp.id is None]
        params = [{"name": emp.name, "adcode": None, **final[id(emp)]} for emp in new]
        insert_rows(self.session, EMPLOYERS, params)
        found = fetch_by(self.session, (EMPLOYERS.c.id, EMPLOYERS.c.name), EMPLOYERS.c.name, [e.name for e in new])
        for emp in new:
            emp.id = found[emp.name]["id"]
        changes = [
            (emp.id, diff)
            for emp in used.values()
            if emp.stored and (diff := {k: v for k, v in final[id(emp)].items() if emp.stored[k] != v})
        ]
        update_rows(self.session, EMPLOYERS, changes)
        self.counts["employers_created"] = len(new)
        self.counts["employers_updated"] = len(changes)

    def _values(self, row: ParsedRow, stored: RowMapping | None) -> dict[str, Any]:
        values = dict(row.values)
        values["employer_id"] = row.refs["employer_ref"].id
        texts = [row.refs["review_text"]]
        if stored is not None:
            texts += [stored[f] for f in ("title", "description") if f not in row.values]
            texts += [stored["majors_text"]] if "majors" not in row.refs else []
        phrases = discrimination_flags("\n".join(t for t in texts if t))
        flags = dict(stored["flags"]) if stored is not None else {}
        old_state = stored["review_state"] if stored is not None else None
        state = self.default_state if old_state is None else old_state
        if phrases:
            flags["discrimination"] = phrases
            state = ReviewState.REJECTED if old_state == ReviewState.REJECTED else ReviewState.FLAGGED
        elif flags.pop("discrimination", None) is not None and old_state == ReviewState.FLAGGED:
            state = self.default_state
        if "headcount" in row.values:
            if row.notes:
                flags["notes"] = row.notes
            else:
                flags.pop("notes", None)
        values["flags"] = flags
        values["review_state"] = state
        return values
