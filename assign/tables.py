"""Import every module that defines tables, so `SQLModel.metadata` is complete.

Alembic's env and `assign.migrate` import this; add a line when a new table module lands.
"""

from __future__ import annotations

import importlib

TABLE_MODULES = [
    "assign.models",
    "assign.access",  # API keys (api issue)
    "assign.audit",  # hash-chained audit log (api issue)
    "assign.events",  # event feed and webhook deliveries (api issue)
    "assign.decisions",  # dispatcher decisions (api issue)
    "assign.jobs",  # batch placement jobs (api issue)
    "assign.runs",  # nightly runs and the run lock (nightly issue)
    "assign.alerts",  # node alerts (issue 17)
]

for _name in TABLE_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as _e:
        if _e.name != _name:
            raise
