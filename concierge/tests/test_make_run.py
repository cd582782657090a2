"""`make run` from end to end, as a developer types it: preflight, migrate, demo data, superuser, then
web, worker and beat under the local settings, answering on the port asked for. Against a database and
Redis databases of its own on the embedded servers, so the developer's own data is left alone."""

import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


from concierge.serve import database_create
from concierge.settings.base import _redis_db
from concierge.tests.local_processes import database_drop, free_port, process_group_stop, server_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATABASE = "concierge_run_test"
REDIS_DB = 10  # the broker's; the cache uses 11


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_make_run_serves_the_admin_with_the_local_settings_on_the_port_asked_for(tmp_path):
    database_drop(DATABASE)
    database_create(server_url(DATABASE))
    local_env = (BASE_DIR / "var" / "local.env").read_text()
    port = free_port()
    log = tmp_path / "run.log"
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    redis_url = os.environ["REDIS_URL"]
    environment.update(
        DATABASE_URL=server_url(DATABASE, owner=False), DATABASE_OWNER_URL=server_url(DATABASE),
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
        process_group_stop(process)
        database_drop(DATABASE)

