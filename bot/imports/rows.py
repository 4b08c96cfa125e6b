"""Shared helpers of the two row parsers: reading a field's cell through the header map (pure)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.imports.cells import cell_text
from bot.imports.headers import HeaderMap
from bot.imports.reader import RawRow


class Cells:
    """The cells of one row by field name; a field whose column is missing reads as empty."""

    __slots__ = ("_hmap", "_row")

    def __init__(self, row: RawRow, hmap: HeaderMap) -> None:
        self._row = row
        self._hmap = hmap

    def raw(self, name: str) -> Any:
        indexes = self._hmap.columns.get(name)
        if not indexes:
            return None
        if len(indexes) == 1:
            return self._row.cells[indexes[0]]
        parts = [cell_text(self._row.cells[i]) for i in indexes]
        return "\n".join(p for p in parts if p) or None

    def text(self, name: str) -> str:
        return cell_text(self.raw(name))


class Memo:
    """Parses of repeated cell texts, for one import: a roster says "本科生" a hundred thousand times."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], tuple[bool, Any]] = {}

    def __call__(self, name: str, text: str, parse: Callable[[str], Any]) -> Any:
        """parse(text), remembered; a ValueError is remembered too and raised again."""
        key = (name, text)
        found = self._cache.get(key)
        if found is None:
            try:
                found = (True, parse(text))
            except ValueError as exc:
                found = (False, str(exc))
            self._cache[key] = found
        if not found[0]:
            raise ValueError(found[1])
        return found[1]


def check_length(value: str, limit: int) -> str | None:
    """The Chinese reason a text is too long for its column, or None."""
    if len(value) > limit:
        return f"内容过长（最多 {limit} 个字，实际 {len(value)} 个字）"
    return None
