"""API fixtures: an app on the `engine` fixture (SQLite and PostgreSQL), the test network,
one key per role, and a dispatcher key from the other prefecture (the wrong jurisdiction)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.config import Settings
from api.main import create_app
from assign import repository
from assign.access import Role, create_key
from assign.db import session_scope
from assign.schemas import Case
from tests.factories import make_network, make_transfer_case

AS_OF = date(2024, 12, 2)


@dataclass
class Keys:
    admin: str
    integration: str
    dispatcher: str  # I510100: Chengdu's intermediate court, forum of the B5101xx cases
    outsider: str  # I510700: Mianyang's intermediate court, the wrong jurisdiction for them


def headers(token: str) -> dict[str, str]:
    return {"X-API-Key": token}


def api_settings() -> Settings:
    return Settings(solver_time_limit_s=2.0, interactive_time_limit_s=2.0, solver_workers=1, log_level="WARNING")


@pytest.fixture
def app_engine(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        repository.replace_network(session=session, network=make_network(), source="tests")
    return engine


@pytest.fixture
def keys(app_engine: Engine) -> Keys:
    with session_scope(app_engine) as session:
        tokens = [create_key(session=session, role=role, court_code=court, label=label)[1] for role, court, label in (
            (Role.ADMIN, None, "admin"), (Role.INTEGRATION, None, "command centre"),
            (Role.DISPATCHER, "I510100", "chengdu"), (Role.DISPATCHER, "I510700", "mianyang"))]
    return Keys(*tokens)


@pytest.fixture
def client(app_engine: Engine) -> Iterator[TestClient]:
    app = create_app(settings=api_settings(), engine=app_engine)
    with TestClient(app) as c:
        yield c


def store_cases(engine: Engine, *cases: Case) -> None:
    with session_scope(engine) as session:
        for case in cases:
            repository.save_case(session=session, case=case)


@pytest.fixture
def transfer_case(app_engine: Engine) -> Case:
    case = make_transfer_case()
    store_cases(app_engine, case)
    return case


def recommend(client: TestClient, token: str, case_no: str) -> dict:
    r = client.post("/v1/recommendations", json={"case_no": case_no, "as_of": AS_OF.isoformat()},
                    headers=headers(token))
    assert r.status_code == 200, r.text
    return r.json()
