"""`POST /v1/evaluate` serialises each verdict once (for the audit digest and the answer): the answer
must still be the `Verdicts` document and the digest the one over each verdict's JSON. Likewise
`POST /v1/recommendations` answers with the recommendation's stored JSON: still the `SingleOut` document."""

from __future__ import annotations

import hashlib
from datetime import date

from fastapi.testclient import TestClient

from api.config import BUILTIN_RULEBOOK_DIR
from api.routes.evaluate import Verdicts, verdicts_response
from api.routes.recommendations import SingleOut
from api.service import evaluation
from api.service.audit import verdict_json, verdicts_digest
from assign.schemas import Case, Verdict
from tests.api.conftest import Keys, headers
from tests.factories import make_case, make_network, make_transfer_case

AS_OF = date(2024, 12, 2)


def verdicts() -> list[Verdict]:
    cases = [make_transfer_case(), make_case("(2024)川0104执2号"),
             make_case("(2024)川0104执3号", excluded_periods=[{"kind": "suspension", "start": date(2024, 7, 1)}])]
    return evaluation.evaluate_cases(cases, make_network(), AS_OF, engine=evaluation.get_engine(BUILTIN_RULEBOOK_DIR))


def test_the_answer_is_the_verdicts_document_byte_for_byte() -> None:
    vs = verdicts()
    failures = [evaluation.CaseFailure("(2024)川0104执4号", "ValueError: 名称 \"x\" <b>")]
    body = verdicts_response(AS_OF, [verdict_json(v) for v in vs], failures).body
    expected = Verdicts(as_of=AS_OF, count=3, verdicts=vs, not_evaluated=[
        {"case_no": f.case_no, "reason": f.reason} for f in failures]).model_dump_json().encode()
    assert body == expected
    empty = Verdicts(as_of=AS_OF, count=0, verdicts=[]).model_dump_json().encode()
    assert verdicts_response(AS_OF, [], []).body == empty


def test_the_digest_covers_each_verdicts_json_whether_serialised_before_or_not() -> None:
    vs = verdicts()
    by_definition = hashlib.sha256(b"".join(v.model_dump_json().encode() for v in vs)).hexdigest()
    assert verdicts_digest(vs) == by_definition
    assert verdicts_digest(vs, [verdict_json(v) for v in vs]) == by_definition
    assert verdicts_digest(vs[:2]) != by_definition


def test_the_route_answers_what_the_audit_record_digests(client: TestClient, keys: Keys) -> None:
    cases = [make_transfer_case().model_dump(mode="json"), make_case("(2024)川0104执2号").model_dump(mode="json")]
    r = client.post("/v1/evaluate", json={"as_of": AS_OF.isoformat(), "cases": cases},
                    headers=headers(keys.integration))
    assert r.status_code == 200, r.text
    answer = Verdicts.model_validate_json(r.content)
    assert answer.count == 2 and [v.case_no for v in answer.verdicts] == [c["case_no"] for c in cases]
    audit = client.get("/v1/audit", params={"kind": "verdicts"}, headers=headers(keys.admin))
    assert audit.status_code == 200, audit.text
    assert audit.json()["data"][-1]["payload"]["digest"] == verdicts_digest(answer.verdicts)


def test_a_single_recommendation_answer_is_the_single_out_document_byte_for_byte(client: TestClient, keys: Keys,
                                                                                transfer_case: Case) -> None:
    r = client.post("/v1/recommendations", json={"case_no": transfer_case.case_no, "as_of": AS_OF.isoformat()},
                    headers=headers(keys.dispatcher))
    assert r.status_code == 200, r.text
    out = SingleOut.model_validate_json(r.content)
    assert out.recommendation is not None and out.recommendation.alternatives  # the assembled path ran
    assert r.content == out.model_dump_json().encode()
