"""Background tasks (django-tasks): the same work as the management command, for a task worker."""

from django_tasks import task

from .services import auto_confirm_transfers


@task()
def auto_confirm_transfers_task() -> dict[str, int]:
    return auto_confirm_transfers()
