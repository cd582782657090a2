"""Errors reach Sentry when SENTRY_DSN is set, without personal data (issue 14.5).

A local server stands in for Sentry's envelope endpoint (POST /api/<project>/envelope/); the app runs in
a fresh interpreter, since sentry_sdk.init patches Django for the life of the process."""

import gzip
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
EMAIL, PHONE, TOKEN = "njeri.otieno@example.co.ke", "+254722000111", "Qx7vVbJm3kPp9sT2cL5nR8wY1zA4dF6gH0jK_eU-iOo"

APP = f"""
import sentry_sdk, django
django.setup()
from django.test import Client, override_settings
from django.urls import path
from concierge.observability.sentry import sentry_init

def failing_sign_in(request):
    raise RuntimeError("the sign-in view failed")

urlpatterns = [path("portal/sign-in/", failing_sign_in)]
sentry_init(dsn=__import__("sys").argv[1], environment="test")
with override_settings(ROOT_URLCONF="__main__", ALLOWED_HOSTS=["testserver"]):
    response = Client(raise_request_exception=False).post(
        "/portal/sign-in/?token={TOKEN}", {{"contact": "{EMAIL}", "phone": "{PHONE}"}},
        HTTP_COOKIE="sessionid=abc", HTTP_X_FORWARDED_FOR="41.90.1.2",
    )
assert response.status_code == 500, response.status_code
sentry_sdk.flush(10)
"""


class FakeSentry:
    def __init__(self):
        self.bodies = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding == "br":
                    import brotli

                    body = brotli.decompress(body)
                fake.bodies.append((self.path, body.decode("utf-8", "replace")))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def dsn(self):
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/42"


def test_an_error_reaches_sentry_without_the_requests_email_phone_token_or_cookies(tmp_path):
    sentry = FakeSentry()
    try:
        script = tmp_path / "app.py"
        script.write_text(APP)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "concierge.settings.test", "PYTHONPATH": str(BASE_DIR)}
        result = subprocess.run(
            [sys.executable, str(script), sentry.dsn], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        sentry.server.shutdown()
    sent = "".join(body for _, body in sentry.bodies)
    assert any(path == "/api/42/envelope/" for path, _ in sentry.bodies)
    assert "the sign-in view failed" in sent and "RuntimeError" in sent
    for secret in [EMAIL, PHONE, TOKEN, "sessionid", "41.90.1.2"]:
        assert secret not in sent
