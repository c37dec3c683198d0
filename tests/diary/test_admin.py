from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from diary.models import Episode
from tests.factories import EpisodeFactory, UserFactory, make_checkin


@pytest.fixture
def admin_client_(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/diary/episode/",
        "/admin/diary/episode/?state=deleted&pattern=single_twitch&symptoms__red_flag__exact=1",
        "/admin/diary/checkin/?state=live",
        "/admin/diary/profile/",
        "/admin/conditions/condition/?category=benign",
        "/admin/conditions/symptom/?red_flag__exact=1",
        "/admin/conditions/bodyregion/",
        "/admin/conditions/trigger/",
        "/admin/conditions/conditionfeature/?role=against",
    ],
)
def test_it_lists_every_model_with_its_filters(
    admin_client_: Client, alice: User, frozen_now: datetime, url: str
) -> None:
    EpisodeFactory(user=alice)
    make_checkin(alice)
    assert admin_client_.get(url).status_code == 200


def test_it_shows_an_episode_read_only(admin_client_: Client, alice: User, frozen_now: datetime) -> None:
    episode = EpisodeFactory(user=alice, notes="Left eyelid after coffee")
    page = admin_client_.get(reverse("admin:diary_episode_change", args=[episode.id]))
    assert page.status_code == 200
    assert b"Left eyelid after coffee" in page.content
    assert b'name="_save"' not in page.content
    assert admin_client_.get(reverse("admin:diary_episode_add")).status_code == 403


def test_its_delete_action_soft_deletes_through_the_service(
    admin_client_: Client, alice: User, frozen_now: datetime
) -> None:
    episode = EpisodeFactory(user=alice)
    response = admin_client_.post(
        reverse("admin:diary_episode_changelist"), {"action": "soft_delete", "_selected_action": [str(episode.id)]}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.deleted_at == frozen_now
    assert episode.version == 2


def test_it_edits_a_condition_and_the_reference_version_follows(admin_client_: Client) -> None:
    from conditions.models import Condition
    from conditions.reference import reference_version

    before = reference_version()
    condition = Condition.objects.get(slug="hypothyroidism")
    page = admin_client_.get(reverse("admin:conditions_condition_change", args=[condition.pk]))
    assert page.status_code == 200
    Condition.objects.filter(pk=condition.pk).update(summary=condition.summary + " Edited.")
    assert reference_version() != before


def test_a_non_staff_user_cannot_open_the_admin(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    assert client.get("/admin/diary/episode/").status_code == 302
    assert not Episode.objects.exists()
