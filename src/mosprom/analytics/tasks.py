"""Background work of the analytics part."""

from django_tasks import task

from . import tourism


@task()
def refresh_tourism_days() -> int:
    """Recompute the tourism summary's dirty days ahead of the next reader (who would otherwise do it)."""
    return tourism.refresh()
