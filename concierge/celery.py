import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings.local")

app = Celery("concierge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
