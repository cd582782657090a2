"""The admin for rows nobody edits by hand: written by the database, a provider or a computation."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

# Mixed into ModelAdmins: type checkers see one; at run time a plain mixin.
if TYPE_CHECKING:
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


class ViewOnlyAdminMixin(_ModelAdminBase):
    """Listed and opened, never added, changed or deleted from the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
