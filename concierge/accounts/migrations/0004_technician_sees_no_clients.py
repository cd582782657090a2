"""Least privilege for technicians: they no longer hold clients.view_client (roles.py says why).

roles_apply only ever adds permissions, so taking one away from an existing database is this
migration's job. On a fresh database the permission does not exist yet here and nothing happens.
"""

from django.db import migrations


def technician_sees_no_clients(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    technician = Group.objects.using(alias).filter(name="Technician").first()
    if technician is None:
        return
    technician.permissions.remove(
        *Permission.objects.using(alias).filter(content_type__app_label="clients", codename="view_client")
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_role_holders_are_staff")]

    operations = [migrations.RunPython(technician_sees_no_clients, migrations.RunPython.noop)]
