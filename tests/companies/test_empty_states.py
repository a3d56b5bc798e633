"""The company cabinet's lists and the operator's work queue, empty, say what that means and what to do next."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.core.test_empty_states import empty_state, link


def test_an_empty_company_cabinet_points_to_the_next_steps(client: Any, rep_a: Any, org_a: Any) -> None:
    client.force_login(rep_a)
    body = client.get(reverse("companies:cabinet", kwargs={"org": org_a.pk})).content.decode()
    applications = body.split('data-testid="applications"', 1)[1].split("</section>", 1)[0]
    assert "Статус (резидент технопарка, промышленный комплекс и другие) даёт льготы" in empty_state(applications)
    assert link(applications) == reverse("companies:application_start", kwargs={"org": org_a.pk})
    statuses = body.split('data-testid="statuses"', 1)[1].split("</section>", 1)[0]
    assert "когда заявку одобрят, отчёт появится здесь вместе со сроком сдачи" in empty_state(statuses)
    productions = body.split('data-testid="productions"', 1)[1].split("</section>", 1)[0]
    assert "Открыли новое производство? Сообщите о нём" in empty_state(productions)
    assert link(productions) == reverse("companies:production_new", kwargs={"org": org_a.pk})
    # each empty list is its empty state alone, with no table header above it (cut off at 390 px)
    for section in (applications, statuses, productions):
        assert "<table" not in section


def test_an_empty_work_queue(operator_client: Any) -> None:
    body = operator_client.get(reverse("companies:queue")).content.decode()
    assert "Заявки, отчёты и изменения от компаний появляются здесь по мере поступления." in empty_state(body)
    assert link(body) == reverse("intake:release_list")
    body = operator_client.get(reverse("companies:queue"), {"kind": "application", "overdue": "1"}).content.decode()
    assert "По этим фильтрам ничего нет" in empty_state(body)
    assert link(body) == reverse("companies:queue")
