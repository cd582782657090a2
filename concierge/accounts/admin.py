from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group

from .models import User
from .roles import ROLE_PERMISSIONS
from .services import staff_user_groups_set


class StaffCreationForm(UserCreationForm):
    # A new account is made for someone with a job here: asking for the role up front is what makes
    # it an account that can sign in (staff_user_groups_set makes a role holder staff).
    role = forms.ModelChoiceField(
        queryset=Group.objects.filter(name__in=ROLE_PERMISSIONS).order_by("name"),
        help_text="What this person does in the shop; it decides what they may open and change.",
    )

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class StaffChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        help_texts = {
            "groups": "Front desk, Technician or Manager: choosing one of these also ticks “Staff status”, "
                      "so the person can sign in.",
        }


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("email", "first_name", "last_name", "role", "password1", "password2")}),)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Groups go through the service on both forms, so a role always comes with staff status.
        if "role" in form.cleaned_data:
            groups = [form.cleaned_data["role"]]
        elif "groups" in form.cleaned_data:
            groups = form.cleaned_data["groups"]
        else:
            return
        staff_user_groups_set(user=form.instance, groups=groups)
