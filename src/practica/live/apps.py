from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "practica.live"
    label = "live"
    verbose_name = "Live sessions"

    def ready(self) -> None:
        from practica.live import sections  # noqa: F401  (registers this app's page sections)
        from practica.live.streaming import register_authorizer

        register_authorizer()
