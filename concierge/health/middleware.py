"""/health/ and /health/web/ for load balancers and monitoring, answered before any other middleware.

Before SecurityMiddleware and CommonMiddleware on purpose: a balancer probes each instance over plain
HTTP by its address, so the HTTPS redirect and the ALLOWED_HOSTS check must not turn its probe into a
301 or 400; and no session, CSRF or audit transaction is needed to say "up".

- /health/web/: database, Redis, migrations applied. What a balancer should route on: a stopped
  worker must not take every web instance out of the pool.
- /health/: the same plus "a worker ran beat's heartbeat recently", for monitoring and alerts.

The body names each check and says ok or failing: no versions, hosts or exception text.
"""

import json

from django.http import HttpResponse

from .checks import ALL_CHECKS, WEB_CHECKS

PATHS = {"/health/": ALL_CHECKS, "/health/web/": WEB_CHECKS}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        checks = PATHS.get(request.path_info)
        if checks is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        results = {name: check() for name, check in checks.items()}
        healthy = all(results.values())
        body = {
            "status": "ok" if healthy else "failing",
            "checks": {name: "ok" if passed else "failing" for name, passed in results.items()},
        }
        response = HttpResponse(
            json.dumps(body), content_type="application/json", status=200 if healthy else 503,
            headers={"Cache-Control": "no-store"},
        )
        # The failing check has logged its reason; no second "Service Unavailable" line per probe.
        response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag (django.utils.log.log_response)
        return response
