"""Tasks: a failed run is recorded as failed and queued again later, with back-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from practica.core import retry
from practica.notifications import tasks


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_backoff_grows_and_is_bounded():
    assert [retry.backoff(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1), timedelta(minutes=4), timedelta(minutes=16),
    ]  # fmt: skip
    assert retry.backoff(10) == timedelta(hours=6)


def test_a_failing_fan_out_is_queued_again_later_and_then_given_up(db, db_queue, monkeypatch):
    def broken(**_):
        raise RuntimeError("database went away")

    monkeypatch.setattr("practica.notifications.services.event_fan_out", broken)
    with pytest.raises(RuntimeError):
        tasks.fan_out_event.call(event="question.asked", payload={"thread_id": 1})
    again = DBTaskResult.objects.get()
    assert again.args_kwargs["kwargs"]["attempt"] == 2
    assert again.run_after > timezone.now() + timedelta(seconds=50)
    DBTaskResult.objects.all().delete()
    with pytest.raises(RuntimeError):
        tasks.fan_out_event.call(
            event="question.asked", payload={"thread_id": 1}, attempt=retry.MAX_ATTEMPTS
        )
    assert not DBTaskResult.objects.exists()  # the last attempt fails for good, visibly


def test_a_task_run_by_the_database_worker_records_its_failure(db, db_queue, monkeypatch):
    """What administrators see: the failed run, with its error, in the task results."""
    from django_tasks_db.management.commands.db_worker import Worker

    monkeypatch.setattr(
        "practica.notifications.services.event_fan_out",
        lambda **_: (_ for _ in ()).throw(RuntimeError("boom")),
    )
    tasks.fan_out_event.enqueue(event="question.asked", payload={"thread_id": 1})
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=1, worker_id="test",
                    excluded_queue_names=[])  # fmt: skip
    worker.run_task(DBTaskResult.objects.get())  # one turn of the worker's loop
    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert results[0].status == "FAILED"
    assert "boom" in str(results[0].exception_class_path) + str(results[0].traceback)
    assert len(results) == 2  # and the retry is waiting
