"""The diary's web pages, with the landing page and the phone client's files at the root.
Django's own views serve log in, log out and the password pages, with our templates
(registration/) and the sign-in throttle (diary.forms)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from diary.pages import accounts, checkins, clinical, episodes, function_checks, history, home, pwa

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    # The phone client's service worker and manifest: at the root, so that the worker's scope
    # is the whole site (diary.pages.pwa).
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", accounts.settings_page, name="settings"),
    path("log/", episodes.episode_log, name="episode-log"),
    path("quick/", pwa.quick_log, name="quick-log"),
    path("episodes/<uuid:id>/", episodes.episode_detail, name="episode-detail"),
    path("episodes/<uuid:id>/edit/", episodes.episode_edit, name="episode-edit"),
    path("episodes/<uuid:id>/delete/", history.episode_delete, name="episode-delete"),
    path("episodes/<uuid:id>/restore/", history.episode_restore, name="episode-restore"),
    path("checkin/", checkins.checkin_today, name="checkin"),
    path("checkin/<str:day>/", checkins.checkin_day, name="checkin-day"),
    path("history/", history.history, name="history"),
    path("treatments/", clinical.treatments, name="treatments"),
    path("treatments/<uuid:id>/edit/", clinical.treatment_edit, name="treatment-edit"),
    path("treatments/<uuid:id>/stop/", clinical.treatment_stopped, name="treatment-stop"),
    path("treatments/<uuid:id>/delete/", clinical.treatment_delete, name="treatment-delete"),
    path("tests/", clinical.investigations, name="investigations"),
    path("tests/<uuid:id>/edit/", clinical.investigation_edit, name="investigation-edit"),
    path("tests/<uuid:id>/delete/", clinical.investigation_delete, name="investigation-delete"),
    path("function-check/", function_checks.function_check_today, name="function-check"),
    path("function-check/<str:day>/", function_checks.function_check_day, name="function-check-day"),
    path("episodes/<uuid:id>/end/", episodes.episode_end, name="episode-end"),
    # Passwords: Django's views with our templates; a reset request is throttled.
    path("accounts/password/change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
