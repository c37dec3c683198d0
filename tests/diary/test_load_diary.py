"""The diary's one typed read (load_diary): the treatments and the weekly function checks beside
the episodes and check-ins, in a fixed number of queries."""

from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary import plain
from diary.models import FunctionCheck, Treatment
from diary.selectors.read import load_diary
from tests.factories import EpisodeFactory, make_checkin

FROM, TO = date(2026, 10, 1), date(2026, 11, 20)
SEQ = count(10_000)  # change numbers of rows written here directly (no service writes these yet)


def treatment(
    user: User, started: date, stopped: date | None = None, name: str = "Magnesium", **extra: Any
) -> Treatment:
    return Treatment.objects.create(
        user=user, name=name, kind="supplement", started_on=started, stopped_on=stopped, change_seq=next(SEQ), **extra
    )


def function_check(user: User, day: date, **answers: Any) -> FunctionCheck:
    return FunctionCheck.objects.create(user=user, date=day, change_seq=next(SEQ), **answers)


def test_it_reads_every_live_treatment_of_the_user_whatever_its_dates(
    alice: User, bob: User, frozen_now: datetime
) -> None:
    long_ago = treatment(alice, date(2020, 1, 5), date(2020, 3, 1), name="Long ago")
    current = treatment(alice, date(2026, 10, 20), name="No caffeine")
    later = treatment(alice, date(2027, 1, 1), name="Planned")
    treatment(alice, date(2026, 10, 25), name="Deleted", deleted_at=frozen_now)
    treatment(bob, date(2026, 10, 21), name="Bob's")
    diary = load_diary(user_id=alice.pk, date_from=FROM, date_to=TO)
    assert diary.treatments == [
        plain.Treatment(str(long_ago.id), "Long ago", "supplement", date(2020, 1, 5), date(2020, 3, 1)),
        plain.Treatment(str(current.id), "No caffeine", "supplement", date(2026, 10, 20), None),
        plain.Treatment(str(later.id), "Planned", "supplement", date(2027, 1, 1), None),
    ]


def test_it_reads_the_live_function_checks_of_the_period(alice: User, bob: User, frozen_now: datetime) -> None:
    function_check(alice, FROM - timedelta(days=1), weakness=True)  # before the period
    function_check(
        alice,
        date(2026, 10, 5),
        weakness=True,
        weakness_where=[{"limb": "arm", "side": "left"}, {"limb": "leg", "side": "both"}],
        cramps=False,
    )
    function_check(alice, date(2026, 10, 12), weakness=False, speech=False, vision_hearing=True)
    function_check(alice, date(2026, 10, 19), weakness=True, deleted_at=frozen_now)
    function_check(bob, date(2026, 10, 19), weakness=True)
    diary = load_diary(user_id=alice.pk, date_from=FROM, date_to=TO)
    assert diary.function_checks == [
        plain.FunctionCheck(
            date(2026, 10, 5), weakness=True, cramps=False, weakness_where=(("arm", "left"), ("leg", "both"))
        ),
        plain.FunctionCheck(date(2026, 10, 12), weakness=False, speech=False, vision_hearing=True),
    ]


def test_the_read_costs_the_same_queries_whatever_the_number_of_rows(alice: User, frozen_now: datetime) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            load_diary(user_id=alice.pk, date_from=FROM, date_to=TO)
        return len(captured)

    EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=3))
    make_checkin(alice, day=date(2026, 11, 1))
    treatment(alice, date(2026, 10, 20))
    function_check(alice, date(2026, 10, 5), weakness=False)
    few = queries()
    # Episodes, their locations, triggers and symptoms; check-ins; what lies before the period
    # (places, then check-ins: there is no episode before it); treatments; function checks.
    assert few == 9
    for n in range(20):
        EpisodeFactory(user=alice, started_at=frozen_now - timedelta(days=4 + n))
        treatment(alice, date(2026, 1, 1) + timedelta(days=n), name=f"Treatment {n}")
        function_check(
            alice, FROM + timedelta(days=7 + n), weakness=True, weakness_where=[{"limb": "hand", "side": "right"}]
        )
    assert queries() == few
