"""The catalogue lists the soonest tours first; each open session on a tour page says until when one can register."""

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.utils import translation

from mosprom.tours.rules import MOSCOW, registration_until_text
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


def test_a_midnight_deadline_reads_as_the_last_day_inclusive(client: Any) -> None:
    """Registration closing at 00:00 on 1 December is «до 30 ноября включительно», not «до 1 декабря, 00:00»."""
    starts = datetime(2031, 12, 4, 11, 0, tzinfo=MOSCOW)  # three days' lead time: closes at 1 December, 00:00
    session = make_session(tour=make_tour(), starts_at=starts)
    with time_machine.travel(datetime(2031, 11, 20, 12, 0, tzinfo=MOSCOW), tick=False):
        page = client.get(f"/tours/{session.tour.slug}/").content.decode()
    assert "запись до 30 ноября включительно" in page
    assert "1 декабря, 00:00" not in page


@pytest.mark.parametrize(
    ("lang", "until", "text"),
    [
        ("ru", datetime(2031, 12, 1, 0, 0, tzinfo=MOSCOW), "запись до 30 ноября включительно"),
        ("ru", datetime(2031, 12, 1, 12, 0, tzinfo=MOSCOW), "запись до 1 декабря, 12:00"),
        ("en", datetime(2031, 12, 1, 0, 0, tzinfo=MOSCOW), "registration until 30 November inclusive"),
        ("en", datetime(2031, 12, 1, 12, 0, tzinfo=MOSCOW), "registration until 1 December, 12:00"),
    ],
)
def test_registration_until_wording(lang: str, until: datetime, text: str) -> None:
    with translation.override(lang):
        assert registration_until_text(until) == text
