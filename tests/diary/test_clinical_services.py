"""Treatments, investigations and function checks: the services' rules (the API's tests cover
the wire)."""

import uuid
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from diary.models import FunctionCheck, Treatment
from diary.services import (
    INVESTIGATIONS,
    TREATMENTS,
    Outcome,
    StaleVersion,
    function_check_delete,
    function_check_upsert,
    record_create,
    record_delete,
    record_update,
    treatment_stop,
)

pytestmark = pytest.mark.django_db
MAGNESIUM = {"name": "Magnesium", "kind": "supplement", "dose": "200 mg", "started_on": date(2026, 10, 1)}


def errors_of(action: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        action()  # type: ignore[operator]
    return caught.value.message_dict


def test_a_treatment_is_created_once_and_its_replay_answers_the_same(alice: User, frozen_now: object) -> None:
    key = uuid.uuid4()
    first = record_create(TREATMENTS, user=alice, values=MAGNESIUM, id=key)
    again = record_create(TREATMENTS, user=alice, values={**MAGNESIUM, "name": " Magnesium "}, id=key)
    assert (first.outcome, again.outcome) == (Outcome.CREATED, Outcome.SAME)
    assert again.record is not None
    assert again.record.version == 1
    assert Treatment.objects.count() == 1
    other = record_create(TREATMENTS, user=alice, values={**MAGNESIUM, "dose": "400 mg"}, id=key)
    assert other.outcome is Outcome.DIFFERENT


def test_another_users_id_says_only_that_it_is_in_use(alice: User, bob: User, frozen_now: object) -> None:
    key = uuid.uuid4()
    record_create(TREATMENTS, user=alice, values=MAGNESIUM, id=key)
    taken = record_create(TREATMENTS, user=bob, values=MAGNESIUM, id=key)
    assert (taken.outcome, taken.record) == (Outcome.NOT_YOURS, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"kind": "potion"}, "kind"),
        ({"started_on": date(2026, 12, 25)}, "started_on"),
        ({"started_on": date(1899, 12, 31)}, "started_on"),
        ({"stopped_on": date(2026, 9, 1)}, "stopped_on"),
        ({"notes": "x" * 2001}, "notes"),
        ({"dose": "a\x00b"}, "dose"),
    ],
)
def test_bad_treatments_name_the_field_and_write_nothing(
    alice: User, frozen_now: object, change: dict[str, object], field: str
) -> None:
    assert field in errors_of(lambda: record_create(TREATMENTS, user=alice, values={**MAGNESIUM, **change}))
    assert not Treatment.objects.exists()


def test_the_same_treatment_over_the_same_days_is_refused(alice: User, frozen_now: object) -> None:
    record_create(TREATMENTS, user=alice, values=MAGNESIUM)
    errors = errors_of(
        lambda: record_create(
            TREATMENTS, user=alice, values={**MAGNESIUM, "name": "magnesium", "started_on": date(2026, 11, 1)}
        )
    )
    assert "You already have Magnesium" in errors["started_on"][0]
    earlier = {**MAGNESIUM, "started_on": date(2026, 1, 1), "stopped_on": date(2026, 2, 1)}
    assert record_create(TREATMENTS, user=alice, values=earlier).outcome is Outcome.CREATED  # an earlier course


def test_stopping_and_editing_take_the_version_and_a_stale_one_changes_nothing(alice: User, frozen_now: object) -> None:
    treatment = record_create(TREATMENTS, user=alice, values=MAGNESIUM).record
    assert treatment is not None
    stopped = treatment_stop(treatment=treatment, stopped_on=date(2026, 11, 20), expected_version=1)
    assert (stopped.version, stopped.stopped_on) == (2, date(2026, 11, 20))
    with pytest.raises(StaleVersion):
        record_update(TREATMENTS, record=treatment, expected_version=1, dose="1 g")
    assert Treatment.objects.get().dose == "200 mg"
    assert record_update(TREATMENTS, record=treatment, dose="200 mg").version == 2  # no change, no version
    record_delete(record=treatment)
    assert not Treatment.live.exists()
    assert Treatment.objects.get().deleted_at is not None


def test_an_investigation_needs_a_name_a_kind_and_a_past_day(alice: User, frozen_now: object) -> None:
    errors = errors_of(lambda: record_create(INVESTIGATIONS, user=alice, values={"kind": "xray"}))
    assert set(errors) == {"name", "kind", "done_on"}
    emg = {"name": "EMG", "kind": "emg", "done_on": date(2026, 6, 3), "result": "Normal, no denervation."}
    assert record_create(INVESTIGATIONS, user=alice, values=emg).outcome is Outcome.CREATED
    assert "done_on" in errors_of(lambda: record_create(INVESTIGATIONS, user=alice, values=emg))  # the same, twice


def test_a_function_check_is_set_whole_and_says_where_only_with_weakness(alice: User, frozen_now: object) -> None:
    day = date(2026, 11, 16)
    check, created = function_check_upsert(user=alice, date=day, weakness=False, cramps=True)
    assert created
    assert (check.weakness, check.cramps, check.swallowing) == (False, True, None)
    assert function_check_upsert(user=alice, date=day, weakness=False, cramps=True)[0].version == 1
    errors = errors_of(
        lambda: function_check_upsert(
            user=alice, date=day, weakness=False, weakness_where=[{"limb": "leg", "side": "left"}]
        )
    )
    assert "weakness_where" in errors
    where = [{"limb": "leg", "side": "left"}]
    check, _ = function_check_upsert(user=alice, date=day, weakness=True, weakness_where=where)
    assert (check.version, check.weakness_where, check.cramps) == (2, where, None)
    for bad in ([{"limb": "tail", "side": "left"}], [{"limb": "leg"}], "leg", [where[0], where[0]]):
        assert "weakness_where" in errors_of(
            lambda bad=bad: function_check_upsert(user=alice, date=day, weakness=True, weakness_where=bad)
        )
    assert "date" in errors_of(lambda: function_check_upsert(user=alice, date=date(2026, 11, 22)))
    assert "speech" in errors_of(lambda: function_check_upsert(user=alice, date=day, speech="yes"))
    function_check_delete(check=check)
    revived, created = function_check_upsert(user=alice, date=day, weakness=False)
    assert not created
    assert revived.version == 4
    assert FunctionCheck.objects.count() == 1
