from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "concierge.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from .roles import roles_apply_after_migrate

        # No sender: permissions of every app, including ones added after this migration, get granted.
        post_migrate.connect(roles_apply_after_migrate, dispatch_uid="accounts.roles_apply")
