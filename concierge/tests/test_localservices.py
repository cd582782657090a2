"""Which redis-server `make run` / `make test` start: a wheel's, then PATH, or a clear error."""

import os
import stat
import subprocess

import pytest

from concierge import localservices


def _fake_server(path):
    path.write_text("#!/bin/sh\necho fake\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_the_installed_wheel_provides_a_working_redis_server(monkeypatch):
    monkeypatch.delenv(localservices.REDIS_SERVER_ENV, raising=False)
    binary = localservices.redis_server_binary()
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert "Redis server v=" in out.stdout


def test_an_explicit_binary_wins(monkeypatch, tmp_path):
    fake = _fake_server(tmp_path / "my-redis-server")
    monkeypatch.setenv(localservices.REDIS_SERVER_ENV, str(fake))
    assert localservices.redis_server_binary() == fake


def test_an_explicit_path_that_is_not_executable_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv(localservices.REDIS_SERVER_ENV, str(tmp_path / "missing"))
    with pytest.raises(localservices.ServiceError, match="not an executable file"):
        localservices.redis_server_binary()


def test_without_a_wheel_a_server_on_path_is_used(monkeypatch, tmp_path):
    monkeypatch.delenv(localservices.REDIS_SERVER_ENV, raising=False)
    monkeypatch.setattr(localservices, "_wheel_redis_servers", lambda: iter(()))
    fake = _fake_server(tmp_path / "valkey-server")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert localservices.redis_server_binary() == fake


def test_with_no_server_anywhere_the_error_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.delenv(localservices.REDIS_SERVER_ENV, raising=False)
    monkeypatch.setattr(localservices, "_wheel_redis_servers", lambda: iter(()))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(localservices.ServiceError) as raised:
        localservices.redis_server_binary()
    message = str(raised.value)
    assert "REDIS_URL" in message and "apt-get install redis-server" in message
    assert os.linesep not in message
