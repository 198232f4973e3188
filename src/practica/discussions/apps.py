from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "practica.discussions"
    label = "discussions"

    def ready(self) -> None:
        from practica.discussions import sections  # noqa: F401  (registers this app's page sections)
