"""The JSON API for staff under /api/v1; each area adds its router module here."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")
