import sys
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from diary.demo import DemoDiary, DemoRecords
from diary.models import CheckIn, Episode, validate_time_zone
from diary.services import (
    INVESTIGATIONS,
    TREATMENTS,
    checkins_bulk_create,
    diary_erase,
    episodes_bulk_create,
    function_check_upsert,
    profile_update,
    record_create,
)

CHUNK_DAYS = 30


class Command(BaseCommand):
    help = "Write a realistic, deterministic demo diary for a user (created if missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="demo", help="User name (default: demo).")
        parser.add_argument("--password", help="Password for a new user (default: none, cannot sign in).")
        parser.add_argument("--staff", action="store_true", help="Let a new user sign in to the admin.")
        parser.add_argument("--if-missing", action="store_true", help="Do nothing if the user already exists.")
        parser.add_argument("--replace", action="store_true", help="Erase the user's diary first.")
        parser.add_argument("--days", type=int, default=120, help="How many days of diary (default: 120).")
        parser.add_argument("--episodes", type=int, help="Exactly this many episodes, spread over the days.")
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default: 7).")
        parser.add_argument("--end-date", type=date.fromisoformat, help="Last day, YYYY-MM-DD (default: today).")
        parser.add_argument("--time-zone", default="Europe/London", help="The user's IANA time zone.")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["user"]
        existing = User.objects.filter(username=username).first()
        if existing is not None and options["if_missing"]:
            self.stdout.write(f"Demo user {username!r} already exists; left as it is.")
            self._print_login(options)
            return
        try:
            validate_time_zone(options["time_zone"])
        except Exception as error:
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from error
        with transaction.atomic():  # a failure halfway leaves neither user nor half a diary behind
            user = existing or self._create_user(options)
            self._write_diary(user, options)
        self._print_login(options)

    def _create_user(self, options: dict[str, Any]) -> User:
        user = User(username=options["user"], is_staff=options["staff"], is_superuser=options["staff"])
        if options["password"]:
            user.set_password(options["password"])
        else:
            user.set_unusable_password()
        user.save()
        return user

    def _write_diary(self, user: User, options: dict[str, Any]) -> None:
        if Episode.objects.filter(user=user).exists() or CheckIn.objects.filter(user=user).exists():
            if not options["replace"]:
                raise CommandError(f"{user.username!r} already has a diary; pass --replace to rewrite it.")
            diary_erase(user=user)
        profile = profile_update(user=user, time_zone=options["time_zone"])
        end = options["end_date"] or profile.local_today()
        diary = DemoDiary(
            username=user.username,
            seed=options["seed"],
            end=end,
            days=options["days"],
            zone=profile.zone,
            now=timezone.now(),
        )
        days = diary.build(target_episodes=options["episodes"])
        total = sum(len(d.episodes) for d in days)
        # One transaction: a failure halfway leaves no half-written diary behind.
        with (
            transaction.atomic(),
            tqdm(total=total, unit=" episodes", file=sys.stderr, disable=options["verbosity"] == 0) as bar,
        ):
            for start in range(0, len(days), CHUNK_DAYS):
                chunk = days[start : start + CHUNK_DAYS]
                episodes = [episode for day in chunk for episode in day.episodes]
                episodes_bulk_create(user=user, items=episodes)
                checkins = [(day.day, values) for day in chunk if (values := day.checkin()) is not None]
                checkins_bulk_create(user=user, items=checkins)
                bar.update(len(episodes))
            records = diary.records()
            _write_records(user, records)
        checkin_count = sum(1 for d in days if d.checked_in)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {total} episodes, {checkin_count} check-ins and {len(records.function_checks)} weekly "
                f"checks for {user.username!r} "
                f"over {len(days)} days ending {end}."
            )
        )

    def _print_login(self, options: dict[str, Any]) -> None:
        if options["password"]:
            self.stdout.write(f"Demo login: user {options['user']!r}, password {options['password']!r}.")


def _write_records(user: User, records: DemoRecords) -> None:
    for key, treatment in records.treatments:
        record_create(TREATMENTS, user=user, values=treatment, id=key)
    for key, test in records.investigations:
        record_create(INVESTIGATIONS, user=user, values=test, id=key)
    for day, answers in records.function_checks:
        function_check_upsert(user=user, date=day, **answers)
