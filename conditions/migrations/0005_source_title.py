"""Cite each source document by its title (and its file name beside it), and load the reference
data file whose feature roles now say what the sources describe as characteristic.

On SQLite, adding a column rebuilds the table, which drops its triggers: the reference-change
triggers of migration 0004 are made again right after."""

from importlib import import_module
from typing import Any

from django.db import migrations, models

from conditions.reference import load_reference, read_reference_file

triggers = import_module("conditions.migrations.0004_reference_change_triggers")


def remake_triggers(apps: Any, schema_editor: Any) -> None:
    triggers.drop(apps, schema_editor)
    triggers.create(apps, schema_editor)


def load(apps: Any, schema_editor: Any) -> None:
    load_reference(read_reference_file(), get_model=apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0004_reference_change_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="conditionsource",
            name="title",
            field=models.CharField(blank=True, help_text="The document's title, as readers cite it.", max_length=200),
        ),
        migrations.AlterField(
            model_name="conditionfeature",
            name="role",
            field=models.CharField(
                choices=[("typical", "Characteristic"), ("supporting", "Supporting"), ("against", "Speaks against")],
                max_length=10,
            ),
        ),
        migrations.RunPython(remake_triggers, migrations.RunPython.noop),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
