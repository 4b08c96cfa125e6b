"""Where the console keeps an uploaded ledger while it is imported, and the error file afterwards.

Each upload gets a directory named by a random token, holding the file under its own (sanitised) name and a small
owner record; the uploaded file is removed after the import, the error file is kept for a day so the uploader can
download it. Only its uploader (or an admin) may fetch it: it holds the rows of the ledger, personal data included.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.errors import InvalidInput, NotFound

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{20,64}$")
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\\/:*?\"<>|]+")
_META = "owner.json"


@dataclass(frozen=True)
class Upload:
    token: str
    path: Path


def default_root() -> Path:
    return Path(tempfile.gettempdir()) / "jiuye-imports"


def safe_name(filename: str | None) -> str:
    """The file's own name without any directory, control or reserved characters; its suffix checked."""
    raw = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_CHARS.sub("_", raw).strip(" .") or "upload"
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in ALLOWED_SUFFIXES:
        if suffix.lower() == "xls":
            raise InvalidInput(["不支持旧版 .xls 文件：请在 Excel 中“另存为” .xlsx 后再上传"])
        raise InvalidInput([f"不支持的文件类型：{raw or '（无文件名）'}。请上传 .xlsx 或 .csv 文件"])
    return f"{stem[:80]}.{suffix.lower()}"


def store(root: Path, filename: str | None, chunks: Iterable[bytes], owner_id: int) -> Upload:
    """Save an upload under a fresh token; refuse (and keep nothing) beyond MAX_UPLOAD_BYTES or when empty."""
    name = safe_name(filename)
    sweep(root)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(parents=True, mode=0o700)
    path = folder / name
    size = 0
    try:
        with path.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise InvalidInput([f"文件太大：上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，请拆分后分批导入"])
                out.write(chunk)
        if size == 0:
            raise InvalidInput(["上传的文件是空的，请重新选择文件"])
        (folder / _META).write_text(json.dumps({"owner": owner_id, "at": time.time()}), "utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Upload(token, path)


def discard_source(upload: Upload) -> None:
    """Drop the uploaded file; the folder stays only if an error file was written next to it."""
    upload.path.unlink(missing_ok=True)
    leftovers = [p for p in upload.path.parent.iterdir() if p.name != _META]
    if not leftovers:
        shutil.rmtree(upload.path.parent, ignore_errors=True)


def error_file(root: Path, token: str, user_id: int, *, is_admin: bool) -> Path:
    """The error file kept under `token`, if the caller uploaded it (or is an admin)."""
    gone = NotFound("错误文件不存在或已过期（保留 24 小时），请重新导入以生成")
    if not _TOKEN.match(token):
        raise gone
    folder = root / token
    try:
        owner = json.loads((folder / _META).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise gone from exc
    if owner.get("owner") != user_id and not is_admin:
        raise gone  # the same answer as "missing": a token of someone else's upload reveals nothing
    files = sorted(p for p in folder.iterdir() if p.name != _META)
    if not files:
        raise gone
    return files[0]


def sweep(root: Path, now: float | None = None) -> None:
    """Remove the folders older than KEEP_SECONDS."""
    if not root.exists():
        return
    limit = (now or time.time()) - KEEP_SECONDS
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
