"""Demo accounts: one operator and one host user for each of two host companies."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from mosprom.core.roles import operators_group
from mosprom.registry.models import Membership, Organisation

OPERATOR = ("operator", "operator-demo-2026")
HOSTS = [
    ("host-nck", "host-demo-2026", "nck"),
    ("host-renera", "host-demo-2026", "renera"),
]


def _user(username: str, password: str, *, staff: bool = False):  # type: ignore[no-untyped-def]
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"is_staff": staff})
    if created:
        user.set_password(password)
        user.save()
    return user


def load() -> list[str]:
    operator = _user(*OPERATOR, staff=True)
    operator.groups.add(operators_group())
    lines = ["", "Demo accounts (log in at http://127.0.0.1:8000/accounts/login/):"]
    lines.append(f"  operator (back-office):   {OPERATOR[0]} / {OPERATOR[1]}")
    for username, password, slug in HOSTS:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        user = _user(username, password)
        Membership.objects.get_or_create(user=user, organisation=organisation)
        lines.append(f"  host of {organisation.short_name}: {username} / {password}")
    return lines
