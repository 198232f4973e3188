"""Where notifications come from: one module per app whose events become notifications."""

from practica.notifications.sources import communities, discussions

__all__ = ["communities", "discussions"]
