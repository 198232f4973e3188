import pytest

from practica.learning import services


@pytest.fixture
def card_factory(db):
    """card_factory(owner, *, prompt=..., point=..., **more): a card through the service."""

    def make(owner, *, prompt="What is a blameless review?", point="One about the system.", **more):
        return services.card_create(owner=owner, prompt=prompt, point=point, **more)

    return make


@pytest.fixture
def qa(cast_factory):
    """A public community with the member's question and the facilitator's answer to it."""
    from practica.discussions import services as discussions

    cast = cast_factory("public")
    question = discussions.thread_create(
        author=cast.member,
        community=cast.community,
        title="How do we run a blameless review?",
        body="We keep blaming people after outages.",
    )
    answer = discussions.answer_create(
        author=cast.facilitator,
        thread=question,
        body="Ask **what** made the mistake easy, not who made it.",
    )
    cast.question, cast.answer = question, answer  # type: ignore[attr-defined]
    return cast
