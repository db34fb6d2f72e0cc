"""The nightly rebalancing job (issue 6): `run_nightly` and what it needs.

Entry points (`assign nightly`, `assign scheduler`) only parse options, build the services
and call `run_nightly`; see docs/nightly.md.
"""

from api.nightly.pipeline import NightlyOptions, NightlyReport, run_nightly
from api.nightly.services import NightlyServices, default_services

__all__ = ["NightlyOptions", "NightlyReport", "NightlyServices", "default_services", "run_nightly"]
