"""The Tasks backend for several machines: django-tasks-rq on Redis, enqueued when the transaction commits.

The database backend (django-tasks-db, the default) writes the task row in the caller's transaction, so a task
exists exactly when the change that caused it does. RQ is not transactional: enqueued inside
`transaction.atomic()`, a job could run before the rows it reads are committed (and would still run if the
transaction rolled back). `OnCommitRQBackend` keeps the callers unchanged (`task.enqueue(...)`) and pushes the job
to Redis only when the outermost transaction commits (pretix's habit), with the id it already returned.

If Redis cannot be reached when the job is pushed (a restart, a fail-over), the client first retries for a few
seconds (`OPTIONS["RETRY_SECONDS"]`); if Redis is still away, the task runs in this process instead of being
dropped (every task here is idempotent and takes ids). The e-mail outbox keeps its own durable record, and the
periodic `outbox_sweep` re-enqueues any message whose job was lost; `rq_reclaim_abandoned()` (called by the sweep)
puts back jobs whose worker died mid-run.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from django.db import connections, transaction
from django.dispatch import receiver
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued, task_finished, task_started
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, RQBackend, failed_callback, success_callback
from typing_extensions import ParamSpec

logger = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")


class OnCommitRQBackend(RQBackend):
    """RQ on Redis; jobs are pushed on commit, with retries and an in-process fallback when Redis is away."""

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        options = params.get("OPTIONS", {})
        # Job retries after a failure or a worker's death (RQ `Retry`): intervals in seconds.
        self.retry_intervals: list[int] = list(options.get("RETRY_INTERVALS", [10, 60, 300]))
        self.fallback_inline: bool = bool(options.get("FALLBACK_INLINE", True))

    def enqueue(self, task: Task[P, T], args: P.args, kwargs: P.kwargs) -> TaskResult[T]:  # type: ignore[valid-type]
        self.validate_task(task)
        result: TaskResult[T] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )

        def push() -> None:
            self._push(task, args, kwargs, result)

        # Robust: a failure to push must not break the caller's response after its data is committed.
        transaction.on_commit(push, robust=True)
        return result

    def _push(self, task: Task[Any, Any], args: Any, kwargs: Any, result: TaskResult[Any]) -> None:
        from redis.exceptions import RedisError

        try:
            self._push_to_redis(task, args, kwargs, result)
        except RedisError as exc:
            if not self.fallback_inline:
                logger.error("queue unreachable (%s); task %s not enqueued", exc, task.name)
                return
            logger.warning("queue unreachable (%s); running task %s in this process", type(exc).__name__, task.name)
            try:
                task.call(*args, **kwargs)
            except Exception:
                # The outbox sweep (or the task's own periodic safety net) takes it from here.
                logger.exception("task %s failed in the fallback run", task.name)

    def _push_to_redis(self, task: Task[Any, Any], args: Any, kwargs: Any, result: TaskResult[Any]) -> None:
        import django_rq
        from rq.job import Callback, JobStatus, Retry

        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
            retry=Retry(max=len(self.retry_intervals), interval=self.retry_intervals) if self.retry_intervals else None,
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=result)


@receiver(task_started, sender=OnCommitRQBackend)
@receiver(task_finished, sender=OnCommitRQBackend)
def fresh_database_connections(sender: type[RQBackend], **kwargs: Any) -> None:
    """Around every job a worker runs, what Django does around every request (`close_old_connections`): drop a
    database connection that is broken or older than CONN_MAX_AGE. The workers run their jobs in their own process
    (RQ's SimpleWorker, no fork per job: a fifth of the CPU per e-mail), so a connection outlives one job — and
    without this, a restart of PostgreSQL would fail every later job of the worker."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # never under a transaction in progress
            connection.close_if_unusable_or_obsolete()


# A scheduled job (a retry, a deferred task) this late was missed by RQ's scheduler (its process died with the
# Redis connection, and the lock it held lasts 61 s): the outbox sweep enqueues it itself.
OVERDUE_SCHEDULED_SECONDS = 20


def rq_reclaim_abandoned() -> int:
    """The RQ side of the outbox sweep; a no-op unless the RQ backend is in use. Returns how many jobs it moved.

    * Jobs left STARTED by a worker that died (SIGKILL, OOM, power) whose heartbeat has expired are retried
      (RQ `Retry`) or moved to the failed registry (RQ's own cleanup, run now rather than at a worker's next
      maintenance); their e-mails are then re-enqueued by the sweep.
    * Scheduled jobs overdue by more than OVERDUE_SCHEDULED_SECONDS are put on their queue (a job enqueued twice
      is harmless: every task is idempotent)."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    if not isinstance(backend, RQBackend):
        return 0
    import django_rq
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry
    from rq.utils import current_timestamp

    moved = 0
    for name in sorted(backend.queues):
        queue = django_rq.get_queue(name, job_class=Job)
        # job_class: the registry does not take it from the queue, and django-tasks-rq's failure callback needs
        # its own Job (with the task result) — RQ's plain Job made the callback raise AttributeError.
        StartedJobRegistry(queue=queue, job_class=Job).cleanup()  # type: ignore[no-untyped-call]
        scheduled = ScheduledJobRegistry(queue=queue)  # type: ignore[no-untyped-call]
        for job_id in scheduled.get_jobs_to_schedule(current_timestamp() - OVERDUE_SCHEDULED_SECONDS):
            job = queue.fetch_job(job_id)
            scheduled.remove(job_id)
            if job is not None:
                queue.enqueue_job(job)
                moved += 1
    if moved:
        logger.warning("enqueued %s scheduled jobs the RQ scheduler missed", moved)
    return moved
