"""Which URLs a webhook may point at, checked when a manager registers one and again at every send.

A webhook makes our server send a request wherever a manager says: without these checks it could be
pointed at the cloud's metadata service (169.254.169.254), the database or Redis on localhost, or a
machine on the shop's network (server-side request forgery). The host is resolved again at send time
and the connection is made to the address that was checked, so a name that resolved to a public
address when it was registered cannot later be re-pointed (DNS rebinding) at a private one.
"""

import ipaddress
import socket
import urllib.parse
from dataclasses import dataclass

from django.conf import settings


class AddressRefused(Exception):
    """The URL or the address its host resolves to is not one we send to; the message says why."""


class AddressUnresolved(AddressRefused):
    """The host name did not resolve now: refused when registering, retried when sending (a DNS
    outage, ours or the receiver's, passes)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (the Host header and the TLS server name)
    port: int
    path: str  # path and query, as sent in the request line
    address: str  # the checked IP address the connection goes to


# IPv6 prefixes that carry an IPv4 address a gateway or relay may forward to: NAT64 (RFC 6052, 8215)
# and the deprecated IPv4-compatible form (::a.b.c.d). is_global says yes to these whatever they carry.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, Teredo's client, NAT64, compatible)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address: where the relay delivers
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone id is not part of the address
    if isinstance(ip, ipaddress.IPv6Address):
        ip = _embedded_ipv4(ip) or ip
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        return not (ip.is_multicast or ip.is_unspecified)
    # is_global is False for private, loopback, link-local, shared (100.64/10), reserved and documentation ranges.
    return ip.is_global and not ip.is_multicast


def url_check(url: str) -> urllib.parse.SplitResult:
    """The URL's parts if a webhook may use it, else AddressRefused. Checks the URL's form only; the
    address its host resolves to is checked by `resolve`."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise AddressRefused("This is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise AddressRefused("Use an https:// URL (http:// or https:// only).")
    if parts.scheme != "https" and settings.WEBHOOKS_REQUIRE_HTTPS:
        raise AddressRefused("Use an https:// URL: deliveries carry the shop's data and are sent over TLS only.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise AddressRefused("Leave user names and passwords out of the URL: every delivery is signed instead.")
    if not parts.hostname:
        raise AddressRefused("The URL has no host name.")
    if port == 0:
        raise AddressRefused("The URL's port is not valid.")
    if parts.fragment:
        raise AddressRefused("Leave the #fragment out of the URL: it is never sent.")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not _address_allowed(str(literal)):
        raise AddressRefused("This address is private, loopback or link-local: deliveries go to public addresses only.")
    return parts


def resolve(url: str) -> Target:
    """Check the URL and resolve its host now: every address it resolves to must be allowed (an
    attacker's name may answer with a public and a private one), and the first is the one used."""
    parts = url_check(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressUnresolved(f"The host name {host!r} does not resolve.") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise AddressUnresolved(f"The host name {host!r} does not resolve.")
    refused = [a for a in addresses if not _address_allowed(a)]
    if refused:
        raise AddressRefused(
            f"The host name {host!r} resolves to a private, loopback or link-local address: "
            "deliveries go to public addresses only."
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])
