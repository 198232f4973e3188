from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "practica.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # The built-in sources (what each kind of content looks like in the index), then the
        # event subscriptions that keep the index current after each commit.
        from practica.core import providers
        from practica.search import people, sources, upkeep

        sources.load_builtin()
        upkeep.subscribe_all()
        # The Q&A asks the same ranking for the members who know a question's tags.
        providers.give("people.experts", people.experts)
