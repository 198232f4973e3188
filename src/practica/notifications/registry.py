"""What notifications know how to say, and about what. Extended by each source module.

Three registries, each filled when the app starts (`apps.py` imports `sources/`):

- **kinds**: a `Kind` per kind of notification (its words, whether it is addressed to the person,
  whether it may be emailed, its default channels). The preferences page lists them.
- **targets**: how to load what a notification is about by `(target_type, id)` and whether a person
  may see it *now* (`policy.can`), asked again at every send.
- **sources**: for a domain event, who should hear about it (`Intent`s), in order of precedence.

A later app (live sessions) gets its kinds ("starting in 15 minutes", "live now") by adding a module
under `notifications/sources/`: notifications is the consumer and imports the content app, never the
other way round (DESIGN.md rule 7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

IN_APP, EMAIL = "in_app", "email"
CHANNELS = (IN_APP, EMAIL)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # for the preferences page
    one: str  # "{actor} answered your question" (format fields: actor, count, title, community)
    many: str  # "{count} new answers to your question"
    addressed: bool = False  # to the person themself: comes through a muted community
    email: bool = False  # may be emailed one by one
    default: tuple[str, ...] = (IN_APP,)
    group: bool = True  # events of this kind pile up into one unread row

    def text(self, *, count: int, actor: str, title: str, community: str) -> str:
        words = self.many if count > 1 and self.group else self.one
        return words.format(count=count, actor=actor or "Someone", title=title, community=community)


@dataclass(frozen=True)
class Target:
    load: Callable[[int], Any | None]  # the object, or None when gone
    visible: Callable[[Any, Any], bool]  # (user, obj) -> may the person see it now


@dataclass
class Intent:
    """One person should hear about one event."""

    recipient_id: int
    kind: str
    target_type: str
    target: Any  # the loaded object, for the policy check
    community_id: int | None
    title: str
    url: str
    group_key: str
    group_url: str = ""  # where a pile of them leads, when not to `url`
    actor_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Source = Callable[[dict[str, Any]], list[Intent]]

kinds: dict[str, Kind] = {}
targets: dict[str, Target] = {}
sources: dict[str, list[Source]] = {}


def kind(k: Kind) -> Kind:
    kinds[k.key] = k
    return k


def target(name: str, *, load: Callable[[int], Any], visible: Callable[[Any, Any], bool]) -> None:
    targets[name] = Target(load=load, visible=visible)


def source(event: str) -> Callable[[Source], Source]:
    """Decorator: `fn(payload) -> [Intent, ...]` says who hears about `event`."""

    def decorator(fn: Source) -> Source:
        found = sources.setdefault(event, [])
        if fn not in found:
            found.append(fn)
        return fn

    return decorator


def default_channels(key: str) -> tuple[str, ...]:
    k = kinds.get(key)
    return k.default if k else (IN_APP,)


@dataclass
class WebhookBody:
    community_id: int
    data: dict[str, Any]  # ids, titles and URLs: what a receiver needs to act
    text: str  # one line for chat tools, with a Slack-style <url|label> link


@dataclass(frozen=True)
class WebhookEvent:
    name: str
    label: str
    build: Callable[[dict[str, Any]], WebhookBody | None]


webhook_events: dict[str, WebhookEvent] = {}


def webhook_event(name: str, label: str) -> Callable[[Callable], Callable]:
    """Decorator: `build(payload) -> WebhookBody | None` offers event `name` to webhooks."""

    def decorator(fn: Callable[[dict[str, Any]], WebhookBody | None]) -> Callable:
        webhook_events[name] = WebhookEvent(name=name, label=label, build=fn)
        return fn

    return decorator
