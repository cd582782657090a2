"""The browsable docs in a real Chromium, under the app's Content-Security-Policy: the operations render
from the app's own static files, and the page asks nothing of any other host."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_render_every_operation_from_local_files_only(page, live_server):
    local = urlsplit(live_server.url).netloc
    elsewhere, refused = [], []
    page.on("request", lambda request: urlsplit(request.url).netloc not in (local, "")
            and not request.url.startswith("data:") and elsewhere.append(request.url))
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response.status == 200
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() >= 20
    assert elsewhere == []
    assert refused == [], refused
