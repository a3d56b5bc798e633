"""The back-office opens with what waits for a decision, and every page has the site's favicon."""

from typing import Any

from mosprom.tours import services
from mosprom.tours.models import Tour
from tests.factories import TourFactory


def test_the_operator_home_lists_the_work_waiting(operator_client: Any) -> None:
    tour = TourFactory(state=Tour.State.MODERATION)
    response = operator_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="waiting"' in html and "Что ждёт решения" in html
    assert "Экскурсии на модерации" in html and "/admin/tours/tour/?state__exact=moderation" in html
    assert [row["count"] for row in response.context["waiting"] if "moderation" in row["url"]] == [1]
    assert 'rel="icon"' in html
    services.tour_moderate(actor=response.wsgi_request.user, tour_id=tour.pk, approve=True)
    again = operator_client.get("/admin/")
    assert [row["count"] for row in again.context["waiting"] if "moderation" in row["url"]] == [0]


def test_the_back_office_is_for_operators(client: Any, db: Any) -> None:
    assert client.get("/admin/").status_code == 302
