"""Many clients at once: every request is answered, none with a 5xx (admission limit, pool)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.conftest import AS_OF, Keys, headers, store_cases
from tests.factories import make_transfer_case


def test_forty_concurrent_clients_get_answers_not_errors(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    cases = [make_transfer_case(f"(2024)川0104执{3000 + n}号") for n in range(40)]
    store_cases(app_engine, *cases)

    def one(n: int) -> list[int]:
        h = headers(keys.dispatcher)
        r = client.post("/v1/recommendations", json={"case_no": cases[n].case_no, "as_of": AS_OF.isoformat()},
                        headers=h)
        return [r.status_code, client.get(f"/v1/cases/{cases[n].case_no}", headers=h).status_code,
                client.get("/v1/courts/I510100/subtree", headers=h).status_code]

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = [c for result in pool.map(one, range(40)) for c in result]
    assert codes == [200] * 120
    verify = client.get("/v1/audit/verify", headers=headers(keys.admin)).json()
    assert verify["ok"] and verify["records"] == 40
