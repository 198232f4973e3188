from django.db import migrations

from practica.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0003_flags_and_titles")]

    operations = [
        # PostgreSQL: a GIN index of titles alone (docs/search.md); SQLite: nothing changes.
        migrations.RunPython(ddl.postgresql_titles, ddl.no_postgresql_titles, elidable=False),
    ]
