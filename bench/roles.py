"""Who is signed in for a page: one function per role, signing a Django test client in.

Staff pages are fetched as a member of the shop's own groups (concierge.accounts.roles), not as a
superuser, so that whatever a role's permissions cost is in the figure. `portal_client` signs in
the client the Sample picked through the portal's own sign-in function.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.test import RequestFactory

from clients.portal.auth import portal_sign_in
from concierge.accounts import roles
from concierge.accounts.models import User
from concierge.accounts.verified_login import login_verified


def bench_user(group=None):
    """A staff user in `group` (a superuser when None), created once per database."""
    email = f"bench-{(group or 'superuser').lower().replace(' ', '-')}@bench.example"
    user, created = User.objects.get_or_create(
        email=email, defaults={"is_staff": True, "is_superuser": group is None, "first_name": "Bench"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        if group:
            roles.roles_apply()
            user.groups.add(Group.objects.get(name=group))
    return user


def _staff(group):
    def sign_in(client, sample):
        # Signed in as a finished two-factor sign-in leaves a session (managers and superusers need it).
        login_verified(client, bench_user(group))

    return sign_in


def _portal_client(client, sample):
    client.logout()
    request = RequestFactory().get("/")
    request.session = client.session
    portal_sign_in(request, sample.portal_client)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key


ROLES = {
    "front_desk": _staff(roles.FRONT_DESK),
    "manager": _staff(roles.MANAGER),
    "superuser": _staff(None),
    "portal_client": _portal_client,
}


_GROUPS = {"front_desk": roles.FRONT_DESK, "manager": roles.MANAGER, "superuser": None}


def user_for(role):
    return bench_user(_GROUPS[role])


def sign_in(role, client, sample):
    ROLES[role](client, sample)
