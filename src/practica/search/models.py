"""The search index: one row per searchable object, whatever app it comes from.

A row is derived data: `search.indexing` builds it from the object through its registered source
(`search.sources`), and `practica search reindex` can rebuild every row. The full-text structure
sits beside this table and follows it (docs/search.md): on SQLite an FTS5 external-content table
kept in step by triggers, on PostgreSQL a stored, weighted `tsvector` column with a GIN index; both
are created by migration 0001 for their own database only.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    source = models.CharField(max_length=24, help_text="The registered source that built it.")
    object_id = models.BigIntegerField()
    kind = models.CharField(max_length=24, help_text="question, answer, person, ...")
    community_id = models.BigIntegerField(null=True, blank=True)
    thread_id = models.BigIntegerField(null=True, blank=True)
    author_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True, help_text="Indexed with the most weight.")
    heading = models.CharField(
        max_length=300, blank=True, help_text="Shown, not indexed: e.g. an answer's question."
    )
    tags = models.CharField(
        max_length=1000, blank=True, help_text="Space-separated, with a space at each end."
    )
    body = models.TextField(blank=True, help_text="Plain text (markup stripped).")
    solved = models.BooleanField(default=False)
    score = models.IntegerField(default=0)
    answer_count = models.IntegerField(default=0)
    boost = models.FloatField(default=0.0, help_text="0..1: accepted or well-voted answers.")
    created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    deleted = models.BooleanField(default=False)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="search_document_unique"),
        ]
        indexes = [
            models.Index(
                fields=["deleted", "community_id", "last_activity_at"], name="search_doc_scope"
            ),
            models.Index(fields=["thread_id"], name="search_doc_thread"),
            models.Index(fields=["author_id"], name="search_doc_author"),
            # date filters, and PostgreSQL's matches outside its spans of days (engines.py)
            models.Index(fields=["created_at"], name="search_doc_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchEmbedding(models.Model):
    """A document's meaning as a vector, with the semantic extra (`search.semantic`): made from
    its title, tags and the start of its body by a local model, kept while that text is unchanged
    (`text_hash`). `community_id` and `kind` mirror the document's so the in-memory vector index
    can leave out what a searcher may not read before it ranks; the SQL filters check again."""

    document = models.OneToOneField(
        SearchDocument, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    model = models.CharField(max_length=64)
    text_hash = models.CharField(max_length=40)
    vector = models.BinaryField(help_text="float32, unit length.")
    community_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=24)
    deleted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"embedding of {self.document_id}"
