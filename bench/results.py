"""Measurements and the results file they are merged into.

`bench/results/latest.json` is a list of measurements, one per name. Each run replaces the
entries it measured and keeps the rest, so a later benchmark (the booking rush, issuing PDFs)
adds its own names beside the page measurements without erasing them.

A measurement with a goal says whether it met it (`met` true or false); one that is recorded
only to compare runs has `met` null.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
LATEST = RESULTS_DIR / "latest.json"


@dataclass(frozen=True)
class Measurement:
    name: str  # "<subject>.<metric>", e.g. "catalogue.req_per_s"
    value: float
    unit: str
    goal: str  # human-readable, e.g. ">= 1/3 of hello req/s"; "" when there is none
    met: bool | None = None
    context: dict[str, Any] = field(default_factory=dict)  # how it was measured

    @property
    def subject(self) -> str:
        return self.name.partition(".")[0]

    @property
    def metric(self) -> str:
        return self.name.partition(".")[2] or self.name

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def read(path: Path = LATEST) -> list[dict[str, Any]]:
    """The measurements in the file, or none when it is missing."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    if not isinstance(data, list) or not all(isinstance(m, dict) and "name" in m for m in data):
        raise ValueError(f"{path} is not a list of measurements")
    return data


def merge(
    existing: Iterable[dict[str, Any]], new: Iterable[Measurement]
) -> list[dict[str, Any]]:
    """`existing` with each of `new` replacing the entry of the same name in its place, and
    names not seen before appended in the order given."""
    merged = {entry["name"]: entry for entry in existing}
    for measurement in new:
        merged[measurement.name] = measurement.as_json()
    return list(merged.values())


def write(new: Iterable[Measurement], path: Path = LATEST) -> list[dict[str, Any]]:
    """Merge `new` into the file at `path`, replacing it in one step, and return its contents."""
    entries = merge(read(path), new)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(entries, indent=2) + "\n")
    os.replace(temporary, path)
    return entries


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p% of values at or below it.

    Always one of the observed values; p50 of 1..10 is 5, p95 of 1..100 is 95.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {p}")
    ordered = sorted(values)
    rank = math.ceil(Fraction(str(p)) * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]
