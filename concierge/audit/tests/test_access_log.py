"""What staff type into admin searches never reaches an access log (issue 13.8)."""

import logging
import threading
import urllib.request

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

from concierge.accounts.tests.factories import UserFactory

EMAIL = "wanjiru.kamau@example.co.ke"
PHONE = "+254712345678"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def app():
    # Built first: get_wsgi_application() runs django.setup(), which applies LOGGING again and so
    # replaces the access loggers' handlers (our filter, on the logger itself, stays).
    return get_wsgi_application()


@pytest.fixture
def captured(app):
    handlers = {name: _Capture() for name in ("django.server", "gunicorn.access")}
    for name, handler in handlers.items():
        logging.getLogger(name).addHandler(handler)
    yield handlers
    for name, handler in handlers.items():
        logging.getLogger(name).removeHandler(handler)


@pytest.mark.django_db(transaction=True)
def test_runserver_logs_an_admin_search_without_the_email_or_phone_typed(app, captured):
    # The development server itself (runserver's handler and logger), serving the whole app.
    UserFactory(is_superuser=True)
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        for query in (f"q={EMAIL}", f"q={PHONE.replace('+', '%2B')}", f"_changelist_filters=q%3D{EMAIL}"):
            try:
                urllib.request.urlopen(f"{base}/admin/clients/client/?{query}", timeout=10)
            except urllib.error.HTTPError:
                pass
    finally:
        server.shutdown()
        server.server_close()

    lines = captured["django.server"].lines
    searches = [line for line in lines if "GET /admin/clients/client/" in line]
    assert len(searches) == 3 and all("/admin/clients/client/?[query removed] HTTP/1.1" in line for line in searches)
    logged = "\n".join(lines)
    assert "wanjiru" not in logged and "712345678" not in logged


def test_gunicorn_access_log_lines_lose_the_query_string_and_the_referrers_too(captured):
    # gunicorn logs `access_log_format % atoms` on the gunicorn.access logger; these are its atoms.
    atoms = {
        "h": "197.248.1.1", "t": "[03/Dec/2026:16:00:00 +0300]", "s": "200", "b": "5120",
        "r": f"GET /admin/clients/client/?q={EMAIL} HTTP/1.1", "U": "/admin/clients/client/", "q": f"q={EMAIL}",
        "f": f"https://shop.example/admin/clients/client/?q={PHONE}", "a": "Mozilla/5.0",
    }
    logging.getLogger("gunicorn.access").info('%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(q)s', atoms)

    (line,) = captured["gunicorn.access"].lines
    assert EMAIL not in line and PHONE not in line
    assert '"GET /admin/clients/client/?[query removed] HTTP/1.1"' in line
