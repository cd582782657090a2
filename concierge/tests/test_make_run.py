"""`make run` from end to end, as a developer types it: preflight, migrate, demo data, superuser, then
web, worker and beat under the local settings, answering on the port asked for. Against a database and
Redis databases of its own on the embedded servers, so the developer's own data is left alone."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import environ

from concierge.serve import database_url_named, maintenance_connection
from concierge.settings.base import _redis_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATABASE = "concierge_run_test"
REDIS_DB = 10  # the broker's; the cache uses 11


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _owner_url():
    environ.Env.read_env(BASE_DIR / "var" / "local.env")
    return os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]


def _database(action):
    connection, _ = maintenance_connection(database_url_named(_owner_url(), DATABASE))
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if action == "create":
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_make_run_serves_the_admin_with_the_local_settings_on_the_port_asked_for(tmp_path):
    _database("create")
    local_env = (BASE_DIR / "var" / "local.env").read_text()
    port = _free_port()
    log = tmp_path / "run.log"
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    redis_url = os.environ["REDIS_URL"]
    environment.update(
        DATABASE_URL=database_url_named(os.environ["DATABASE_URL"], DATABASE),
        DATABASE_OWNER_URL=database_url_named(_owner_url(), DATABASE),
        CELERY_BROKER_URL=_redis_db(redis_url, REDIS_DB), CACHE_URL=_redis_db(redis_url, REDIS_DB + 1),
    )
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"], cwd=BASE_DIR, env=environment,
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300  # a new database: every migration and the demo shop first
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, page = _get(f"http://127.0.0.1:{port}/admin/login/")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        output = log.read_text(errors="replace")
        assert status == 200, f"make run did not come up:\n{output[-4000:]}"
        assert 'name="username"' in page and 'name="password"' in page
        assert "Staff superuser:" in output  # the printed demo sign-in
        # Development, not production: a missing page is Django's debug 404, which names the URLconf.
        missing_status, missing = _get(f"http://127.0.0.1:{port}/no-such-page/")
        assert missing_status == 404 and "URLconf" in missing
        # The developer's own set-up is as it was: both roles still recorded for the embedded server.
        assert (BASE_DIR / "var" / "local.env").read_text() == local_env
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: honcho stops web, worker and beat
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        _database("drop")

