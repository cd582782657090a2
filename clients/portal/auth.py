"""Portal sign-in state: a client id in the session, with its own expiry. Never a Django User.

Staff sign in through django.contrib.auth (`_auth_user_id` in the session); clients through
PORTAL_CLIENT_KEY. Neither key opens the other side: the admin only knows users, the portal only
knows clients, and a session carrying a staff login is refused by the portal outright.
"""

import datetime

from django.conf import settings
from django.contrib.auth import SESSION_KEY as STAFF_SESSION_KEY
from django.utils import timezone

from clients.models import Client

PORTAL_CLIENT_KEY = "portal_client_id"
PORTAL_EXPIRES_KEY = "portal_expires_at"


def portal_sign_in(request, client):
    # A fresh session key: whatever the browser carried before (a fixated key, a staff login) is dropped.
    request.session.flush()
    lifetime = datetime.timedelta(days=settings.PORTAL_SESSION_DAYS)
    request.session[PORTAL_CLIENT_KEY] = str(client.pk)
    request.session[PORTAL_EXPIRES_KEY] = (timezone.now() + lifetime).timestamp()
    request.session.set_expiry(int(lifetime.total_seconds()))


def portal_sign_out(request):
    request.session.flush()


def portal_client(request):
    """The signed-in client, or None (no portal session, an expired one, or a staff session)."""
    session = request.session
    client_id = session.get(PORTAL_CLIENT_KEY)
    if not client_id or STAFF_SESSION_KEY in session:
        return None
    if session.get(PORTAL_EXPIRES_KEY, 0) <= timezone.now().timestamp():
        portal_sign_out(request)
        return None
    client = Client.objects.filter(pk=client_id).first()
    if client is None:  # the client was deleted while signed in
        portal_sign_out(request)
    return client


def drop_portal_session_on_staff_login(sender, request, user, **kwargs):
    """Receiver for user_logged_in: a browser that becomes staff stops being a client."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(PORTAL_CLIENT_KEY, None)
        request.session.pop(PORTAL_EXPIRES_KEY, None)
