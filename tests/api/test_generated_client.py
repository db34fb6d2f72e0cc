"""A client generated from the served OpenAPI drives a dispatcher's whole flow against a real server.

`openapi-python-client` generates a typed package from `/openapi.json` of a running uvicorn into a
temporary directory; the test imports it from there and goes import -> evaluate -> recommend ->
decide -> plan diff -> events with its typed models only (no hand-written JSON). A route whose
response is untyped, or an operation id that changes, breaks it.
"""

from __future__ import annotations

import hashlib
import importlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from assign.access import Role, create_key
from assign.db import session_scope
from tests.api.conftest import AS_OF
from tests.api.live_server import live_server
from tests.factories import make_transfer_case

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "dispatch_client"


def generate_client(openapi: bytes, into: Path) -> None:
    spec = into / "openapi.json"
    spec.write_bytes(openapi)
    config = into / "generator.yml"
    config.write_text("post_hooks: []\n", encoding="utf-8")  # no formatter run: ruff need not be on PATH
    subprocess.run([str(GENERATOR), "generate", "--path", str(spec), "--meta", "none", "--config", str(config),
                    "--output-path", str(into / PACKAGE)], check=True, capture_output=True, text=True)


@pytest.fixture
def served(engine: Engine) -> Iterator[tuple[str, dict[Role, str]]]:
    """(a real server's base URL, one key per role) on a store with the test network."""
    with live_server(engine) as server:
        with session_scope(engine) as session:
            dispatcher = create_key(session=session, role=Role.DISPATCHER, court_code="I510100")[1]
        yield server.base, {Role.INTEGRATION: server.integration, Role.DISPATCHER: dispatcher}


@pytest.fixture(scope="module")
def generated() -> dict[str, Path]:
    """The directories clients were generated into, by the SHA-256 of the OpenAPI document they were generated
    from: the servers of both backends serve the same document, and generating one takes seconds."""
    return {}


@pytest.fixture
def client_package(served: tuple[str, dict[Role, str]], generated: dict[str, Path],
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, str, dict[Role, str]]]:
    """(the package generated from the server's OpenAPI, the base URL, one key per role)."""
    base, keys = served
    openapi = httpx.get(f"{base}/openapi.json", timeout=10).raise_for_status().content
    digest = hashlib.sha256(openapi).hexdigest()
    if digest not in generated:
        into = tmp_path_factory.mktemp("client")
        generate_client(openapi, into)
        generated[digest] = into
    into = generated[digest]
    sys.path.insert(0, str(into))
    try:
        yield importlib.import_module(PACKAGE), base, keys
    finally:
        sys.path.remove(str(into))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _op(package: ModuleType, tag: str, name: str) -> Any:
    """The generated module of operation `<tag>-<name>` (the operation ids api.main.operation_id makes)."""
    return importlib.import_module(f"{package.__name__}.api.{tag}.{tag}_{name}")


def test_a_generated_client_drives_import_evaluate_recommend_decide_diff_events(
        client_package: tuple[ModuleType, str, dict[Role, str]]) -> None:
    package, base, keys = client_package
    models = importlib.import_module(f"{package.__name__}.models")

    def client(role: Role) -> Any:
        return package.AuthenticatedClient(base_url=base, token=keys[role], prefix="", auth_header_name="X-API-Key",
                                           raise_on_unexpected_status=True)

    case, other = make_transfer_case(), make_transfer_case("(2024)川0104执901号")
    integration, dispatcher = client(Role.INTEGRATION), client(Role.DISPATCHER)
    as_cases = [models.Case.from_dict(c.model_dump(mode="json")) for c in (case, other)]

    report = _op(package, "cases", "import_cases").sync(client=integration, body=as_cases, as_of=AS_OF)
    assert isinstance(report, models.ImportReportOut)
    assert (report.stored, report.rejected) == (2, 0)
    unknown_court = make_transfer_case("(2024)川0104执902号", court_code="B000000").model_dump(mode="json")
    refused = _op(package, "cases", "import_cases").sync(
        client=integration, body=[models.Case.from_dict(unknown_court)], as_of=AS_OF)
    assert refused.rejected == 1
    assert [(type(p), p.row, p.field, p.key) for p in refused.problems] == [
        (models.RowProblem, 1, "court_code", "(2024)川0104执902号")]

    verdicts = _op(package, "evaluate", "evaluate_stored").sync(
        client=dispatcher, body=models.EvaluateStored(case_nos=[case.case_no, other.case_no], as_of=AS_OF))
    assert isinstance(verdicts, models.Verdicts)
    assert [v.outcome for v in verdicts.verdicts] == [models.Outcome.MANDATORY_TRANSFER] * 2

    single = _op(package, "recommendations", "recommend_one").sync(
        client=dispatcher, body=models.RecommendOne(case_no=case.case_no, as_of=AS_OF))
    assert isinstance(single, models.SingleOut)
    assert isinstance(single.recommendation, models.Recommendation)
    accepted_court = single.recommendation.target_court
    assert accepted_court in {"B510105", "B510112"}
    assert isinstance(single.recommendation_id, int) and isinstance(single.plan_id, str)

    decision = _op(package, "decisions", "post_decision").sync(
        client=dispatcher, body=models.DecisionIn(recommendation_id=single.recommendation_id,
                                                  action=models.Action.ACCEPT, reason="生成的客户端"))
    assert isinstance(decision, models.DecisionOut)
    assert (decision.action, decision.case_nos) == ("accept", [case.case_no])

    # the forum's plan, then what changed against the single-case plan the dispatcher accepted
    job = _op(package, "recommendations", "start_batch").sync(
        client=dispatcher, body=models.BatchRequest(as_of=AS_OF, time_limit_s=5))
    assert isinstance(job, models.JobView)
    deadline = time.monotonic() + 60
    while job.status not in ("done", "failed", "cancelled") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = _op(package, "recommendations", "get_batch").sync(job.id, client=dispatcher)
    assert (job.status, job.error) == ("done", None) and isinstance(job.plan_id, str)
    diff = _op(package, "plans", "plan_diff").sync(job.plan_id, client=dispatcher, against=single.plan_id)
    assert isinstance(diff, models.PlanDiff) and all(isinstance(m, models.PlanMove) for m in diff.moves)
    moves = {m["case_no"]: (m["from"], m["to"]) for m in (item.to_dict() for item in diff.moves)}
    assert case.case_no not in moves  # the accepted court holds in the new plan
    assert moves[other.case_no][0] is None and diff.added == 1

    feed = _op(package, "events", "read_events").sync(client=integration)
    assert isinstance(feed, models.EventsPage)
    assert {"cases.imported", "decision.accept", "plan.created"} <= {e.kind for e in feed.events}


def test_every_operation_is_tagged_and_named_tag_dash_function(served: tuple[str, dict[Role, str]]) -> None:
    base, _ = served
    spec = httpx.get(f"{base}/openapi.json", timeout=10).json()
    operations = [op for ops in spec["paths"].values() for op in ops.values()]
    assert operations and all(op.get("tags") for op in operations)
    assert all(op["operationId"].startswith(f"{op['tags'][0]}-") for op in operations)
    assert len({op["operationId"] for op in operations}) == len(operations)
