"""Bodies that outside callers POST (payment and SMS gateways' callbacks), read so that what we keep
is storable in PostgreSQL whatever arrived. `jsonb` and `text` refuse the NUL character (U+0000) and
lone UTF-16 surrogates (JSON's "\\ud800" reads as one; UTF-8 cannot carry it); `jsonb` refuses NaN and
Infinity (Python's json reads `NaN`, `Infinity` and `1e400` as floats); a deeply nested body makes the
parser recurse. `loads_storable` refuses all of these as ValueError, so that a caller keeps the body as
text instead (`storable_text`) and never fails half-way through a write."""

import json
import math
import re
from typing import Any

NUL = "\x00"
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
SURROGATE = re.compile("[\ud800-\udfff]")
# As PostgreSQL's own escape would show it: staff reading a kept body see where a NUL was.
NUL_SHOWN = "\\u0000"
MAX_DEPTH = 32


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _check(value: Any, unstorable: re.Pattern[str]) -> None:
    """No NUL or lone surrogate in any string or key, and no deeper than MAX_DEPTH (iterative: no
    recursion to exhaust)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if unstorable.search(item):
                raise ValueError("NUL character or lone surrogate")
        elif isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                raise ValueError("nested too deeply")
            if isinstance(item, dict):
                stack.extend((key, depth + 1) for key in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)


def loads_storable(raw: bytes | str, *, nul_allowed: bool = False) -> Any:
    """The JSON value of `raw`, or ValueError when it is not JSON or PostgreSQL could not store it.
    `nul_allowed`: NULs are left to the caller (forms refuse them field by field, a clearer answer)."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    # json.loads raises ValueError (JSONDecodeError, UnicodeDecodeError, and an integer of more
    # digits than sys.get_int_max_str_digits allows) for the rest.
    _check(value, SURROGATE if nul_allowed else UNSTORABLE)
    return value


def storable_text(raw: bytes | str, *, limit: int = 4096) -> str:
    """`raw` as text to keep: at most `limit` bytes of it read as UTF-8 (bad bytes and lone surrogates
    replaced), NULs shown as `\\u0000`."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    return raw[:limit].decode("utf-8", "replace").replace(NUL, NUL_SHOWN)


def storable(value: str) -> str:
    """A string from a request (a path, a form field) as PostgreSQL can store it: NULs shown as
    `\\u0000`, lone surrogates as U+FFFD."""
    if not UNSTORABLE.search(value):
        return value
    return storable_text(value, limit=len(value) * 4)

