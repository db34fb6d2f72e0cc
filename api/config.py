"""Settings from the environment (prefix ASSIGN_, plus DATABASE_URL), read once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from solver.policy import Policy

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILTIN_RULEBOOK_DIR = REPO_ROOT / "rules" / "rulebook"  # the default of `Settings.rulebook_dir`


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSIGN_", extra="ignore")

    # SQLite file by default; PostgreSQL in production via DATABASE_URL.
    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'var' / 'assign.sqlite'}",
        validation_alias=AliasChoices("DATABASE_URL", "ASSIGN_DATABASE_URL"),
    )
    rulebook_dir: Path = BUILTIN_RULEBOOK_DIR
    solver_time_limit_s: float = 30.0  # the nightly job's cap per forum
    # a dispatcher at a screen (`assign recommend`, a batch request without time_limit_s): a
    # 2,000-case batch's default plan in about 5 s; the solve stops earlier once every pool is proven
    interactive_time_limit_s: float = 5.0
    solver_workers: int = 0  # CP-SAT threads; 0 = the machine's cores, at least 4
    solver_seed: int = 20240617
    # batch jobs: a dispatcher's time limit is capped, and so are queued+running jobs per key and per scope
    job_time_limit_max_s: float = 120.0
    jobs_per_key_max: int = 2
    jobs_per_scope_max: int = 3
    # Named placement policy (solver.policy: balanced, default, near) for every forum, and per
    # forum: ASSIGN_FORUM_POLICIES='{"I510100": "near"}'. A request's own policy wins over both.
    solver_policy: Policy = Policy.DEFAULT
    forum_policies: dict[str, Policy] = Field(default_factory=dict)
    # The optional solver term preferring receiving courts with better measured results (api/service/outcome_term.py):
    # off unless forums are listed here ('["I510100"]', or '["*"]' for every forum)
    outcome_term_forums: list[str] = Field(default_factory=list)
    outcome_term_min_cases: int = Field(default=5, ge=1)
    # restoration leads (rules/leads.py): days the enforcing court has to act on a lead (CONVENTION)
    lead_action_days: int = Field(default=30, ge=1, le=3650)
    nightly_cron: str = "30 1 * * *"  # 01:30 every night
    # the night's wall budget (api/nightly/budget.py): the solve stage gets what the stages before it
    # left, never less than the floor (a night over budget says so in its summary)
    nightly_budget_s: float = Field(default=300.0, gt=0)
    nightly_solve_floor_s: float = Field(default=30.0, ge=0)
    webhook_secret: str = ""
    # outbound targets (api/egress.py): CIDRs / host names allowed although internal, and the bounds
    webhook_allow: str = ""
    webhook_connect_timeout_s: float = 3.0
    webhook_total_timeout_s: float = 10.0
    webhook_max_concurrent: int = 4
    # external anchors of the audit chain (assign/anchor.py): HMAC key and/or Ed25519 PEM files, where they go
    audit_anchor_key: str = ""
    audit_anchor_ed25519_key: Path | None = None
    audit_anchor_ed25519_public_key: Path | None = None
    audit_anchor_file: Path = REPO_ROOT / "var" / "audit-anchors.jsonl"
    audit_anchor_url: str = ""
    # How long a worker trusts what it read: an authenticated key (a revocation made elsewhere
    # than through this worker is refused within this bound) and the active network's hash.
    key_cache_ttl_s: float = 1.0
    network_check_s: float = 1.0
    log_level: str = "INFO"
    # Request body limits in bytes (api/limits.py): every body, then the routes that take more.
    max_body_bytes: int = 1 << 20  # 1 MiB
    max_import_bytes: int = 4 << 30  # POST /v1/cases/import: spooled to disk and read as a stream (1M cases ≈ 1.5 GB)
    max_evaluate_bytes: int = 64 << 20  # POST /v1/evaluate: parsed whole, at most 50,000 cases
    max_bulk_bytes: int = 16 << 20  # PUT /v1/courts (the national network: ~1 MB), POST /v1/outcomes (10,000 events)

    def policy_for(self, forum: str, requested: Policy | str | None = None) -> Policy:
        """The policy a forum's plan is solved with: the request's, else the forum's, else the default."""
        if requested:
            return Policy(requested)
        return self.forum_policies.get(forum, self.solver_policy)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
