from django.db import migrations, models

from practica.search import ddl


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgresql_titles")]

    operations = [
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["created_at"], name="search_doc_created"),
        ),
        # PostgreSQL: both GIN indexes rebuilt with the documents' day words and flags
        # (docs/search.md, "Bounded work"); SQLite: nothing more changes.
        migrations.RunPython(ddl.postgresql_days, ddl.no_postgresql_days, elidable=False),
    ]
