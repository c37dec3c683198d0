from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.account.services import account_import


class Command(BaseCommand):
    help = (
        "Read a Twitch diary export (docs/reports.md, 'The export format') into an account: created, with an "
        "unusable password, when it does not exist, else it must have no diary records. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The export's JSON file.")
        parser.add_argument("--user", required=True, help="The account's user name.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            imported = account_import(username=options["user"], raw=raw)
        except ValidationError as error:
            raise CommandError(_refusal(error)) from None
        account = "new account" if imported.created else "account"
        self.stdout.write(
            f"Imported {imported.episodes} episodes and {imported.checkins} check-ins into the {account} "
            f"{imported.user.get_username()!r}."
        )
        if imported.treatments or imported.investigations or imported.function_checks:
            self.stdout.write(
                f"With {imported.treatments} treatments, {imported.investigations} tests and "
                f"{imported.function_checks} function checks."
            )
        if imported.skipped:
            self.stdout.write(f"Not imported (an import never restores these): {', '.join(imported.skipped)}.")


def _refusal(error: ValidationError) -> str:
    """Every problem on its own line, each naming its row: `episodes[12].intensity: ...`."""
    lines = [f"{where}: {message}" for where, messages in error.message_dict.items() for message in messages]
    return "Nothing was imported:\n" + "\n".join(lines)
