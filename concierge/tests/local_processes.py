"""For tests that start the product as a user would (`make run`, `make serve`) in a subprocess: a free
loopback port, and a database of the test's own on the embedded server, made and dropped by the owner role."""

import os
import signal
import socket
import subprocess
from pathlib import Path

import environ

from concierge.serve import database_url_named, maintenance_connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_url(name: str, *, owner: bool = True) -> str:
    """The URL of database `name` on the embedded server, as the owner role (who may create and drop
    it) or as the application role."""
    environ.Env.read_env(BASE_DIR / "var" / "local.env")
    url = (os.environ.get("DATABASE_OWNER_URL") if owner else None) or os.environ["DATABASE_URL"]
    return database_url_named(url, name)


def database_drop(name: str) -> None:
    connection, _ = maintenance_connection(server_url(name))
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def process_group_stop(process) -> None:
    """What Ctrl-C does to `make run` / `make serve` (started with start_new_session=True): honcho stops
    web, worker and beat; killed outright if they are not gone within a minute."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
