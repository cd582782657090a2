"""Fixed-window counters in the shared cache (Redis): cache.add starts a window, cache.incr is atomic.

Keys carry a hash of the address, never the address itself: no personal data sits in Redis.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope, value):
    digest = hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()[:32]
    return f"portal:signin:{scope}:{digest}"


def _hit(key, limit, window_seconds):
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr: start a new one
        cache.add(key, 0, timeout=window_seconds)
        count = cache.incr(key)
    return count <= limit


def sign_in_request_allowed(*, address, ip):
    """Count one sign-in request against both the typed address and the client IP."""
    window = settings.PORTAL_SIGN_IN_LIMIT_WINDOW_MINUTES * 60
    by_ip = _hit(_key("ip", ip or "unknown"), settings.PORTAL_SIGN_IN_LIMIT_PER_IP, window)
    by_address = _hit(_key("address", address), settings.PORTAL_SIGN_IN_LIMIT_PER_ADDRESS, window)
    return by_ip and by_address
