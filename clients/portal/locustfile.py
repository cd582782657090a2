"""Load run: phone users browsing the portal on the demo data (docs/portal.md, "Load run").

    .venv/bin/pip install locust==2.47.0        # a one-off tool, not a dependency of the app
    .venv/bin/python manage.py seed_demo
    PORT=8107 DEBUG=false .venv/bin/python manage.py runserver 127.0.0.1:8107 --noreload &
    .venv/bin/locust -f clients/portal/locustfile.py --headless -u 50 -r 10 -t 2m \
        --host http://127.0.0.1:8107 --csv var/portal-load

Before the users start, one sign-in link per simulated user is minted for a demo client with a
vehicle (straight through clients.portal.tokens, since no SMS reaches a load generator); each user
then signs in through the real confirm page and browses: my vehicles, a vehicle, a service, the inbox.
Loopback only: the host must be 127.0.0.1 or localhost.
"""

import os
import random
import re
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

USERS_TOKENS: list[str] = []
VEHICLE = re.compile(r'href="(/portal/vehicles/[0-9a-f-]{36}/)"')
SERVICE = re.compile(r'href="(/portal/services/[0-9a-f-]{36}/)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.init.add_listener
def mint_sign_in_links(environment, **kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"refusing to load-test {host!r}: loopback only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings.local")
    import django

    django.setup()
    from clients.models import Client
    from clients.portal.tokens import sign_in_token_issue

    owners = list(Client.objects.filter(vehicles__isnull=False).distinct().order_by("?")[:200])
    if not owners:
        raise SystemExit("no demo clients with vehicles: run `manage.py seed_demo` first")
    USERS_TOKENS.extend(sign_in_token_issue(client=random.choice(owners)) for _ in range(500))


class PhoneUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        url = f"/portal/sign-in/{USERS_TOKENS.pop()}/"
        page = self.client.get(url, name="/portal/sign-in/[token]/")
        match = CSRF.search(page.text)
        if match is None:  # a sign-in page without its form: nothing to post
            raise RuntimeError(f"no CSRF token on {url} (status {page.status_code})")
        csrf = match[1]
        with self.client.post(url, data={"csrfmiddlewaretoken": csrf}, headers={"Referer": self.host + url},
                              name="/portal/sign-in/[token]/ (POST)", catch_response=True) as response:
            if urlsplit(response.url).path != "/portal/":
                response.failure(f"sign-in ended at {response.url}")
        self.vehicles, self.services = [], []

    def _get(self, path, name):
        """A page that must render for the signed-in client: a bounce to sign-in counts as an error."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if "/sign-in/" in urlsplit(response.url).path:
                response.failure("signed out")
            return response

    @task(4)
    def my_vehicles(self):
        page = self._get("/portal/", "/portal/")
        self.vehicles = VEHICLE.findall(page.text) or self.vehicles

    @task(3)
    def a_vehicle(self):
        if self.vehicles:
            page = self._get(random.choice(self.vehicles), "/portal/vehicles/[id]/")
            self.services = SERVICE.findall(page.text) or self.services

    @task(3)
    def a_service(self):
        if self.services:
            self._get(random.choice(self.services), "/portal/services/[id]/")

    @task(1)
    def inbox(self):
        self._get("/portal/inbox/", "/portal/inbox/")
