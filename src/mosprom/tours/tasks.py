"""Background work of the tours part: each task takes no personal data and calls a service."""

from django_tasks import task

from . import services


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
