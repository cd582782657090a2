"""Error reports to Sentry when SENTRY_DSN is set, without personal data.

send_default_pii=False keeps out cookies, user details and IP addresses, but the Django integration
still attaches request bodies and query strings, and a portal sign-in's body is an email address or a
phone number. So `scrub` drops those, and redacts messages and breadcrumbs as the logs are (redact.py).
"""

from typing import TYPE_CHECKING, Any, cast

from .redact import redact

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

_KEEP_HEADERS = {"user-agent", "content-type", "content-length", "x-request-id", "host", "accept-language"}


def _redact_strings(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_strings(v) for v in value]
    return value


def scrub(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "query_string", "cookies", "env"):
            request.pop(key, None)
        if isinstance(request.get("url"), str):
            request["url"] = redact(request["url"])
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in _KEEP_HEADERS}
    event.pop("user", None)
    for key in ("message", "logentry", "exception", "breadcrumbs", "extra", "tags", "transaction"):
        if key in event:
            event[key] = _redact_strings(event[key])
    return event


def _scrub_event(event: "Event", hint: "Hint") -> "Event":
    # Sentry's Event is a TypedDict, at run time the plain dict `scrub` edits in place (keys by name).
    return cast("Event", scrub(cast(dict, event), hint))


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,  # frames' locals hold addresses and tokens
        before_send=_scrub_event,
        before_send_transaction=_scrub_event,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
