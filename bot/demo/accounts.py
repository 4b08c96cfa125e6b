"""`var/demo-accounts.json`: the logins and student records a newcomer (and the tests) act as.

The file's shape is a contract (see DESIGN.md "Demo"): admin, college, counselors, graduates, web_chat.
Building it is pure; only `write_accounts` touches the file system.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bot.demo.model import DemoGraduate, DemoSchool
from bot.domain import Role

DEFAULT_PATH = Path("var/demo-accounts.json")
SHOWCASE_PLAIN = 8
SHOWCASE_HARDSHIP = 4


def showcase_graduates(school: DemoSchool) -> list[DemoGraduate]:
    """A dozen graduates worth trying: still looking for work, spread over the colleges, some hardship."""

    def looking(g: DemoGraduate) -> bool:
        return g.status is None or not g.status.placed

    picked: list[DemoGraduate] = []
    classes = school.classes
    for i in range(SHOWCASE_PLAIN):
        name = classes[i * len(classes) // SHOWCASE_PLAIN].name
        picked.extend(
            [
                g
                for g in school.graduates
                if g.class_name == name and looking(g) and not g.is_hardship and g.stated is not None
            ][:1]
        )
    picked.extend([g for g in school.graduates if g.is_hardship and looking(g)][:SHOWCASE_HARDSHIP])
    return picked


def build_accounts(school: DemoSchool, *, web_account: str = "demo") -> dict[str, Any]:
    colleges = {c.code: c.name for c in school.colleges}
    admin = next(s for s in school.staff if s.role is Role.ADMIN)
    return {
        "school": school.name,
        "note": "演示账号与口令仅用于本机演示环境，切勿在生产环境使用。",
        "seed": school.seed,
        "admin": {"username": admin.username, "password": admin.password},
        "college": [
            {"username": s.username, "password": s.password, "college": colleges.get(s.college_code or "", "")}
            for s in school.staff
            if s.role is Role.COLLEGE
        ],
        "counselors": [
            {"username": s.username, "password": s.password, "name": s.display_name, "classes": list(s.classes)}
            for s in school.staff
            if s.role is Role.COUNSELOR
        ],
        "graduates": [
            {
                "student_no": g.student_no,
                "name": g.name,
                "class": g.class_name,
                "binding_secret": g.binding_secret,
                "hardship": g.is_hardship,
            }
            for g in showcase_graduates(school)
        ],
        "web_chat": {"url": "/chat", "account": web_account},
    }


def write_accounts(path: Path, accounts: dict[str, Any]) -> None:
    """Replace the file atomically, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(accounts, ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".demo-accounts.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)  # passwords inside, even if demo-only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
