"""Create the staff groups (Front desk, Technician, Manager) with their permissions.

On a fresh database the permissions do not exist yet while migrations run (Django creates them after
migrating), so this creates the groups and grants what exists; the post_migrate receiver in apps.py
grants the rest at the end of the same `migrate`.
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    from concierge.accounts.roles import roles_apply

    roles_apply(apps=apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    from concierge.accounts.roles import ROLE_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
