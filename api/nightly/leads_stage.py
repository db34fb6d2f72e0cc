"""The nightly leads stage: the asset registers matched against every open and 终本 case, leads stored,
new ones published (api/service/leads.py). Called from the pipeline after the alerts stage (one line).
Idempotent: a rerun of the same night keeps every lead's first-seen date and publishes nothing new.
The units of courts are classified by WORKERS processes (the machine's two cores; the solve's pool, started
before this stage, idles until the select stage ends), the caller's process writes them."""

from __future__ import annotations

import logging
import time
from datetime import date

from sqlalchemy.engine import Engine

from api.config import get_settings
from api.service.leads import run_leads
from assign.network import CourtNetwork

log = logging.getLogger(__name__)
WORKERS = 2


def leads_stage(engine: Engine, as_of: date, network: CourtNetwork) -> float:
    """Match, store and publish the night's restoration leads; returns the stage's wall time in seconds."""
    started = time.perf_counter()
    run = run_leads(engine, as_of, network=network, action_days=get_settings().lead_action_days,
                    workers=WORKERS, shown=0)  # the stage logs the counts; the leads are stored
    log.info("leads on %s: %d debtor matches, %s, %d new, %d resolved", as_of, run.pairs, dict(run.counts), run.new,
             run.resolved)
    return round(time.perf_counter() - started, 3)
