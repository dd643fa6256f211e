"""How many of each run's places are taken: a question the catalogue asks and the bookings app
answers (it sits above the catalogue, so the catalogue cannot ask it directly). Bookings registers
its answer in its AppConfig.ready; until something does, no run shows places left."""

from __future__ import annotations

from collections.abc import Callable, Iterable

SeatsTaken = Callable[[list[int]], dict[int, int]]  # run ids -> places taken (absent: none)

_answer: list[SeatsTaken] = []


def answer_with(seats_taken: SeatsTaken) -> None:
    _answer[:] = [seats_taken]


def seats_taken(run_ids: Iterable[int]) -> dict[int, int] | None:
    """Places taken on each run, in one query; None when nothing answers the question."""
    if not _answer:
        return None
    ids = list(run_ids)
    return dict.fromkeys(ids, 0) | _answer[0](ids) if ids else {}
