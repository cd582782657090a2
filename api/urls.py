from django.urls import path

from concierge.nul_bytes import nul_bytes_exempt

from .v1 import api

# The API answers a NUL itself (404 or 422) and keeps the request in its log (docs/api.md), which the
# platform's 400 for NULs would skip. (Private names: include() reads a module's `app_name`.)
_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    if _pattern.callback is not None:
        _pattern.callback = nul_bytes_exempt(_pattern.callback)

urlpatterns = [path("v1/", (_patterns, _app_name, _namespace))]
