"""Connections only: see auth.drop_portal_session_on_staff_login."""

from django.contrib.auth.signals import user_logged_in

from .auth import drop_portal_session_on_staff_login


def connect():
    user_logged_in.connect(drop_portal_session_on_staff_login, dispatch_uid="portal_drop_on_staff_login")
