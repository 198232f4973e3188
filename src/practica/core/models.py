"""Base models shared by every app; no domain logic lives here."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StreamCounter(models.Model):
    """The last `seq` given out on one event stream. Publishing moves it with an `F()` update in
    the publishing transaction, so the row lock orders concurrent publishers: seqs have no gaps,
    and an event commits before any event with a higher seq on the same stream."""

    stream = models.CharField(max_length=100, primary_key=True)
    seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.stream} @ {self.seq}"


class StreamEvent(models.Model):
    """One event published on a stream (see core/streams), kept for a while so that a client that
    reconnects can catch up on what it missed. Old rows are pruned as new ones arrive."""

    stream = models.CharField(max_length=100)
    seq = models.BigIntegerField()
    event = models.CharField(max_length=100)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="core_streamevent_stream_seq")
        ]

    def __str__(self) -> str:
        return f"{self.stream} #{self.seq} {self.event}"


class ScheduledRun(models.Model):
    """One run of a scheduled job for one period ("digests.daily" for "2026-11-28"). The unique
    constraint is the claim: the worker that inserts the row runs the job, every other worker
    (and a restarted one) finds it taken (see core/scheduler.py)."""

    job = models.CharField(max_length=100)
    period_key = models.CharField(max_length=40)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period_key"], name="core_scheduledrun_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.job} for {self.period_key}"
