"""The weekly digest: who gets what, once per ISO week."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core import mail

from mosprom.core.models import OutboundEmail
from mosprom.core.roles import operators_group
from mosprom.partnerships import services
from mosprom.partnerships.models import AgreementParty

from .conftest import TODAY


def test_digest_content_and_recipients(
    agreement: Any, make_project: Any, operator: Any, django_user_model: Any, city: Any, outsider: Any, settings: Any
) -> None:
    operator.email = "op@example.org"
    operator.save()
    agreement.responsible_operators.add(operator)
    other = services.agreement_create(
        title="Другое",
        slug="other",
        kind="other",
        signed_on=date(2024, 1, 1),
        parties=[(city, AgreementParty.Role.CITY), (outsider, AgreementParty.Role.COMPANY)],
    )
    colleague = django_user_model.objects.create_user(username="colleague", email="col@example.org")
    colleague.groups.add(operators_group())
    other.responsible_operators.add(colleague)
    not_operator = django_user_model.objects.create_user(username="plain", email="plain@example.org")
    agreement.responsible_operators.add(not_operator)

    make_project(
        title="Гигафабрика",
        milestones=[
            {"title": "Просрочено", "due_on": date(2026, 11, 1)},
            {"title": "Скоро", "due_on": date(2026, 12, 7)},
            {"title": "Не скоро", "due_on": date(2026, 12, 8)},
            {"title": "Сделано", "due_on": date(2026, 11, 20), "done_on": date(2026, 11, 20)},
        ],
    )
    make_project(
        title="Чужой проект", agreement=other, milestones=[{"title": "Чужая веха", "due_on": date(2026, 11, 30)}]
    )

    result = services.digest_send(today=TODAY)
    assert result.sent == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"op@example.org", "col@example.org"}
    mine = by_to["op@example.org"]
    assert "1 веха просрочена" in mine.subject and "неделя 48" in mine.subject
    assert "Просрочено" in mine.body and "Скоро" in mine.body and "7 декабря 2026" in mine.body
    assert "Не скоро" not in mine.body and "Сделано" not in mine.body and "Чужая веха" not in mine.body
    assert "в ближайшие 14 дней" in mine.body
    assert "Чужая веха" in by_to["col@example.org"].body

    # idempotent per ISO week: the hourly task sends nothing more this week…
    assert services.digest_send(today=date(2026, 11, 27)).sent == 2
    assert len(mail.outbox) == 2 and OutboundEmail.objects.count() == 2
    # …and a new digest next week
    services.digest_send(today=date(2026, 11, 30))
    assert OutboundEmail.objects.count() == 4


def test_digest_task_is_registered() -> None:
    from mosprom.core import periodic

    names = {p.name: p.every_seconds for p in periodic.registered()}
    assert names["mosprom.partnerships.tasks.send_weekly_digest"] == 3600
