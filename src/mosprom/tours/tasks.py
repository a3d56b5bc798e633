"""Background work of the tours part: each task takes ids (never personal data) and calls a service."""

from django_tasks import task

from . import services


@task()
def tours_email(model: str, pk: int, kind: str, idempotency_key: str) -> None:
    """Render one tours e-mail (links, QR, .ics) into the outbox; enqueued in the transaction of the change."""
    services.email_render_and_enqueue(model=model, pk=pk, kind=kind, idempotency_key=idempotency_key)


@task()
def expire_holds() -> int:
    return services.holds_expire()


@task()
def expire_offers() -> int:
    return services.offers_expire()


@task()
def send_reminders() -> int:
    return services.reminders_send()


@task()
def send_feedback_requests() -> int:
    return services.feedback_requests_send()


@task()
def purge_registrations() -> int:
    return services.registrations_purge()
