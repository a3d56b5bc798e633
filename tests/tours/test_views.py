"""Public pages, links from the e-mails and the host cabinet."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mosprom.core.models import OutboundEmail
from mosprom.demo.formats import format_get_or_create
from mosprom.tours import rules, services, tickets
from mosprom.tours.models import Registration, Session, Tour, WaitlistEntry

from .conftest import confirm, host_user, make_org, make_session, make_tour, register

pytestmark = pytest.mark.django_db


def form_data(target: Session, **kw: Any) -> dict[str, Any]:
    data = {
        "session": target.pk,
        "name": "Анна Иванова",
        "email": "anna@example.com",
        "phone": "+7 495 123-45-67",
        "party_size": "2",
        "consent": "on",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


# --- catalogue ------------------------------------------------------------------------------------


def test_catalogue_cards_show_next_session_and_russian_plurals(client: Any) -> None:
    for capacity, title in ((1, "Первая"), (2, "Вторая"), (5, "Пятая")):
        make_session(make_tour(title=title), capacity=capacity)
    html = client.get("/tours/").content.decode()
    assert "Свободно 1 место" in html and "Свободно 2 места" in html and "Свободно 5 мест" in html
    assert "Найдено 3 экскурсии" in html


def test_catalogue_search_folds_case_and_yo(client: Any) -> None:
    make_session(make_tour(title="Ёлочные игрушки"))
    make_session(make_tour(title="Станки"))
    html = client.get("/tours/", {"q": "ЕЛОЧНЫЕ"}).content.decode()
    assert "<mark>Ёлочные</mark> игрушки" in html and "Станки" not in html


def test_catalogue_filters(client: Any) -> None:
    lecture = format_get_or_create(slug="lecture")
    full = make_session(make_tour(title="Полная", min_age=16), capacity=1)
    register(full)
    make_session(make_tour(title="Лекция", format=lecture))
    make_tour(title="Без сеансов")
    make_tour(title="Черновик", state=Tour.State.DRAFT)
    html = client.get("/tours/", {"free": "on"}).content.decode()
    assert "Лекция" in html and "Полная" not in html and "Без сеансов" not in html and "Черновик" not in html
    html = client.get("/tours/", {"format": "lecture"}).content.decode()
    assert "Лекция" in html and "Полная" not in html
    html = client.get("/tours/", {"age": "10"}).content.decode()
    assert "Полная" not in html and "Лекция" in html
    day = timezone.localdate() + timedelta(days=10)
    html = client.get("/tours/", {"date_from": day.isoformat(), "date_to": day.isoformat()}).content.decode()
    assert "Лекция" in html and "Без сеансов" not in html
    assert client.get("/tours/", {"age": "abc", "date_from": "bad"}).status_code == 200


def test_catalogue_query_count_is_constant(client: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        make_session(make_tour())
    with django_assert_max_num_queries(12) as small:
        client.get("/tours/")
    for _ in range(9):
        tour = make_tour()
        make_session(tour)
        make_session(tour, days=20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/tours/")


def test_home_page_shows_tour_cards(client: Any) -> None:
    make_session(make_tour(title="Экскурсия на главной"), capacity=2)
    html = client.get("/").content.decode()
    assert "Экскурсия на главной" in html and "Свободно 2 места" in html


# --- registration form ----------------------------------------------------------------------------


def test_registration_flow_through_the_pages(client: Any) -> None:
    session = make_session(capacity=10)
    url = session.tour.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and "Записаться" in page.content.decode()
    response = client.post(url, form_data(session))
    assert response.status_code == 302 and "/tours/registered/" in response["Location"]
    assert "Проверьте почту" in client.get(response["Location"]).content.decode()
    reg = Registration.objects.get()
    assert reg.language == "ru" and reg.phone == "+74951234567" and reg.party_size == 2
    # Double-clicked submit: nothing new, the confirmation is sent again.
    again = client.post(url, form_data(session))
    assert again.status_code == 302 and again["Location"].endswith("?again=1")
    assert Registration.objects.count() == 1
    assert "отправили ссылку для подтверждения ещё раз" in client.get(again["Location"]).content.decode()
    # Confirmation: GET shows a button (mail scanners must not confirm), POST confirms.
    confirm_url = f"/tours/confirm/{tickets.sign_for('confirm', reg)}/"
    assert "Подтвердить и получить билет" in client.get(confirm_url).content.decode()
    response = client.post(confirm_url)
    assert response.status_code == 302 and "/tours/ticket/" in response["Location"]
    ticket = client.get(response["Location"]).content.decode()
    assert "<svg" in ticket and reg.ticket_code[:5] in ticket and session.tour.address in ticket
    assert "Отменить запись" in ticket
    # The used link leads to the ticket again.
    assert client.get(confirm_url).status_code == 302
    ics = client.get(response["Location"] + "tour.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"VEVENT" in ics.content
    # Cancel.
    cancel_url = f"/tours/cancel/{tickets.sign_for('cancel', reg)}/"
    assert "Отменить запись?" in client.get(cancel_url).content.decode()
    assert "Запись отменена" in client.post(cancel_url).content.decode()
    used = client.post(cancel_url)
    assert used.status_code == 409 and "уже отменена" in used.content.decode()
    assert client.get(cancel_url).status_code == 410


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "anna@"}, "Введите адрес электронной почты в правильном формате"),
        ({"phone": "123"}, "Введите номер телефона в правильном формате"),
        ({"consent": None}, "нужно согласие на обработку персональных данных"),
        ({"party_size": "31"}, "не больше 30 человек"),
        ({"party_size": "два"}, "Введите целое число"),
        ({"session": None}, "Выберите дату и время"),
    ],
)
def test_bad_input_rerenders_with_values_and_message(client: Any, changes: dict[str, Any], message: str) -> None:
    session = make_session()
    response = client.post(session.tour.get_absolute_url(), form_data(session, **changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in html and message in html
    assert 'value="Анна Иванова"' in html
    assert Registration.objects.count() == 0 and OutboundEmail.objects.count() == 0


def test_closed_session_is_refused_with_the_date(client: Any) -> None:
    session = make_session(days=2)
    html = client.post(session.tour.get_absolute_url(), form_data(session)).content.decode()
    closes = rules.registration_closes_at(session.starts_at)
    assert "Запись закрылась" in html and f"{closes.day} " in html
    assert Registration.objects.count() == 0
    page = client.get(session.tour.get_absolute_url()).content.decode()
    assert "Запись закрылась" in page and "registration-form" not in page


def test_not_enough_seats_offers_the_waitlist(client: Any) -> None:
    session = make_session(capacity=1)
    url = session.tour.get_absolute_url()
    html = client.post(url, form_data(session)).content.decode()
    assert 'data-testid="waitlist-offer"' in html and "Осталось только 1 место — меньше, чем вас." in html
    response = client.post(url, form_data(session, join_waitlist="1"))
    assert response.status_code == 302 and "/tours/waitlist/" in response["Location"]
    assert "Вы в листе ожидания" in client.get(response["Location"]).content.decode()
    assert WaitlistEntry.objects.get().party_size == 2


def test_forged_and_erased_links(client: Any) -> None:
    reg = register(make_session())
    for url in ("/tours/confirm/abc/", "/tours/ticket/abc/", "/tours/cancel/abc/", "/tours/my-data/abc/"):
        response = client.get(url)
        assert response.status_code == 404 and "Эта ссылка недействительна" in response.content.decode()
    signed = tickets.sign_for("data", reg)
    page = client.get(f"/tours/my-data/{signed}/").content.decode()
    assert reg.email in page
    export = client.get(f"/tours/my-data/{signed}/", {"format": "json"})
    assert export.json()["registrations"][0]["email"] == reg.email
    assert (
        "Ваши персональные данные удалены" in client.post(f"/tours/my-data/{signed}/", {"erase": "1"}).content.decode()
    )
    assert client.get(f"/tours/my-data/{signed}/").status_code == 410


def test_expired_hold_link(client: Any) -> None:
    reg = register(make_session())
    Registration.objects.filter(pk=reg.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(f"/tours/confirm/{tickets.sign_for('confirm', reg)}/")
    assert response.status_code == 410 and "Срок ссылки для подтверждения истёк" in response.content.decode()


def test_offer_page_accepts(client: Any) -> None:
    session = make_session(capacity=1)
    first = confirm(register(session))
    entry = services.waitlist_join(
        session_id=session.pk, name="W", email="w@example.com", phone="+74951234567", party_size=1, consent=True
    )
    services.registration_cancel(signed=tickets.sign_for("cancel", first))
    url = f"/tours/offer/{tickets.sign_for('offer', entry)}/"
    assert "Занять место" in client.get(url).content.decode()  # one seat for a party of one
    response = client.post(url)
    assert response.status_code == 302 and "/tours/ticket/" in response["Location"]


def test_feedback_page(client: Any) -> None:
    session = make_session()
    reg = confirm(register(session))
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=5))
    url = f"/tours/feedback/{tickets.sign_for('feedback', reg)}/"
    empty = client.post(url, {}).content.decode()
    assert 'data-testid="error-summary"' in empty and "Выберите оценку от 1 до 5." in empty
    assert "Спасибо" in client.post(url, {"rating": "5", "comment": "Отлично"}).content.decode()
    assert client.post(url, {"rating": "4"}).status_code == 409


# --- host cabinet ---------------------------------------------------------------------------------


def test_cabinet_requires_host(client: Any, django_user_model: Any) -> None:
    assert client.get("/tours/cabinet/").status_code == 302
    client.force_login(django_user_model.objects.create_user(username="nobody", password="x"))
    assert client.get("/tours/cabinet/").status_code == 403


def test_host_sees_only_own_data(client: Any) -> None:
    mine = make_session(make_tour(title="Моя экскурсия"))
    theirs = make_session(make_tour(title="Чужая экскурсия"))
    reg = confirm(register(mine, name="Пётр Посетитель"))
    client.force_login(host_user(mine.tour.host))
    html = client.get("/tours/cabinet/").content.decode()
    assert "Моя экскурсия" in html and "Чужая экскурсия" not in html
    assert client.get(f"/tours/cabinet/tours/{theirs.tour.pk}/").status_code == 404
    assert client.get(f"/tours/cabinet/sessions/{theirs.pk}/").status_code == 404
    assert client.get(f"/tours/cabinet/sessions/{theirs.pk}/registrants.csv").status_code == 404
    page = client.get(f"/tours/cabinet/sessions/{mine.pk}/").content.decode()
    assert "Пётр Посетитель" in page and reg.ticket_code_display in page  # as printed on the ticket
    csv_response = client.get(f"/tours/cabinet/sessions/{mine.pk}/registrants.csv")
    assert "Пётр Посетитель" in csv_response.content.decode("utf-8-sig")
    xlsx = client.get(f"/tours/cabinet/sessions/{mine.pk}/registrants.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.cell(row=2, column=3).value == "Пётр Посетитель"
    assert client.get(f"/tours/cabinet/sessions/{mine.pk}/registrants.pdf").status_code == 404


def test_host_creates_tour_and_session_changes_capacity_and_cancels(client: Any) -> None:
    org = make_org()
    user = host_user(org)
    client.force_login(user)
    fmt = format_get_or_create(slug="excursion")
    response = client.post(
        "/tours/cabinet/tours/new/",
        {
            "host": org.pk,
            "title": "Новый цех",
            "format": fmt.pk,
            "duration_minutes": 60,
            "min_age": 0,
            "state": "draft",
        },
    )
    assert response.status_code == 302, response.content.decode()
    tour = Tour.objects.get(title="Новый цех")
    assert tour.slug == "novyy-tsekh"
    client.post(f"/tours/cabinet/tours/{tour.pk}/state/", {"state": "published"})
    tour.refresh_from_db()
    assert tour.state == "published" and tour.published_at is not None
    starts = timezone.localtime(timezone.now() + timedelta(days=12)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/tours/cabinet/tours/{tour.pk}/", {"starts_at": starts, "capacity": "3"})
    session = Session.objects.get(tour=tour)
    assert response["Location"] == f"/tours/cabinet/sessions/{session.pk}/"
    register(session, party=2)
    html = client.post(
        f"/tours/cabinet/sessions/{session.pk}/", {"action": "capacity", "capacity": "1"}
    ).content.decode()
    assert "Уже занято мест: 2" in html
    client.post(f"/tours/cabinet/sessions/{session.pk}/", {"action": "capacity", "capacity": "6"})
    session.refresh_from_db()
    assert session.capacity == 6
    client.post(f"/tours/cabinet/sessions/{session.pk}/", {"action": "cancel", "reason": "Ремонт"})
    session.refresh_from_db()
    assert session.state == "cancelled"
    assert OutboundEmail.objects.filter(idempotency_key__startswith="tours:session-cancelled:").count() == 1
    # A host cannot create a tour for another organisation.
    other = make_org()
    response = client.post(
        "/tours/cabinet/tours/new/",
        {"host": other.pk, "title": "Чужая", "format": fmt.pk, "duration_minutes": 60, "min_age": 0, "state": "draft"},
    )
    assert response.status_code == 200 and not Tour.objects.filter(title="Чужая").exists()


def test_check_in_pages(client: Any) -> None:
    session = make_session(starts_at=timezone.now() + timedelta(days=5))
    reg = confirm(register(session))
    other_reg = confirm(register(make_session()))
    client.force_login(host_user(session.tour.host))
    response = client.post("/tours/cabinet/check-in/", {"code": reg.ticket_code_display.lower()})
    assert response["Location"] == f"/tours/cabinet/check-in/{reg.ticket_code}/"
    html = client.post("/tours/cabinet/check-in/", {"code": other_reg.ticket_code}).content.decode()
    assert "другой компании" in html
    refused = client.get(f"/tours/cabinet/check-in/{other_reg.ticket_code}/")
    assert refused.status_code == 403 and "другой компании" in refused.content.decode()
    page = client.post(f"/tours/cabinet/check-in/{reg.ticket_code}/").content.decode()
    assert "Этот билет на" in page  # not today
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() + timedelta(minutes=30))
    response = client.post(f"/tours/cabinet/check-in/{reg.ticket_code}/")
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.state == "checked_in"


def test_cabinet_query_counts_are_constant(client: Any, django_assert_max_num_queries: Any) -> None:
    org = make_org()
    client.force_login(host_user(org))
    tour = make_tour(org)
    s = make_session(tour)
    confirm(register(s))
    with django_assert_max_num_queries(30) as small:
        client.get("/tours/cabinet/")
        client.get(f"/tours/cabinet/sessions/{s.pk}/")
        client.get(f"/tours/cabinet/tours/{tour.pk}/")
    for _ in range(6):
        t = make_tour(org)
        s2 = make_session(t)
        make_session(t, days=30)
        confirm(register(s2))
        confirm(register(s))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/tours/cabinet/")
        client.get(f"/tours/cabinet/sessions/{s.pk}/")
        client.get(f"/tours/cabinet/tours/{tour.pk}/")


def test_operator_back_office_pages(operator_client: Any) -> None:
    reg = confirm(register(make_session()))
    for url in (
        "/admin/tours/tour/",
        "/admin/tours/session/",
        "/admin/tours/registration/",
        f"/admin/tours/registration/{reg.pk}/change/",
        "/admin/tours/waitlistentry/",
        "/admin/tours/feedback/",
        "/admin/tours/season/",
        "/admin/tours/format/",
    ):
        assert operator_client.get(url).status_code == 200, url
    listing = operator_client.get("/admin/tours/registration/").content.decode()
    assert reg.ticket_code in listing and reg.email not in listing  # contacts stay out of the list


def test_openapi_schema_lists_tours(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/tours" in schema["paths"] and "/api/v1/tour-sessions/{session_id}" in schema["paths"]


def test_session_changes_leave_an_audit_entry(db: Any) -> None:
    from auditlog.models import LogEntry

    session = make_session()
    services.session_update(actor=None, session_id=session.pk, capacity=20)
    assert LogEntry.objects.get_for_object(session).count() >= 2
    assert not LogEntry.objects.filter(content_type__model="registration").exists()


def test_admin_capacity_change_goes_through_the_service(operator_client: Any) -> None:
    session = make_session(capacity=2)
    confirm(register(session, party=2))
    entry = services.waitlist_join(
        session_id=session.pk, name="W", email="w@example.com", phone="+74951234567", party_size=1, consent=True
    )
    url = f"/admin/tours/session/{session.pk}/change/"
    starts = timezone.localtime(session.starts_at)
    data = {
        "tour": session.tour.pk,
        "starts_at_0": starts.strftime("%d.%m.%Y"),
        "starts_at_1": starts.strftime("%H:%M:%S"),
        "capacity": "1",
    }
    response = operator_client.post(url, data)
    assert response.status_code == 200 and "Уже занято мест: 2" in response.content.decode()
    response = operator_client.post(url, {**data, "capacity": "3"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == "offered"


def test_pages_after_a_submission_do_not_leak_the_visitors_links(client: Any) -> None:
    session = make_session(capacity=1)
    url = session.tour.get_absolute_url()
    client.post(url, form_data(session, party_size="1"))
    reg = Registration.objects.get()
    # Someone else types the same e-mail: they are told the link was re-sent, nothing more.
    again = client.post(url, form_data(session, party_size="1", name="Чужой"))
    signed = again["Location"].split("/tours/registered/")[1].split("/")[0]
    for purpose in ("ticket", "cancel", "confirm", "data"):
        with pytest.raises(ValidationError):
            tickets.unsign(purpose, signed)
    page = client.get(again["Location"]).content.decode()
    assert "/tours/cancel/" not in page and "/tours/ticket/" not in page and reg.ticket_code not in page
    # The waitlist page link cannot be used to take or decline the offer.
    joined = client.post(url, form_data(session, email="w@example.com", join_waitlist="1"))
    waitlist_signed = joined["Location"].split("/tours/waitlist/")[1].split("/")[0]
    assert client.post(f"/tours/offer/{waitlist_signed}/").status_code == 404


def test_cancelled_or_started_session_is_refused_on_the_form(client: Any) -> None:
    session = make_session()
    services.session_cancel(actor=host_user(session.tour.host), session_id=session.pk)
    html = client.post(session.tour.get_absolute_url(), form_data(session)).content.decode()
    assert "Этот сеанс отменён." in html
    started = make_session(days=-1)
    html = client.post(started.tour.get_absolute_url(), form_data(started)).content.decode()
    assert "Этот сеанс уже начался." in html
    assert Registration.objects.count() == 0
