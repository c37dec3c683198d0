"""The settings page's "Download all my data" and "Delete my account". They live in the tracker
because the export and the erasure reach the tracker's rows (reports, shares, summaries) and
imports flow tracker -> diary. Each does what its API twin does (tracker/account/api.py)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from config import throttle
from diary.pages.account_forms import DeleteAccountForm, refuse
from diary.pages.accounts import with_refusal
from tracker.account.api import account_export_response
from tracker.account.services import account_erase

WRONG_PASSWORD = "The password is not right; nothing was erased."


@login_required
@require_GET
def account_export(request: HttpRequest) -> FileResponse:
    user = request.user
    assert isinstance(user, User)
    return account_export_response(user=user)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Erase the account for good, with the password again (counted as a sign-in try first,
    so that a stolen session cannot guess it), then sign out."""
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        return _delete_page(request, DeleteAccountForm())
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return _delete_page(request, form, status=400)
    try:
        throttle.count_sign_in(request, user.get_username())  # before the password is checked
    except (throttle.TooManyTries, throttle.ThrottleUnavailable) as refused:
        refusal = refuse(form, refused, doing="Try")
        return with_refusal(_delete_page(request, form), refusal)
    if not user.check_password(form.cleaned_data["password"]):
        form.add_error("password", WRONG_PASSWORD)
        return _delete_page(request, form, status=400)
    account_erase(user=user)
    logout(request)  # its sessions are gone already (account_erase); this one's cookie goes too
    messages.success(request, "Your account and everything in it are erased.")
    return redirect("home")


def _delete_page(request: HttpRequest, form: DeleteAccountForm, status: int = 200) -> HttpResponse:
    return render(request, "diary/account/delete.html", {"form": form, "nav": "settings"}, status=status)
