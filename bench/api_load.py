"""Load figures for the HTTP API, over loopback against a real uvicorn process.

    .venv/bin/python bench/api_load.py [--requests 3000] [--clients 32] [--eval-cases 5000]
                                       [--eval-requests 6] [--workers 1] [--think-ms 0] [--db-url URL]

1. Single-case recommendation on the national network (data/courts.csv): `--clients`
   concurrent httpx/asyncio clients each POST /v1/recommendations for stored cases in a loop
   (each call evaluates the case, ranks every legal court, stores the one-group plan and an
   audit record). Prints p50/p95/p99/max latency and requests/s. Target: p99 <= 25 ms at 32.
   The same with one client shows the service time without queueing: with 32 closed-loop
   clients, latency is about 32 x service time / cores, so the target needs a machine where
   service time x 32 / workers stays under 25 ms.
2. Batch evaluation through the API: POST /v1/evaluate with `--eval-cases` cases per request
   (nothing stored), two clients at once. Prints cases/s. Target: >= 5,000 cases/s.

Cases come from `assign.generator` on the national network; each gets a supervision order
whose deadline has passed, so its verdict is MANDATORY_TRANSFER and it needs a court.
The database is a fresh SQLite file unless --db-url names another (it is migrated first).
Figures depend on the machine and its load: say what else was running when quoting them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.service.store import open_store  # noqa: E402
from api.serving import HTTP_PROTOCOL  # noqa: E402
from assign import repository  # noqa: E402
from assign.access import Role, create_key  # noqa: E402
from assign.db import session_scope  # noqa: E402
from assign.generator import generate_case_dicts  # noqa: E402
from assign.network import builtin_network  # noqa: E402
from assign.schemas import Case  # noqa: E402

AS_OF = date(2025, 6, 30)


def transfer_cases(n: int, seed: int) -> list[Case]:
    """Generated cases, each with a lapsed supervision order from its forum (上一级)."""
    network = builtin_network()
    out: list[Case] = []
    for d in generate_case_dicts(network, n, seed=seed, as_of=AS_OF):
        court = network.get(str(d["court_code"]))
        if court.parent_code is None or d.get("entrusted"):
            continue
        issued = max(AS_OF - timedelta(days=90), d["filed_on"])  # type: ignore[type-var]
        d = {**d, "status": "open", "zhongben": None, "restored_on": None,
             "supervision_orders": [{"issued_by": court.parent_code, "issued_on": issued,
                                     "deadline": issued + timedelta(days=30)}]}
        try:
            out.append(Case.model_validate(d))
        except ValueError:
            continue
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def drive_recommendations(base: str, token: str, case_nos: list[str], total: int, clients: int,
                                think_s: float = 0.0) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": token}, timeout=30, limits=limits) as http:
        async def client_loop() -> None:
            for i in counter:
                body = {"case_no": case_nos[i % len(case_nos)], "as_of": AS_OF.isoformat()}
                start = time.perf_counter()
                try:
                    r = await http.post("/v1/recommendations", json=body)
                except httpx.TransportError as e:  # counted, not fatal: the figure says how many
                    errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                    continue
                latencies.append(time.perf_counter() - start)
                if r.status_code != 200:
                    errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
                if think_s:
                    await asyncio.sleep(think_s)

        for i in range(min(50, len(case_nos))):  # warm-up: engine, network, pools
            await http.post("/v1/recommendations", json={"case_no": case_nos[i], "as_of": AS_OF.isoformat()})
        started = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(clients)))
        wall = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]
    return {"requests": len(ms), "clients": clients, "think_ms": think_s * 1000, "errors": errors,
            "rps": round(len(ms) / wall, 1),
            "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2),
            "p99_ms": round(percentile(ms, 99), 2), "max_ms": round(max(ms), 2)}


async def drive_evaluation(base: str, token: str, bodies: list[bytes], clients: int) -> dict[str, Any]:
    queue = list(bodies)
    done = 0
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": token, "Content-Type": "application/json"},
                                 timeout=300) as http:
        await http.post("/v1/evaluate", content=bodies[0])  # warm-up

        async def client_loop() -> None:
            nonlocal done
            while queue:
                body = queue.pop()
                r = await http.post("/v1/evaluate", content=body)
                r.raise_for_status()
                done += r.json()["count"]

        started = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(clients)))
        wall = time.perf_counter() - started
    return {"cases": done, "requests": len(bodies), "seconds": round(wall, 2), "cases_per_s": round(done / wall)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--stored-cases", type=int, default=2000)
    ap.add_argument("--eval-cases", type=int, default=5000, help="cases per evaluation request")
    ap.add_argument("--eval-requests", type=int, default=6)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--think-ms", type=float, default=0.0,
                    help="pause per client between requests (0: closed loop, every client always waiting)")
    ap.add_argument("--db-url", default="")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="api-load-")
    url = a.db_url or f"sqlite:///{tmp}/load.sqlite"
    engine = open_store(url)
    cases = transfer_cases(a.stored_cases, a.seed)
    with session_scope(engine) as session:
        for c in cases:
            repository.save_case(session=session, case=c)
        token = create_key(session=session, role=Role.ADMIN, label="load")[1]
    eval_cases = transfer_cases(a.eval_cases + a.eval_cases // 4, a.seed + 1)[: a.eval_cases]
    eval_body = json.dumps({"as_of": AS_OF.isoformat(), "cases": [c.model_dump(mode="json") for c in eval_cases]},
                           ensure_ascii=False).encode()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "ASSIGN_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", str(a.workers), "--log-level", "warning",
                             "--no-access-log", "--http", HTTP_PROTOCOL], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        nos = [c.case_no for c in cases]
        serial = asyncio.run(drive_recommendations(base, token, nos, max(100, a.requests // 10), 1))
        rec = asyncio.run(drive_recommendations(base, token, nos, a.requests, a.clients, a.think_ms / 1000))
        ev = asyncio.run(drive_evaluation(base, token, [eval_body] * a.eval_requests, clients=2))
    finally:
        proc.terminate()
        proc.wait(30)
    network = builtin_network()
    print(json.dumps({"network_courts": len(network), "stored_cases": len(cases), "workers": a.workers,  # noqa: T201
                      "database": url.split(":")[0], "single_case_recommendation": rec,
                      "single_case_one_client": serial,
                      "batch_evaluation": ev, "cpu_count": os.cpu_count()}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
