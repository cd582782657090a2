"""`make serve` (issue 14.2): the production settings under gunicorn, a worker and one beat, started as
`make serve` starts them (python -m concierge.serve), on a free loopback port, a database of its own on
the embedded server and Redis databases of its own. Checked over real HTTP from outside."""

import gzip
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from concierge.tests.local_processes import database_drop, free_port, process_group_stop

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATABASE = "concierge_serve_test"
REDIS_DB = 12  # the broker's; the cache uses 13


class Served:
    def __init__(self, port, state, log):
        self.origin, self.state, self.log = f"http://127.0.0.1:{port}", state, log

    def get(self, path, headers=None):
        """(status, headers, body) of a GET, without following redirects."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args):
                return None

        request = urllib.request.Request(self.origin + path, headers=headers or {})
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def output(self):
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    state = tmp_path_factory.mktemp("serve")
    port = free_port()
    log = state / "serve.log"
    database_drop(DATABASE)
    # Neither pytest-django's settings module nor conftest's async switch (check --deploy rightly refuses it).
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    process = subprocess.Popen(
        [sys.executable, "-m", "concierge.serve", "--port", str(port), "--database", DATABASE,
         "--redis-db", str(REDIS_DB), "--state-dir", str(state), "--env-file", str(state / "serve.env"),
         "--web-workers", "1"],
        cwd=BASE_DIR, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    server = Served(port, state, log)
    try:
        deadline = time.monotonic() + 300  # a fresh database: every migration runs first
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if server.get("/health/web/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            pytest.fail(f"make serve did not come up:\n{server.output()[-4000:]}")
        server.process = process
        yield server
    finally:
        process_group_stop(process)
        database_drop(DATABASE)


def _static_links(html):
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_admin_login_page_and_its_css_are_served(served):
    status, _, body = served.get("/admin/login/")
    assert status == 200 and b'name="password"' in body
    css = [link for link in _static_links(body.decode()) if link.startswith("/static/admin/css/base.")]
    # A hashed name (base.<hash>.css), served by the app with a year of caching and gzip on request.
    assert css and re.fullmatch(r"/static/admin/css/base\.[0-9a-f]{12}\.css", css[0])
    status, headers, _ = served.get(css[0], {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == "gzip" and "max-age=315360000" in headers["Cache-Control"]


def test_a_report_pages_chart_js_is_served(served):
    # The name the report pages ask for, through the manifest collectstatic wrote (a signed-in manager's
    # page renders {% static %} from the same manifest).
    name = re.search(r"\{% static '([^']*chart[^']*\.js)' %\}", (BASE_DIR / "templates/reports/page.html").read_text())[1]
    hashed = json.loads((served.state / "static" / "staticfiles.json").read_text())["paths"][name]
    status, headers, body = served.get(f"/static/{hashed}", {"Accept-Encoding": "gzip"})
    assert status == 200 and "javascript" in headers["Content-Type"]
    assert b"Chart" in gzip.decompress(body)
    # The report page itself is there, behind the staff login.
    status, headers, _ = served.get("/reports/")
    assert status == 302 and "/admin/login/" in headers["Location"]


def test_portal_sign_in_page_and_its_css_are_served(served):
    status, _, body = served.get("/portal/sign-in/")
    assert status == 200 and b'name="contact"' in body
    css = [link for link in _static_links(body.decode()) if link.endswith(".css")]
    assert css and served.get(css[0])[0] == 200


def test_a_404_is_the_plain_page_not_debugs(served):
    status, _, body = served.get("/no-such-page/")
    assert status == 404
    assert b"DEBUG = True" not in body and b"URLconf" not in body and b"Traceback" not in body


def test_worker_and_exactly_one_beat_run(served):
    deadline = time.monotonic() + 120  # beat's first heartbeat comes HEALTH_HEARTBEAT_INTERVAL after it starts
    while served.get("/health/")[0] != 200 and time.monotonic() < deadline:
        time.sleep(2)
    assert json.loads(served.get("/health/")[2])["checks"]["worker"] == "ok"
    beats = [
        pid for pid in os.listdir("/proc") if pid.isdigit()
        and _cmdline(pid).count(" beat ") and str(served.state) in _cmdline(pid) and "celery" in _cmdline(pid)
    ]
    assert len([pid for pid in beats if not _cmdline(pid).startswith("/bin/sh")]) == 1


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_check_deploy_is_clean_under_the_production_settings(served):
    """The same keys and hosts as the served instance, without the loopback switch: what a real
    deployment behind TLS gets. Nothing to report (the HSTS-preload reminder is silenced by design)."""
    secrets = dict(line.split("=", 1) for line in (served.state / "serve.env").read_text().splitlines() if "=" in line)
    environment = {k: v for k, v in os.environ.items() if k not in ("SERVE_LOOPBACK_HTTP", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(secrets, DJANGO_SETTINGS_MODULE="concierge.settings.production", ALLOWED_HOSTS="shop.example",
                       PORTAL_BASE_URL="https://shop.example")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout
    # make serve ran the same check, with its loopback switch, before starting (and would have refused).
    assert "System check identified no issues (2 silenced)." in served.output()


def test_the_throwaway_keys_are_private_and_generated_once(served):
    env_file = served.state / "serve.env"
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    assert "dev-only" not in env_file.read_text()
