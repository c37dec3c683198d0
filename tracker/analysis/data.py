"""The plain data the analysis reads besides the diary (whose types, diary.plain, the diary's
read answers): the reference data, and a helper on days."""

from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

import numpy as np

Ordinals = TypeVar("Ordinals", int, np.ndarray)


def ordinal_weekday(ordinal: Ordinals) -> Ordinals:
    """The weekday (Monday 0) of a day given as its ordinal: ordinal 1, 1 January of year 1, was
    a Monday. Works on numpy arrays of ordinals too."""
    return (ordinal - 1) % 7


@dataclass(frozen=True)
class Feature:
    kind: str  # region, symptom, trigger, pattern
    code: str
    role: str  # typical, supporting, against
    note: str = ""


@dataclass(frozen=True)
class Condition:
    slug: str
    name: str
    category: str
    features: tuple[Feature, ...]
    sources: tuple["Source", ...]


class Source(NamedTuple):
    seed: str  # the document's file name
    title: str  # the document's title, which readers cite
    supports: str  # what it supports about the condition


@dataclass(frozen=True)
class Symptom:
    code: str
    name: str
    red_flag: bool
    advice: str = ""


@dataclass(frozen=True)
class Reference:
    version: str
    symptoms: dict[str, Symptom]
    region_groups: dict[str, str]  # region code -> face, head_neck, arm, trunk, leg
    region_names: dict[str, str] = field(default_factory=dict)
    trigger_names: dict[str, str] = field(default_factory=dict)
    conditions: tuple[Condition, ...] = ()
