"""Accounts put in a role before roles made their holders staff could not sign in: make them staff.

Reported, as the issue asks of data fixes, by the number of accounts changed (never their emails).
"""

from django.db import migrations

ROLES = ("Front desk", "Technician", "Manager")


def role_holders_are_staff(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    changed = User.objects.using(schema_editor.connection.alias).filter(
        is_staff=False, groups__name__in=ROLES
    ).distinct()
    count = User.objects.using(schema_editor.connection.alias).filter(pk__in=changed.values("pk")).update(is_staff=True)
    if count:
        print(f"\n  {count} account(s) holding a role made staff so they can sign in")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_staff_roles")]

    operations = [migrations.RunPython(role_holders_are_staff, migrations.RunPython.noop)]
