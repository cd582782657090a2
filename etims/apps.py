from django.apps import AppConfig


class EtimsConfig(AppConfig):
    name = "etims"
    verbose_name = "KRA eTIMS"
