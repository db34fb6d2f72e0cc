"""A real `uvicorn --factory api.main:create_app` on a free loopback port, for tests that need real
connections (keep-alive, bodies that must not be read, the server's memory)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from api.serving import free_port, uvicorn_command, wait_until_healthy
from assign import repository
from assign.access import Role, create_key
from assign.db import session_scope
from tests.factories import make_network

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LiveServer:
    host: str
    port: int
    pid: int
    integration: str
    admin: str

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextmanager
def live_server(engine: Engine, workers: int = 1, **env: str) -> Iterator[LiveServer]:
    """`workers` worker processes serving `engine`'s database with the test network and two keys."""
    with session_scope(engine) as session:
        repository.replace_network(session=session, network=make_network(), source="tests")
        integration = create_key(session=session, role=Role.INTEGRATION, court_code=None)[1]
        admin = create_key(session=session, role=Role.ADMIN, court_code=None)[1]
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
               "ASSIGN_LOG_LEVEL": "WARNING", **env}
    proc = subprocess.Popen(uvicorn_command(port, workers=workers), cwd=ROOT, env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = LiveServer("127.0.0.1", port, proc.pid, integration, admin)
    try:
        if not wait_until_healthy(server.base, 60):
            proc.kill()
            raise AssertionError(proc.communicate()[0].decode(errors="replace"))
        yield server
    finally:
        proc.terminate()
        proc.wait(20)
