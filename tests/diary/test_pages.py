from django.test import Client


def test_it_serves_the_home_page_and_the_health_check(db: None) -> None:
    client = Client()
    home = client.get("/")
    assert home.status_code == 200
    assert b"never diagnoses" in home.content
    assert client.get("/healthz").json() == {"status": "ok"}


def test_it_serves_the_admin_login_page(db: None) -> None:
    page = Client().get("/admin/login/")
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content
