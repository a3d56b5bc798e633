"""core.db_router: which reads may go to the replica, and the lag guard."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import transaction
from django.test import RequestFactory

from mosprom.core import db_router
from mosprom.core.models import OutboundEmail
from mosprom.registry.models import Organisation
from mosprom.tours.models import Registration

router = db_router.ReplicaRouter()


@pytest.fixture
def replica(monkeypatch: pytest.MonkeyPatch) -> dict[str, float | None]:
    """A configured replica whose measured lag the test sets."""
    state: dict[str, float | None] = {"lag": 0.0}
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router.lag_probe, "lag", lambda: state["lag"])
    return state


def test_reads_stay_on_the_primary_unless_asked(replica: Any) -> None:
    assert router.db_for_read(Organisation) is None


def test_asked_reads_go_to_the_replica(replica: Any) -> None:
    with db_router.use_replica():
        assert router.db_for_read(Organisation) == "replica"
    assert router.db_for_read(Organisation) is None


def test_no_replica_configured_means_the_primary() -> None:
    with db_router.use_replica():
        assert router.db_for_read(Organisation) is None


def test_lag_above_the_setting_falls_back_to_the_primary(replica: Any, settings: Any) -> None:
    settings.REPLICA_MAX_LAG_SECONDS = 5
    replica["lag"] = 4.9
    with db_router.use_replica():
        assert router.db_for_read(Organisation) == "replica"
    replica["lag"] = 5.1
    with db_router.use_replica():
        assert router.db_for_read(Organisation) is None
    replica["lag"] = None  # the replica does not answer
    with db_router.use_replica():
        assert router.db_for_read(Organisation) is None


def test_a_change_newer_than_the_lag_is_read_on_the_primary(replica: Any) -> None:
    replica["lag"] = 2.0
    with db_router.use_replica(not_before=time.time() - 1):
        assert router.db_for_read(Organisation) is None
    with db_router.use_replica(not_before=time.time() - 3):
        assert router.db_for_read(Organisation) == "replica"


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(replica: Any) -> None:
    with db_router.use_replica(), transaction.atomic():
        assert router.db_for_read(Organisation) is None


def test_never_apps_stay_on_the_primary(replica: Any) -> None:
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session

    with db_router.use_replica():
        assert router.db_for_read(OutboundEmail) is None
        assert router.db_for_read(User) is None
        assert router.db_for_read(Session) is None
        assert router.db_for_read(Registration) == "replica"  # only when a caller asks, e.g. a KPI


def test_writes_and_migrations_go_to_the_primary() -> None:
    assert router.db_for_write(Organisation) == "default"
    assert router.allow_migrate("default", "registry") is True
    assert router.allow_migrate("replica", "registry") is False


def test_middleware_marks_only_anonymous_reads_of_public_lists(replica: Any) -> None:
    from django.contrib.auth.models import AnonymousUser, User

    seen: list[str | None] = []

    def view(request: Any) -> Any:
        seen.append(router.db_for_read(Organisation))
        return None

    middleware = db_router.ReplicaReadsMiddleware(view)
    rf = RequestFactory()

    def call(path: str, method: str = "get", user: Any = None, **extra: Any) -> None:
        request = getattr(rf, method)(path, **extra)
        request.user = user or AnonymousUser()
        middleware(request)

    call("/api/v1/organisations")
    call("/api/v1/kpi/summary")
    call("/api/v1/organisations/some-slug")  # one object: may be read right after its own change
    call("/api/v1/tour-sessions/1/registrations", method="post")
    call("/api/v1/organisations", HTTP_AUTHORIZATION="Bearer x")
    call("/api/v1/organisations", user=User(username="someone"))
    assert seen == ["replica", "replica", None, None, None, None]


@pytest.mark.django_db
def test_kpis_are_computed_inside_use_replica_with_the_time_of_their_data(
    replica: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mosprom.analytics import cache as kpi_cache

    asked: list[float | None] = []

    def compute() -> int:
        wanted = db_router._wanted.get()
        asked.append(None if wanted is None else wanted.not_before)
        return 1

    kpi_cache.bump_data_version("registry")
    assert kpi_cache.cached_kpi("t", compute, depends=("registry",)) == 1
    assert len(asked) == 1 and asked[0] is not None
    assert asked[0] == kpi_cache.data_changed_at(("registry",)).timestamp()
    assert asked[0] > time.time() - 1  # just changed: the router will read the primary
    replica["lag"] = 0.0
    with db_router.use_replica(not_before=asked[0]):
        assert router.db_for_read(Organisation) is None
