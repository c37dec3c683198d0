"""Load the reference data file. A later change to the file ships with a migration like this
one (or an operator runs `manage.py load_reference`)."""

from typing import Any

from django.db import migrations

from conditions.reference import load_reference, read_reference_file


def load(apps: Any, schema_editor: Any) -> None:
    load_reference(read_reference_file(), get_model=apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("conditions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
