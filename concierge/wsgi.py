import os

from django.core.wsgi import get_wsgi_application

# A server started without DJANGO_SETTINGS_MODULE runs production, which refuses to start without
# its secrets; only manage.py and `make run` default to the development settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings.production")
application = get_wsgi_application()
