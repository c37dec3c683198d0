"""Load the reference data file into the database, dump it back, and version it.

The same functions serve the data migration (with historical models) and the
`load_reference` command (with the current ones), so there is one loader.

The reference version is a hash of the canonical dump of what is in the database: it changes
exactly when the content changes, whether through a new data file or an edit in the admin,
and every stored analysis records the version it used. Hashing a dump costs a dozen queries,
so the version is also stored (ReferenceVersion) whenever the content changes, and readers
on a request path take it from there in one query (`current_reference_version`). A write that
sends no signal (QuerySet.update, bulk_create, raw SQL) cannot leave a wrong version behind:
database triggers drop the stored version on any change (migration 0004), and the next reader
hashes and stores it again.
"""

import contextvars
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from django.apps import apps as django_apps
from django.db import models, transaction

DATA_FILE = Path(__file__).resolve().parent / "data" / "reference.json"
SUPPORTED_FORMAT = 1
PATTERN_CODES = ("single_twitch", "intermittent_bursts", "continuous_rippling", "cramp_like")

GetModel = Callable[[str, str], type[models.Model]]
Reference = dict[str, Any]


def read_reference_file(path: Path = DATA_FILE) -> Reference:
    data: Reference = json.loads(path.read_text(encoding="utf-8"))
    check_reference(data)
    return data


def check_reference(data: Reference) -> None:
    """Raise ValueError naming every inconsistency in a reference document."""
    problems: list[str] = []
    if data.get("format") != SUPPORTED_FORMAT:
        problems.append(f"format must be {SUPPORTED_FORMAT}, got {data.get('format')!r}")
    codes: dict[str, set[str]] = {"pattern": set(PATTERN_CODES)}
    for kind, key in (("region", "regions"), ("trigger", "triggers"), ("symptom", "symptoms")):
        listed = [item["code"] for item in data.get(key, [])]
        codes[kind] = set(listed)
        if len(listed) != len(codes[kind]):
            problems.append(f"duplicate codes in {key}")
    for symptom in data.get("symptoms", []):
        if symptom["red_flag"] and not symptom["advice"].strip():
            problems.append(f"red-flag symptom {symptom['code']} has no advice")
    slugs = [condition["slug"] for condition in data.get("conditions", [])]
    if len(slugs) != len(set(slugs)):
        problems.append("duplicate condition slugs")
    titles = source_titles(data)
    if len(titles) != len(data.get("sources", [])) or not all(title.strip() for title in titles.values()):
        problems.append("every source document needs one seed file name and a title")
    for condition in data.get("conditions", []):
        problems.extend(_condition_problems(condition, codes, set(titles)))
    if problems:
        raise ValueError("Invalid reference data: " + "; ".join(problems))


def source_titles(data: Reference) -> dict[str, str]:
    """Each source document's title by its seed file name: readers cite the title, and the file
    name beside it for traceability."""
    return {source["seed"]: source["title"] for source in data.get("sources", [])}


def _condition_problems(condition: Reference, codes: dict[str, set[str]], seeds: set[str]) -> list[str]:
    slug = condition["slug"]
    problems = [] if condition.get("sources") else [f"{slug} cites no source"]
    problems += [
        f"{slug} cites {s['seed']!r}, not a listed source" for s in condition["sources"] if s["seed"] not in seeds
    ]
    seen: set[tuple[str, str]] = set()
    for feature in condition.get("features", []):
        key = (feature["kind"], feature["code"])
        if feature["kind"] not in codes or feature["code"] not in codes[feature["kind"]]:
            problems.append(f"{slug} names unknown {feature['kind']} {feature['code']!r}")
        if key in seen:
            problems.append(f"{slug} lists {feature['kind']} {feature['code']} twice")
        seen.add(key)
    return problems


@transaction.atomic
def load_reference(data: Reference | None = None, get_model: GetModel = django_apps.get_model) -> None:
    """Make the database's reference data match `data` (the data file by default).

    Idempotent: rows are matched by code or slug and updated in place; a condition's features
    and sources are replaced by the file's. Rows the file no longer lists are kept, since
    diary entries may point at them.
    """
    data = read_reference_file() if data is None else data
    check_reference(data)
    with _one_version_store():
        _load(data, get_model)
    try:
        get_model("conditions", "ReferenceVersion")
    except LookupError:  # an early migration's models: the table comes later (0003 stores it)
        return
    store_reference_version(get_model)


def _load(data: Reference, get_model: GetModel) -> None:
    regions = _upsert_by_code(get_model("conditions", "BodyRegion"), data["regions"])
    triggers = _upsert_by_code(get_model("conditions", "Trigger"), data["triggers"])
    symptoms = _upsert_by_code(get_model("conditions", "Symptom"), data["symptoms"])
    targets = {"region": regions, "trigger": triggers, "symptom": symptoms}
    condition_model = get_model("conditions", "Condition")
    feature_model = get_model("conditions", "ConditionFeature")
    source_model = get_model("conditions", "ConditionSource")
    titles = source_titles(data)

    def _title(source: Reference) -> dict[str, str]:
        # Migrations before 0005 load with historical models that have no title yet.
        return {"title": titles[source["seed"]]} if _has_field(source_model, "title") else {}

    for index, item in enumerate(data["conditions"]):
        fields = {k: v for k, v in item.items() if k not in ("slug", "features", "sources")}
        condition, _ = condition_model._default_manager.update_or_create(
            slug=item["slug"], defaults={**fields, "sort_order": index}
        )
        feature_model._default_manager.filter(condition=condition).delete()
        feature_model._default_manager.bulk_create(
            feature_model(condition=condition, **_feature_fields(feature, targets)) for feature in item["features"]
        )
        source_model._default_manager.filter(condition=condition).delete()
        source_model._default_manager.bulk_create(
            source_model(condition=condition, seed=source["seed"], supports=source["supports"], **_title(source))
            for source in item["sources"]
        )


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _source_titles_in_db(source_model: type[models.Model]) -> list[tuple[str, str]]:
    """(seed, title) of every cited source document, by seed; before migration 0005 stored
    titles, none."""
    if not _has_field(source_model, "title"):
        return []
    return list(source_model._default_manager.order_by("seed", "title").values_list("seed", "title").distinct())


def _upsert_by_code(model: type[models.Model], items: list[Reference]) -> dict[str, models.Model]:
    rows = {}
    for index, item in enumerate(items):
        fields = {k: v for k, v in item.items() if k != "code"}
        row, _ = model._default_manager.update_or_create(code=item["code"], defaults={**fields, "sort_order": index})
        rows[item["code"]] = row
    return rows


def _feature_fields(feature: Reference, targets: dict[str, dict[str, models.Model]]) -> Reference:
    fields: Reference = {"kind": feature["kind"], "role": feature["role"], "note": feature.get("note", "")}
    if feature["kind"] == "pattern":
        fields["pattern"] = feature["code"]
    else:
        fields[feature["kind"]] = targets[feature["kind"]][feature["code"]]
    return fields


def dump_reference(get_model: GetModel = django_apps.get_model) -> Reference:
    """The database's reference data in the data file's shape, in a stable order."""
    region_model = get_model("conditions", "BodyRegion")
    trigger_model = get_model("conditions", "Trigger")
    symptom_model = get_model("conditions", "Symptom")
    condition_model = get_model("conditions", "Condition")
    conditions = condition_model._default_manager.order_by("sort_order", "slug").prefetch_related(
        "features__region", "features__symptom", "features__trigger", "sources"
    )
    cited = _source_titles_in_db(get_model("conditions", "ConditionSource"))
    return {
        "format": SUPPORTED_FORMAT,
        "sources": [{"seed": seed, "title": title} for seed, title in cited],
        "regions": list(
            region_model._default_manager.order_by("sort_order", "code").values("code", "name", "group", "has_sides")
        ),
        "triggers": list(
            trigger_model._default_manager.order_by("sort_order", "code").values("code", "name", "description")
        ),
        "symptoms": list(
            symptom_model._default_manager.order_by("sort_order", "code").values(
                "code", "name", "red_flag", "advice", "description"
            )
        ),
        "conditions": [_dump_condition(condition) for condition in conditions],
    }


def _dump_condition(condition: Any) -> Reference:
    features = sorted(
        ({"kind": f.kind, "code": _feature_code(f), "role": f.role, "note": f.note} for f in condition.features.all()),
        key=lambda f: (f["kind"], f["code"]),
    )
    sources = sorted(
        ({"seed": s.seed, "supports": s.supports} for s in condition.sources.all()),
        key=lambda s: (s["seed"], s["supports"]),
    )
    return {
        "slug": condition.slug,
        "name": condition.name,
        "category": condition.category,
        "summary": condition.summary,
        "investigation": condition.investigation,
        "treatment": condition.treatment,
        "features": features,
        "sources": sources,
    }


def _feature_code(feature: Any) -> str:
    # Works on historical models too, which lack the ConditionFeature.code property.
    target = getattr(feature, feature.kind, None) if feature.kind != "pattern" else None
    return str(target.code) if target is not None else str(feature.pattern)


def version_of(data: Reference) -> str:
    """A short content hash of a reference document."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def reference_version(get_model: GetModel = django_apps.get_model) -> str:
    """The version of the reference data currently in the database."""
    return version_of(dump_reference(get_model))


def store_reference_version(get_model: GetModel = django_apps.get_model) -> str:
    """Hash the reference data in the database and store the version; return it. For a writer
    of the reference data, in its own transaction: it sees its own changes, and the change
    triggers (migration 0004) hold the stored row's lock, so no other writer's change slips in
    between its hash and its store."""
    version = reference_version(get_model)
    stored = get_model("conditions", "ReferenceVersion")
    stored._default_manager.update_or_create(pk=1, defaults={"version": version, "stored_as": uuid.uuid4()})
    return version


def current_reference_version() -> str:
    """The stored version of the reference data: one query (a hash of the dump only when the
    tables changed since it was stored, see migration 0004)."""
    return current_reference_key()[0]


def current_reference_key() -> tuple[str, str]:
    """The stored version and the token of its store, in one query: the key for a cache of
    rows read from the reference tables (see ReferenceVersion.stored_as).

    When the version is not stored (never yet, or emptied by a change), hash the tables and
    store it only if the generation is still the one read: a change committed while hashing
    raised it, and then the next reader hashes again rather than trust a mixed read."""
    from conditions.models import ReferenceVersion

    row = ReferenceVersion.objects.filter(pk=1).values_list("version", "stored_as", "generation").first()
    if row is not None and row[0]:
        return row[0], str(row[1])
    version, token = reference_version(), uuid.uuid4()
    if row is None:  # never stored (a flushed test database): the first reader stores it
        ReferenceVersion.objects.get_or_create(pk=1, defaults={"version": version, "stored_as": token})
    else:
        ReferenceVersion.objects.filter(pk=1, generation=row[2]).update(version=version, stored_as=token)
    return version, str(token)


T = TypeVar("T")


class PerReferenceVersion(Generic[T]):
    """A value built from the reference tables (the write path's codes, the analysis's
    Reference, the API's reference document), kept by this process while the stored version
    stays the one it was built under. Any change of the tables empties the stored version and
    its next store gets a new token (current_reference_key), so a kept value never outlives a
    change, and one built while a change landed is only ever served under the old key.
    Reading costs the key's one query, unless the caller has read the key already."""

    _every: ClassVar[list["PerReferenceVersion[Any]"]] = []

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._kept: tuple[tuple[str, str], T] | None = None
        PerReferenceVersion._every.append(self)

    def get(self, key: tuple[str, str] | None = None) -> T:
        key = key or current_reference_key()
        kept = self._kept
        if kept is not None and kept[0] == key:
            return kept[1]
        value = self._build()
        self._kept = (key, value)  # one assignment: threads see the old pair or the new one
        return value

    @classmethod
    def forget_all(cls) -> None:
        """Drop every kept value, as a new process starts (tests start each from here)."""
        for cache in cls._every:
            cache._kept = None


# Set while load_reference writes: its hundreds of row saves store the version once, at the end.
_loading = contextvars.ContextVar("loading_reference", default=False)


@contextmanager
def _one_version_store() -> Iterator[None]:
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


def on_reference_row_changed(**kwargs: Any) -> None:
    """post_save and post_delete of every reference model (conditions.apps): an edit in the
    admin stores the new version at once. Bulk writes and QuerySet.update() send no signal;
    whoever uses them calls store_reference_version() (load_reference does)."""
    if not _loading.get() and not kwargs.get("raw"):
        store_reference_version()
