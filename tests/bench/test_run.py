"""bench/run.py: which scenarios run, and how busy the machine was before one."""

from __future__ import annotations

from bench.run import SCENARIOS, cpu_busy, selected


def test_a_scenario_brings_the_ones_it_needs_in_registration_order() -> None:
    names = [s.name for s in selected(["booking_rush", "catalogue"])]

    assert names == ["hello", "catalogue", "booking_rush"]


def test_all_scenarios_run_when_none_is_named() -> None:
    assert [s.name for s in selected(None)] == list(SCENARIOS)


def test_the_machine_is_somewhere_between_idle_and_fully_busy() -> None:
    busy = cpu_busy(0.2)

    assert busy is None or 0 <= busy <= 1
