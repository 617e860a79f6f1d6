"""Regulations and clauses in the change log (apps.core.changes): triggers for their rows, for
the issuing bodies they name (a regulation's record lists them) and for a slug that moves (a
clause's record names its regulation by slug); the rows already there logged as created."""

from django.db import migrations

from apps.core.changes import Trigger, backfill, install, record_triggers, uninstall

REGULATION = "{row}.id, {row}.slug, NULL, ''"
CLAUSE = (
    "{row}.id, COALESCE((SELECT slug FROM policies_regulation WHERE id = {row}.regulation_id), ''),"
    " {row}.number, {row}.suffix"
)
OF_LINK = (
    "{row}.regulation_id,"
    " COALESCE((SELECT slug FROM policies_regulation WHERE id = {row}.regulation_id), ''), NULL, ''"
)
TRIGGERS = [
    *record_triggers(name="regulation", table="policies_regulation", kind="regulation", select=REGULATION),
    *record_triggers(name="clause", table="policies_clause", kind="clause", select=CLAUSE),
    Trigger(
        "change_regulation_slug_clauses", "policies_regulation", "UPDATE", "clause", "updated",
        "c.id, NEW.slug, c.number, c.suffix FROM policies_clause c WHERE c.regulation_id = NEW.id",
        when="OLD.slug <> NEW.slug",
    ),
    *(
        Trigger(f"change_{link}_{event.lower()}", f"policies_regulation_{link}", event,
                "regulation", "updated", OF_LINK)
        for link in ("issuers", "approvers")
        for event in ("INSERT", "DELETE")
    ),
    Trigger(
        "change_issuingbody_rename", "policies_issuingbody", "UPDATE", "regulation", "updated",
        "r.id, r.slug, NULL, '' FROM policies_regulation r WHERE r.id IN ("
        "SELECT regulation_id FROM policies_regulation_issuers WHERE issuingbody_id = NEW.id"
        " UNION SELECT regulation_id FROM policies_regulation_approvers"
        " WHERE issuingbody_id = NEW.id)",
        when="OLD.name <> NEW.name",
    ),
]


def forward(apps, schema_editor):
    backfill(schema_editor, kind="regulation", table="policies_regulation", select=REGULATION)
    backfill(schema_editor, kind="clause", table="policies_clause", select=CLAUSE)
    install(schema_editor, TRIGGERS)


def backward(apps, schema_editor):
    uninstall(schema_editor, TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [("policies", "0005_regulation_short_title_index"), ("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
