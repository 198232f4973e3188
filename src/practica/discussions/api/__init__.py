"""Threads, answers, comments, votes, tags and experts over HTTP (/api/v1/): `schemas` holds
the shapes, `serializers` turns rows into them, `routes` the operations."""

from practica.discussions.api.routes import router

__all__ = ["router"]
