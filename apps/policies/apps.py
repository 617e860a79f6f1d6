from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class PoliciesConfig(AppConfig):
    name = "apps.policies"
    verbose_name = "法规"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from .models import Regulation, regulation_issuers_changed
        from .pagecache import connect_signals

        for relation in (Regulation.issuers, Regulation.approvers):
            m2m_changed.connect(
                regulation_issuers_changed,
                sender=relation.through,
                dispatch_uid=f"regulation-{relation.field.name}-changed",
            )
        connect_signals()
