"""Publications and articles in the change log (apps.core.changes): triggers, and the rows
already there logged as created."""

from django.db import migrations

from apps.core.changes import backfill, install, record_triggers, uninstall

TRIGGERS = [
    *record_triggers(name="publication", table="documents_publication", kind="publication"),
    *record_triggers(name="article", table="documents_article", kind="article"),
]


def forward(apps, schema_editor):
    for kind, table in (("publication", "documents_publication"), ("article", "documents_article")):
        backfill(schema_editor, kind=kind, table=table, select="{row}.id, '', NULL, ''")
    install(schema_editor, TRIGGERS)


def backward(apps, schema_editor):
    uninstall(schema_editor, TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
