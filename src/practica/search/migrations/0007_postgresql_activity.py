from django.db import migrations

from practica.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0006_postgresql_words")]

    operations = [
        # PostgreSQL: an index in the order of listings without words (ddl.py); SQLite: nothing.
        migrations.RunPython(ddl.postgresql_activity, ddl.no_postgresql_activity, elidable=False),
    ]
