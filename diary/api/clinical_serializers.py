"""How treatments, investigations and function checks look on the wire (field names fixed by the
mobile contract, DESIGN.md). A function check's signs travel as "yes", "no" or null; they are
stored as True, False or None."""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from config.api.common import JsonStringField, JsonUuidField
from diary.api.serializers import BoundedListField, iso_instant
from diary.dates import DATE_BOUNDS
from diary.models import (
    MAX_DOSE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTES_LENGTH,
    FunctionCheck,
    Investigation,
    InvestigationKind,
    Limb,
    Side,
    Treatment,
    TreatmentKind,
)
from diary.plain import FUNCTION_SIGNS
from diary.services.function_checks import MAX_WEAKNESS_PLACES


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return JsonStringField(max_length=max_length, allow_blank=True, trim_whitespace=False, **kwargs)


class _Bookkeeping(serializers.Serializer[Any]):
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    deleted_at = serializers.DateTimeField(read_only=True, allow_null=True)


class TreatmentSerializer(_Bookkeeping):
    id = JsonUuidField(required=False, help_text="Client-generated id; replays with the same id are safe.")
    name = JsonStringField(max_length=MAX_NAME_LENGTH, help_text='What was tried: "magnesium", "no caffeine".')
    kind = serializers.ChoiceField(choices=TreatmentKind.choices)
    dose = _text(MAX_DOSE_LENGTH, default="", help_text='As the person says it: "200 mg at night".')
    started_on = serializers.DateField(validators=DATE_BOUNDS, help_text="The local date it started.")
    stopped_on = serializers.DateField(
        allow_null=True,
        default=None,
        validators=DATE_BOUNDS,
        help_text="The local date it stopped, not before the start; null while it goes on.",
    )
    notes = _text(MAX_NOTES_LENGTH, default="")


class InvestigationSerializer(_Bookkeeping):
    id = JsonUuidField(required=False, help_text="Client-generated id; replays with the same id are safe.")
    name = JsonStringField(max_length=MAX_NAME_LENGTH, help_text='The test: "EMG of both legs".')
    kind = serializers.ChoiceField(choices=InvestigationKind.choices)
    done_on = serializers.DateField(validators=DATE_BOUNDS, help_text="The local date it was done.")
    result = _text(MAX_NOTES_LENGTH, default="", help_text="In the person's own words, or the letter's.")
    notes = _text(MAX_NOTES_LENGTH, default="")


class YesNoField(serializers.ChoiceField):
    """ "yes", "no" or null on the wire; True, False or None inside."""

    default_error_messages = {"invalid_choice": 'Answer "yes", "no" or null (not {input}).'}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=["yes", "no"], allow_null=True, default=None, **kwargs)

    def to_internal_value(self, data: Any) -> bool:  # type: ignore[override]
        return bool(super().to_internal_value(data) == "yes")

    def to_representation(self, value: Any) -> str | None:  # type: ignore[override]
        return None if value is None else ("yes" if value else "no")


class WeaknessPlaceSerializer(serializers.Serializer[Any]):
    limb = serializers.ChoiceField(choices=Limb.choices)
    side = serializers.ChoiceField(choices=Side.choices)


class FunctionCheckSerializer(_Bookkeeping):
    date = serializers.DateField(read_only=True, help_text="The user's local date (in the address).")
    weakness = YesNoField(help_text="Weakness anywhere.")
    weakness_where = BoundedListField(
        child=WeaknessPlaceSerializer(),
        max_length=MAX_WEAKNESS_PLACES,
        default=list,
        help_text="Where the weakness is; only with weakness yes.",
    )
    wasting = YesNoField(help_text="Muscles looking thinner.")
    swallowing = YesNoField(help_text="Trouble swallowing.")
    speech = YesNoField(help_text="Trouble speaking.")
    breathing = YesNoField(help_text="Trouble breathing.")
    balance = YesNoField(help_text="Trouble with balance.")
    numbness_tingling = YesNoField(help_text="Numbness or tingling.")
    vision_hearing = YesNoField(help_text="A change in vision or hearing.")
    cramps = YesNoField(help_text="Cramps (common with benign twitching; not a warning sign).")
    notes = _text(MAX_NOTES_LENGTH, default="")

    def to_values(self) -> dict[str, Any]:
        """The validated data as function_check_upsert takes it."""
        return function_check_input(self.validated_data)


def function_check_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """A function check's validated data (or what a sync push's item read as) as
    function_check_upsert takes it: the places as plain {"limb", "side"} dicts."""
    return {
        **{sign: data.get(sign) for sign in FUNCTION_SIGNS},
        "weakness_where": [dict(place) for place in data.get("weakness_where", [])],
        "notes": data.get("notes", ""),
    }


def _bookkeeping(record: Treatment | Investigation | FunctionCheck) -> dict[str, Any]:
    return {
        "version": record.version,
        "created_at": iso_instant(record.created_at),
        "updated_at": iso_instant(record.updated_at),
        "deleted_at": iso_instant(record.deleted_at),
    }


def treatment_data(treatment: Treatment) -> dict[str, Any]:
    return {
        "id": str(treatment.id),
        "name": treatment.name,
        "kind": treatment.kind,
        "dose": treatment.dose,
        "started_on": treatment.started_on.isoformat(),
        "stopped_on": treatment.stopped_on.isoformat() if treatment.stopped_on else None,
        "notes": treatment.notes,
        **_bookkeeping(treatment),
    }


def investigation_data(investigation: Investigation) -> dict[str, Any]:
    return {
        "id": str(investigation.id),
        "name": investigation.name,
        "kind": investigation.kind,
        "done_on": investigation.done_on.isoformat(),
        "result": investigation.result,
        "notes": investigation.notes,
        **_bookkeeping(investigation),
    }


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def function_check_data(check: FunctionCheck) -> dict[str, Any]:
    return {
        "date": check.date.isoformat(),
        **{sign: _yes_no(getattr(check, sign)) for sign in FUNCTION_SIGNS},
        "weakness_where": [{"limb": place["limb"], "side": place["side"]} for place in check.weakness_where],
        "notes": check.notes,
        **_bookkeeping(check),
    }
