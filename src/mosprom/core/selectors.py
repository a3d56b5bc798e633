from __future__ import annotations

from django.db.models import QuerySet

from .models import OutboundEmail


def mailbox_list(*, to: str = "") -> QuerySet[OutboundEmail]:
    qs = OutboundEmail.objects.all()
    if to:
        qs = qs.filter(to__iexact=to.strip())
    return qs
