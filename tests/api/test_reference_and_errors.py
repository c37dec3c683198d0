from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.test import APIClient

from conditions.models import Symptom
from conditions.reference import reference_version
from tests.api.conftest import assert_error

URL = "/api/v1/reference/"


def test_it_serves_the_reference_with_its_version_as_etag(as_alice: APIClient) -> None:
    response = as_alice.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == reference_version()
    assert response["ETag"] == f'"{data["version"]}"'
    assert {"regions", "triggers", "symptoms", "conditions", "patterns", "sides"} <= set(data)
    weakness = next(s for s in data["symptoms"] if s["code"] == "weakness")
    assert weakness["red_flag"] is True
    assert all("code" in item and "name" in item for item in data["regions"] + data["triggers"])
    assert any(c["slug"] == "benign-fasciculation-syndrome" for c in data["conditions"])


def test_it_answers_304_while_nothing_changed_and_200_after_an_edit(as_alice: APIClient) -> None:
    tag = as_alice.get(URL)["ETag"]
    unchanged = as_alice.get(URL, HTTP_IF_NONE_MATCH=tag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    Symptom.objects.filter(code="cramp").update(name="Cramps")
    changed = as_alice.get(URL, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag


def test_anonymous_gets_401(anonymous: APIClient) -> None:
    assert_error(anonymous.get(URL), 401, "not_authenticated")


def test_an_unknown_api_address_is_a_json_404_even_in_debug(
    as_alice: APIClient, anonymous: APIClient, settings: Any
) -> None:
    settings.DEBUG = True  # where Django would answer its HTML debug page
    assert_error(as_alice.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(anonymous.get("/api/v2/episodes/"), 404, "not_found")
    assert_error(as_alice.put("/api/v1/checkins/2026-02-30/", {}), 404, "not_found")  # not a date
    browser = APIClient(enforce_csrf_checks=True)
    assert_error(browser.delete("/api/v1/checkins/0000-00-00/"), 404, "not_found")
    slashless = assert_error(as_alice.post("/api/v1/episodes", {}), 404, "not_found")
    assert "/api/v1/episodes/ (with the trailing slash)" in slashless["message"]


def test_a_wrong_method_is_a_json_405(as_alice: APIClient) -> None:
    assert_error(as_alice.put("/api/v1/episodes/", {}), 405, "method_not_allowed")
    assert_error(as_alice.post(URL, {}), 405, "method_not_allowed")


def test_a_server_error_is_json_without_a_trace(alice: User, monkeypatch: object) -> None:
    import diary.api.reference as reference

    def broken() -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(reference, "reference_document", broken)  # type: ignore[attr-defined]
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(alice)
    body = assert_error(client.get(URL), 500, "server_error")
    assert "fire" not in body["message"]


def test_the_schema_validates_with_no_warnings(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/sync/" in out.read_text()


def test_the_schema_and_docs_are_served(anonymous: APIClient) -> None:
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/episodes/", "/api/v1/sync/", "/api/v1/reference/", "/api/v1/auth/token/"} <= set(paths)
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"400", "500"} <= set(operation["responses"]), (path, method)
            if operation.get("security") != [{}] and path != "/api/v1/auth/register/":
                assert "401" in operation["responses"], (path, method)
            if "{" in path:
                assert "404" in operation["responses"], (path, method)
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
