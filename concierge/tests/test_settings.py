import pytest
from django.core.exceptions import ImproperlyConfigured

from concierge.settings import base


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
