from django.contrib import admin, messages
from django.template.response import TemplateResponse

from concierge.admin.readonly import ViewOnlyAdminMixin

from .forms import ApiKeyForm
from .models import ApiKey, ApiRequest
from .services import api_key_create, api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Managers make keys (the secret is shown once, on the page after saving) and revoke them. A key is
    never edited: a new need gets a new key, so the request log always says what a key could do."""

    form = ApiKeyForm
    list_display = ("name", "prefix", "scopes_shown", "expires_at", "revoked_at", "last_used_at", "created_by")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    actions = ("revoke_selected",)
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by")

    @admin.display(description="scopes")
    def scopes_shown(self, key):
        return ", ".join(key.scopes)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("name", "scopes", "expires_at", *self.readonly_fields)

    def has_change_permission(self, request, obj=None):
        # The change page only shows a key; revoking (the action) is what change_apikey allows.
        return super().has_change_permission(request, obj) and obj is None

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the request log points at the key

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not super().has_change_permission(request):
            actions.pop("revoke_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        new = api_key_create(
            name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data.get("expires_at"), by=request.user,
        )
        obj.__dict__.update({k: v for k, v in new.key.__dict__.items() if k != "_state"})
        obj._state.adding = False
        request._api_key_token = new.token

    def response_add(self, request, obj, post_url_continue=None):
        # The secret, once: rendered into this page only (not a message, which the session would store).
        response = TemplateResponse(
            request, "admin/api/apikey/created.html",
            {**self.admin_site.each_context(request), "opts": self.opts, "key": obj,
             "token": request._api_key_token, "title": f"API key {obj.name} made"},
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys (for good)")
    def revoke_selected(self, request, queryset):
        revoked = sum(api_key_revoke(key=key, by=request.user) for key in queryset)
        messages.success(request, f"Revoked {revoked} key(s): their next request answers 401.")


@admin.register(ApiRequest)
class ApiRequestAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "key", "method", "path", "status", "duration_ms")
    list_filter = ("status", "method")
    list_select_related = ("key",)
    search_fields = ("key__name", "key__prefix", "path")
