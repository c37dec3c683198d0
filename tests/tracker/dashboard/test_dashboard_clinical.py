"""The dashboard's sections on what was tried (with the summary's before-and-after comparison),
the weekly checks sign by sign, and the tests; and its proposal of the weekly check when due."""

from datetime import date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from diary.models import Treatment
from diary.services import INVESTIGATIONS, TREATMENTS, function_check_upsert, record_create
from tests.conftest import signed_in
from tests.tracker.dashboard.test_dashboard import analysed, diary_of
from tracker.dashboard.clinical import check_lines, effect_text
from tracker.models import Summary

URL = reverse("dashboard")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def treatment(user: User, name: str, started_on: date, stopped_on: date | None = None) -> Treatment:
    values = {"name": name, "kind": "supplement", "started_on": started_on, "stopped_on": stopped_on}
    record = record_create(TREATMENTS, user=user, values=values).record
    assert record is not None
    return record


def stored(user: User, **extra: Any) -> None:
    """The current summary with `extra` in its result, as a newer analysis stores it."""
    summary = Summary.objects.get(user=user)
    summary.result = {**summary.result, **extra}
    summary.save(update_fields=["result"])


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_it_says_each_treatments_effect_in_plain_words(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    magnesium = treatment(alice, "Magnesium", date(2026, 10, 1))
    coffee = treatment(alice, "Less coffee", date(2026, 11, 15))
    diary_of(alice, 30, now=frozen_now)
    analysed(alice)
    effects = [
        {
            "treatment_id": str(magnesium.pk),
            "name": "Magnesium",
            "started_on": "2026-10-01",
            "stopped_on": None,
            "rate_before": 9.2,
            "rate_after": 5.1,
            "rate_ratio": 0.55,
            "ci_low": 0.31,
            "ci_high": 0.93,
            "significant": True,
            "caveats": ["Other changes at the same time may explain it."],
        },
        {
            "treatment_id": str(coffee.pk),
            "name": "Less coffee",
            "started_on": "2026-11-15",
            "stopped_on": None,
            "reason": "fewer than 14 days since it started.",
            "caveats": [],
        },
    ]
    stored(alice, treatment_effects=effects)
    tried = section(alice_web.get(URL).content.decode(), "tried")
    assert "About 9 a week before, about 5 a week since (0.3 to 0.9 times as many): fewer since it started." in tried
    assert '<ul class="caveats"><li>Other changes at the same time may explain it.</li></ul>' in tried
    assert "Cannot say yet: fewer than 14 days since it started." in tried
    assert "since 1 Oct 2026" in tried
    assert f'href="{reverse("treatments")}">What you have tried</a>' in tried


def test_an_older_summary_promises_the_comparison(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    treatment(alice, "Magnesium", date(2026, 10, 1), date(2026, 11, 1))
    diary_of(alice, 10, now=frozen_now)
    analysed(alice)
    summary = Summary.objects.get(user=alice)
    summary.result = {k: v for k, v in summary.result.items() if k not in ("treatment_effects", "function_checks")}
    summary.save(update_fields=["result"])
    tried = section(alice_web.get(URL).content.decode(), "tried")
    assert "Magnesium" in tried
    assert "1 Oct 2026 to 1 Nov 2026" in tried
    assert "The next analysis will compare before and after." in tried


def test_it_tallies_the_weekly_checks_from_the_summary(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    diary_of(alice, 10, now=frozen_now)
    analysed(alice)
    signs = {
        "weakness": {"yes_weeks": 0, "no_weeks": 12, "first_yes": None},
        "cramps": {"yes_weeks": 2, "no_weeks": 10, "first_yes": "2026-11-03"},
    }
    stored(alice, function_checks={"checks": 12, "first": "2026-09-01", "last": "2026-11-17", "signs": signs})
    checks = section(alice_web.get(URL).content.decode(), "weekly-checks")
    assert "<li>Weakness: no in 12 of 12 checks</li>" in checks
    assert "<li>Cramps: yes in 2 of 12 checks, first on 3 Nov 2026</li>" in checks


def test_without_a_tally_it_reads_the_checks_themselves(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    function_check_upsert(user=alice, date=date(2026, 11, 6), weakness=False, cramps=True)
    function_check_upsert(user=alice, date=date(2026, 11, 13), weakness=False, cramps=False)
    html = alice_web.get(URL).content.decode()
    checks = section(html, "weekly-checks")
    assert "<li>Weakness: no in 2 of 2 checks</li>" in checks
    assert "<li>Cramps: yes in 1 of 2 checks, first on 6 Nov 2026</li>" in checks
    assert "Swallowing" not in checks  # not asked: nothing to say
    assert "Weekly check: 1 minute" in html  # the last was a week ago


def test_it_proposes_the_weekly_check_only_when_due(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    assert f'<a href="{reverse("function-check")}" role="button" class="outline">Weekly check: 1 minute</a>' in (
        alice_web.get(URL).content.decode()
    )
    function_check_upsert(user=alice, date=date(2026, 11, 16), weakness=False)
    assert "Weekly check: 1 minute" not in alice_web.get(URL).content.decode()


def test_it_lists_the_tests_with_their_results(alice_web: Client, alice: User, frozen_now: datetime) -> None:
    values = {"name": "EMG", "kind": "emg", "done_on": date(2026, 9, 14), "result": "Normal."}
    record_create(INVESTIGATIONS, user=alice, values=values)
    tests = section(alice_web.get(URL).content.decode(), "tests-had")
    assert "<strong>EMG</strong>" in tests
    assert "14 Sep 2026" in tests
    assert "Normal." in tests
    assert f'href="{reverse("investigations")}"' in tests


def test_it_shows_only_alices(bob_web: Client, alice: User, bob: User, frozen_now: datetime) -> None:
    treatment(alice, "Magnesium", date(2026, 10, 1))
    record_create(INVESTIGATIONS, user=alice, values={"name": "EMG", "kind": "emg", "done_on": date(2026, 9, 14)})
    html = bob_web.get(URL).content.decode()
    assert "Magnesium" not in html
    assert "EMG" not in html


@pytest.mark.parametrize("rows", [1, 25])
def test_the_sections_cost_three_queries_whatever_their_length(
    alice: User, frozen_now: datetime, rows: int, django_assert_max_num_queries: Any
) -> None:
    for i in range(rows):
        treatment(alice, f"Thing {i}", date(2026, 1, 1))
        record_create(
            INVESTIGATIONS, user=alice, values={"name": f"Test {i}", "kind": "blood", "done_on": date(2026, 1, 1)}
        )
        function_check_upsert(user=alice, date=date(2026, 1, 1 + i), cramps=True)
    diary_of(alice, 10, now=frozen_now)
    analysed(alice)
    client = signed_in(alice)
    client.get(URL)  # the charts drawn and cached
    # Those of the dashboard (6), the treatments, the tests, the checks.
    with django_assert_max_num_queries(9):
        html = client.get(URL).content.decode()
    assert html.count("<strong>Thing ") == rows


def test_it_words_effects_without_false_precision() -> None:
    effect = {"rate_before": 1.04, "rate_after": 0.2, "rate_ratio": 0.2, "ci_low": 0.05, "ci_high": 1.6}
    assert effect_text(effect | {"significant": False}) == (
        "About 1 a week before, under 1 a week since (0.1 to 1.6 times as many): no clear change."
    )
    rising = {
        "rate_before": 2.5,
        "rate_after": 6,
        "rate_ratio": 2.4,
        "ci_low": 1.3,
        "ci_high": 4.4,
        "significant": True,
    }
    assert effect_text(rising, stopped=True).endswith(
        "about 6 a week while on it (1.3 to 4.4 times as many): more since it started."
    )
    assert effect_text({"reason": None}) == "Cannot say yet: there are not enough days before and after it started."
    assert check_lines({"signs": "junk"}) == []
    assert check_lines({"signs": {"weakness": {"yes_weeks": 1, "no_weeks": 0, "first_yes": "bad"}}}) == [
        "Weakness: yes in 1 of 1 check"
    ]


def red_flags_section(html: str) -> str:
    return section(html, "red-flags") if 'id="red-flags"' in html else ""


def test_a_yes_in_a_weekly_check_raises_the_notice_before_and_after_the_analysis(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    diary_of(alice, 30, now=frozen_now)
    analysed(alice)
    function_check_upsert(user=alice, date=date(2026, 11, 16), weakness=True, cramps=True)
    waiting = red_flags_section(alice_web.get(URL).content.decode())  # the summary is behind the check
    analysed(alice)
    current = red_flags_section(alice_web.get(URL).content.decode())
    for flags in (waiting, current):
        assert "See a doctor soon" in flags
        assert "Weekly check: Muscle weakness" in flags
        assert "Cramp" not in flags  # cramps are no warning sign
        assert "loss of strength" in flags  # the reference's advice for weakness


def test_a_yes_raises_it_in_a_diary_without_episodes_and_all_no_does_not(
    alice_web: Client, alice: User, frozen_now: datetime
) -> None:
    function_check_upsert(user=alice, date=date(2026, 11, 9), swallowing=False, weakness=False)
    analysed(alice)
    assert "Weekly check" not in red_flags_section(alice_web.get(URL).content.decode())
    function_check_upsert(user=alice, date=date(2026, 11, 16), swallowing=True)
    analysed(alice)
    assert "Weekly check: Difficulty swallowing" in red_flags_section(alice_web.get(URL).content.decode())
