"""岗位: the list, the review queue (pending and flagged, with the discrimination flags) and the review decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from sqlalchemy.orm import Session

from api.deps import SessionDep
from api.routes.admin_web import AdminRoute, Reviewer, Staff, client_ip, redirect, render
from bot.access.rules import REVIEWER_ROLES, StaffPrincipal
from bot.codes import places
from bot.console.postings import (
    MAX_NOTE,
    PostingQuery,
    active_matches_of,
    list_postings,
    load_posting,
    queue_size,
    review,
)
from bot.domain import EducationLevel, PostingStatus, ReviewState
from bot.errors import InvalidInput

router = APIRouter(route_class=AdminRoute)

REVIEW_LABELS = {
    ReviewState.PENDING: "待审核",
    ReviewState.APPROVED: "已通过",
    ReviewState.REJECTED: "已驳回",
    ReviewState.FLAGGED: "待复核（疑似歧视）",
}
STATUS_LABELS = {PostingStatus.OPEN: "在招", PostingStatus.CLOSED: "已结束", PostingStatus.WITHDRAWN: "已撤回"}
FLAG_LABELS = {"discrimination": "疑似就业歧视"}
DECISION_DONE = {"approve": "已通过", "reject": "已驳回", "flag": "已标记复核"}
Text = Annotated[str, Query(max_length=64)]


def _labels() -> dict[str, object]:
    return {
        "review_labels": REVIEW_LABELS,
        "status_labels": STATUS_LABELS,
        "flag_labels": FLAG_LABELS,
        "education_labels": {int(e): e.label for e in EducationLevel},
        "places": places,
    }


@router.get("/postings")
def postings(
    request: Request,
    staff: Staff,
    db: SessionDep,
    review_state: Text = "",
    status: Text = "",
    q: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    done: Annotated[int | None, Query()] = None,
) -> Response:
    query = PostingQuery(
        review=review_state.strip() or None, status=status.strip() or None, q=q.strip() or None, page=page
    )
    params = {"review_state": review_state, "status": status, "q": q}
    context = {
        "result": list_postings(db, query),
        "params": params,
        "queue": queue_size(db),
        "is_queue": query.review == "queue",
        "can_review": staff.role in REVIEWER_ROLES,
        "done": done,
        **_labels(),
    }
    return render(request, "postings.html", context, active="postings")


@router.get("/postings/review")
def review_queue(request: Request, _staff: Reviewer) -> Response:
    del request
    return redirect("/admin/postings?review_state=queue")


def _posting_page(
    request: Request,
    staff: StaffPrincipal,
    db: Session,
    posting_id: int,
    *,
    done: str = "",
    problems: list[str] | None = None,
    note: str = "",
    status_code: int = 200,
) -> Response:
    p = load_posting(db, posting_id)
    context = {
        "p": p,
        "active_matches": active_matches_of(db, p.id),
        "can_review": staff.role in REVIEWER_ROLES,
        "max_note": MAX_NOTE,
        "done": DECISION_DONE.get(done, ""),
        "problems": problems or [],
        "note": note,
        "book": request.app.state.container.codebook,
        **_labels(),
    }
    return render(request, "posting.html", context, active="postings", status_code=status_code)


@router.get("/postings/{posting_id}")
def posting(request: Request, posting_id: int, staff: Staff, db: SessionDep, done: Text = "") -> Response:
    return _posting_page(request, staff, db, posting_id, done=done)


@router.post("/postings/{posting_id}/review")
def review_posting(
    request: Request,
    posting_id: int,
    staff: Reviewer,
    db: SessionDep,
    decision: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    try:
        review(db, staff, posting_id, decision, note, client_ip(request))
    except InvalidInput as exc:
        db.rollback()
        # Back to the form with what was typed, so that nothing the reviewer wrote is lost.
        return _posting_page(request, staff, db, posting_id, problems=exc.problems, note=note, status_code=422)
    db.commit()
    if back == "queue":
        return redirect(f"/admin/postings?review_state=queue&done={posting_id}")
    return redirect(f"/admin/postings/{posting_id}?done={decision}")
