"""The reference data as the analysis reads it, and stored summaries with whether they are
stale. (The diary as plain data is read in diary.selectors.read.)"""

from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce

from conditions.reference import PerReferenceVersion, dump_reference, version_of
from tracker.analysis import data
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
    seq = Coalesce(F("user__diary_profile__last_change_seq"), 0)  # no profile yet: no diary either
    stale = Q(watermark__lt=seq) | ~Q(reference_version=reference_version) | ~Q(analysis_version=ANALYSIS_VERSION)
    return Summary.objects.annotate(seq=seq, stale=ExpressionWrapper(stale, output_field=BooleanField()))


def load_reference() -> data.Reference:
    """The reference data as the analysis reads it: one query while the stored version stays
    the one it was built under (conditions.reference.PerReferenceVersion), else a dump of the
    tables. Its `version` is the hash of what was dumped, which is what a summary records."""
    return _REFERENCE.get()


def _build_reference(dump: dict[str, Any]) -> data.Reference:
    titles = {source["seed"]: source["title"] for source in dump["sources"]}
    return data.Reference(
        version=version_of(dump),
        symptoms={s["code"]: data.Symptom(s["code"], s["name"], s["red_flag"], s["advice"]) for s in dump["symptoms"]},
        region_groups={r["code"]: r["group"] for r in dump["regions"]},
        region_names={r["code"]: r["name"] for r in dump["regions"]},
        trigger_names={t["code"]: t["name"] for t in dump["triggers"]},
        conditions=tuple(
            data.Condition(
                slug=c["slug"],
                name=c["name"],
                category=c["category"],
                features=tuple(data.Feature(f["kind"], f["code"], f["role"], f["note"]) for f in c["features"]),
                sources=tuple(
                    data.Source(s["seed"], titles.get(s["seed"]) or s["seed"], s["supports"]) for s in c["sources"]
                ),
            )
            for c in dump["conditions"]
        ),
    )


_REFERENCE = PerReferenceVersion(lambda: _build_reference(dump_reference()))
