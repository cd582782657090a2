import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from concierge.settings import base

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    "url,expected",
    [
        ("redis://localhost:6379/0", "redis://localhost:6379/0"),
        ("unix:///srv/redis.sock?db=3", "redis+socket:///srv/redis.sock?virtual_host=3"),
        ("unix:///srv/redis.sock", "redis+socket:///srv/redis.sock"),
    ],
)
def test_celery_reads_the_same_redis_database_as_the_cache(url, expected):
    assert base._celery_url(url) == expected


@pytest.mark.parametrize("url", ["mysql://x@y/z", "postgres://", "not a url"])
def test_bad_database_url_is_one_clear_message(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured) as error:
        base._database_config("DATABASE_URL")
    assert "DATABASE_URL" in str(error.value) and "\n" not in str(error.value)


def test_socket_url_reaches_the_socket_directory(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@%2Fsrv%2Fpg/concierge")
    config = base._database_config("DATABASE_URL")
    assert (config["HOST"], config["NAME"], config["USER"]) == ("/srv/pg", "concierge", "postgres")


@pytest.mark.parametrize(
    "redis_url,broker,cache",
    [
        ("redis://r:6379/0", "redis://r:6379/0", "redis://r:6379/1"),
        ("redis://:pw@r:6379/4", "redis://:pw@r:6379/4", "redis://:pw@r:6379/5"),
        ("unix:///srv/redis.sock?db=0", "redis+socket:///srv/redis.sock?virtual_host=0", "unix:///srv/redis.sock?db=1"),
    ],
)
def test_broker_and_cache_default_to_separate_redis_databases(redis_url, broker, cache):
    """A cache eviction policy must never reach queued tasks: by default they share no database."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_BROKER_URL); print(settings.CACHES['default']['LOCATION'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "CACHE_URL")}
    env.update(REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="concierge.settings.local")
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.stdout.split() == [broker, cache], result.stderr


def test_broker_and_cache_can_be_set_apart():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_BROKER_URL); print(settings.CACHES['default']['LOCATION'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "concierge.settings.local",
           "CELERY_BROKER_URL": "redis://broker:6379/0", "CACHE_URL": "redis://cache:6379/0"}
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["redis://broker:6379/0", "redis://cache:6379/0"], result.stderr


def test_a_unix_socket_broker_url_reaches_celery_in_kombus_spelling():
    # Celery reads CELERY_BROKER_URL from the environment itself, over the setting.
    code = "from concierge.celery import app; print(app.connection_for_write().info()['hostname'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "concierge.settings.local", "CELERY_BROKER_URL": "unix:///srv/r.sock?db=4"}
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "redis+socket:///srv/r.sock?virtual_host=4", result.stderr


def test_server_side_cursors_can_be_turned_off_for_pgbouncer(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@pgbouncer:6432/concierge")
    assert base._database_config("DATABASE_URL")["DISABLE_SERVER_SIDE_CURSORS"] is False
    monkeypatch.setenv("DATABASE_DISABLE_SERVER_SIDE_CURSORS", "true")
    assert base._database_config("DATABASE_URL")["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_the_sms_price_per_part_is_a_decimal_amount_in_kes():
    from decimal import Decimal

    assert base._sms_price_per_part("0.80") == Decimal("0.80")
    assert base._sms_price_per_part(" 1.5 ") == Decimal("1.5")
    for wrong in ("80 cents", "-0.10", "NaN", "Infinity", ""):
        with pytest.raises(ImproperlyConfigured, match="SMS_PRICE_PER_PART"):
            base._sms_price_per_part(wrong)
