from django.db import migrations

from practica.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0002_embeddings")]

    operations = [
        # SQLite: the full-text index rebuilt with a flags column, and an index of titles and
        # tags alone beside it (docs/search.md); PostgreSQL: nothing changes.
        migrations.RunPython(ddl.flags_and_titles, ddl.titles_only, elidable=False),
    ]
