from practica.demo import load_demo
from practica.learning import selectors
from practica.learning.models import Card, CardSet, JournalWeek


def test_the_demo_loads_learning_once_through_the_services(db):
    assert "learning items" in load_demo()
    kofi_cards = Card.objects.filter(owner__handle="kofi")
    assert CardSet.objects.count() == 1 and kofi_cards.count() == 4
    journal = JournalWeek.objects.get(user__handle="kofi")
    assert journal.sent_to.handle == "dev"
    assert selectors.reports_journal(manager=journal.sent_to) == [journal]
    assert load_demo() == "Demo already loaded: nothing to add."
    assert Card.objects.filter(owner__handle="kofi").count() == 4
