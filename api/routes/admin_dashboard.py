"""工作台 (班班清): every class in the signed-in staff member's scope, and today's phone list."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import ContainerDep, SessionDep
from api.routes.admin_web import AdminRoute, Staff, render
from bot.console.class_board import class_board, reasons_in
from bot.console.postings import queue_size

router = APIRouter(route_class=AdminRoute)


@router.get("")
def dashboard(request: Request, staff: Staff, c: ContainerDep, db: SessionDep) -> Response:
    board = class_board(c, db, staff)
    context = {
        "board": board,
        "reasons": reasons_in(board.rows),
        "queue": queue_size(db) if staff.role.value in ("admin", "college") else None,
    }
    return render(request, "dashboard.html", context, active="dashboard")
