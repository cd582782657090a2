"""`make serve`: the production settings on this machine, for a try-out before deploying.

    python -m concierge.serve [--port 8000]

gunicorn, one Celery worker and exactly one beat, run with concierge.settings.production against the
embedded PostgreSQL and Redis (or DATABASE_URL / REDIS_URL), listening on 127.0.0.1 only. It uses its
own database (`concierge_serve`) and its own Redis databases, because it encrypts with its own keys:
the development database's rows are encrypted with the development keys.

Those keys are throwaway: generated once into var/serve.env (git-ignored, mode 0600) and never fit
for real data. Plain HTTP is allowed only because SERVE_LOOPBACK_HTTP=true, which the production
settings accept only with loopback host names. Before starting, it migrates, collects the static
files (hashed and compressed, served by whitenoise), makes sure a superuser exists, and runs
`check --deploy`, refusing to start when it reports anything.
"""

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK_HOSTS = "127.0.0.1,localhost"


def say(message):
    print(f"serve: {message}", flush=True)


def throwaway_secrets(path: Path) -> dict:
    """The keys of var/serve.env, written the first time with fresh random values."""
    if not path.exists():
        from cryptography.fernet import Fernet

        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            "# Throwaway keys for `make serve` on this machine only; never for real client data.",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}",
            f"FIELD_HASH_KEY={secrets.token_urlsafe(48)}",
        ]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write("\n".join(lines) + "\n")
        say(f"wrote throwaway keys to {path}")
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def database_url_named(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rsplit("/", 1)[0] + "/" + name))


def maintenance_connection(url: str):
    """A connection to the `postgres` database of the server `url` names, and the name `url` names."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    # libpq's URL form for a unix socket percent-encodes the directory in the host part.
    connect = {"dbname": "postgres", "user": config["USER"], "password": config["PASSWORD"],
               "host": unquote(config["HOST"] or ""), "port": config["PORT"]}
    return psycopg.connect(**{k: v for k, v in connect.items() if v}, autocommit=True), config["NAME"]


def database_create(url: str) -> None:
    connection, name = maintenance_connection(url)
    with connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            say(f"created database {name}")


def serve_environment(*, port: int, database: str, redis_db: int, state_dir: Path, env_file: Path) -> dict:
    import environ

    # Same sources as the settings: the environment, then .env, then the embedded servers' file.
    environ.Env.read_env(BASE_DIR / ".env")
    environ.Env.read_env(BASE_DIR / "var" / "local.env")
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"serve: {name} is not set; run `make services` first")
    from concierge.settings.base import _redis_db

    redis_url = os.environ["REDIS_URL"]
    owner = {}
    if os.environ.get("DATABASE_OWNER_URL"):
        # Two roles (docs/audit-and-privacy.md): the owner creates and migrates the database, the
        # application role serves it.
        owner["DATABASE_OWNER_URL"] = database_url_named(os.environ["DATABASE_OWNER_URL"], database)
    return {
        **os.environ,
        **throwaway_secrets(env_file),
        "DJANGO_SETTINGS_MODULE": "concierge.settings.production",
        "SERVE_LOOPBACK_HTTP": "true",
        "ALLOWED_HOSTS": LOOPBACK_HOSTS,
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url_named(os.environ["DATABASE_URL"], database),
        **owner,
        "CELERY_BROKER_URL": _redis_db(redis_url, redis_db),
        "CACHE_URL": _redis_db(redis_url, redis_db + 1),
        "STATIC_ROOT": str(state_dir / "static"),
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict, *args: str) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env)
    if result.returncode:
        sys.exit(f"serve: manage.py {' '.join(args)} failed (exit {result.returncode})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--database", default="concierge_serve", help="database name on the same server")
    parser.add_argument("--redis-db", type=int, default=2, help="broker's Redis database; the cache uses the next")
    parser.add_argument("--state-dir", type=Path, default=BASE_DIR / "var" / "serve", help="static files, beat schedule")
    parser.add_argument("--env-file", type=Path, default=BASE_DIR / "var" / "serve.env", help="throwaway keys")
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args(argv)

    env = serve_environment(
        port=args.port, database=args.database, redis_db=args.redis_db, state_dir=args.state_dir, env_file=args.env_file,
    )
    args.state_dir.mkdir(parents=True, exist_ok=True)
    database_create(env.get("DATABASE_OWNER_URL") or env["DATABASE_URL"])
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "ensure_superuser")
    manage(env, "check", "--deploy", "--fail-level", "WARNING")

    from honcho.manager import Manager

    manager = Manager()
    manager.add_process("web", " ".join([
        str(BIN / "gunicorn"), "concierge.wsgi", "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.web_workers), "--timeout", "30", "--graceful-timeout", "10",
        # No access log of gunicorn's own: it writes paths, and portal paths carry link tokens. The app
        # logs one line per request with the route instead (concierge.access).
        "--error-logfile", "-", "--no-control-socket",
    ]), env=env, cwd=str(BASE_DIR))
    manager.add_process("worker", f"{BIN / 'celery'} -A concierge worker -l info --concurrency 2", env=env, cwd=str(BASE_DIR))
    # Exactly one beat: two would send every scheduled task twice (docs/deploying.md).
    manager.add_process(
        "beat", f"{BIN / 'celery'} -A concierge beat -l info --schedule {args.state_dir / 'celerybeat-schedule'}",
        env=env, cwd=str(BASE_DIR),
    )
    say(f"production settings on http://127.0.0.1:{args.port}/admin/ (loopback only); Ctrl-C stops web, worker and beat")
    manager.loop()
    sys.exit(manager.returncode)


if __name__ == "__main__":
    main()
