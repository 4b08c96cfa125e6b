"""What an import found and did: every bad row with its column and reason, and the counts (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KIND_LABELS = {"graduates": "毕业生", "postings": "岗位"}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # row number as Excel shows it
    column: str  # the header as the file writes it ("" when the problem is the whole row)
    reason: str  # Chinese

    def line(self) -> str:
        where = f"第 {self.row} 行"
        return f"{where}｜{self.column}｜{self.reason}" if self.column else f"{where}｜{self.reason}"


@dataclass(slots=True)
class ParsedRow:
    """One data row after the pure parse: the column values it sets, plus what still needs the database."""

    number: int
    raw: tuple[Any, ...]
    key: str | None = None
    values: dict[str, Any] = field(default_factory=dict)  # table column -> value, only for cells given
    refs: dict[str, Any] = field(default_factory=dict)  # names resolved later (学院, 专业, 单位, ...)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, Chinese reason)
    notes: list[str] = field(default_factory=list)

    def error(self, name: str, reason: str) -> None:
        self.errors.append((name, reason))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    kind: str  # "graduates" | "postings"
    file: str
    rows: int = 0  # data rows read (blank rows not counted)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    imported: bool = False  # whether the database was written
    error_file: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # e.g. colleges_created, employers_created, flagged

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    def audit_detail(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad_rows": self.bad_rows,
            "errors": len(self.errors),
            "imported": self.imported,
            **self.counts,
        }

    def summary(self) -> str:
        label = KIND_LABELS.get(self.kind, self.kind)
        if not self.imported and self.errors and self.error_file:  # --partial, but no row was good
            return f"{self.file}：共 {self.rows} 行，全部有错误（{len(self.errors)} 处），没有导入任何数据。"
        if not self.imported and self.errors:
            return (
                f"{self.file}：共 {self.rows} 行，其中 {self.bad_rows} 行有错误（{len(self.errors)} 处），"
                f"按规定整份文件未导入。请修改后重新导入，或加 --partial 只导入正确的行。"
            )
        text = (
            f"{self.file}：共 {self.rows} 行，新增{label} {self.new} 条，"
            f"更新 {self.updated} 条，未变化 {self.unchanged} 条"
        )
        if self.errors:
            text += f"；{self.bad_rows} 行有错误未导入"
        return text + "。"
