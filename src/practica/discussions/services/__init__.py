"""Writes about threads, answers, comments, votes, reactions, tags, follows and expert requests.

Every service checks permission through `policy`, validates before writing, runs in one
transaction, keeps counters with F() expressions, and publishes its domain event after commit.
"""

from practica.discussions.services._common import (
    BODY_MAX,
    COMMENT_MAX,
    MAX_ASKED,
    MAX_TAGS,
    mention_url,
    render_body,
)
from practica.discussions.services.answers import (
    answer_accept,
    answer_create,
    answer_delete,
    answer_unaccept,
    answer_update,
)
from practica.discussions.services.comments import (
    comment_create,
    comment_delete,
    comment_update,
)
from practica.discussions.services.community import (
    experts_ask,
    follow_set,
    image_upload,
    tag_merge,
    tag_update,
)
from practica.discussions.services.threads import (
    thread_create,
    thread_create_for,
    thread_delete,
    thread_rollback,
    thread_set_wiki,
    thread_update,
)
from practica.discussions.services.votes import (
    reaction_toggle,
    vote_clear,
    vote_set,
)

__all__ = [
    "BODY_MAX",
    "COMMENT_MAX",
    "MAX_ASKED",
    "MAX_TAGS",
    "answer_accept",
    "answer_create",
    "answer_delete",
    "answer_unaccept",
    "answer_update",
    "comment_create",
    "comment_delete",
    "comment_update",
    "experts_ask",
    "follow_set",
    "image_upload",
    "mention_url",
    "reaction_toggle",
    "render_body",
    "tag_merge",
    "tag_update",
    "thread_create",
    "thread_create_for",
    "thread_delete",
    "thread_rollback",
    "thread_set_wiki",
    "thread_update",
    "vote_clear",
    "vote_set",
]
