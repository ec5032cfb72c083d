"""Settings come from the environment and a bad value stops the start-up with
ImproperlyConfigured, never a 500 later (conventions, practice 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from renda.settings import env_bool, env_int, env_list

GOOD_KEY = "k" * 50


# --- the typed readers -------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("true", True), ("1", True), ("YES", True), (" on ", True),
    ("false", False), ("0", False), ("no", False), ("Off", False),
])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("RENDA_FLAG", raw)
    assert env_bool("RENDA_FLAG") is expected


def test_env_bool_uses_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("RENDA_FLAG", raising=False)
    assert env_bool("RENDA_FLAG", True) is True
    monkeypatch.setenv("RENDA_FLAG", "")
    assert env_bool("RENDA_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "tru"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("RENDA_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="RENDA_FLAG"):
        env_bool("RENDA_FLAG")


def test_env_int_reads_a_number_or_the_default(monkeypatch):
    monkeypatch.setenv("RENDA_NUMBER", "42")
    assert env_int("RENDA_NUMBER", 7) == 42
    monkeypatch.delenv("RENDA_NUMBER")
    assert env_int("RENDA_NUMBER", 7) == 7


@pytest.mark.parametrize("raw", ["thirty", "1.5", "10m"])
def test_env_int_refuses_a_non_integer(monkeypatch, raw):
    monkeypatch.setenv("RENDA_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("RENDA_NUMBER", 7)


def test_env_int_refuses_a_value_below_the_minimum(monkeypatch):
    monkeypatch.setenv("RENDA_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("RENDA_NUMBER", 30, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("RENDA_HOSTS", " renda.example.org, ,10.0.0.5 ,")
    assert env_list("RENDA_HOSTS", []) == ["renda.example.org", "10.0.0.5"]


def test_env_list_uses_the_default_when_blank(monkeypatch):
    monkeypatch.setenv("RENDA_HOSTS", "  ")
    assert env_list("RENDA_HOSTS", ["localhost"]) == ["localhost"]


# --- a whole start-up, in a fresh interpreter ----------------------------------------------------


def start(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import renda.settings in a clean process with only the given environment."""
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
            "RENDA_DATA_DIR": str(tmp_path), "SECRET_KEY": GOOD_KEY}
    base.update(env)
    base = {k: v for k, v in base.items() if v is not None}
    return subprocess.run([sys.executable, "-c", "import renda.settings"], env=base,
                          capture_output=True, text=True, timeout=60, check=False)


def fails_with(result: subprocess.CompletedProcess[str], text: str) -> bool:
    return (result.returncode != 0 and "ImproperlyConfigured" in result.stderr
            and text in result.stderr)


def test_good_environment_starts(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr


def test_postgres_database_url_starts(tmp_path):
    result = start(tmp_path, DATABASE_URL="postgres://renda:secret@db:5432/renda")
    assert result.returncode == 0, result.stderr


def test_mysql_database_url_fails_fast(tmp_path):
    assert fails_with(start(tmp_path, DATABASE_URL="mysql://x"), "DATABASE_URL")


def test_garbage_database_url_fails_fast(tmp_path):
    assert fails_with(start(tmp_path, DATABASE_URL="not a url at all"), "DATABASE_URL")


def test_missing_secret_key_without_debug_fails_fast(tmp_path):
    assert fails_with(start(tmp_path, SECRET_KEY=None), "SECRET_KEY is not set")


def test_missing_secret_key_is_allowed_with_debug(tmp_path):
    result = start(tmp_path, SECRET_KEY=None, DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_short_secret_key_fails_fast(tmp_path):
    assert fails_with(start(tmp_path, SECRET_KEY="short-key"), "SECRET_KEY is too short")


def test_debug_maybe_fails_fast(tmp_path):
    assert fails_with(start(tmp_path, DEBUG="maybe"), "DEBUG='maybe'")


def test_zero_idle_minutes_fails_fast(tmp_path):
    assert fails_with(start(tmp_path, RENDA_SESSION_IDLE_MINUTES="0"),
                      "RENDA_SESSION_IDLE_MINUTES")


def test_both_tls_and_ssl_fail_fast(tmp_path):
    assert fails_with(start(tmp_path, EMAIL_USE_TLS="true", EMAIL_USE_SSL="true"),
                      "EMAIL_USE_TLS")


def test_an_english_browser_still_gets_chinese_pages(client: Any, db: Any) -> None:
    """Django's own strings (form errors) stay Chinese whatever the browser asks for. (The
    sign-in attempt is counted by the rate limiter, in the database.)"""
    response = client.post("/login/", {"login": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = response.content.decode()
    assert "This field is required" not in text and "这个字段是必填项" in text
