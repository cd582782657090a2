"""Checks run by `make run` before it migrates and starts web, worker and beat.

    python -m concierge.preflight [--port 8000]

Each problem is reported as one line on stderr saying what is wrong and how to fix it; the exit
status is 1 when any check fails. Never a traceback: a check that crashes is reported as a failure.
`make run` sets DJANGO_SETTINGS_MODULE to concierge.settings.local: importing this package loads the
Celery app, which defaults to production, so the setdefault in main() only helps when nothing did.
"""

import argparse
import errno
import os
import socket
import sys
from urllib.parse import urlsplit, urlunsplit

CONNECT_TIMEOUT = 3  # seconds, for both PostgreSQL and Redis


def one_line(text):
    return " ".join(str(text).split())


def redact(url):
    """The URL without its password."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.rsplit("@", 1)
        userinfo = netloc[0].split(":", 1)[0] + ":***"
        return urlunsplit(parts._replace(netloc=f"{userinfo}@{netloc[1]}"))
    except ValueError:
        return "<unparseable URL>"


def check_settings():
    """Import the settings; returns the settings object or raises a one-line failure."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.DATABASES  # noqa: B018 - forces the settings module to load
        return settings
    except ImproperlyConfigured as exc:
        raise Failure(one_line(exc)) from None
    except Exception as exc:
        module = os.environ.get("DJANGO_SETTINGS_MODULE")
        raise Failure(f"settings {module} failed to load: {type(exc).__name__}: {one_line(exc)}") from None


def _db_location(db):
    host = db.get("HOST") or (db.get("OPTIONS") or {}).get("host") or "localhost (default socket)"
    if str(host).startswith("/"):
        where = f"unix socket in {host}"
    else:
        where = f"{host}:{db.get('PORT') or 5432}"
    return f"{where}, database {db.get('NAME')!r} as user {db.get('USER') or '(default)'!r}"


def check_database(settings):
    import psycopg

    db = settings.DATABASES["default"]
    params = dict(db.get("OPTIONS") or {})
    params.pop("pool", None)
    params.pop("server_side_binding", None)
    params.pop("assume_role", None)
    params.pop("isolation_level", None)
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password"), ("NAME", "dbname")):
        if db.get(key):
            params[name] = str(db[key])
    params["connect_timeout"] = CONNECT_TIMEOUT
    try:
        with psycopg.connect(**params) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        detail = one_line(exc)
        hint = "run `make services` to start the embedded PostgreSQL, or fix DATABASE_URL"
        if "does not exist" in detail and "database" in detail:
            hint = "create that database, or fix the name in DATABASE_URL"
        elif "password authentication failed" in detail or ("role" in detail and "does not exist" in detail):
            hint = "fix the user/password in DATABASE_URL"
        raise Failure(f"PostgreSQL is not reachable ({_db_location(db)}): {detail}; {hint}") from None


def check_redis(settings):
    import redis

    url = settings.REDIS_URL
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        raise Failure(
            f"Redis is not reachable at {redact(url)}: {one_line(exc)}; "
            "run `make services` to start the embedded Redis, or fix REDIS_URL"
        ) from None


def check_port(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # runserver binds with SO_REUSEADDR too, so a socket lingering in TIME_WAIT is not a conflict.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise Failure(
                f"port {port} is already in use; stop the other server or run `make run PORT={port + 1}`"
            ) from None
        if exc.errno == errno.EACCES:
            raise Failure(f"port {port} needs privileges to bind; run `make run PORT=8000`") from None
        raise Failure(f"cannot bind 127.0.0.1:{port} ({one_line(exc)}); try `make run PORT={port + 1}`") from None
    finally:
        sock.close()


class Failure(Exception):
    pass


def run(port):
    failures = []

    def attempt(check, *args):
        try:
            return check(*args)
        except Failure as exc:
            failures.append(str(exc))
        except Exception as exc:  # a bug in a check must still not print a traceback
            failures.append(f"{check.__name__} crashed: {type(exc).__name__}: {one_line(exc)}")
        return None

    settings = attempt(check_settings)
    if settings is not None:
        attempt(check_database, settings)
        attempt(check_redis, settings)
    if port:
        attempt(check_port, port)
    for message in failures:
        print(f"preflight: {message}", file=sys.stderr)
    if not failures:
        print("preflight: settings, PostgreSQL, Redis" + (f" and port {port}" if port else "") + " OK")
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m concierge.preflight", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="TCP port that must be free on 127.0.0.1 (default 8000; 0 skips the check)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings.local")
    # Run from anywhere: the project root must be importable for the settings module.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        return run(args.port)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
