from django_tasks import task

from practica.search.indexing import index_refs


@task()
def index_documents(refs: list[list]) -> int:
    """Reindex the documents named by `refs` ([source, id] pairs) and what depends on them."""
    return index_refs((str(name), int(pk)) for name, pk in refs)
