from django.test import Client


def test_it_serves_the_home_page_and_the_health_check(db: None) -> None:
    client = Client()
    home = client.get("/")
    assert home.status_code == 200
    assert home.content.count(b"never diagnoses") == 1  # once, not again in the footer
    assert client.get("/healthz").json() == {"status": "ok"}


def test_it_serves_the_admin_login_page(db: None) -> None:
    page = Client().get("/admin/login/")
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content


def test_it_opens_the_diary_on_the_log_page_when_signed_in(alice_web: Client) -> None:
    response = alice_web.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/log/"
