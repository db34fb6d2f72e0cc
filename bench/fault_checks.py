"""The checks `bench/fault_injection.py` runs: one function per fault of issue 15, each returning
"refused cleanly", "still broken: <evidence>" or "not checked: <why>"."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx
import psutil
from sqlalchemy.engine import Engine

OK = "refused cleanly"
MIB = 1 << 20
ID_NUMBER = "510104198001010011"


@dataclass
class Target:
    base: str
    admin: str
    integration: str
    dispatcher: str
    engine: Engine | None
    pid: int | None
    as_of: str = ""
    case_nos: list[str] = field(default_factory=list)

    def http(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"X-API-Key": key}, timeout=60)

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.base)
        return parts.hostname or "127.0.0.1", parts.port or 80


def broken(evidence: str) -> str:
    return f"still broken: {evidence}"


def seed(target: Target, as_of: date) -> None:
    """Import 400 generated Sichuan cases over the API (the checks build on them)."""
    from assign.generator import generate_cases
    from assign.network import builtin_network

    cases = list(generate_cases(builtin_network(), 400, seed=15, as_of=as_of, province="51"))
    body = "\n".join(c.model_dump_json() for c in cases)
    with target.http(target.integration) as http:
        r = http.post(f"/v1/cases/import?as_of={as_of}", content=body.encode(),
                      headers={"Content-Type": "application/x-ndjson"})
        r.raise_for_status()
    target.as_of = as_of.isoformat()
    target.case_nos = [c.case_no for c in cases]


def a_case(**changes: Any) -> dict[str, Any]:
    from assign.generator import generate_cases
    from assign.network import builtin_network

    case = next(iter(generate_cases(builtin_network(), 1, seed=99, as_of=date(2025, 6, 30), province="51")))
    return case.model_dump(mode="json") | changes


def _recommended(target: Target, http: httpx.Client) -> Iterator[dict[str, Any]]:
    for case_no in target.case_nos:
        r = http.post("/v1/recommendations", json={"case_no": case_no, "as_of": target.as_of})
        if r.status_code == 200 and r.json().get("recommendation_id"):
            yield r.json()


def fault1_dates(target: Target) -> str:
    far = a_case(received_on="9999-12-20", filed_on="9999-12-21")
    with target.http(target.integration) as http:
        ahead = http.post("/v1/cases/import?as_of=9999-12-31", json=[far])
        unbounded = http.post("/v1/cases/import", json=[far]).json()
    with target.http(target.admin) as http:
        evaluated = http.post("/v1/evaluate", json={"as_of": "9999-12-31", "cases": [a_case()]})
    if ahead.status_code != 422:
        return broken(f"import with as_of 9999-12-31 answered {ahead.status_code}")
    if unbounded.get("stored") or unbounded.get("updated"):
        return broken("a case dated 9999-12-20 was stored")
    if evaluated.status_code != 422:
        return broken(f"POST /v1/evaluate as_of 9999-12-31 answered {evaluated.status_code}")
    if target.engine is None:
        return OK + " (bounds; the poisoned-store boundary not checked: no --database-url)"
    poisoned = target.case_nos[0]
    with target.engine.begin() as conn:
        import sqlalchemy as sa

        data = json.loads(conn.execute(sa.text("SELECT data FROM case_record WHERE case_no = :n"),
                                       {"n": poisoned}).scalar_one())
        conn.execute(sa.text("UPDATE case_record SET data = :d WHERE case_no = :n"),
                     {"d": json.dumps(data | {"received_on": "9999-12-20", "filed_on": "9999-12-21"}), "n": poisoned})
    with target.http(target.admin) as http:
        r = http.post("/v1/evaluate/stored", json={"case_nos": target.case_nos[:5], "as_of": target.as_of})
    if r.status_code != 200 or poisoned not in {f["case_no"] for f in r.json().get("not_evaluated", [])}:
        return broken(f"a poisoned stored case: /v1/evaluate/stored answered {r.status_code} {r.text[:120]}")
    target.case_nos = target.case_nos[1:]
    return OK


def _head_only(target: Target, head: str, timeout_s: float = 5.0) -> bytes:
    with socket.create_connection(target.address, timeout=timeout_s) as sock:
        sock.sendall(head.encode())
        try:
            return sock.recv(65536)
        except TimeoutError:
            return b"(no answer: the server waits for the body)"


def _rss(pid: int | None) -> float | None:
    if pid is None:
        return None
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / MIB


def fault2_bodies(target: Target) -> str:
    before = _rss(target.pid)
    no_key = _head_only(target, f"POST /v1/decisions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                f"Content-Length: {200 * MIB}\r\n\r\n")
    if not no_key.startswith(b"HTTP/1.1 401"):
        return broken(f"200 MB without a key: {no_key[:60]!r}")
    huge = _head_only(target, f"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nX-API-Key: {target.admin}\r\n"
                              f"Content-Type: application/json\r\nContent-Length: {200 * MIB}\r\n\r\n")
    if not huge.startswith(b"HTTP/1.1 413"):
        return broken(f"200 MB declared to /v1/evaluate: {huge[:60]!r}")
    with target.http(target.dispatcher) as http:
        streamed = http.post("/v1/decisions", content=iter([b'{"reason": "', b"x" * (2 * MIB), b'"}']),
                             headers={"Content-Type": "application/json"})
    if streamed.status_code != 413:
        return broken(f"2 MiB streamed to /v1/decisions answered {streamed.status_code}")
    after = _rss(target.pid)
    growth = f"; server RSS {before:.0f} -> {after:.0f} MB" if before is not None and after is not None else ""
    return OK + growth


def fault3_unpublished(target: Target) -> str:
    if target.engine is None:
        return "not checked: needs --database-url (an unpublished plan is what a killed night leaves)"
    from assign import plans
    from assign.db import session_scope
    from assign.models import RecommendationRow
    from assign.schemas import Recommendation

    with target.http(target.dispatcher) as http:
        rec = next(_recommended(target, http), None)
    if rec is None:
        return "not checked: no generated case got a recommendation"
    case_no = rec["recommendation"]["case_nos"][0]
    target.case_nos.remove(case_no)
    stray = Recommendation.model_validate(rec["recommendation"] | {"plan_id": "night-killed-before-publish"})
    with session_scope(target.engine) as session:
        plans.save_plan(session=session, plan_id="night-killed-before-publish", as_of=date.fromisoformat(
            target.as_of), scope=stray.forum or "", status="OPTIMAL", kind=plans.PlanKind.NIGHTLY,
            data='{"assignments": {}}', summary={}, recommendations=[stray], run_id="killed", published=False)
        session.flush()
        rec_id = session.query(RecommendationRow.id).filter_by(plan_id="night-killed-before-publish").scalar()
    with target.http(target.dispatcher) as http:
        read = http.get(f"/v1/recommendations/{rec_id}")
        decided = http.post("/v1/decisions", json={"recommendation_id": rec_id, "action": "accept", "reason": "x"})
    if read.status_code == 200 or decided.status_code == 201:
        return broken(f"an unpublished recommendation: GET {read.status_code}, decide {decided.status_code}")
    return OK


def fault4_batch_scope(target: Target) -> str:
    with target.http(target.dispatcher) as http:
        r = http.post("/v1/recommendations/batch", json={"case_nos": ["(2024)川0104执9999999号"],
                                                         "as_of": target.as_of, "time_limit_s": 1})
        if r.status_code == 202:
            http.delete(f"/v1/recommendations/batch/{r.json()['id']}")
    return OK if r.status_code in (404, 409, 422) else broken(f"a batch of unknown case numbers got {r.status_code}")


def fault5_one_decision(target: Target) -> str:
    with target.http(target.dispatcher) as http:
        first = next(_recommended(target, http), None)
        if first is None:
            return "not checked: no generated case got a recommendation"
        case_no = first["recommendation"]["case_nos"][0]
        second = http.post("/v1/recommendations", json={"case_no": case_no, "as_of": target.as_of})
        accepted = http.post("/v1/decisions", json={"recommendation_id": first["recommendation_id"],
                                                    "action": "accept", "reason": "同意"})
        second_id = second.json().get("recommendation_id") if second.status_code == 200 else None
        if second_id is None:
            return OK + f" (a second recommendation for a decided case: {second.status_code})"
        rejected = http.post("/v1/decisions", json={"recommendation_id": second_id, "action": "reject",
                                                    "reason": "不同意"})
    if accepted.status_code == 201 and rejected.status_code == 201:
        return broken("accept on one recommendation and reject on another of the same case both succeeded")
    return OK


def fault6_deep_json(target: Target) -> str:
    deep = b"[" * 100_000 + b"]" * 100_000
    host, port = target.address
    conn = http.client.HTTPConnection(host, port, timeout=60)
    for method, path, key, kind in (("POST", "/v1/cases/import", target.integration, "application/x-ndjson"),
                                    ("POST", "/v1/cases/import", target.integration, "application/json"),
                                    ("PUT", "/v1/courts", target.admin, "application/json")):
        conn.request(method, path, body=deep, headers={"X-API-Key": key, "Content-Type": kind})
        answer = conn.getresponse()
        text = answer.read().decode(errors="replace")
        if answer.status >= 500 or "nested" not in text:
            return broken(f"{method} {path} ({kind}): {answer.status} {text[:100]}")
        sock = conn.sock
        conn.request("GET", "/v1/health")
        health = conn.getresponse()
        health.read()
        if health.status != 200 or conn.sock is not sock:
            return broken(f"the keep-alive connection did not survive {method} {path}")
    conn.close()
    return OK


def fault7_strings(target: Target) -> str:
    hostile = {"NUL": "(2024)川0104执1\x00号", "bidi": "(2024)川0104执\u202e1号",
               "zero-width": "(2024)川0104执\u200b1号", "slash": "(2024)川0104执1/2号",
               "html": "<img src=x onerror=alert(1)>"}
    rows = [a_case(case_no=no) for no in hostile.values()]
    rows.append(a_case(case_no="(2024)川0104执8001号", debtor=a_case()["debtor"] | {"name": "某" * 10_000}))
    rows.append(a_case(case_no="(2024)川0104执8002号"))
    with target.http(target.integration) as http:
        report = http.post(f"/v1/cases/import?as_of={target.as_of}", json=rows).json()
    if report.get("rejected") != len(rows) - 1 or report.get("stored", 0) + report.get("unchanged", 0) != 1:
        return broken(f"import of {len(hostile)} hostile case numbers and a 10,000-character name: "
                      f"stored {report.get('stored')}, rejected {report.get('rejected')}")
    return OK


def fault8_webhooks(target: Target) -> str:
    with target.http(target.admin) as http:
        answers = {url: http.post("/v1/webhooks", json={"url": url}).status_code for url in (
            "http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data/", "http://user:pass@example.com/")}
    accepted = [url for url, status in answers.items() if status < 400]
    return broken(f"webhook targets accepted: {', '.join(accepted)}") if accepted else OK


def fault9_jobs(target: Target) -> str:
    with target.http(target.dispatcher) as http:
        long = http.post("/v1/recommendations/batch", json={"as_of": target.as_of, "time_limit_s": 600})
        if long.status_code == 202:
            http.delete(f"/v1/recommendations/batch/{long.json()['id']}")
            return broken("a dispatcher's batch with a 600 s time limit was accepted")
        statuses, started = [], []
        for _ in range(12):  # kept queued or running until the cap answers: a cancelled job frees its slot
            r = http.post("/v1/recommendations/batch", json={"as_of": target.as_of, "time_limit_s": 5})
            statuses.append(r.status_code)
            started += [r.json()["id"]] if r.status_code == 202 else []
            if r.status_code == 429:
                break
        for job_id in started:
            http.delete(f"/v1/recommendations/batch/{job_id}")
    if 429 not in statuses:
        return broken(f"12 batch jobs in a row were all accepted ({statuses})")
    return OK


def fault10_masking(target: Target) -> str:
    with target.http(target.dispatcher) as http:
        rec = next(_recommended(target, http), None)
        if rec is None:
            return "not checked: no generated case got a recommendation"
        http.post("/v1/decisions", json={"recommendation_id": rec["recommendation_id"], "action": "reject",
                                         "reason": f"被执行人身份证 {ID_NUMBER} 有误"})
        listed = http.get("/v1/decisions").text
    return broken("an ID number typed into a reason is listed unmasked") if ID_NUMBER in listed else OK


def also_headers(target: Target) -> str:
    wanted = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")
    got = httpx.get(f"{target.base}/console", timeout=30).headers
    missing = [h for h in wanted if h not in got]
    return broken(f"the console lacks {', '.join(missing)}") if missing else OK


def also_timing(target: Target) -> str:
    started = time.monotonic()
    with target.http(target.admin) as http:
        http.get("/v1/health")
    return OK if time.monotonic() - started < 5 else broken("the server no longer answers promptly")


CHECKS: list[tuple[str, Callable[[Target], str]]] = [
    ("fault 1 (dates near 9999; one case stops the night)", fault1_dates),
    ("fault 2 (body limits; key before body)", fault2_bodies),
    ("fault 3 (unpublished plans readable, decidable)", fault3_unpublished),
    ("fault 4 (a batch of unknown numbers wipes a queue)", fault4_batch_scope),
    ("fault 5 (one live decision per case)", fault5_one_decision),
    ("fault 6 (deep JSON; keep-alive)", fault6_deep_json),
    ("fault 7 (unconstrained strings)", fault7_strings),
    ("fault 8 (webhook targets)", fault8_webhooks),
    ("fault 9 (job caps and time limits)", fault9_jobs),
    ("fault 10 (free-text masking)", fault10_masking),
    ("also (console security headers)", also_headers),
    ("also (still answering after all this)", also_timing),
]
