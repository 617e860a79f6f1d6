"""The content version: one counter that every committed change raises."""

from django.db.models import F

from ..models import ContentVersion


def content_version_bump() -> None:
    """Mark every cached page as stale (pages are keyed by this version)."""
    if not ContentVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"counter": 1})
