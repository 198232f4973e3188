from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "practica.learning"
    label = "learning"

    def ready(self) -> None:
        from practica.learning import sections, sources  # noqa: F401  (registers sections, source kinds)
