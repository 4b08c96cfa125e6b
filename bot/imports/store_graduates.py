"""Graduate rows against the database: resolve 学院/专业/班级, check what only the database can tell, upsert.

`resolve` adds the errors that depend on stored data (a new 学号 without 姓名, a major unknown in its college,
a class that belongs to another college) without writing anything; `write` then creates the missing
colleges, majors and classes that good rows need and inserts or updates graduates and their preferences in
batches, comparing with the stored values so that an unchanged row is not written at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from bot.codes import majors as catalogue
from bot.domain import EducationLevel
from bot.imports.report import ParsedRow
from bot.imports.store_common import WRITE_CHUNK, chunks, fetch_by, insert_rows, update_rows
from bot.imports.store_prefs import write_preferences
from bot.security.pii import PiiCipher
from models import College, Graduate, Major, SchoolClass

GRADUATES = cast(sa.Table, Graduate.__table__)
# Every column an import may set; new rows get these keys so that one executemany inserts them all.
MANAGED = (
    "student_no", "exam_no", "name", "gender", "education", "cohort", "college_id", "major_id", "class_id",
    "origin_adcode", "hardship_mask", "flag_poverty", "flag_dibao", "flag_zero_employment", "flag_disability",
    "phone_enc", "id_number_enc", "bind_secret_digest",
)  # fmt: skip
_FLAGS = ("flag_poverty", "flag_dibao", "flag_zero_employment", "flag_disability")
_DEFAULTS: dict[str, Any] = dict.fromkeys(MANAGED) | {"hardship_mask": 0} | dict.fromkeys(_FLAGS, False)
BIND_BY_ID, BIND_BY_COLUMN = "id_last6", "column"  # Settings.binding_secret
_REQUIRED_NEW = (("name", "values"), ("college", "refs"), ("major", "refs"), ("education", "values"))


@dataclass
class _MajorRef:
    id: int | None
    code: str
    level: int
    first_row: int = 0


@dataclass
class _ClassRef:
    id: int | None
    college: str
    major: tuple[str, str] | None
    cohort: int


@dataclass
class GraduateStore:
    session: Session
    pii: PiiCipher
    binding_secret: str
    default_cohort: int
    counts: dict[str, int] = field(default_factory=dict)
    _existing: dict[str, RowMapping] = field(default_factory=dict)
    _college_ids: dict[str, int | None] = field(default_factory=dict)
    _college_names: dict[int, str] = field(default_factory=dict)
    _majors: dict[tuple[str, str], _MajorRef] = field(default_factory=dict)
    _major_keys: dict[int, tuple[str, str]] = field(default_factory=dict)
    _classes: dict[str, _ClassRef] = field(default_factory=dict)

    # ------------------------------------------------------------------------------------------ resolve

    def resolve(self, rows: list[ParsedRow]) -> None:
        self._load_structure()
        keys = [r.key for r in rows if r.key]
        columns = [GRADUATES.c.id, *(GRADUATES.c[name] for name in MANAGED)]
        self._existing = fetch_by(self.session, columns, GRADUATES.c.student_no, keys)
        first_seen: dict[str, int] = {}
        for row in rows:
            if row.key is None:
                continue
            if row.key in first_seen:
                row.error("student_no", f"学号与第 {first_seen[row.key]} 行重复")
                continue
            first_seen[row.key] = row.number
            self._resolve_row(row, self._existing.get(row.key))

    def _load_structure(self) -> None:
        for cid, name in self.session.execute(sa.select(College.id, College.name)):
            self._college_ids[name] = cid
            self._college_names[cid] = name
        for m in self.session.execute(sa.select(Major.id, Major.college_id, Major.name, Major.code, Major.level)):
            key = (self._college_names[m.college_id], m.name)
            self._majors[key] = _MajorRef(m.id, m.code, m.level)
            self._major_keys[m.id] = key
        query = sa.select(SchoolClass.id, SchoolClass.name, SchoolClass.college_id, SchoolClass.major_id)
        for c in self.session.execute(query.add_columns(SchoolClass.cohort)):
            major = self._major_keys.get(c.major_id) if c.major_id else None
            self._classes[c.name] = _ClassRef(c.id, self._college_names[c.college_id], major, c.cohort)

    def _resolve_row(self, row: ParsedRow, stored: RowMapping | None) -> None:
        if stored is None:
            reported = {name for name, _ in row.errors}
            missing = [
                name for name, where in _REQUIRED_NEW if name not in (row.refs if where == "refs" else row.values)
            ]
            for name in missing:
                if name not in reported:
                    row.error(name, "新学生必须填写此项")
            if "college" in missing:
                return
        if "college" in row.refs:
            college: str = row.refs["college"]
        else:
            assert stored is not None  # a new graduate without 学院 returned above
            college = self._college_names[stored["college_id"]]
        if college not in self._college_ids:
            self._college_ids[college] = None  # created on write
        major = self._resolve_major(row, college, stored)
        if "class_name" in row.refs:
            self._resolve_class(row, college, major)
        row.refs["college_key"] = college
        row.refs["major_key"] = major

    def _resolve_major(self, row: ParsedRow, college: str, stored: RowMapping | None) -> tuple[str, str] | None:
        name = row.refs.get("major")
        if name is None:
            if stored is not None and row.refs.get("college") and college != self._college_names[stored["college_id"]]:
                row.error("major", "更换学院时必须同时填写专业")
            return None
        key = (college, name)
        code = row.refs.get("major_code")
        ref = self._majors.get(key)
        if ref is not None:
            if code and code != ref.code:
                where = f"第 {ref.first_row} 行填写" if ref.id is None else "系统中已登记"
                row.error("major_code", f"专业“{name}”的代码{where}为 {ref.code}，与本行的 {code} 不一致")
            return key
        if not code:
            row.error("major", f"学院“{college}”中还没有专业“{name}”，请填写专业代码以便创建")
            return None
        level = row.values.get("education") or (stored["education"] if stored else None) or int(EducationLevel.BENKE)
        self._majors[key] = _MajorRef(None, code, level, first_row=row.number)
        return key

    def _resolve_class(self, row: ParsedRow, college: str, major: tuple[str, str] | None) -> None:
        name = row.refs["class_name"]
        ref = self._classes.get(name)
        if ref is None:
            cohort = row.values.get("cohort", self.default_cohort)
            self._classes[name] = _ClassRef(None, college, major, cohort)
        elif ref.college != college:
            row.error("class_name", f"班级“{name}”属于学院“{ref.college}”，与本行的学院“{college}”不一致")

    # -------------------------------------------------------------------------------------------- write

    def write(self, rows: list[ParsedRow]) -> tuple[int, int, int]:
        """Upsert the good rows; returns (new, updated, unchanged)."""
        self._create_structure(rows)
        new = updated = 0
        # Chunk by chunk, so that the statement parameters of a 100,000-row roster never sit in memory at once.
        for part in chunks(rows, WRITE_CHUNK):
            added, changed = self._write_chunk(part)
            new += added
            updated += changed
        return new, updated, len(rows) - new - updated

    def _write_chunk(self, rows: Sequence[ParsedRow]) -> tuple[int, int]:
        inserts: list[dict[str, Any]] = []
        changes: list[tuple[int, dict[str, Any]]] = []
        ids: dict[str, int] = {}
        changed_keys: set[str] = set()
        for row in rows:
            assert row.key is not None
            stored = self._existing.get(row.key)
            values = self._values(row, stored)
            if stored is None:
                inserts.append(_DEFAULTS | {"cohort": self.default_cohort} | values)
                continue
            ids[row.key] = stored["id"]
            if diff := {k: v for k, v in values.items() if stored[k] != v}:
                changes.append((stored["id"], diff))
                changed_keys.add(row.key)
        insert_rows(self.session, GRADUATES, inserts)
        new_keys = [row["student_no"] for row in inserts]
        found = fetch_by(self.session, (GRADUATES.c.id, GRADUATES.c.student_no), GRADUATES.c.student_no, new_keys)
        ids.update({key: row["id"] for key, row in found.items()})
        update_rows(self.session, GRADUATES, changes)
        prefs = {ids[r.key]: r.refs["pref"] for r in rows if r.key and "pref" in r.refs}
        pref_changed, kept = write_preferences(self.session, prefs)
        by_id = {v: k for k, v in ids.items()}
        changed_keys.update(by_id[i] for i in pref_changed if by_id[i] in self._existing)
        if kept:
            self.counts["preferences_kept"] = self.counts.get("preferences_kept", 0) + kept
        return len(inserts), len(changed_keys)

    def _values(self, row: ParsedRow, stored: RowMapping | None) -> dict[str, Any]:
        values = dict(row.values)
        values["college_id"] = self._college_ids[row.refs["college_key"]]
        if row.refs.get("major_key") is not None:
            values["major_id"] = self._majors[row.refs["major_key"]].id
        if "class_name" in row.refs:
            values["class_id"] = self._classes[row.refs["class_name"]].id
        if "phone" in row.refs:
            values["phone_enc"] = self._encrypt(row.refs["phone"], stored["phone_enc"] if stored else None)
        if "id_number" in row.refs:
            values["id_number_enc"] = self._encrypt(row.refs["id_number"], stored["id_number_enc"] if stored else None)
            if self.binding_secret == BIND_BY_ID:
                values["bind_secret_digest"] = self.pii.digest(row.refs["id_number"][-6:])
        if "bind_code" in row.refs and self.binding_secret == BIND_BY_COLUMN:
            values["bind_secret_digest"] = self.pii.digest(row.refs["bind_code"])
        return values

    def _encrypt(self, plain: str, stored: str | None) -> str | None:
        """Keep the stored token when it already holds this value (Fernet tokens differ on every call)."""
        if stored is not None and self.pii.decrypt(stored) == plain:
            return stored
        return self.pii.encrypt(plain)

    def _create_structure(self, rows: list[ParsedRow]) -> None:
        colleges = {r.refs["college_key"] for r in rows} - {k for k, v in self._college_ids.items() if v is not None}
        majors = {r.refs["major_key"] for r in rows if r.refs.get("major_key")}
        classes = {r.refs["class_name"] for r in rows if "class_name" in r.refs}
        taken = set(self.session.scalars(sa.select(College.code)))
        for name in sorted(colleges):
            college = College(code=_college_code(name, taken), name=name)
            self.session.add(college)
            self.session.flush()
            self._college_ids[name] = college.id
        self.counts["colleges_created"] = len(colleges)
        created = 0
        for key in sorted(majors):
            ref = self._majors[key]
            if ref.id is None:
                ref.id = self._add_major(key, ref)
                created += 1
        self.counts["majors_created"] = created
        created = 0
        for name in sorted(classes):
            cref = self._classes[name]
            if cref.id is None:
                major_id = self._majors[cref.major].id if cref.major else None
                cls = SchoolClass(
                    name=name, college_id=self._college_ids[cref.college], major_id=major_id, cohort=cref.cohort
                )
                self.session.add(cls)
                self.session.flush()
                cref.id = cls.id
                created += 1
        self.counts["classes_created"] = created

    def _add_major(self, key: tuple[str, str], ref: _MajorRef) -> int:
        book = catalogue.load()
        major = Major(
            college_id=self._college_ids[key[0]],
            name=key[1],
            code=ref.code,
            class_code=ref.code[:4],
            class_name=book.class_name(ref.code),
            category_code=ref.code[:2],
            category_name=book.category_name(ref.code),
            level=ref.level,
        )
        self.session.add(major)
        self.session.flush()
        return major.id


def _college_code(name: str, taken: set[str]) -> str:
    """Colleges created by an import get a short code derived from their name (admins may change it)."""
    base = "C" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:7].upper()
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    taken.add(code)
    return code
