from django.db import models


class ReportAccess(models.Model):
    """No table: this model only carries the `reports.view_reports` permission (granted to the
    Manager group) and gives the admin index its "Report pages" entry."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", "Can view report pages")]
        verbose_name = "report page"
        verbose_name_plural = "report pages"
