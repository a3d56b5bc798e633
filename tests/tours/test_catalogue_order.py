"""The catalogue lists the soonest tours first; each open session on a tour page says until when one can register."""

from typing import Any

import pytest

from mosprom.tours.selectors import tour_list_public
from tests.tours.conftest import make_session, make_tour

pytestmark = pytest.mark.django_db


def test_soonest_first_then_tours_without_sessions(client: Any) -> None:
    late = make_session(days=30, tour=make_tour(title="А — через месяц")).tour
    soon = make_session(days=8, tour=make_tour(title="Я — через неделю")).tour
    none = make_tour(title="Б — без сеансов")
    assert list(tour_list_public()) == [soon, late, none]
    page = client.get(f"/tours/{soon.slug}/").content.decode()
    assert 'data-testid="registration-until"' in page and "запись до " in page
