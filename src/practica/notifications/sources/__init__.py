"""Where notifications come from: one module per app whose events become notifications."""

from practica.notifications.sources import communities, discussions, live

__all__ = ["communities", "discussions", "live"]
