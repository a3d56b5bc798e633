from django_tasks import task

from . import services


@task()
def annual_report_reminders() -> int:
    """Daily: remind status holders whose annual report is due soon (each reminder is sent once)."""
    return services.report_reminders_send()
