from django.apps import AppConfig


class HqConfig(AppConfig):
    name = "hq"
    verbose_name = "集团总部"
