"""What stale means for a stored summary, in one place: readers, the task and the sweep all ask
here (tracker.summaries.selectors, tracker.summaries.services)."""

from typing import TYPE_CHECKING, TypedDict

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from diary.selectors.profiles import change_seq_through
from tracker.analysis.summary import ANALYSIS_VERSION
from tracker.models import Summary

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Staleness(TypedDict):
    stale: bool
    seq: int


if TYPE_CHECKING:  # WithAnnotations takes two arguments only for the type checker
    SummaryWithStaleness = WithAnnotations[Summary, Staleness]


def summaries_with_staleness(*, reference_version: str) -> "QuerySet[SummaryWithStaleness]":
    """Summaries annotated with `stale` and `seq` (the user's change number). The one place that
    says what stale means: the diary changed since the analysis read it (its watermark is below
    the user's change number), the reference data it used is no longer the current one, or it
    was computed by an earlier version of the analysis. Readers, the task and the sweep all ask
    here."""
    seq = change_seq_through("user")  # no profile yet: no diary either
    stale = Q(watermark__lt=seq) | ~Q(reference_version=reference_version) | ~Q(analysis_version=ANALYSIS_VERSION)
    return Summary.objects.annotate(seq=seq, stale=ExpressionWrapper(stale, output_field=BooleanField()))
