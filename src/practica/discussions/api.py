"""Threads, answers, comments, votes, tags and experts over HTTP."""

from ninja import Router

router = Router(tags=["discussions"])
