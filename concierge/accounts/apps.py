from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site as `admin.site`: every `@admin.register` lands on it."""

    default = False  # named in INSTALLED_APPS; AccountsConfig is this module's app
    default_site = "concierge.accounts.sites.StaffAdminSite"


class AccountsConfig(AppConfig):
    default = True
    name = "concierge.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from .roles import roles_apply_after_migrate

        # No sender: permissions of every app, including ones added after this migration, get granted.
        post_migrate.connect(roles_apply_after_migrate, dispatch_uid="accounts.roles_apply")
