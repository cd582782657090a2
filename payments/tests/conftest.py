"""The fake Daraja server and the settings pointing at it."""

import pytest

from payments import daraja

from .fake_daraja import FakeDaraja

SECRET = "Mpesa-callback-secret-0123456789-ABCDEFG"


@pytest.fixture
def daraja_server():
    with FakeDaraja() as server:
        yield server


@pytest.fixture
def mpesa_settings(settings, daraja_server):
    """M-Pesa configured against the fake Daraja; callbacks addressed to the test client's host."""
    settings.MPESA_BASE_URL = daraja_server.base_url
    settings.MPESA_CONSUMER_KEY, settings.MPESA_CONSUMER_SECRET = daraja_server.consumer_key, daraja_server.consumer_secret
    settings.MPESA_SHORTCODE, settings.MPESA_PASSKEY = daraja_server.shortcode, daraja_server.passkey
    settings.MPESA_CALLBACK_BASE_URL = "http://testserver"
    settings.MPESA_CALLBACK_SECRET = SECRET
    settings.MPESA_TIMEOUT = 1.0
    settings.MPESA_QUERY_AFTER_SECONDS = 0
    daraja.forget_tokens()
    yield settings
    daraja.forget_tokens()
