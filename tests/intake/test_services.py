"""Importing releases (once, within the limits) and deciding proposed facts (registry change, provenance, audit)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import OperationalError, connections

from mosprom.core.errors import Refused
from mosprom.intake import selectors, services
from mosprom.intake.models import PressRelease, ProposedFact, Provenance
from mosprom.registry.models import Organisation
from mosprom.registry.services import production_create
from tests.factories import OperatorFactory

from .conftest import seed

TECHNOPOLIS = "technopolis-new-productions-2024.txt"


def _import(actor: Any = None, name: str = TECHNOPOLIS) -> PressRelease:
    return services.release_import(data=seed(name).encode("utf-8"), actor=actor, file_name=name).release


def _fact_35(release: PressRelease) -> ProposedFact:
    return release.facts.get(kind=ProposedFact.Kind.NEW_PRODUCTIONS, value=35)


def test_import_stores_release_mentions_and_proposals(registry: dict[str, Any], operator: Any) -> None:
    release = _import(operator)
    assert release.title.startswith("Собянин рассказал о новых производствах")
    assert release.published is not None and release.published.isoformat() == "2024-01-29"
    assert "Читайте также" not in release.text and "Читайте также" in release.original
    fact = _fact_35(release)
    assert (fact.qualifier, fact.year, fact.unit) == ("exact", 2023, "производство")
    assert fact.site == registry["technopolis"]
    assert release.text[fact.start : fact.end] == "35 новых производств"
    assert fact.state == ProposedFact.State.PROPOSED
    site_mentions = release.mentions.filter(type="site", site=registry["rudnevo"])
    assert site_mentions.exists()
    # a name the registry lacks is proposed as a new organisation
    assert release.facts.filter(kind="new_organisation", subject__startswith="Федеральный центр").exists()
    entry = LogEntry.objects.filter(object_pk=str(release.pk), additional_data__event="intake.release_imported")
    assert entry.count() == 1


def test_import_is_idempotent_by_content(registry: dict[str, Any]) -> None:
    first = services.release_import(data=seed(TECHNOPOLIS).encode("utf-8"))
    again = services.release_import(data=("\n" + seed(TECHNOPOLIS) + "\n").encode("utf-8"))
    assert first.created is True and again.created is False
    assert again.release.pk == first.release.pk
    assert PressRelease.objects.count() == 1


def test_import_reads_cp1251(registry: dict[str, Any]) -> None:
    result = services.release_import(data=seed(TECHNOPOLIS).encode("cp1251"))
    assert "Технополис" in result.release.text
    assert _fact_35(result.release).value == 35


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"x" * (1024 * 1024 + 1), "too_large"),
    ],
)
def test_import_refuses_bad_input(db: Any, data: bytes, code: str) -> None:
    with pytest.raises(Refused) as exc:
        services.release_import(data=data)
    assert exc.value.code == code
    if code == "too_large":
        assert "1 МБ" in exc.value.message or "1 MB" in exc.value.message
    assert PressRelease.objects.count() == 0


def test_html_with_scripts_is_cleaned(db: Any) -> None:
    html = (
        "<html><head><title>Завод</title><script>document.write('evil')</script></head><body>"
        "<p>Компания «Альфа» открыла в Москве завод, на котором будут работать более 300 человек. "
        "Это уже третье производство компании в столице за последние годы, сообщили в пресс-службе.</p>"
        '<p onclick="alert(1)">Инвестиции в проект составили около двух миллиардов рублей, добавили в компании.</p>'
        "</body></html>"
    )
    release = services.release_import(data=html.encode("utf-8")).release
    assert "evil" not in release.text and "<" not in release.text
    assert release.facts.filter(value=300, qualifier="more").exists()


def test_non_russian_text_is_imported_with_few_proposals(db: Any) -> None:
    release = services.release_import(data=b"Lorem ipsum dolor sit amet, consectetur adipiscing elit.").release
    assert release.facts.filter(value__isnull=False).count() == 0


def test_accept_figure_records_provenance_and_audit(registry: dict[str, Any], operator: Any) -> None:
    release = _import()
    fact = services.fact_accept(fact=_fact_35(release), actor=operator)
    assert fact.state == ProposedFact.State.ACCEPTED
    assert fact.reviewer == operator and fact.decided_at is not None
    provenance = Provenance.objects.get(fact=fact)
    assert provenance.site == registry["technopolis"] and provenance.release == release
    assert "35 новых производств" in provenance.quote
    assert [p.pk for p in selectors.provenance_for(site=registry["technopolis"])] == [provenance.pk]
    entry = LogEntry.objects.get(additional_data__event="intake.fact_accepted")
    assert entry.actor == operator
    assert entry.additional_data["release"] == release.pk
    assert "35 новых производств" in entry.additional_data["quote"]


def test_registry_figure_next_to_the_reported_one(registry: dict[str, Any]) -> None:
    from datetime import date

    production_create(
        organisation=registry["kamaz"], product="Батареи", site=registry["rudnevo"], opened_on=date(2023, 5, 1)
    )
    release = _import()
    assert selectors.registry_figure(_fact_35(release)) == 1  # the site tree: Руднево is inside Технополис


def test_accept_new_organisation_calls_the_registry(registry: dict[str, Any], operator: Any) -> None:
    release = _import()
    proposal = release.facts.get(kind="new_organisation", subject__startswith="Федеральный центр")
    services.fact_accept(fact=proposal, actor=operator)
    org = Organisation.objects.get(short_name="Федеральный центр беспилотных авиационных систем")
    assert Provenance.objects.get(fact=proposal).organisation == org
    assert [p.fact_id for p in selectors.provenance_for(organisation=org)] == [proposal.pk]


def test_edit_then_accept(registry: dict[str, Any], operator: Any) -> None:
    release = _import()
    fact = release.facts.get(value=200, qualifier="more")
    edited = services.fact_edit(fact=fact, actor=operator, value="210", qualifier="about", year=2023)
    assert edited.state == ProposedFact.State.EDITED
    assert (edited.value, edited.qualifier, edited.year) == (210, "about", 2023)


def test_figure_without_a_registry_subject_is_refused_and_nothing_is_applied(db: Any, operator: Any) -> None:
    release = _import()  # no registry: the subject cannot be linked
    fact = _fact_35(release)
    with pytest.raises(Refused) as exc:
        services.fact_accept(fact=fact, actor=operator)
    assert exc.value.code == "no_subject"
    fact.refresh_from_db()
    assert fact.state == ProposedFact.State.PROPOSED and not Provenance.objects.exists()


def test_reject_and_decide_twice(registry: dict[str, Any], operator: Any) -> None:
    release = _import()
    fact = _fact_35(release)
    services.fact_reject(fact=fact, actor=operator)
    with pytest.raises(Refused) as exc:
        services.fact_accept(fact=fact, actor=OperatorFactory())
    assert exc.value.code == "already_decided" and exc.value.status == 409
    assert not Provenance.objects.exists()


def test_bulk_decisions_go_one_by_one(registry: dict[str, Any], operator: Any) -> None:
    release = _import()
    facts = list(release.facts.filter(value__isnull=False))
    result = services.facts_decide_bulk(facts=facts, actor=operator, accept=True)
    assert len(result.decided) + len(result.refused) == len(facts)
    assert result.decided and all(f.state == "accepted" for f in result.decided)


@pytest.mark.django_db(transaction=True)
def test_two_operators_accept_the_same_fact_at_once(registry: dict[str, Any]) -> None:
    release = _import()
    fact_id = _fact_35(release).pk
    operators = [OperatorFactory(), OperatorFactory()]
    barrier = threading.Barrier(2)

    def attempt(i: int) -> str:
        try:
            barrier.wait(timeout=30)
            try:
                services.fact_accept(fact=ProposedFact.objects.get(pk=fact_id), actor=operators[i])
                return "accepted"
            except Refused as exc:
                return exc.code
            except OperationalError:
                return "locked"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(attempt, range(2)))
    assert outcomes == ["accepted", "already_decided"]
    assert Provenance.objects.filter(fact_id=fact_id).count() == 1


def test_production_opened_is_proposed_and_accepted_into_the_registry(registry: dict[str, Any], operator: Any) -> None:
    from mosprom.registry.models import Production

    text = (
        "В Москве компания ПАО «КамАЗ» открыла производство тяговых батарей на площадке «Руднево». "
        "На предприятии будет создано более 300 рабочих мест."
    )
    release = services.release_import(data=text).release
    fact = release.facts.get(kind="production_opened")
    assert (fact.organisation, fact.site, fact.detail) == (registry["kamaz"], registry["rudnevo"], "тяговых батарей")
    services.fact_accept(fact=fact, actor=operator)
    production = Production.objects.get(organisation=registry["kamaz"])
    assert (production.product, production.site) == ("тяговых батарей", registry["rudnevo"])
    jobs = release.facts.get(value=300)
    assert (jobs.kind, jobs.qualifier, jobs.unit, jobs.organisation) == (
        "workers",
        "more",
        "рабочее место",
        registry["kamaz"],
    )


def test_an_operator_teaches_the_registry_an_alias(registry: dict[str, Any], operator: Any) -> None:
    text = "Автозавод «КАМАЗ-Мастер» сообщил, что на предприятии работают более 5 тысяч человек."
    release = services.release_import(data=text).release
    fact = release.facts.get(value=5000)
    assert fact.organisation is None
    services.fact_edit(fact=fact, actor=operator, remember_alias=True, organisation=registry["kamaz"])
    registry["kamaz"].refresh_from_db()
    assert "КАМАЗ-Мастер" in registry["kamaz"].name_variants
    again = services.release_import(data=text + " Это рекорд.").release
    assert again.facts.get(value=5000).organisation == registry["kamaz"]


def test_agreement_signed_is_accepted_with_the_party_in_its_role(registry: dict[str, Any], operator: Any) -> None:
    """An agreement a release reports becomes the registry's agreement; the organisation takes the role its kind
    gives (a joint-stock company is a company party), as every agreement party must have one."""
    from mosprom.partnerships.models import AgreementParty

    release = services.release_import(
        data="Правительство Москвы и ПАО «КамАЗ» подписали соглашение о сотрудничестве в 2024 году."
    ).release
    fact = release.facts.get(kind="agreement_signed")
    services.fact_accept(fact=fact, actor=operator)
    party = AgreementParty.objects.get(organisation=registry["kamaz"])
    assert party.role == AgreementParty.Role.COMPANY
    assert party.agreement.signed_on.year == 2024


def test_status_granted_is_recorded_through_the_registry(registry: dict[str, Any], operator: Any) -> None:
    from mosprom.registry.models import Status, StatusKind

    kind = StatusKind.objects.create(code="industrial-complex", name="Промышленный комплекс", term_years=10)
    release = services.release_import(
        data="В 2024 году ПАО «КамАЗ» получило статус промышленного комплекса. Это даст компании льготы."
    ).release
    fact = release.facts.get(kind="status_granted")
    assert (fact.organisation, fact.detail) == (registry["kamaz"], "промышленный комплекс")
    services.fact_accept(fact=fact, actor=operator)
    status = Status.objects.get(holder=registry["kamaz"])
    assert status.kind == kind and status.granted_on.year == 2024
    assert Provenance.objects.get(fact=fact).organisation == registry["kamaz"]


def test_status_of_an_unknown_kind_is_refused(registry: dict[str, Any], operator: Any) -> None:
    release = services.release_import(data="ПАО «КамАЗ» получило статус якорного резидента кластера.").release
    fact = release.facts.get(kind="status_granted")
    with pytest.raises(Refused) as exc:
        services.fact_accept(fact=fact, actor=operator)
    assert exc.value.code == "unknown_status"
    fact.refresh_from_db()
    assert fact.state == "proposed"
