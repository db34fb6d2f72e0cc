"""Worker pools start from a forkserver (`assign.processes`): a lock another thread holds while a pool starts
never reaches the workers. Under fork, each test here hangs (its worker blocks on the copied lock for ever);
`finishes_within` turns that into a failure and kills the stuck workers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import psutil

from api.config import BUILTIN_RULEBOOK_DIR
from api.service import evaluation, store
from assign.importer import import_cases
from assign.processes import process_pool
from rules.engine import ENGINE_LOCK
from rules.loader import load_rulebook
from tests.factories import make_case, make_network

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
SHARED_LOCK = threading.Lock()  # a module lock a worker takes, as the rule engine's and SQLite's are


def _take_shared_lock(n: int) -> int:
    with SHARED_LOCK:
        return n * n


@contextmanager
def held_by_another_thread(lock: Any) -> Iterator[None]:
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            taken.set()
            release.wait()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    taken.wait()
    try:
        yield
    finally:
        release.set()
        holder.join()


def finishes_within(seconds: float, work: Callable[[], T]) -> T:
    """`work()`'s result; fails (killing this process's worker processes) when it has not finished in time."""
    out: list[T] = []
    runner = threading.Thread(target=lambda: out.append(work()), daemon=True)
    runner.start()
    runner.join(seconds)
    if runner.is_alive():
        for child in psutil.Process().children(recursive=True):
            child.kill()
        runner.join(30)
        raise AssertionError(f"the pool did not finish in {seconds} s: a worker is stuck on a copied lock")
    assert out, "the work raised (see the thread's traceback above)"
    return out[0]


def test_a_pool_started_while_another_thread_holds_a_lock_its_workers_take_finishes() -> None:
    def squares() -> list[int]:
        with process_pool(2) as pool:
            return list(pool.map(_take_shared_lock, range(6)))

    with held_by_another_thread(SHARED_LOCK):
        assert finishes_within(60, squares) == [0, 1, 4, 9, 16, 25]


def test_a_store_pass_started_while_a_request_thread_is_in_the_rule_engine_finishes(tmp_path: Any) -> None:
    """The API evaluates in request threads under `ENGINE_LOCK`; the store pass's workers each build a
    rule engine, which takes it."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    network, as_of = make_network(), date(2024, 8, 1)
    import_cases(store.open_store(url), [make_case(f"(2024)川0104执{i}号") for i in range(12)], as_of=as_of,
                 network=network)
    rulebook = load_rulebook(BUILTIN_RULEBOOK_DIR)
    with held_by_another_thread(ENGINE_LOCK):
        run = finishes_within(120, lambda: evaluation.evaluate_store(
            url, as_of, network=network, rulebook=rulebook, workers=2, range_size=4))
    assert run.evaluated == 12 and run.ranges == 3


def test_the_workers_cpu_counts_as_the_callers_children_cpu(tmp_path: Any) -> None:
    """`/usr/bin/time` and the benches read a run's CPU from the rusage of the processes it waited for: the
    forkserver (and, through it, the workers it reaped) must be among them, as forked workers were."""
    script = tmp_path / "burn.py"
    script.write_text(
        "import time\nfrom assign.processes import process_pool\n"
        "def burn(seconds):\n    end = time.process_time() + seconds\n"
        "    while time.process_time() < end:\n        pass\n    return seconds\n"
        "if __name__ == '__main__':\n    with process_pool(2) as pool:\n"
        "        print(sum(pool.map(burn, [0.6, 0.6])))\n",
        encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert usage.ru_utime + usage.ru_stime >= 1.0  # the two workers' 1.2 s, less the clock's granularity


def test_a_server_started_early_is_the_one_the_pool_forks_its_workers_from(tmp_path: Any) -> None:
    """`start_server` starts the forkserver before any pool (the store pass overlaps its imports with its
    counts); the pool created after it forks from that server, not from a second one."""
    script = tmp_path / "early.py"
    script.write_text(
        "import multiprocessing.forkserver as fs, os\nfrom assign.processes import process_pool, start_server\n"
        "def parent(_):\n    return os.getppid()\n"
        "if __name__ == '__main__':\n    start_server(['json'])\n    server = fs._forkserver._forkserver_pid\n"
        "    assert server is not None\n    with process_pool(2, preload=['json']) as pool:\n"
        "        print(server, *set(pool.map(parent, range(4))))\n",
        encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.split()
    assert len(out) == 2 and out[0] == out[1], out
