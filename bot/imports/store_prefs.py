"""求职意向 from the graduate ledger -> graduate_preferences (source "import").

A preference the graduate stated in the chat (any source other than "import") is newer and their own:
the ledger never overwrites it; the import reports how many it left alone.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.imports.store_common import fetch_by, insert_rows, update_rows
from models import GraduatePreference

PREFS = cast(sa.Table, GraduatePreference.__table__)
FIELDS = ("city_adcodes", "province_adcodes", "any_place", "industry_codes", "positions", "salary_min")
IMPORT_SOURCE = "import"


def _new_row(graduate_id: int, pref: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "graduate_id": graduate_id,
        "city_adcodes": [],
        "province_adcodes": [],
        "any_place": False,
        "industry_codes": [],
        "positions": [],
        "skills": [],
        "salary_min": None,
        "employer_natures": [],
        "source": IMPORT_SOURCE,
    }
    return row | pref


def write_preferences(session: Session, prefs: dict[int, dict[str, Any]]) -> tuple[set[int], int]:
    """Upsert the given fields of each graduate's preference; returns (graduate ids changed, rows left alone)."""
    if not prefs:
        return set(), 0
    columns = [PREFS.c.graduate_id, PREFS.c.source, *(PREFS.c[f] for f in FIELDS)]
    stored = fetch_by(session, columns, PREFS.c.graduate_id, prefs)
    inserts: list[dict[str, Any]] = []
    changes: list[tuple[int, dict[str, Any]]] = []
    kept = 0
    for graduate_id, pref in prefs.items():
        old = stored.get(graduate_id)
        if old is None:
            inserts.append(_new_row(graduate_id, pref))
        elif old["source"] != IMPORT_SOURCE:
            kept += 1
        elif diff := {k: v for k, v in pref.items() if old[k] != v}:
            changes.append((graduate_id, diff))
    insert_rows(session, PREFS, inserts)
    update_rows(session, PREFS, changes, key="graduate_id")
    return {r["graduate_id"] for r in inserts} | {gid for gid, _ in changes}, kept
