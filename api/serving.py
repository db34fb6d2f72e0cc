"""uvicorn's HTTP protocol with TCP_NODELAY on every connection.

With `--workers > 1` uvicorn binds the listening socket itself with protocol number 0, so
asyncio does not switch Nagle's algorithm off on accepted connections (it only does so for
sockets whose proto is IPPROTO_TCP). uvicorn writes a response's headers and body
separately; with Nagle on, the body waits for the client's delayed ACK: about 40 ms added
to every response (measured: /v1/health 1 ms with one worker, 44 ms with two).
`assign serve`, the benchmark and the end-to-end test use this class (`--http
api.serving:NoDelayH11Protocol`).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


HTTP_PROTOCOL = "api.serving:NoDelayH11Protocol"
