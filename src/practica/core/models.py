"""Base models shared by every app; no domain logic lives here."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


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
