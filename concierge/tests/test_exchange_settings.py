"""Settings that would let a sweep take a worker still inside its exchanges for a lost one (and mark
its row uncertain under it) are refused at start-up."""

import subprocess
import sys

import pytest

from concierge.processes import BASE_DIR


@pytest.mark.parametrize("env, message", [
    ({"ETIMS_TIMEOUT": "100", "ETIMS_CLAIM_TIMEOUT_SECONDS": "300"},
     "ETIMS_CLAIM_TIMEOUT_SECONDS must exceed 4 x ETIMS_TIMEOUT"),
    ({"MPESA_TIMEOUT": "40", "MPESA_QUERY_AFTER_SECONDS": "120"},
     "MPESA_QUERY_AFTER_SECONDS must exceed 4 x MPESA_TIMEOUT"),
])
def test_a_claim_timeout_shorter_than_the_exchanges_it_covers_is_refused(env, message):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=BASE_DIR, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "concierge.settings.test",
             "DATABASE_URL": "postgres://x@localhost/x", "REDIS_URL": "redis://localhost:6379/0", **env},
    )
    assert result.returncode != 0 and message in result.stderr
