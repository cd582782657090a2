"""Names the signed-in staff user to the audit triggers for everything a web request writes."""

from django.db import transaction

from .context import set_acting_user


class ActingUserMiddleware:
    """Runs each signed-in user's request in one transaction that carries their id.

    Why not ATOMIC_REQUESTS: Django opens that transaction around the view only, after every
    middleware has run, so a middleware cannot put a transaction-local setting inside it; and a
    session-wide setting would outlive the request on a persistent connection (CONN_MAX_AGE).
    So this middleware opens the transaction itself, and like ATOMIC_REQUESTS rolls it back when
    the request ends in a server error. Anonymous requests (login page, portal sign-in) skip it.
    Must come after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        with transaction.atomic():
            set_acting_user(user.pk)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response
