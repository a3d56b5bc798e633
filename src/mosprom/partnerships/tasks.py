from django_tasks import task

from . import services


@task()
def send_weekly_digest() -> int:
    """Hourly; the outbox's idempotency key makes it send each operator one digest per ISO week."""
    return services.digest_send().sent
