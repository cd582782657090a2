"""Keeps personal data and link tokens out of the logs, whatever logged them.

Our own code logs ids, not addresses; this filter is the net under everything else (Django's
"Gone: /portal/sign-in/<token>/" warnings, a library's exception text naming a phone number).
It rewrites the formatted message and the traceback text of each record before any handler
writes it.
"""

import logging
import re

# Email addresses, name@domain.tld, as `[\w.+-]+@[\w-]+(?:\.[\w-]+)+` would find them. That regex is
# quadratic: where no "@" follows, it tries a start at every character of a long word and runs to its
# end each time (an 8 KB Host header took 0.4 s; a 100 KB query string in django.request's
# "Bad Request" line, minutes). Here each "@" is found once with the run of name characters before it
# (only from a run's first character: the lookbehind, and a possessive run that never backtracks), the
# domain is read forwards from the "@", and the same addresses are replaced: linear in the text.
_NAME_THEN_AT = re.compile(r"(?<![\w.+-])[\w.+-]*+@")
_DOMAIN = re.compile(r"[\w-]++(?:\.[\w-]++)+")


def _redact_emails(text: str) -> str:
    parts, done = [], 0
    for found in _NAME_THEN_AT.finditer(text):
        at = found.end() - 1
        domain = _DOMAIN.match(text, at + 1)
        # A name run may begin inside the address just replaced ("a@b.c+x@d.ef"): its rest is the name.
        start = max(found.start(), done)
        if domain is None or start == at:
            continue
        parts += [text[done:start], "[email]"]
        done = domain.end()
    parts.append(text[done:])
    return "".join(parts)


PATTERNS = [
    # Phone numbers: E.164 (+254712345678) and national (0712345678, 0712 345 678).
    (re.compile(r"\+\d{7,15}\b|(?<![\w-])0[17]\d{2}[ -]?\d{3}[ -]?\d{3}\b"), "[phone]"),
    # Link tokens (secrets.token_urlsafe(32) is 43 characters) and anything as long and random-looking:
    # 32+ URL-safe characters with a capital or a digit, except a UUID (row and task ids stay readable).
    (re.compile(
        r"(?<![\w-])(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-]))"
        r"(?=[\w-]*[A-Z0-9])[A-Za-z0-9_-]{32,}(?![\w-])"
    ), "[token]"),
    # The short status links' tokens (22 characters, too short for the rule above), found by their path.
    (re.compile(r"(?<=/s/)[A-Za-z0-9_-]{16,}"), "[token]"),
]


def redact(text: str) -> str:
    text = _redact_emails(text)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# What every LogRecord has; anything else was passed as `extra` (Django's django.request passes the
# request object, whose repr holds the path) and is written by the JSON formatter.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class RedactFilter(logging.Filter):
    _formatter = logging.Formatter()

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw template, never the arguments
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
            record.exc_info = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and not isinstance(value, (int, float, bool, type(None))):
                setattr(record, key, redact(str(value)))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
