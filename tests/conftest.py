"""Settings and fixtures shared by the whole suite."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from mosprom.core.roles import operators_group


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    # Tasks run at once in tests, so an e-mail written to the outbox lands in mail.outbox.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DEMO_MAILBOX = True
    settings.LANGUAGE_CODE = "ru"


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def operator(db: Any) -> Any:
    user = get_user_model().objects.create_user(username="operator", password="operator-pass-2026", is_staff=True)
    user.groups.add(operators_group())
    return user


@pytest.fixture
def operator_client(client: Any, operator: Any) -> Any:
    client.force_login(operator)
    return client
