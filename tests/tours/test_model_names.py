"""The tours models are named in Russian as one and as many: «отзыв» / «отзывы» (one rating read «отзывы»), and
«записи в листе ожидания» for several entries (the back-office's list said «лист ожидания»)."""

from typing import Any

from django.urls import reverse
from django.utils import translation

from mosprom.tours.models import Feedback, WaitlistEntry


def test_feedback_and_waitlist_entries_are_named_in_the_singular_and_the_plural() -> None:
    with translation.override("ru"):
        assert (str(Feedback._meta.verbose_name), str(Feedback._meta.verbose_name_plural)) == ("отзыв", "отзывы")
        assert str(WaitlistEntry._meta.verbose_name) == "запись в листе ожидания"
        assert str(WaitlistEntry._meta.verbose_name_plural) == "записи в листе ожидания"
    with translation.override("en"):
        assert str(Feedback._meta.verbose_name) == "feedback entry"
        assert str(Feedback._meta.verbose_name_plural) == "feedback entries"


def test_the_back_office_lists_them_by_those_names(operator_client: Any) -> None:
    html = operator_client.get(reverse("admin:index")).content.decode()
    assert "Отзывы" in html and "Записи в листе ожидания" in html
    page = operator_client.get(reverse("admin:tours_feedback_changelist")).content.decode()
    assert "Выберите для просмотра: отзыв" in page
