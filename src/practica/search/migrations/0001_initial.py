from django.db import migrations, models

from practica.search import ddl


class Migration(migrations.Migration):
    initial = True

    dependencies = []  # type: ignore[var-annotated]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(help_text="The registered source that built it.", max_length=24)),
                ("object_id", models.BigIntegerField()),
                ("kind", models.CharField(help_text="question, answer, person, ...", max_length=24)),
                ("community_id", models.BigIntegerField(blank=True, null=True)),
                ("thread_id", models.BigIntegerField(blank=True, null=True)),
                ("author_id", models.BigIntegerField(blank=True, null=True)),
                ("title", models.CharField(blank=True, help_text="Indexed with the most weight.", max_length=300)),
                ("heading", models.CharField(blank=True, help_text="Shown, not indexed: e.g. an answer's question.", max_length=300)),
                ("tags", models.CharField(blank=True, help_text="Space-separated, with a space at each end.", max_length=1000)),
                ("body", models.TextField(blank=True, help_text="Plain text (markup stripped).")),
                ("solved", models.BooleanField(default=False)),
                ("score", models.IntegerField(default=0)),
                ("answer_count", models.IntegerField(default=0)),
                ("boost", models.FloatField(default=0.0, help_text="0..1: accepted or well-voted answers.")),
                ("created_at", models.DateTimeField()),
                ("last_activity_at", models.DateTimeField()),
                ("deleted", models.BooleanField(default=False)),
                ("indexed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["deleted", "community_id", "last_activity_at"], name="search_doc_scope"),
                    models.Index(fields=["thread_id"], name="search_doc_thread"),
                    models.Index(fields=["author_id"], name="search_doc_author"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("source", "object_id"), name="search_document_unique"),
                ],
            },
        ),
        # The full-text structure for this database only (SQLite FTS5 / PostgreSQL tsvector + GIN).
        migrations.RunPython(ddl.install, ddl.uninstall, elidable=False),
    ]
