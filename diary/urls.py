"""The diary's web pages. Django's own views serve log in, log out and the password pages,
with our templates (registration/) and the sign-in throttle (diary.forms)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from diary.forms import ThrottledAuthenticationForm
from diary.pages import accounts, checkins, episodes, history

urlpatterns = [
    path("accounts/signup/", accounts.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm, extra_context={"nav": "login"}),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", accounts.settings_page, name="settings"),
    path("log/", episodes.episode_log, name="episode-log"),
    path("episodes/<uuid:id>/", episodes.episode_detail, name="episode-detail"),
    path("episodes/<uuid:id>/edit/", episodes.episode_edit, name="episode-edit"),
    path("episodes/<uuid:id>/delete/", history.episode_delete, name="episode-delete"),
    path("episodes/<uuid:id>/restore/", history.episode_restore, name="episode-restore"),
    path("checkin/", checkins.checkin_today, name="checkin"),
    path("checkin/<str:day>/", checkins.checkin_day, name="checkin-day"),
    path("history/", history.history, name="history"),
    path("episodes/<uuid:id>/end/", episodes.episode_end, name="episode-end"),
]
