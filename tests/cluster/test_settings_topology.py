"""The settings pick the shared engines from the environment: sessions follow the cache onto Redis."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT


def _setting(name: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CACHE_URL", "SESSION_ENGINE", "DJANGO_"))}
    done = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "mosprom.settings", "PYTHONPATH": str(ROOT / "src"), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_sessions_live_in_the_database_with_a_per_process_cache() -> None:
    assert _setting("SESSION_ENGINE") == "django.contrib.sessions.backends.db"


def test_sessions_are_cached_in_redis_when_the_cache_is() -> None:
    # cached_db: read from Redis by every node, written through to the database (a Redis restart logs nobody out).
    assert _setting("SESSION_ENGINE", CACHE_URL="redis://127.0.0.1:6379/1") == (
        "django.contrib.sessions.backends.cached_db"
    )


def test_session_engine_can_be_chosen_explicitly() -> None:
    assert _setting(
        "SESSION_ENGINE", CACHE_URL="redis://127.0.0.1:6379/1", SESSION_ENGINE="django.contrib.sessions.backends.db"
    ) == ("django.contrib.sessions.backends.db")
