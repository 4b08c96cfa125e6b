"""Routes of this area (filled in as the area lands)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
