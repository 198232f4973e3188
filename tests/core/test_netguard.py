"""The address guard refuses the inside: loopback, private, link-local, metadata, IPv6 forms of
them, and redirects that lead there."""

from __future__ import annotations

import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from practica.core import netguard


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8080/hook",
        "http://10.0.0.5/",
        "http://172.16.3.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        "http://localhost/",
        "ftp://example.com/",
        "http://user:pass@example.com/",
    ],
)
def test_the_guard_refuses_the_inside(url, settings):
    settings.PRACTICA_NETGUARD_ALLOW_HOSTS = []
    with pytest.raises(netguard.BlockedAddress):
        netguard.check_url(url)


def test_public_addresses_pass_and_ipv6_wrappers_are_unwrapped():
    assert netguard.is_public(ipaddress.ip_address("93.184.216.34"))
    assert netguard.is_public(ipaddress.ip_address("2606:2800:220:1:248:1893:25c8:1946"))
    assert not netguard.is_public(ipaddress.ip_address("::ffff:10.0.0.1"))
    assert not netguard.is_public(ipaddress.ip_address("2002:0a00:0001::1"))  # 6to4 of 10.0.0.1
    assert not netguard.is_public(ipaddress.ip_address("64:ff9b::a9fe:a9fe"))  # NAT64 metadata


class _Redirect(BaseHTTPRequestHandler):
    def do_POST(self):
        self.send_response(307)
        self.send_header("Location", "http://10.0.0.1/internal")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_to_a_private_address_is_refused(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.PRACTICA_NETGUARD_ALLOW_HOSTS = ["127.0.0.1"]  # the first hop only
        with pytest.raises(netguard.BlockedAddress, match=r"10\.0\.0\.1"):
            netguard.fetch(f"http://127.0.0.1:{server.server_port}/hook", method="POST", body=b"{}")
    finally:
        server.shutdown()
        server.server_close()


def test_the_allow_list_lets_an_administrator_reach_one_host(settings):
    settings.PRACTICA_NETGUARD_ALLOW_HOSTS = ["127.0.0.1"]
    assert netguard.check_url("http://127.0.0.1:9/")[2] == "127.0.0.1"
    with pytest.raises(netguard.BlockedAddress):
        netguard.check_url("http://10.0.0.1/")
