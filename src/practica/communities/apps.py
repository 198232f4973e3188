from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "practica.communities"
    label = "communities"

    def ready(self) -> None:
        from practica.communities import sections  # noqa: F401  (registers this app's page sections)
