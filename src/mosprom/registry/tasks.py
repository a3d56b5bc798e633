from django_tasks import task

from . import services


@task()
def status_confirmation_check() -> int:
    """Daily: flag statuses whose annual confirmation for last year is missing or failing."""
    return len(services.status_confirmation_check())
