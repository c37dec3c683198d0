"""Recording who looked at whose diary in the admin, as django-auditlog LogEntry rows with the
ACCESS action (readable, never editable, under Audit log in the admin).

A record says who (the viewer, as the actor), whose diary (the owner: the record's object is
that user, by id and user name, so the log of one person's diary is a search for their name),
what (the model and the view; a detail view's row id; a list's filter names) and when. It never
holds the rows' content, and never what the viewer typed or picked: the search term could be a
note's text, and a filter's value next to the owners shown says something about their health
("red-flag symptom: yes" beside alice). Only the names of the filters in use are kept.
"""

from collections.abc import Iterable, Sequence
from typing import Literal, NotRequired, TypedDict

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

AdminView = Literal["changelist", "change", "history", "delete"]


class Accessed(TypedDict):
    """What was looked at: a record's `additional_data`."""

    model: str  # app_label.model_name
    view: AdminView
    object_pk: NotRequired[str]  # a detail view's row
    filters: NotRequired[list[str]]  # a list's filter names, never their values
    searched: NotRequired[bool]  # a list narrowed by a search, whose term is not kept


def diary_access_record(
    *,
    actor: User,
    owners: Iterable[User],
    model: type[Model],
    view: AdminView,
    object_pk: str | None = None,
    filters: Sequence[str] = (),
    searched: bool = False,
) -> list[LogEntry]:
    """One record per owner (a list page showing 40 of alice's rows records alice once), all
    written in one statement, so that a page costs the same whatever it shows."""
    accessed = Accessed(model=model._meta.label_lower, view=view)
    if object_pk is not None:
        accessed["object_pk"] = object_pk
    if view == "changelist":
        accessed["filters"] = sorted(filters)
        accessed["searched"] = searched
    user_type, cid = ContentType.objects.get_for_model(User), get_cid()
    unique_owners = {owner.pk: owner for owner in owners}
    return LogEntry.objects.bulk_create(  # type: ignore[no-any-return]
        LogEntry(
            action=LogEntry.Action.ACCESS,
            actor=actor,
            actor_email=actor.email or None,  # who it was, should the account go later
            content_type=user_type,
            object_pk=str(pk),
            object_id=pk,
            object_repr=owner.get_username(),
            additional_data=accessed,
            cid=cid,
        )
        for pk, owner in unique_owners.items()
    )
