from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Registered here, beside the only tests that use it, so that `--strict-markers` accepts it.
    config.addinivalue_line(
        "markers", "slow: starts the site's own processes (manage.py, gunicorn); `-m 'not slow'` skips them"
    )
