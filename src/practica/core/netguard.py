"""Outgoing HTTP that cannot be pointed at the inside: the one guard for webhooks, link previews and
anything else that fetches a URL a user typed.

`fetch(url, ...)` resolves the host, refuses loopback, private, link-local, multicast, reserved,
unspecified and cloud-metadata addresses (IPv4 and IPv6, IPv4-mapped and 6to4/NAT64 forms unwrapped),
then connects to the very address it checked (so a DNS answer that changes between the check and the
connection, "DNS rebinding", changes nothing) while sending the original Host header and, for
HTTPS, the original name for SNI and certificate checks. Redirects are followed by hand, each new
URL checked the same way. An administrator may allow specific host names
(`PRACTICA_NETGUARD_ALLOW_HOSTS`), which skips the address check for those names only.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
MAX_BODY = 64 * 1024
# Metadata services that are not already in a private or link-local range.
METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
}
CARRIER_NAT = ipaddress.ip_network("100.64.0.0/10")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(ValueError):
    """The URL leads somewhere outgoing requests may not go."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str  # the last URL, after redirects


def _unwrap(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 embeds the IPv4 address
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def is_public(ip: IPAddress) -> bool:
    """True for an address on the public internet."""
    inner = _unwrap(ip)
    if ip in METADATA or inner in METADATA:
        return False
    if isinstance(inner, ipaddress.IPv4Address) and inner in CARRIER_NAT:
        return False
    for candidate in {ip, inner}:
        if (
            candidate.is_loopback
            or candidate.is_private
            or candidate.is_link_local
            or candidate.is_multicast
            or candidate.is_reserved
            or candidate.is_unspecified
            or not candidate.is_global
        ):
            return False
    return True


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "PRACTICA_NETGUARD_ALLOW_HOSTS", ())}


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, ip to connect to) for `url`, or BlockedAddress saying why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedAddress("Only http:// and https:// addresses are allowed.")
    host = (parts.hostname or "").lower()
    if not host:
        raise BlockedAddress("The address has no host name.")
    if parts.username or parts.password:
        raise BlockedAddress("Addresses with a user name or password are not allowed.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise BlockedAddress("The port is not valid.") from exc
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedAddress(f"The host {host} could not be found.") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise BlockedAddress(f"The host {host} could not be found.")
    if host not in _allowed_hosts():
        # Every answer must be public: otherwise a later lookup could pick the private one.
        for ip in addresses:
            if not is_public(ip):
                raise BlockedAddress(f"{host} leads to a private or reserved address ({ip}).")
    return host, port, str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Response:
    """Send one request to `url` through the guard, following up to MAX_REDIRECTS redirects (each
    checked). Raises BlockedAddress, or OSError / http.client.HTTPException on network failure."""
    for _ in range(MAX_REDIRECTS + 1):
        host, port, ip = check_url(url)
        parts = urlsplit(url)
        cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        conn = cls(host, port, ip, timeout)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request(method, target, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read(MAX_BODY)
            found = {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()
        if response.status in (301, 302, 303, 307, 308) and "location" in found:
            url = urljoin(url, found["location"])
            if response.status == 303 or (response.status in (301, 302) and method != "GET"):
                method, body = "GET", None
            continue
        return Response(status=response.status, headers=found, body=data, url=url)
    raise BlockedAddress("Too many redirects.")
