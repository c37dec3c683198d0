"""Forget the stored reference version whenever a reference table changes, however it changed.

Saves and deletes through the ORM store the new version at once (a signal), but a
QuerySet.update(), a bulk_create() or raw SQL sends no signal, and would leave a stored version
that no longer matches the content: phones would keep a stale copy behind a matching ETag, and
the cached codes (diary.services) would miss a new code. These triggers empty the stored
version and raise its generation on any insert, update or delete of a reference table; the
next reader hashes the content and stores its version again, unless the generation moved
meanwhile (conditions.reference.current_reference_key). The update also takes the row's lock
until the changing transaction ends, which serialises writers of the reference data.
"""

from typing import Any

from django.db import migrations

TABLES = [
    "conditions_bodyregion",
    "conditions_trigger",
    "conditions_symptom",
    "conditions_condition",
    "conditions_conditionfeature",
    "conditions_conditionsource",
]
FORGET = "UPDATE conditions_referenceversion SET version = '', generation = generation + 1"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION conditions_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {FORGET};
    RETURN NULL;
END $$"""


def _statements(vendor: str, create: bool) -> list[str]:
    if vendor == "postgresql":
        if not create:
            return [
                *(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}" for table in TABLES),
                "DROP FUNCTION IF EXISTS conditions_reference_changed()",
            ]
        return [
            PG_FUNCTION,
            *(
                f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION conditions_reference_changed()"
                for table in TABLES
            ),
        ]
    if vendor == "sqlite":  # row triggers only, one per kind of change
        kinds = ("insert", "update", "delete")
        if not create:
            return [f"DROP TRIGGER IF EXISTS {table}_{kind}_changed" for table in TABLES for kind in kinds]
        return [
            f"CREATE TRIGGER {table}_{kind}_changed AFTER {kind.upper()} ON {table} BEGIN {FORGET}; END"
            for table in TABLES
            for kind in kinds
        ]
    raise NotImplementedError(f"No reference-change triggers for {vendor}.")


def create(apps: Any, schema_editor: Any) -> None:
    for statement in _statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(statement)


def drop(apps: Any, schema_editor: Any) -> None:
    for statement in _statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0003_reference_version"),
    ]

    operations = [migrations.RunPython(create, drop)]
