from django_tasks import task

from . import services


@task()
def deliver_email(message_id: int) -> None:
    services.email_deliver(message_id=message_id)


@task()
def outbox_sweep() -> int:
    return services.outbox_sweep()
