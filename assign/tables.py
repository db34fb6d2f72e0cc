"""Import every module that defines tables, so `SQLModel.metadata` is complete.

Alembic's env and `assign.migrate` import this; add a line when a new table module lands.
Plain imports on purpose: a missing or broken module must fail here, loudly. A metadata that
silently lacks a table would make Alembic's autogenerate write a DROP TABLE for it.
tests/assign/test_tables.py checks that every table module is listed and that the metadata
holds every table the migrations create.
"""

from __future__ import annotations

from assign import (
    access,  # API keys (api issue)
    alerts,  # node alerts (issue 17)
    audit,  # hash-chained audit log (api issue)
    decisions,  # dispatcher decisions (api issue)
    events,  # event feed and webhook deliveries (api issue)
    jobs,  # batch placement jobs (api issue)
    leads,  # restoration leads (issue 17)
    models,  # cases, courts, verdicts, plans, recommendations
    outcomes,  # progress events of cases (issue 17 §3)
    registers,  # asset register feeds (issue 17)
    runs,  # nightly runs and the run lock (nightly issue)
)

TABLE_MODULES = (access, alerts, audit, decisions, events, jobs, leads, models, outcomes, registers, runs)
