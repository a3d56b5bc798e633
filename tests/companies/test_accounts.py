"""Representatives: invitations, access requests, managers, host staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from mosprom.companies import services
from mosprom.companies.models import AccessRequest, HostCapability, Invitation, Representative
from mosprom.core.errors import Forbidden, Refused
from mosprom.core.models import OutboundEmail
from mosprom.registry.models import Membership, Organisation
from mosprom.registry.roles import host_organisation_ids

from .conftest import VALID_INNS

pytestmark = pytest.mark.django_db


def _token_from_mail() -> str:
    body = mail.outbox[-1].body
    link = next(line for line in body.splitlines() if "/companies/invitation/" in line)
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_operator_invites_and_representative_sets_password(operator: Any, org_a: Organisation) -> None:
    invitation = services.invitation_create(actor=operator, organisation=org_a, email="New@Alfa.ru", as_manager=True)
    assert invitation.email == "new@alfa.ru"
    assert OutboundEmail.objects.filter(to="new@alfa.ru").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@alfa.ru"]
    token = _token_from_mail()
    rep = services.invitation_accept(token=token, password="Zavod-Alfa-2026", full_name="Анна Петрова")
    assert rep.organisation == org_a and rep.is_manager
    assert rep.user.check_password("Zavod-Alfa-2026")
    assert rep.user.first_name == "Анна"
    with pytest.raises(Refused) as exc:
        services.invitation_accept(token=token, password="Zavod-Alfa-2026")
    assert exc.value.code == "invitation_used"


def test_forged_and_expired_invitations_are_refused(operator: Any, org_a: Organisation) -> None:
    invitation = services.invitation_create(actor=operator, organisation=org_a, email="x@alfa.ru")
    token = services.invitation_token(invitation)
    with pytest.raises(Refused) as exc:
        services.invitation_from_token(token[:-2] + "xx")
    assert exc.value.code == "invitation_invalid" and exc.value.status == 404
    with pytest.raises(Refused) as exc:
        services.invitation_from_token(token, now=timezone.now() + timedelta(days=8))
    assert exc.value.code == "invitation_expired" and exc.value.status == 410
    assert not Representative.objects.exists()


def test_weak_password_is_refused_and_nothing_saved(operator: Any, org_a: Organisation) -> None:
    invitation = services.invitation_create(actor=operator, organisation=org_a, email="x@alfa.ru")
    with pytest.raises(ValidationError) as exc:
        services.invitation_accept(token=services.invitation_token(invitation), password="12345678")
    assert "password" in exc.value.error_dict
    assert not Representative.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_new_invitation_replaces_the_old_one(operator: Any, org_a: Organisation) -> None:
    first = services.invitation_create(actor=operator, organisation=org_a, email="x@alfa.ru")
    services.invitation_create(actor=operator, organisation=org_a, email="x@alfa.ru")
    with pytest.raises(Refused) as exc:
        services.invitation_from_token(services.invitation_token(first))
    assert exc.value.code == "invitation_revoked"


def test_manager_invites_but_plain_representative_and_other_company_cannot(
    rep_a: Any, rep_b: Any, org_a: Organisation, make_user: Any
) -> None:
    services.invitation_create(actor=rep_a, organisation=org_a, email="colleague@alfa.ru")
    plain = make_user()
    Representative.objects.create(user=plain, organisation=org_a, is_manager=False)
    with pytest.raises(Forbidden) as exc:
        services.invitation_create(actor=plain, organisation=org_a, email="y@alfa.ru")
    assert exc.value.code == "not_a_manager"
    with pytest.raises(Forbidden) as exc:
        services.invitation_create(actor=rep_b, organisation=org_a, email="z@alfa.ru")
    assert exc.value.code == "not_your_organisation"


def test_last_manager_cannot_leave(rep_a: Any, org_a: Organisation, make_user: Any) -> None:
    rep = Representative.objects.get(user=rep_a)
    with pytest.raises(Refused) as exc:
        services.representative_set_manager(actor=rep_a, representative=rep, is_manager=False)
    assert exc.value.code == "last_manager"
    other = Representative.objects.create(user=make_user(), organisation=org_a)
    services.representative_set_manager(actor=rep_a, representative=other, is_manager=True)
    services.representative_remove(actor=rep_a, representative=rep)
    assert not Representative.objects.filter(user=rep_a).exists()


def test_access_request_with_new_inn_goes_to_operator(operator: Any) -> None:
    req = services.access_request_create(
        inn=VALID_INNS[2], organisation_name="АО «Гамма»", contact_name="Иван", email="ivan@gamma.ru"
    )
    assert req.organisation is None
    services.access_request_decide(actor=operator, request=req, accept=True)
    req.refresh_from_db()
    assert req.state == AccessRequest.State.ACCEPTED and req.decided_by == operator
    org = Organisation.objects.get(inn=VALID_INNS[2])
    assert req.organisation == org and req.invitation is not None and req.invitation.as_manager
    assert mail.outbox[-1].to == ["ivan@gamma.ru"]


def test_access_request_with_registered_inn_goes_to_its_managers(rep_a: Any, rep_b: Any, org_a: Organisation) -> None:
    req = services.access_request_create(
        inn=org_a.inn or "", organisation_name="Альфа", contact_name="Пётр", email="petr@alfa.ru"
    )
    assert req.organisation == org_a
    assert mail.outbox[-1].to == ["manager@alfa.ru"]
    with pytest.raises(Forbidden):
        services.access_request_decide(actor=rep_b, request=req, accept=True)
    services.access_request_decide(actor=rep_a, request=req, accept=True)
    req.refresh_from_db()
    assert req.invitation is not None and not req.invitation.as_manager


@pytest.mark.parametrize("inn", ["7707083894", "12345", "абв"])
def test_access_request_with_wrong_inn_is_refused(inn: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.access_request_create(inn=inn, organisation_name="X", contact_name="Y", email="y@x.ru")
    assert exc.value.error_dict["inn"][0].code == "invalid_inn"
    assert not AccessRequest.objects.exists()


def test_rejecting_access_needs_a_comment(operator: Any) -> None:
    req = services.access_request_create(
        inn=VALID_INNS[2], organisation_name="Гамма", contact_name="Иван", email="ivan@gamma.ru"
    )
    with pytest.raises(Refused) as exc:
        services.access_request_decide(actor=operator, request=req, accept=False)
    assert exc.value.code == "comment_required"
    services.access_request_decide(actor=operator, request=req, accept=False, comment="Не нашли компанию")
    assert mail.outbox[-1].to == ["ivan@gamma.ru"]
    with pytest.raises(Refused) as exc:
        services.access_request_decide(actor=operator, request=req, accept=True)
    assert exc.value.code == "already_decided"


def test_host_staff_become_representatives_with_host_capability(org_a: Organisation, make_user: Any) -> None:
    user = make_user()
    Membership.objects.create(user=user, organisation=org_a)
    assert services.representatives_from_host_staff() == 1
    rep = Representative.objects.get(user=user)
    assert rep.is_manager and HostCapability.objects.get(organisation=org_a).moderated_tours == 0


def test_new_representative_of_a_host_is_host_staff(operator: Any, org_a: Organisation) -> None:
    services.host_capability_grant(actor=operator, organisation=org_a)
    invitation = services.invitation_create(actor=operator, organisation=org_a, email="guide@alfa.ru")
    rep = services.invitation_accept(token=services.invitation_token(invitation), password="Zavod-Alfa-2026")
    assert host_organisation_ids(rep.user) == {org_a.pk}
    services.representative_remove(actor=operator, representative=rep)
    assert not Membership.objects.filter(user=rep.user).exists()


def test_logged_in_user_accepts_an_invitation_for_a_second_organisation(
    operator: Any, rep_a: Any, org_b: Organisation
) -> None:
    invitation = services.invitation_create(actor=operator, organisation=org_b, email="manager@alfa.ru")
    token = services.invitation_token(invitation)
    with pytest.raises(Refused) as exc:
        services.invitation_accept(token=token, password="whatever-2026")
    assert exc.value.code == "account_exists"
    rep = services.invitation_accept(token=token, actor=rep_a)
    assert rep.organisation == org_b
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == rep_a


def test_invitation_link_carries_no_personal_data(operator: Any, org_a: Organisation) -> None:
    import base64
    import zlib

    invitation = services.invitation_create(actor=operator, organisation=org_a, email="secret.person@alfa.ru")
    payload = services.invitation_token(invitation).split(":")[0]
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    text = zlib.decompress(raw) if payload.startswith(".") else raw
    assert b"secret" not in text and b"alfa" not in text
