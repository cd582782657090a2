"""Requests per key per window, counted in Redis (the cache): a fixed window, so a count is one
atomic INCR and the key expires with its window. settings.API_RATE_LIMIT, e.g. "120/min"."""

import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """"120/min" -> (120, 60); "1000/5m" -> (1000, 300). Refuses anything else, naming the setting."""
    match = RATE.match(rate.lower())
    if not match or match.group(3) not in UNITS or int(match.group(1)) < 1:
        raise ImproperlyConfigured(f"API_RATE_LIMIT must look like 120/min or 1000/hour (got {rate!r})")
    return int(match.group(1)), int(match.group(2) or 1) * UNITS[match.group(3)]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window ends


def rate_limit_hit(key_id: object, *, now: float | None = None) -> Verdict:
    limit, window = parse_rate(settings.API_RATE_LIMIT)
    now = time.time() if now is None else now
    start = int(now // window) * window
    counter = f"api-rate:{key_id}:{window}:{start}"
    cache.add(counter, 0, timeout=window + 5)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between the two calls: this request opens the window again
        cache.set(counter, 1, timeout=window + 5)
        count = 1
    retry_after = max(1, math.ceil(start + window - now))
    return Verdict(allowed=count <= limit, limit=limit, remaining=max(0, limit - count), retry_after=retry_after)
