"""Writes about staff accounts."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import ROLE_PERMISSIONS


def staff_user_groups_set(*, user: User, groups: Iterable[Group]) -> User:
    """Put `user` in exactly `groups`. A user given one of the shop's roles is made staff: the admin
    refuses a login without `is_staff`, so a role without it was an account that could not sign in.

    Taking every role away leaves `is_staff` as it was: deactivating someone is `is_active`'s job.
    """
    groups = list(groups)
    with transaction.atomic():
        user.groups.set(groups)
        if not user.is_staff and any(group.name in ROLE_PERMISSIONS for group in groups):
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return user
