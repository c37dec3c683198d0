from typing import Any

from django.core.management.base import BaseCommand

from conditions.reference import load_reference, read_reference_file, reference_version


class Command(BaseCommand):
    help = "Load conditions/data/reference.json into the database (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        before = reference_version()
        load_reference(read_reference_file())
        after = reference_version()
        if before == after:
            self.stdout.write(f"Reference data unchanged (version {after}).")
        else:
            self.stdout.write(self.style.SUCCESS(f"Reference data loaded: version {before} -> {after}."))
