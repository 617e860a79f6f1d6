from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "apps.policies"
    verbose_name = "法规"

    def ready(self):
        from .pagecache import connect_signals

        connect_signals()
