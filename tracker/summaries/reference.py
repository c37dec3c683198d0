"""The reference data as the analysis reads it (tracker.analysis.data.Reference), kept per
reference version: what the pipeline, the reports and the dashboard hand the analysis."""

from typing import Any

from conditions.reference import PerReferenceVersion, dump_reference, version_of
from tracker.analysis import data


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
