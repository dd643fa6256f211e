"""The settings parsers refuse values they cannot read, so a typo fails at start-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize("raw", ["1", "true", "True", " yes ", "ON"])
def test_env_bool_reads_the_usual_ways_of_saying_true(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "off", ""])
def test_env_bool_reads_the_usual_ways_of_saying_false(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", True) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "ture", "enabled"])
def test_env_bool_refuses_anything_else(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG", False)


def test_env_bool_uses_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", True) is True


def test_env_int_reads_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNT", " 42 ")
    assert env_int("COUNT", 0) == 42


def test_env_int_uses_the_default_when_unset_or_blank(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COUNT", raising=False)
    assert env_int("COUNT", 7) == 7
    monkeypatch.setenv("COUNT", "  ")
    assert env_int("COUNT", 7) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "5 minutes", "0x10"])
def test_env_int_refuses_what_is_not_a_whole_number(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("COUNT", raw)
    with pytest.raises(ImproperlyConfigured, match="COUNT must be a whole number"):
        env_int("COUNT", 0)


def test_env_int_refuses_a_number_below_its_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "0")
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT must be at least 1"):
        env_int("AXES_FAILURE_LIMIT", 5, minimum=1)


def test_env_int_accepts_its_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "0")
    assert env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0) == 0


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", " a.example.org, ,b.example.org,")
    assert env_list("HOSTS", []) == ["a.example.org", "b.example.org"]


def test_env_list_uses_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOSTS", raising=False)
    assert env_list("HOSTS", ["localhost"]) == ["localhost"]


def test_env_str_uses_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NAME", raising=False)
    assert env_str("NAME", "fallback") == "fallback"
