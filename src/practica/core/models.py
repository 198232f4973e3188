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
