from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "practica.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # The built-in sources (what each kind of content looks like in the index), then the
        # event subscriptions that keep the index current after each commit.
        from practica.search import sources, upkeep

        sources.load_builtin()
        upkeep.subscribe_all()
