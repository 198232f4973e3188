from django.db import migrations

from practica.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0005_spans_of_days")]

    operations = [
        # PostgreSQL: the list of every indexed word, kept by triggers, that typed prefixes
        # expand to (docs/search.md, "Bounded work"); SQLite: nothing changes.
        migrations.RunPython(ddl.postgresql_words, ddl.no_postgresql_words, elidable=False),
    ]
