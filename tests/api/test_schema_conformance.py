"""Schemathesis against the served OpenAPI schema, in process: every operation, authenticated,
generated inputs (valid and invalid), with all of Schemathesis's checks. No 5xx; every response
matches the schema (its status code is documented, its body has the documented shape); input
the schema calls invalid is refused; input it calls valid is accepted, except where validity
depends on data that no fixed schema can list (below, each with its reason)."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from tests.api.conftest import token_for

# Operations where "valid by the schema" cannot mean "accepted", and why. The schema states every
# other bound (lengths, ranges, patterns, dates from 1900 to 2100, list sizes), and the
# refusals below are tested on their own in test_episodes.py, test_auth.py and test_checkins.py.
VALID_ONLY_WITH_DATA = {
    "POST /api/v1/auth/register/": "the password policy checks a list of 20,000 common passwords and the "
    "likeness to the user name; a user name may be taken; time zones are the installed tz database's",
    "POST /api/v1/episodes/": "region, trigger and symptom codes live in the reference data, editable in "
    "the admin, as does which regions have sides; started_at must not be in the future (the clock)",
    "PATCH /api/v1/episodes/{id}/": "the same codes as for a create",
    "GET /api/v1/episodes/": "the region, trigger and symptom filters take codes from the reference data; "
    "a cursor must be one the API handed out",
    "GET /api/v1/checkins/": "a cursor must be one the API handed out",
    "PUT /api/v1/checkins/{day}/": "a check-in's date must not be after the user's tomorrow (the clock)",
    "GET /api/v1/treatments/": "a cursor must be one the API handed out",
    "POST /api/v1/treatments/": "dates must not be after the user's tomorrow (the clock), the stop not before the "
    "start (one field against another); a treatment of the same name over some of the same days is refused (the "
    "stored data); a name is one line (no control characters)",
    "PATCH /api/v1/treatments/{id}/": "the same as for a create, against the stored fields",
    "GET /api/v1/investigations/": "a cursor must be one the API handed out",
    "POST /api/v1/investigations/": "done_on must not be after the user's tomorrow (the clock); the same test on "
    "the same day is refused (the stored data); a name is one line (no control characters)",
    "PATCH /api/v1/investigations/{id}/": "the same as for a create, against the stored fields",
    "GET /api/v1/function-checks/": "a cursor must be one the API handed out",
    "PUT /api/v1/function-checks/{day}/": "the day must not be after the user's tomorrow (the clock); "
    "weakness_where only with weakness yes, each place once (one field against another)",
    "GET /api/v1/summary/": "date_to must not be before date_from (one parameter against another)",
    "POST /api/v1/summary/refresh/": "date_to must not be before date_from",
    "DELETE /api/v1/account/": "the password must be the account's own (a body without one is refused too)",
    "GET /api/v1/reports/": "a cursor must be one the API handed out",
    "POST /api/v1/reports/": "date_to must not be before date_from, nor 5 years or more after it; and a user "
    "has at most REPORTS_BUILDING_PER_USER reports building (429)",
    "POST /api/v1/shares/": "date_to must not be before date_from, nor 5 years or more after it",
    "GET /api/v1/shares/": "a cursor must be one the API handed out",
    "PATCH /api/v1/profile/": "dates must not be after the user's today (the clock), the onset not before "
    "the date of birth (one field against another, or against the stored one); time zones are the installed "
    "tz database's; a display name is one line (no control characters)",
}

# Loaded when the tests are collected: serving the schema touches no database. (The lazy
# schemathesis.pytest.from_fixture loader reads a private pytest attribute that pytest 9 removed.)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly, so Django's end-of-request hook would close the
    database connection (and with it the test's transaction, on PostgreSQL). Django's own test
    client unhooks it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented(db: None, case: Any, alice: User) -> None:
    cache.clear()  # failed sign-ins of earlier examples must not throttle this one
    auth_header = {"Authorization": f"Bearer {token_for(alice)}"}  # fresh: an example may revoke it
    excluded = [positive_data_acceptance] if case.operation.label in VALID_ONLY_WITH_DATA else []
    case.call_and_validate(headers=auth_header, excluded_checks=excluded)


def test_the_exceptions_name_real_operations() -> None:
    labels = {operation.ok().label for operation in schema.get_all_operations()}
    assert set(VALID_ONLY_WITH_DATA) <= labels
