"""kill -9 the nightly job at several points; the rerun must converge to an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from assign.db import make_engine
from tests.conftest import copy_sqlite_template
from tests.nightly.helpers import AS_OF, seed_store, snapshot

ROOT = Path(__file__).resolve().parents[2]
N_CASES = 160


def _driver(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.nightly.driver", url, AS_OF.isoformat(), *args],
                            cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


def _stage(engine: Engine) -> str:
    return str(_scalar(engine, "SELECT stage FROM nightly_run") or "")


KILL_WHEN: dict[str, Callable[[Engine], bool]] = {
    "mid-evaluate": lambda e: _stage(e) == "evaluate" and int(_scalar(e, "SELECT count(*) FROM verdict") or 0) >= 40,
    "after-evaluate": lambda e: _stage(e) in ("evaluated", "selected"),
    "mid-solve": lambda e: int(_scalar(e, "SELECT count(*) FROM nightly_forum") or 0) >= 1,
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, object]:
    """The state an uninterrupted night leaves, on its own database."""
    url = copy_sqlite_template(sqlite_template, tmp_path_factory.mktemp("ref") / "ref.sqlite")
    engine = make_engine(url)
    seed_store(engine, N_CASES)
    proc = _driver(url)
    out, errs = proc.communicate(timeout=120)
    assert proc.returncode == 0, errs
    snap = snapshot(engine)
    engine.dispose()
    return snap


@pytest.mark.parametrize("point", list(KILL_WHEN))
def test_rerun_after_kill_converges_to_the_uninterrupted_night(point: str, migrated_url: str,
                                                               reference: dict[str, object]) -> None:
    db_url = migrated_url
    engine = make_engine(db_url)
    seed_store(engine, N_CASES)
    slow = {"NIGHTLY_STANDIN_EVAL_DELAY": "0.15", "NIGHTLY_STANDIN_SOLVE_DELAY": "1.0"}
    proc = _driver(db_url, env=slow)
    deadline = time.monotonic() + 60
    while not KILL_WHEN[point](engine):
        assert proc.poll() is None, f"the run ended before the kill point: {proc.communicate()}"
        assert time.monotonic() < deadline, f"never reached {point}"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert _scalar(engine, "SELECT status FROM nightly_run") == "running"
    assert _scalar(engine, "SELECT count(*) FROM plan WHERE published") == 0  # nothing visible yet

    # the dead run's heartbeat is fresh, but its process is gone from this host: the rerun takes the
    # lock over at once, without a stale timeout (an hour here)
    rerun = _driver(db_url, "3600")
    out, errs = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, errs
    assert json.loads(out)["status"] == "published"

    after = snapshot(engine)
    assert after == reference
    with engine.connect() as conn:
        payloads = conn.execute(sa.text("SELECT payload FROM event")).scalars().all()
    keys = Counter(json.loads(p)["idempotency_key"] for p in payloads)
    assert keys and max(keys.values()) == 1
    assert _scalar(engine, "SELECT count(*) FROM plan WHERE NOT published") == 0
    assert _scalar(engine, "SELECT attempts FROM nightly_run") == 2
    engine.dispose()


def test_workers_do_not_outlive_a_parent_killed_with_9(tmp_path: Path, sqlite_template: Path) -> None:
    """Only the parent is killed (not its process group): its solver workers must end on their own."""
    import psutil

    url = copy_sqlite_template(sqlite_template, tmp_path / "night.sqlite")
    engine = make_engine(url)
    seed_store(engine, N_CASES)
    proc = _driver(url, env={"NIGHTLY_STANDIN_SOLVE_DELAY": "30"})
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    while _stage(engine) not in ("selected", "solve") or not parent.children(recursive=True):
        assert proc.poll() is None and time.monotonic() < deadline, "the night never reached its solve"
        time.sleep(0.05)
    time.sleep(1.0)  # the workers are inside their (30 s) tasks
    children = parent.children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    gone, alive = psutil.wait_procs(children, timeout=10)
    for p in alive:  # clean up before failing
        p.kill()
    assert alive == [], [p.pid for p in alive]
    engine.dispose()
