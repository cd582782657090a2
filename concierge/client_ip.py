"""The address of the client who sent a request, as seen through the shop's own reverse proxies.

Behind a proxy REMOTE_ADDR is the proxy, so every phone would share one rate limit and one lockout.
The proxy appends the address it saw to a header (X-Forwarded-For by default); anything to the left
of that was written by whoever sent the request and can be forged. So the header is read only when
REMOTE_ADDR is one of TRUSTED_PROXIES, and from the right: the first address that is not one of our
proxies is the client. With no trusted proxies (the default) the header is ignored altogether.

One helper for every limit keyed on the client: the portal's sign-in limit and django-axes
(AXES_CLIENT_IP_CALLABLE) both call `client_ip`.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows as ::ffff:a.b.c.d: one client, one key.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def header_meta_key(header: str) -> str:
    """X-Forwarded-For -> HTTP_X_FORWARDED_FOR, the key WSGI gives it in request.META."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy, in which case the right-most
    address of CLIENT_IP_HEADER that is not a trusted proxy. None when REMOTE_ADDR is missing."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    hops = [part for part in request.META.get(header_meta_key(settings.CLIENT_IP_HEADER), "").split(",") if part.strip()]
    nearest = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Our own proxy would not have written garbage: it came from the sender, so stop at the
            # last address a trusted hop vouched for.
            break
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    # Every hop was one of ours (or the header was missing): the farthest proxy we trust is all we know.
    return str(nearest)


# One subscriber's IPv6 connection is usually a whole /64 (RFC 6177): keyed by address, each request
# from a new address in it would start a fresh count.
IPV6_LIMIT_PREFIX = 64


def client_network(request) -> str | None:
    """What a per-client rate limit counts against: the client's IPv4 address, or the /64 its IPv6
    address is in. None when the address is unknown."""
    address = client_ip(request)
    if address is None or ":" not in address:
        return address
    return str(ipaddress.ip_network(f"{address}/{IPV6_LIMIT_PREFIX}", strict=False))
