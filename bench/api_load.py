"""Load figures for the HTTP API, over loopback against a real uvicorn process.

    .venv/bin/python bench/api_load.py [--requests 3000] [--clients 32] [--workers 1] [--rate 0]
                                       [--eval-cases 5000] [--eval-requests 6] [--think-ms 0] [--db-url URL]

1. Single-case recommendation on the national network (data/courts.csv): `--clients`
   keep-alive connections each POST /v1/recommendations for stored cases, with the
   dispatcher key of the case's province (each call authenticates, evaluates the case,
   ranks every legal court, stores the one-group plan, its recommendation and an audit
   record, and answers only once they are committed). Prints p50/p95/p99/max latency,
   requests/s and the CPU milliseconds per request of the server and of this driver.
   Target: p99 <= 25 ms with 32 closed-loop clients.
   - closed loop (default): every client sends its next request as soon as the previous
     answer arrives, so latency ~ clients / throughput: p99 <= 25 ms at 32 clients needs
     about 1,300 requests/s.
   - open loop (`--rate R`): requests arrive at R per second on a fixed schedule, whatever
     the answers do; latency counts from the scheduled arrival (no coordinated omission),
     including any wait for a free connection among `--clients`.
   The same closed loop with one client shows the service time without queueing.
2. Batch evaluation through the API: POST /v1/evaluate with `--eval-cases` cases per request
   (nothing stored), two clients at once, each on its own worker where possible (uvicorn's
   workers share one listening socket and the kernel often gives one worker both
   connections; the driver reconnects until they are spread, and prints how they were).
   Prints cases/s. Target: >= 5,000 cases/s.

The driver is a minimal HTTP/1.1 client on asyncio (one connection per client, requests
prebuilt as bytes, answers parsed by Content-Length and checked: status 200 and a stored
recommendation id), so that its own CPU stays small beside the server's on a 2-core machine
(httpx costs about as much per request as the service itself). Stored cases come from
`assign.generator` on the national network, each given a supervision order whose deadline
has passed; only those whose verdict places them on a court are kept, so every request
runs the whole path, writes included. The database is a fresh SQLite file unless
--db-url names another (it is migrated first). Figures depend on the machine and its load:
say what else was running when quoting them.
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
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import BUILTIN_RULEBOOK_DIR  # noqa: E402
from api.service.evaluation import evaluate_cases, get_engine  # noqa: E402
from api.service.store import open_store  # noqa: E402
from api.serving import free_port, uvicorn_command, wait_until_healthy  # noqa: E402
from assign import repository  # noqa: E402
from assign.access import Role, create_key  # noqa: E402
from assign.db import session_scope  # noqa: E402
from assign.generator import generate_case_dicts  # noqa: E402
from assign.network import CourtNetwork, builtin_network  # noqa: E402
from assign.schemas import Case  # noqa: E402
from solver.build import PLACED_MODES  # noqa: E402

AS_OF = date(2025, 6, 30)


def transfer_cases(n: int, seed: int) -> list[Case]:
    """Generated cases, each with a lapsed supervision order from its forum (上一级)."""
    network = builtin_network()
    out: list[Case] = []
    for d in generate_case_dicts(network, n, seed=seed, as_of=AS_OF):
        court = network.get(str(d["court_code"]))
        if court.parent_code is None or d.get("entrusted"):
            continue
        issued = max(AS_OF - timedelta(days=90), cast(date, d["filed_on"]))
        d = {**d, "status": "open", "zhongben": None, "restored_on": None,
             "supervision_orders": [{"issued_by": court.parent_code, "issued_on": issued,
                                     "deadline": issued + timedelta(days=30)}]}
        try:
            out.append(Case.model_validate(d))
        except ValueError:
            continue
    return out


def placed_cases(n: int, seed: int) -> list[Case]:
    """`n` generated transfer cases whose verdict needs a receiving court (the full write path)."""
    network = builtin_network()
    out: list[Case] = []
    while len(out) < n:
        batch = transfer_cases(4 * (n - len(out)) + 100, seed)
        verdicts = evaluate_cases(batch, network, AS_OF, engine=get_engine(BUILTIN_RULEBOOK_DIR))
        out += [c for c, v in zip(batch, verdicts, strict=True)
                if v.forum is not None and v.recommended_mode in PLACED_MODES]
        seed += 1000
    return out[:n]


def province_of(network: CourtNetwork, code: str) -> str:
    while (parent := network.get(code).parent_code) is not None:
        code = parent
    return code


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ---------------------------------------------------------------- a lean HTTP/1.1 client


class HttpConnection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection; one request at a time, answers framed by Content-Length."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._head_end = -1
        self._status = 0
        self._total = -1

    @classmethod
    async def open(cls, host: str, port: int) -> HttpConnection:
        _, conn = await asyncio.get_running_loop().create_connection(cls, host, port)
        return conn

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._waiter is None:
            return
        if self._total < 0:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
            length = next((int(line.split(":", 1)[1]) for line in head[1:]
                           if line[:15].lower() == "content-length:"), None)
            if length is None:
                self._waiter.set_exception(ConnectionError(f"an answer without Content-Length: {head[0]}"))
                return
            self._status, self._head_end, self._total = int(head[0][9:12]), end + 4, end + 4 + length
        if len(self._buffer) >= self._total:
            body = bytes(self._buffer[self._head_end:self._total])
            del self._buffer[:self._total]
            waiter, self._waiter, self._total = self._waiter, None, -1
            waiter.set_result((self._status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ConnectionError(f"connection closed: {exc}"))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        assert self._transport is not None and self._waiter is None
        self._waiter = asyncio.get_running_loop().create_future()
        self._transport.write(request)
        return await self._waiter

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


def post_bytes(host: str, port: int, path: str, token: str, body: dict[str, Any]) -> bytes:
    payload = json.dumps(body, ensure_ascii=False).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nX-API-Key: {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode() + payload


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def record(self, started: float, status: int, body: bytes) -> None:
        self.latencies.append(time.perf_counter() - started)
        if status != 200:
            self.errors[str(status)] = self.errors.get(str(status), 0) + 1
        elif not isinstance(json.loads(body).get("recommendation_id"), int):
            self.errors["no recommendation stored"] = self.errors.get("no recommendation stored", 0) + 1

    def failed(self, exc: Exception) -> None:
        self.errors[type(exc).__name__] = self.errors.get(type(exc).__name__, 0) + 1

    def summary(self, wall: float, **extra: Any) -> dict[str, Any]:
        ms = [x * 1000 for x in self.latencies]
        return {"requests": len(ms), **extra, "errors": self.errors, "rps": round(len(ms) / wall, 1),
                "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2),
                "p99_ms": round(percentile(ms, 99), 2), "max_ms": round(max(ms), 2)}


class CpuMeter:
    """CPU seconds used by the server's processes (uvicorn and its workers) and by this driver."""

    def __init__(self, server_pid: int) -> None:
        self.server = psutil.Process(server_pid)

    def _server_cpu(self) -> float:
        total = 0.0
        for p in [self.server, *self.server.children(recursive=True)]:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system
        return total

    def start(self) -> Callable[[int], dict[str, float]]:
        server0, driver0 = self._server_cpu(), time.process_time()

        def per_request(n: int) -> dict[str, float]:
            return {"server_cpu_ms_per_request": round(1000 * (self._server_cpu() - server0) / max(n, 1), 3),
                    "driver_cpu_ms_per_request": round(1000 * (time.process_time() - driver0) / max(n, 1), 3)}

        return per_request


async def drive_recommendations(host: str, port: int, requests: Sequence[bytes], total: int, clients: int,
                                meter: CpuMeter, think_s: float = 0.0) -> dict[str, Any]:
    """Closed loop: `clients` connections, each sending its next request when its answer is in."""
    conns = [await HttpConnection.open(host, port) for _ in range(clients)]
    warm = Tally()
    await asyncio.gather(*(_closed_loop(c, requests, iter(range(i * 3, i * 3 + 3)), warm, 0.0)
                           for i, c in enumerate(conns)))  # every worker builds its state before the clock starts
    tally, counter = Tally(), iter(range(total))
    cpu = meter.start()
    started = time.perf_counter()
    await asyncio.gather(*(_closed_loop(c, requests, counter, tally, think_s) for c in conns))
    wall = time.perf_counter() - started
    for c in conns:
        c.close()
    return tally.summary(wall, clients=clients, think_ms=think_s * 1000, **cpu(len(tally.latencies)))


async def _closed_loop(conn: HttpConnection, requests: Sequence[bytes], counter: Any, tally: Tally,
                       think_s: float) -> None:
    for i in counter:
        started = time.perf_counter()
        try:
            status, body = await conn.send(requests[i % len(requests)])
        except ConnectionError as e:
            tally.failed(e)
            return
        tally.record(started, status, body)
        if think_s:
            await asyncio.sleep(think_s)


async def drive_open_loop(host: str, port: int, requests: Sequence[bytes], total: int, rate: float,
                          connections: int, meter: CpuMeter) -> dict[str, Any]:
    """Open loop: request i is due at start + i / rate; latency counts from that moment."""
    idle: asyncio.Queue[HttpConnection] = asyncio.Queue()
    conns = [await HttpConnection.open(host, port) for _ in range(connections)]
    warm = Tally()
    await asyncio.gather(*(_closed_loop(c, requests, iter(range(i * 3, i * 3 + 3)), warm, 0.0)
                           for i, c in enumerate(conns)))
    for c in conns:
        idle.put_nowait(c)
    tally = Tally()

    async def one(i: int, due: float) -> None:
        conn = await idle.get()
        try:
            status, body = await conn.send(requests[i % len(requests)])
        except ConnectionError as e:
            tally.failed(e)
            return
        idle.put_nowait(conn)
        tally.record(due, status, body)

    cpu = meter.start()
    started = time.perf_counter()
    tasks = []
    for i in range(total):
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(i, due)))
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    for c in conns:
        c.close()
    return tally.summary(wall, offered_rps=rate, connections=connections, **cpu(len(tally.latencies)))


def worker_of(conn: HttpConnection, workers: Sequence[psutil.Process]) -> int | None:
    """The pid of the server process that accepted `conn` (by the connection's client port)."""
    assert conn._transport is not None
    port = conn._transport.get_extra_info("sockname")[1]
    for w in workers:
        try:
            if any(c.raddr and c.raddr.port == port for c in w.net_connections(kind="tcp")):
                return w.pid
        except psutil.Error:
            continue
    return None


async def spread_connections(host: str, port: int, n: int, meter: CpuMeter) -> tuple[list[HttpConnection], list[int]]:
    """`n` connections, one per worker process as far as they go. uvicorn's workers share one
    listening socket and the kernel may hand every new connection to the same worker; two
    long requests on one worker then run one after the other."""
    workers = meter.server.children(recursive=True) or [meter.server]
    kept: list[HttpConnection] = []
    owners: list[int] = []
    for _ in range(40 * n):
        conn = await HttpConnection.open(host, port)
        await asyncio.sleep(0.05)  # accepted by then
        owner = worker_of(conn, workers) or 0
        if owner in owners and len(set(owners)) < len(workers):
            conn.close()
            continue
        kept.append(conn)
        owners.append(owner)
        if len(kept) == n:
            break
    return kept, owners


async def drive_evaluation(host: str, port: int, token: str, body: dict[str, Any], requests: int, clients: int,
                           meter: CpuMeter) -> dict[str, Any]:
    """`clients` connections (one per worker where possible) each POST /v1/evaluate in turn."""
    request = post_bytes(host, port, "/v1/evaluate", token, body)
    conns, owners = await spread_connections(host, port, clients, meter)
    await asyncio.gather(*(c.send(request) for c in conns))  # warm-up: each worker's network and engine
    remaining = requests
    done = 0

    async def client_loop(conn: HttpConnection) -> None:
        nonlocal remaining, done
        while remaining > 0:
            remaining -= 1
            status, answer = await conn.send(request)
            if status != 200:
                raise RuntimeError(f"POST /v1/evaluate: {status} {answer[:300]!r}")
            done += json.loads(answer)["count"]

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(c) for c in conns))
    wall = time.perf_counter() - started
    for c in conns:
        c.close()
    return {"cases": done, "requests": requests, "clients": clients,
            "client_connections_per_worker": sorted(owners.count(o) for o in set(owners)),
            "seconds": round(wall, 2), "cases_per_s": round(done / wall)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--clients", type=int, default=32, help="connections (closed loop: concurrent clients)")
    ap.add_argument("--rate", type=float, default=0.0,
                    help="also run an open loop at this many requests/s over --clients connections (0: skip)")
    ap.add_argument("--stored-cases", type=int, default=2000)
    ap.add_argument("--eval-cases", type=int, default=5000, help="cases per evaluation request")
    ap.add_argument("--eval-requests", type=int, default=6, help="evaluation requests (0: skip the batch figure)")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--think-ms", type=float, default=0.0,
                    help="pause per client between requests (0: closed loop, every client always waiting)")
    ap.add_argument("--db-url", default="")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="api-load-")
    url = a.db_url or f"sqlite:///{tmp}/load.sqlite"
    engine = open_store(url)
    network = builtin_network()
    cases = placed_cases(a.stored_cases, a.seed)
    with session_scope(engine) as session:
        for c in cases:
            repository.save_case(session=session, case=c)
        admin = create_key(session=session, role=Role.ADMIN, label="load")[1]
        provinces = sorted({province_of(network, c.court_code) for c in cases})
        dispatchers = {p: create_key(session=session, role=Role.DISPATCHER, court_code=p, label=f"load {p}")[1]
                       for p in provinces}
    engine.dispose()
    host, port = "127.0.0.1", free_port()
    requests = [post_bytes(host, port, "/v1/recommendations", dispatchers[province_of(network, c.court_code)],
                           {"case_no": c.case_no, "as_of": AS_OF.isoformat()}) for c in cases]
    env = {**os.environ, "DATABASE_URL": url, "ASSIGN_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(uvicorn_command(port, workers=a.workers, host=host,
                                            extra=["--log-level", "warning", "--no-access-log"]), cwd=ROOT, env=env)
    base = f"http://{host}:{port}"
    meter = CpuMeter(proc.pid)
    report: dict[str, Any] = {"network_courts": len(network), "stored_cases": len(cases), "workers": a.workers,
                              "database": url.split(":")[0], "cpu_count": os.cpu_count()}
    try:
        wait_until_healthy(base, 60)
        report["single_case_one_client"] = asyncio.run(
            drive_recommendations(host, port, requests, max(100, a.requests // 10), 1, meter))
        report["single_case_recommendation"] = asyncio.run(
            drive_recommendations(host, port, requests, a.requests, a.clients, meter, a.think_ms / 1000))
        if a.rate:
            report["single_case_open_loop"] = asyncio.run(
                drive_open_loop(host, port, requests, a.requests, a.rate, a.clients, meter))
        if a.eval_requests:
            eval_cases = transfer_cases(a.eval_cases + a.eval_cases // 4, a.seed + 1)[: a.eval_cases]
            eval_body = {"as_of": AS_OF.isoformat(), "cases": [c.model_dump(mode="json") for c in eval_cases]}
            report["batch_evaluation"] = asyncio.run(
                drive_evaluation(host, port, admin, eval_body, a.eval_requests, 2, meter))
    finally:
        proc.terminate()
        proc.wait(30)
    print(json.dumps(report, indent=2))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
