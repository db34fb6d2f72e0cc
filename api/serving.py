"""uvicorn's HTTP protocol with TCP_NODELAY on every connection.

With `--workers > 1` uvicorn binds the listening socket itself with protocol number 0, so
asyncio does not switch Nagle's algorithm off on accepted connections (it only does so for
sockets whose proto is IPPROTO_TCP). uvicorn writes a response's headers and body
separately; with Nagle on, the body waits for the client's delayed ACK: about 40 ms added
to every response (measured: /v1/health 1 ms with one worker, 44 ms with two).
`assign serve`, the benchmark and the end-to-end test use `HTTP_PROTOCOL`: the httptools
parser (C, about 0.15 ms less CPU per request than h11 on this service) when httptools is
installed, else h11.
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import sys
import time
from collections.abc import Sequence

import httpx
from uvicorn.protocols.http.h11_impl import H11Protocol


def free_port() -> int:
    """A loopback port free right now (for servers started by tests and benchmarks)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _no_delay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own
        _no_delay(transport)
        super().connection_made(transport)


if importlib.util.find_spec("httptools") is not None:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class NoDelayHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own
            _no_delay(transport)
            super().connection_made(transport)

    HTTP_PROTOCOL = "api.serving:NoDelayHttpToolsProtocol"
else:
    HTTP_PROTOCOL = "api.serving:NoDelayH11Protocol"


def uvicorn_command(port: int, *, workers: int = 1, host: str = "127.0.0.1", extra: Sequence[str] = ()) -> list[str]:
    """`python -m uvicorn` serving `api.main:create_app` with `HTTP_PROTOCOL`: how the end-to-end
    tests and the benchmarks start a real server (`assign serve` runs uvicorn in process)."""
    return [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", host, "--port", str(port),
            "--workers", str(workers), "--http", HTTP_PROTOCOL, *extra]


def wait_until_healthy(base: str, timeout_s: float) -> bool:
    """True once `base`/v1/health answers 200; False when it has not within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False
