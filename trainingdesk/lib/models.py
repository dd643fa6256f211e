"""The few rows the shared tools keep."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """Hits on one rate-limit key in one window, when the cache is the database (lib/ratelimit.py)."""

    key = models.CharField(max_length=250, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
