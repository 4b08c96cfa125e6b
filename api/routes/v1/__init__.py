"""The JSON API for staff under /api/v1; each area adds its router module here."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")

from api.routes.v1 import audit, auth, classes, graduates, matching, postings  # noqa: E402

router.include_router(auth.router)
router.include_router(classes.router)
router.include_router(graduates.router)
router.include_router(postings.router)
router.include_router(audit.router)
router.include_router(matching.router)

from api.routes.v1 import faq, identities  # noqa: E402

router.include_router(faq.router)
router.include_router(identities.router)

from api.routes.v1 import broadcasts, outbox  # noqa: E402

router.include_router(outbox.router)
router.include_router(broadcasts.router)
