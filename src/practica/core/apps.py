from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "practica.core"
    label = "core"

    def ready(self) -> None:
        # Event streams re-check their sockets' permission on membership and community events.
        from practica.core import streams  # noqa: F401
