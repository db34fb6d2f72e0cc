"""HTTP routers, one module per area; `api.main.create_app` includes them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (  # the dispatchers' console and document drafts (issue 7)
    alerts,
    audit,
    cases,
    console,
    courts,
    decisions,
    documents,
    evaluate,
    events,
    frontier,
    health,
    keys,
    leads,
    outcomes,
    plans,
    recommendations,
)

ROUTERS: list[APIRouter] = [
    health.router, courts.router, cases.router, evaluate.router, recommendations.router, plans.router, frontier.router,
    decisions.router, audit.router, events.router, keys.router,
    console.router, documents.router, alerts.router, leads.router, outcomes.router,
]
