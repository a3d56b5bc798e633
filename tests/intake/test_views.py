"""The operator pages: only operators, paste or upload, highlighted text (escaped), decisions one by one and in bulk."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mosprom.intake.models import PressRelease, ProposedFact
from tests.factories import UserFactory

from .conftest import seed

TECHNOPOLIS = "technopolis-new-productions-2024.txt"


def _paste(client: Any, text: str) -> Any:
    return client.post(reverse("intake:release_new"), {"text": text, "source_url": ""})


def test_pages_are_for_operators_only(client: Any, db: Any) -> None:
    url = reverse("intake:release_list")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(reverse("intake:release_new"), {"text": "x"}).status_code == 403


def test_paste_review_and_accept(
    operator_client: Any, registry: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    response = _paste(operator_client, seed(TECHNOPOLIS))
    release = PressRelease.objects.get()
    assert response.status_code == 302 and response["Location"] == release.get_absolute_url()
    with django_assert_max_num_queries(40):
        page = operator_client.get(release.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert 'class="mention mention-site"' in body and 'class="mention mention-person"' in body
    fact = release.facts.get(kind="new_productions", value=35)
    assert f'value="accept:{fact.pk}"' in body
    decided = operator_client.post(reverse("intake:release_decide", args=[release.pk]), {"one": f"accept:{fact.pk}"})
    assert decided.status_code == 302
    fact.refresh_from_db()
    assert fact.state == ProposedFact.State.ACCEPTED
    site_page = operator_client.get(registry["technopolis"].get_absolute_url()).content.decode()
    assert "35 новых производств" in site_page and "29 января 2024" in site_page
    # the same text again: the existing release
    again = _paste(operator_client, seed(TECHNOPOLIS))
    assert again.status_code == 302 and again["Location"] == release.get_absolute_url()
    assert PressRelease.objects.count() == 1


def test_release_list(operator_client: Any, registry: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    _paste(operator_client, seed(TECHNOPOLIS))
    _paste(operator_client, seed("open-mosprom-2026.txt"))
    with django_assert_max_num_queries(8):
        response = operator_client.get(reverse("intake:release_list"))
    assert response.status_code == 200
    assert "Собянин рассказал о новых производствах" in response.content.decode()


def test_release_content_is_never_rendered_as_html(operator_client: Any, db: Any) -> None:
    text = (
        "Компания «Альфа» <script>alert('x')</script> открыла завод, где работают более 300 человек. "
        "<b onmouseover=alert(1)>Жирный</b> текст пресс-релиза о заводе компании в Москве."
    )
    _paste(operator_client, text)
    release = PressRelease.objects.get()
    body = operator_client.get(release.get_absolute_url()).content.decode()
    assert "<script>alert" not in body and "<b onmouseover" not in body
    assert "&lt;b onmouseover" in body or "Жирный" in body


def test_upload_cp1251_file(operator_client: Any, registry: dict[str, Any]) -> None:
    upload = SimpleUploadedFile("release.txt", seed(TECHNOPOLIS).encode("cp1251"), content_type="text/plain")
    response = operator_client.post(reverse("intake:release_new"), {"file": upload})
    assert response.status_code == 302
    assert "Технополис" in PressRelease.objects.get().text


def test_bad_input_is_refused_with_the_input_kept(operator_client: Any, db: Any) -> None:
    empty = operator_client.post(reverse("intake:release_new"), {"text": "", "source_url": "https://example.com/x"})
    assert empty.status_code == 400
    body = empty.content.decode()
    assert "error-summary" in body and "https://example.com/x" in body
    big = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 10), content_type="text/plain")
    response = operator_client.post(reverse("intake:release_new"), {"file": big})
    assert response.status_code == 400
    assert "1 МБ" in response.content.decode()
    binary = SimpleUploadedFile("x.txt", b"\x00\x01\x02PK\x03\x04" * 100, content_type="text/plain")
    response = operator_client.post(reverse("intake:release_new"), {"file": binary})
    assert response.status_code == 400
    assert "не текстовый" in response.content.decode()
    wrong = SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert operator_client.post(reverse("intake:release_new"), {"file": wrong}).status_code == 400
    assert PressRelease.objects.count() == 0


def test_bulk_reject_and_edit(operator_client: Any, registry: dict[str, Any]) -> None:
    _paste(operator_client, seed(TECHNOPOLIS))
    release = PressRelease.objects.get()
    figures = list(release.facts.filter(value__isnull=False).exclude(value=35))
    response = operator_client.post(
        reverse("intake:release_decide", args=[release.pk]), {"action": "reject", "fact": [f.pk for f in figures]}
    )
    assert response.status_code == 302
    assert all(f.state == "rejected" for f in ProposedFact.objects.filter(pk__in=[f.pk for f in figures]))
    fact = release.facts.get(value=35)
    url = reverse("intake:fact_edit", args=[fact.pk])
    assert operator_client.get(url).status_code == 200
    bad = operator_client.post(url, {"kind": "new_productions", "qualifier": "exact", "value": "abc"})
    assert bad.status_code == 400
    response = operator_client.post(
        url,
        {
            "kind": "new_productions",
            "subject": "Технополис Москва",
            "site": registry["technopolis"].pk,
            "value": "36",
            "unit": "производство",
            "qualifier": "about",
            "year": "2023",
        },
    )
    assert response.status_code == 302
    fact.refresh_from_db()
    assert (fact.state, fact.value, fact.qualifier) == ("edited", 36, "about")
    # deciding it again is refused with a message, not an error page
    again = operator_client.post(
        reverse("intake:release_decide", args=[release.pk]), {"one": f"reject:{fact.pk}"}, follow=True
    )
    assert again.status_code == 200
    fact.refresh_from_db()
    assert fact.state == "edited"


def test_nothing_found_of_a_kind_reads_none(operator_client: Any, db: Any) -> None:
    """A release naming no person says «Люди: нет», not an empty bullet with a dash."""
    _paste(
        operator_client,
        "Компания «Альфа» открыла в Москве завод по выпуску конденсаторов, где работают более 300 человек.",
    )
    body = PressRelease.objects.get()
    page = operator_client.get(body.get_absolute_url()).content.decode()
    people = page.split("<h3>Люди</h3>", 1)[1].split("</div>", 1)[0]
    assert people.strip() == '<p class="muted" data-testid="found-none">нет</p>'
