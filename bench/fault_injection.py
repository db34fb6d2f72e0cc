"""Replay issue 15's faults against a served instance; print one line per fault.

    .venv/bin/python bench/fault_injection.py            # starts uvicorn on a free port, fresh SQLite store
    .venv/bin/python bench/fault_injection.py --url http://127.0.0.1:8000 --database-url sqlite:///var/x.sqlite \\
        --admin-key ak_... --integration-key ak_... --dispatcher-key ak_...   # an instance already running

Each line reads `fault N (what): refused cleanly` or `still broken: <evidence>`. Checks that
must write around the service (a poisoned stored case, an unpublished plan: what an old
store or a killed night leaves) need the database (`--database-url`, or the started
instance's own store); without it they print `not checked`. Exit status: the number of
faults still broken. Cases are generated for Sichuan (province 51); the dispatcher key
belongs to its high court.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import fault_checks  # bench/fault_checks.py, beside this script

from api.serving import free_port, uvicorn_command, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent

AS_OF = date(2025, 6, 30)


@contextmanager
def started_instance() -> Iterator[fault_checks.Target]:
    """A fresh SQLite store (migrated, three keys) served by one uvicorn worker on a free port."""
    from assign import migrate
    from assign.access import Role, create_key
    from assign.db import make_engine, session_scope

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'faults.sqlite'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        with session_scope(engine) as session:
            keys = {role: create_key(session=session, role=role, court_code=court)[1] for role, court in (
                (Role.ADMIN, None), (Role.INTEGRATION, None), (Role.DISPATCHER, "H510000"))}
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "ASSIGN_LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(uvicorn_command(port), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            if not wait_until_healthy(base, 90):
                raise SystemExit(f"no answer from {base}/v1/health within 90 s")
            yield fault_checks.Target(base, keys[Role.ADMIN], keys[Role.INTEGRATION], keys[Role.DISPATCHER], engine,
                                      proc.pid)
        finally:
            proc.terminate()
            proc.wait(20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running instance (default: start one)")
    parser.add_argument("--database-url", help="its store, for the checks that write around the service")
    parser.add_argument("--admin-key")
    parser.add_argument("--integration-key")
    parser.add_argument("--dispatcher-key", help="a dispatcher of H510000 (Sichuan's high court)")
    args = parser.parse_args()
    if args.url:
        if not (args.admin_key and args.integration_key and args.dispatcher_key):
            parser.error("--url needs --admin-key, --integration-key and --dispatcher-key")
        engine = None
        if args.database_url:
            from assign.db import make_engine

            engine = make_engine(args.database_url)
        if not wait_until_healthy(args.url, 90):
            raise SystemExit(f"no answer from {args.url}/v1/health within 90 s")
        host = urlsplit(args.url)
        target = fault_checks.Target(f"{host.scheme}://{host.netloc}", args.admin_key, args.integration_key,
                                     args.dispatcher_key, engine, None)
        return run_all(target)
    with started_instance() as target:
        return run_all(target)


def run_all(target: fault_checks.Target) -> int:
    fault_checks.seed(target, AS_OF)
    broken = 0
    for name, check in fault_checks.CHECKS:
        verdict = run_one(check, target)
        broken += verdict.startswith("still broken")
        sys.stdout.write(f"{name}: {verdict}\n")
        sys.stdout.flush()
    sys.stdout.write(f"{broken} still broken\n")
    return broken


def run_one(check: Callable[[fault_checks.Target], str], target: fault_checks.Target) -> str:
    try:
        return check(target)
    except Exception as e:  # noqa: BLE001 - a check that cannot run says so and the others go on
        return f"still broken: the check failed with {type(e).__name__}: {json.dumps(str(e)[:200])}"


if __name__ == "__main__":
    sys.exit(main())
