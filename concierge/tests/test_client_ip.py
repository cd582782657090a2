"""concierge.client_ip: the client's address, directly and through the shop's trusted proxies."""

import pytest
from django.test import RequestFactory, override_settings

from concierge.client_ip import client_ip, client_network

PROXY = "10.0.0.5"


def _request(remote, forwarded=None, header="HTTP_X_FORWARDED_FOR"):
    extra = {header: forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_direct_client_is_its_remote_addr_and_its_forged_header_is_ignored():
    # Not one of our proxies: whatever it wrote in X-Forwarded-For is its own claim.
    assert client_ip(_request("198.51.100.7", "203.0.113.9, 10.0.0.5")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_appended():
    assert client_ip(_request(PROXY, "203.0.113.9")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_forged_left_part_of_the_header_does_not_choose_the_address():
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended what it saw.
    assert client_ip(_request(PROXY, "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24", "192.0.2.10"])
def test_a_chain_of_trusted_proxies_is_skipped_from_the_right():
    assert client_ip(_request(PROXY, "1.2.3.4, 203.0.113.9, 192.0.2.10, 10.0.0.7")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_trusted_proxy_without_the_header_counts_as_the_client():
    assert client_ip(_request(PROXY)) == PROXY


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
def test_garbage_in_the_header_stops_the_walk_at_the_last_trusted_hop():
    assert client_ip(_request(PROXY, "203.0.113.9, not-an-address")) == PROXY


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"], CLIENT_IP_HEADER="X-Real-IP")
def test_the_header_is_a_setting():
    assert client_ip(_request(PROXY, "203.0.113.9", header="HTTP_X_REAL_IP")) == "203.0.113.9"
    assert client_ip(_request(PROXY, "203.0.113.9")) == PROXY  # X-Forwarded-For no longer read


@override_settings(TRUSTED_PROXIES=["::1", "fd00::/8"])
def test_ipv6_proxies_and_clients_and_ports():
    assert client_ip(_request("::1", "[2001:db8::7]:443")) == "2001:db8::7"
    assert client_ip(_request("::1", "203.0.113.9:5555")) == "203.0.113.9"
    assert client_ip(_request("::ffff:198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize("remote", ["", "unix-socket"])
def test_no_usable_remote_addr_gives_none(remote):
    assert client_ip(_request(remote)) is None


@override_settings(TRUSTED_PROXIES=[])
@pytest.mark.parametrize(("remote", "network"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
])
def test_rate_limits_count_an_ipv6_client_by_its_64(remote, network):
    assert client_network(_request(remote)) == network
