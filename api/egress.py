"""Outbound HTTP to addresses an administrator typed in (webhooks, the audit anchor): SSRF rules.

A webhook URL is chosen by whoever holds an admin key, and the server POSTs to it; unguarded,
that is a way into the court's internal network and the cloud's metadata service, and the
error texts map its open ports. Hence, for every outbound connection:

- the URL: http or https, no `user:pass@` userinfo (refused at subscription, 422);
- the host is resolved **at connect time** and the connection goes to the address that was
  checked (no second lookup a rebinding DNS server could answer differently); every address
  must be public unicast: loopback, private (RFC 1918), shared (100.64/10), link-local,
  unique-local (fc00::/7), multicast, unspecified, reserved and the cloud metadata addresses
  are refused, IPv4-mapped / 6to4 / Teredo IPv6 by the IPv4 address inside;
- `ASSIGN_WEBHOOK_ALLOW` (comma-separated CIDRs and host names) lets an operator permit an
  internal receiver explicitly;
- environment proxies are ignored (the check would otherwise apply to the proxy);
- each request is bounded: `webhook_connect_timeout_s` to connect, `webhook_total_timeout_s`
  for the whole exchange (a receiver that drips its answer is cut off), and at most
  `webhook_max_concurrent` requests in flight per process (name resolution itself is bounded
  by the system resolver's timeout, not by these);
- what is recorded of a failure is generic ("no answer", "HTTP 503", "address not allowed"),
  never the socket error that tells a refused port from a filtered one.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpcore
import httpx

from api.config import Settings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# metadata services that sit on otherwise public or not-obviously-internal addresses
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16", "fd00:ec2::254"))
NO_ANSWER = "no answer"
NOT_ALLOWED = "address not allowed"


class TargetDenied(Exception):
    """The URL or an address its host resolves to is not an allowed outbound target."""


def url_problem(url: str) -> str | None:
    """Why a URL can never be a target (scheme, userinfo, no host), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "only http and https URLs are allowed"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "credentials in the URL (user:pass@) are not allowed; the receiver checks the HMAC signature"
    if not parts.hostname:
        return "the URL has no host"
    return None


def redact_url(url: str) -> str:
    """The URL without any userinfo (for rows stored before userinfo was refused)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_v4(ip: IpAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, Teredo): the one actually reached."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
    return None


def is_public(ip: IpAddress) -> bool:
    """A globally routable unicast address that is not a metadata service (nor hides one)."""
    inner = _embedded_v4(ip)
    if inner is not None:
        return is_public(inner)
    return ip.is_global and not ip.is_multicast and not ip.is_reserved and ip not in METADATA


@dataclass(frozen=True)
class TargetPolicy:
    allow_networks: tuple[IpNetwork, ...] = ()
    allow_hosts: frozenset[str] = frozenset()
    connect_timeout_s: float = 3.0
    total_timeout_s: float = 10.0
    max_concurrent: int = 4
    _slots: threading.BoundedSemaphore = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_slots", threading.BoundedSemaphore(self.max_concurrent))

    @classmethod
    def parse(cls, allow: str | Iterable[str], *, connect_timeout_s: float = 3.0, total_timeout_s: float = 10.0,
              max_concurrent: int = 4) -> TargetPolicy:
        """`allow`: CIDRs or addresses (`10.1.2.0/24`, `127.0.0.1`) and host names, comma-separated."""
        items = [a.strip() for a in (allow.split(",") if isinstance(allow, str) else allow) if a.strip()]
        nets: list[IpNetwork] = []
        hosts: set[str] = set()
        for item in items:
            try:
                nets.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.lower().rstrip("."))
        return cls(tuple(nets), frozenset(hosts), connect_timeout_s, total_timeout_s, max_concurrent)

    def allowed(self, host: str, ip: IpAddress) -> bool:
        inner = _embedded_v4(ip)
        if host.lower().rstrip(".") in self.allow_hosts:
            return True
        if any(ip in n or (inner is not None and inner in n) for n in self.allow_networks):
            return True
        return is_public(ip)

    def literal_problem(self, url: str) -> str | None:
        """At subscription: the URL's shape, and a literal IP host that can never pass (names resolve later)."""
        problem = url_problem(url)
        if problem:
            return problem
        host = urlsplit(url).hostname or ""
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return None
        return None if self.allowed(host, ip) else f"{NOT_ALLOWED}: {host} (see ASSIGN_WEBHOOK_ALLOW)"

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of `host` to connect to, in order; TargetDenied when any of them is not allowed."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as e:
            raise TargetDenied(NO_ANSWER) from e
        ips = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
        if not ips or not all(self.allowed(host, ip) for ip in ips):
            raise TargetDenied(NOT_ALLOWED)
        return list(dict.fromkeys(str(ip) for ip in ips))

    def post(self, url: str, *, content: bytes, headers: Mapping[str, str]) -> int:
        """POST under the rules above; the receiver's status code. TargetDenied with a generic reason otherwise."""
        problem = url_problem(url)
        if problem:
            raise TargetDenied(NOT_ALLOWED)
        if not self._slots.acquire(timeout=self.total_timeout_s):
            raise TargetDenied("too many deliveries in flight")
        try:
            with httpx.Client(transport=_GuardedTransport(self), trust_env=False, follow_redirects=False,
                              timeout=httpx.Timeout(self.total_timeout_s, connect=self.connect_timeout_s)) as client:
                with client.stream("POST", url, content=content, headers=dict(headers)) as response:
                    return response.status_code  # the body is not read: only the status counts
        except httpx.HTTPError as e:
            raise TargetDenied(NO_ANSWER) from e
        finally:
            self._slots.release()


_POLICIES: dict[tuple[str, float, float, int], TargetPolicy] = {}
_POLICIES_LOCK = threading.Lock()


def target_policy(settings: Settings) -> TargetPolicy:
    """The process's policy for these settings (one per configuration, so the concurrency cap is shared)."""
    key = (settings.webhook_allow, settings.webhook_connect_timeout_s, settings.webhook_total_timeout_s,
           settings.webhook_max_concurrent)
    with _POLICIES_LOCK:
        if key not in _POLICIES:
            _POLICIES[key] = TargetPolicy.parse(key[0], connect_timeout_s=key[1], total_timeout_s=key[2],
                                                max_concurrent=key[3])
        return _POLICIES[key]


class _DeadlineStream(httpcore.NetworkStream):
    """Every read and write shares one deadline: the whole exchange is bounded, not each chunk."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self.inner, self.deadline = inner, deadline

    def _left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the delivery's time is up")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self._left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self._left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: object, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, self._left(timeout)),  # type: ignore[arg-type]  # httpcore's SSLContext
                               self.deadline)

    def get_extra_info(self, info: str) -> object:
        return self.inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, policy: TargetPolicy) -> None:
        self.policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[object] | None = None) -> httpcore.NetworkStream:
        deadline = time.monotonic() + self.policy.total_timeout_s
        failure: Exception | None = None
        for ip in self.policy.resolve(host, port):  # connect to the addresses that were checked
            try:
                stream = super().connect_tcp(ip, port, timeout, local_address, socket_options)  # type: ignore[arg-type]  # passed through as given
            except httpcore.ConnectError as e:
                failure = e
                continue
            return _DeadlineStream(stream, deadline)
        raise failure or httpcore.ConnectError(NO_ANSWER)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a pool whose every connection goes through `_GuardedBackend`; no keep-alive,
    so each request gets a fresh, freshly checked connection with its own deadline."""

    def __init__(self, policy: TargetPolicy) -> None:
        super().__init__(trust_env=False, limits=httpx.Limits(max_keepalive_connections=0))
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), max_keepalive_connections=0,
                                             network_backend=_GuardedBackend(policy))
