"""The dispatchers' console: its pages (/console) and the read models they call (/v1/console).

One router for `api.routes.ROUTERS`; the code lives in `api.console`.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.console import router as pages
from api.console.views import router as views

router = APIRouter()
router.include_router(pages)
router.include_router(views)
