"""/api/ is composed in one place (config/api/urls.py), with the JSON 404 catch-all last."""

from datetime import date

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from config.api.errors import api_not_found

API_ROUTES = {
    "api-register": (),
    "api-token": (),
    "api-episodes": (),
    "api-episode": ("5b0c2a36-6f3e-4c55-9d2b-9f1f5d0c2a36",),
    "api-checkins": (),
    "api-checkin": (date(2026, 11, 20),),
    "api-sync": (),
    "api-reference": (),
    "api-profile": (),
    "api-summary": (),
    "api-summary-refresh": (),
    "api-account": (),
    "api-account-export": (),
    "api-schema": (),
    "api-docs": (),
}


def _api_patterns() -> list[URLPattern | URLResolver]:
    [api] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/"]
    return list(api.url_patterns)


def test_it_puts_the_catch_all_last_under_api() -> None:
    patterns = _api_patterns()
    assert getattr(patterns[-1], "callback", None) is api_not_found
    assert all(getattr(p, "callback", None) is not api_not_found for p in patterns[:-1])


def test_it_reaches_every_named_api_route_rather_than_the_catch_all() -> None:
    for name, args in API_ROUTES.items():
        match = resolve(reverse(name, args=args))
        assert match.url_name == name
        assert match.func is not api_not_found


def test_no_app_adds_a_catch_all_of_its_own() -> None:
    for pattern in _api_patterns()[:-1]:
        if isinstance(pattern, URLResolver):
            assert all(getattr(p, "callback", None) is not api_not_found for p in pattern.url_patterns)
