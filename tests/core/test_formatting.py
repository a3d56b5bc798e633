import pytest
from django.utils import translation

from mosprom.core.formatting import format_number, format_percent


def test_russian_numbers_use_thin_space_and_decimal_comma() -> None:
    with translation.override("ru"):
        assert format_number(20000) == "20\u202f000"
        assert format_number(12.5, places=1) == "12,5"
        assert format_percent(30, signed=True) == "+30\u00a0%"
        assert format_number(None) == "—"


def test_english_numbers() -> None:
    with translation.override("en"):
        assert format_number(1234567) == "1,234,567"
        assert format_percent(12.5, places=1) == "12.5%"


def test_quote_nests_inner_quotes_as_lapki() -> None:
    from mosprom.core.formatting import quote

    assert quote("Печатники") == "«Печатники»"
    assert quote("ОЭЗ «Технополис Москва»") == "«ОЭЗ „Технополис Москва“»"
    assert quote("«Рэнера»") == "«Рэнера»"


def test_month_year_in_a_sentence() -> None:
    from datetime import date

    from django.utils import translation

    from mosprom.core.formatting import month_year

    with translation.override("ru"):
        assert [month_year(date(2025, m, 1)) for m in (10, 5, 6)] == ["окт. 2025", "май 2025", "июнь 2025"]
    with translation.override("en"):
        assert month_year(date(2025, 10, 1)) == "Oct. 2025"


@pytest.mark.parametrize(
    ("unit", "number", "expected"),
    [
        ("предприятие", 8, "предприятий"),
        ("предприятие", 2, "предприятия"),
        ("предприятие", 21, "предприятие"),
        ("резидент", 11, "резидентов"),
        ("рабочее место", 2, "рабочих места"),
        ("рабочее место", 5, "рабочих мест"),
        ("рабочее место", 1, "рабочее место"),
        ("миллион", 1.5, "миллиона"),
        ("млрд рублей", 5, "млрд рублей"),
        ("м²", 5, "м²"),
    ],
)
def test_agree_puts_a_unit_in_the_form_its_count_asks_for(unit: str, number: float, expected: str) -> None:
    from mosprom.core.formatting import agree

    assert agree(unit, number) == expected


def test_a_figure_composed_from_its_fields_agrees_with_its_count() -> None:
    from decimal import Decimal

    from mosprom.intake.models import ProposedFact

    fact = ProposedFact(value=Decimal(8), unit="предприятие", quote="", start=0, end=0)
    assert fact.figure_text == "8 предприятий"
