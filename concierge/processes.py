"""Real processes for integration tests and the benchmarks: a Redis of their own, Celery workers and
beat running against the test database. Nothing here mocks our code; the processes are the product's.

Not test code (bench/ uses it too, and may not import tests), and nothing of a domain: a Redis, a
`celery -A concierge` process, the environment it runs in, and a poll with a deadline."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from concierge.localservices import _ping, redis_server_binary

BASE_DIR = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")


def database_url() -> str:
    """The database this process uses (pytest-django's test_<name>), as a URL for a subprocess."""
    from django.db import connection

    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


class DedicatedRedis:
    """A redis-server on a private unix socket: the test can stop and restart it without touching the
    development Redis. No persistence: stopping it loses what was queued, as a crashed broker would."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="cr-", dir="/tmp"))
        self.socket = self.dir / "r.sock"
        self.process = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=0"

    def start(self) -> "DedicatedRedis":
        self.process = subprocess.Popen(
            [str(redis_server_binary()), "--port", "0", "--unixsocket", str(self.socket),
             "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if _ping(self.socket):
                return self
            time.sleep(0.05)
        raise RuntimeError("dedicated redis-server did not answer")

    def stop(self) -> None:
        """Stop the server (a test may start it again on the same socket)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.socket.unlink(missing_ok=True)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def process_env(*, redis_url: str | None = None, **overrides: object) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "concierge.settings.test",
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update({k: str(v) for k, v in overrides.items()})
    return env


class CeleryProcess:
    """`celery -A concierge worker|beat` as a subprocess; its output goes to a log file for debugging."""

    def __init__(self, kind: str, env: dict[str, str], *extra: str, log_dir: str | Path | None = None):
        self.kind = kind
        self.log = Path(tempfile.mkstemp(prefix=f"celery-{kind}-", suffix=".log", dir=log_dir)[1])
        args = [str(CELERY), "-A", "concierge", kind, "-l", "info"]
        if kind == "worker":
            args += ["--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        else:
            args += ["--schedule", str(self.log.with_suffix(".schedule"))]
        self.process = subprocess.Popen(
            [*args, *extra], cwd=BASE_DIR, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 30) -> "CeleryProcess":
        needle = "ready." if self.kind == "worker" else "beat: Starting"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log.read_text(errors="replace"):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"celery {self.kind} did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        """SIGKILL, no warning: what the OOM killer or a pulled plug does."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def queued_args(server, task):
    """The arguments of each `task` waiting in `server`'s default Celery queue, oldest first: what a
    worker would run, read from Redis itself. Kombu LPUSHes each message onto the list and workers
    BRPOP from its other end; a message's body is base64 of the JSON [args, kwargs, embed]."""
    import base64
    import json

    import redis

    messages = redis.Redis(unix_socket_path=str(server.socket)).lrange("celery", 0, -1)
    found = []
    for raw in reversed(messages):
        message = json.loads(raw)
        if message["headers"]["task"] == task.name:
            found.append(json.loads(base64.b64decode(message["body"]))[0])
    return found
