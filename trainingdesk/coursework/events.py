"""What coursework tells the apps above it (certificates), which may not be imported here.

An app above registers a callable in its AppConfig.ready(); coursework calls each one after the
transaction in which a portfolio passed has committed, with the portfolio's id.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

PassedHandler = Callable[[int], None]
_on_passed: list[PassedHandler] = []


def register_on_passed(handler: PassedHandler) -> None:
    """`handler(portfolio_id)` runs once the portfolio's pass has committed."""
    if handler not in _on_passed:
        _on_passed.append(handler)


def portfolio_passed(portfolio_id: int) -> None:
    """Called by coursework.services inside the transaction that records the pass."""
    for handler in list(_on_passed):
        transaction.on_commit(lambda handler=handler: handler(portfolio_id))  # type: ignore[misc]
