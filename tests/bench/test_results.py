from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import results
from bench.results import Measurement, percentile


def catalogue(value: float, met: bool = True) -> Measurement:
    return Measurement("catalogue.req_per_s", value, "req/s", ">= 1/3 of hello req/s", met)


def test_writing_to_a_missing_file_creates_it_with_the_measurements(tmp_path: Path) -> None:
    path = tmp_path / "results" / "latest.json"

    results.write([catalogue(300.0)], path)

    assert json.loads(path.read_text()) == [{
        "name": "catalogue.req_per_s", "value": 300.0, "unit": "req/s",
        "goal": ">= 1/3 of hello req/s", "met": True, "context": {},
    }]


def test_a_measurement_replaces_the_entry_of_the_same_name_in_its_place(tmp_path: Path) -> None:
    path = tmp_path / "latest.json"
    results.write([Measurement("hello.req_per_s", 900.0, "req/s", "floor"), catalogue(250.0, False),
                   Measurement("booking_rush.seconds", 4.0, "s", "<= 10 s", True)], path)

    results.write([catalogue(310.0)], path)

    entries = json.loads(path.read_text())
    assert [e["name"] for e in entries] == [
        "hello.req_per_s", "catalogue.req_per_s", "booking_rush.seconds"]
    assert entries[1]["value"] == 310.0
    assert entries[1]["met"] is True


def test_new_names_are_appended_and_other_benchmarks_entries_kept(tmp_path: Path) -> None:
    path = tmp_path / "latest.json"
    path.write_text(json.dumps([{"name": "pdfs.seconds", "value": 12.5, "unit": "s",
                                 "goal": "<= 30 s", "met": True}]))

    entries = results.write([catalogue(300.0)], path)

    assert [e["name"] for e in entries] == ["pdfs.seconds", "catalogue.req_per_s"]
    assert json.loads(path.read_text()) == entries


def test_a_measurement_without_a_goal_records_met_as_null(tmp_path: Path) -> None:
    path = tmp_path / "latest.json"

    results.write([Measurement("catalogue.p95_ms", 41.5, "ms", "")], path)

    assert json.loads(path.read_text())[0]["met"] is None


def test_a_file_that_is_not_a_list_of_measurements_is_refused_not_overwritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "latest.json"
    path.write_text('{"catalogue": 300}')

    with pytest.raises(ValueError, match="not a list of measurements"):
        results.write([catalogue(300.0)], path)
    assert path.read_text() == '{"catalogue": 300}'


def test_a_measurement_names_its_subject_and_metric() -> None:
    assert catalogue(1.0).subject == "catalogue"
    assert catalogue(1.0).metric == "req_per_s"


@pytest.mark.parametrize(("values", "p", "expected"), [
    (list(range(1, 11)), 50, 5),
    (list(range(1, 11)), 95, 10),
    (list(range(1, 101)), 50, 50),
    (list(range(1, 101)), 95, 95),
    (list(range(1, 101)), 100, 100),
    (list(range(1, 21)), 95, 19),
    ([3.0, 1.0, 2.0], 50, 2.0),  # unsorted input
    ([7.5], 95, 7.5),
    ([1, 2, 3, 4], 25, 1),
    ([1, 2, 3, 4], 25.1, 2),
])
def test_percentile_is_the_nearest_rank(values: list[float], p: float, expected: float) -> None:
    assert percentile(values, p) == expected


@pytest.mark.parametrize("p", [0, -1, 100.5])
def test_percentile_refuses_a_rank_outside_0_to_100(p: float) -> None:
    with pytest.raises(ValueError, match="percentile"):
        percentile([1.0, 2.0], p)


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
