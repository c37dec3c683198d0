from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from diary.models import DeviceToken


def token_for(user: User, device: str = "Pixel 8", ttl: timedelta | None = timedelta(days=90)) -> str:
    _, raw = DeviceToken.objects.create(user=user, device_name=device, expiry=ttl)
    return str(raw)


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


def assert_error(response: Any, status: int, code: str, *fields: str) -> dict[str, Any]:
    """Every API error has one shape: code, message, fields."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    for field in fields:
        assert field in body["fields"], body
    return body
