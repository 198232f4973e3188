"""Live sessions over HTTP (/api/v1/): `schemas` holds the shapes, `serializers` turns rows into
them, `routes` the operations."""

from practica.live.api.routes import router

__all__ = ["router"]
