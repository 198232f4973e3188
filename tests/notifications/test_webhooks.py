"""Webhooks: a delivery received by a local HTTP server with a valid signature, retried after a
failure, logged and re-sent; Slack-compatible payloads; bad input changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from practica.discussions import services as discussions
from practica.notifications import services
from practica.notifications.models import Delivery, Webhook
from practica.notifications.services.webhooks import deliveries_due


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))  # type: ignore[attr-defined]
        status = self.server.statuses.pop(0) if self.server.statuses else 200  # type: ignore[attr-defined]
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"try later")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.statuses = [], []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PRACTICA_NETGUARD_ALLOW_HOSTS = ["127.0.0.1"]  # as an administrator would
    yield server
    server.shutdown()
    server.server_close()


def _url(server) -> str:
    return f"http://127.0.0.1:{server.server_port}/hooks/practica"


def test_a_delivery_is_signed_received_retried_after_a_failure_and_resendable(
    scene, committed, receiver
):
    hook, secret = services.webhook_create(
        actor=scene.fay, community=scene.community, url=_url(receiver),
        events=["question.asked", "answer.accepted"],
    )  # fmt: skip
    assert secret.startswith("whsec_")
    receiver.statuses.append(503)  # the first attempt fails
    with committed():
        discussions.thread_create(
            author=scene.asha, community=scene.community, title="Can we cache builds?", body="?"
        )
    delivery = Delivery.objects.get(webhook=hook)
    assert delivery.state == "pending" and delivery.attempts == 1
    assert delivery.response_status == 503 and delivery.next_attempt_at > timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliveries_due() == [delivery.pk]  # the retry job picks it up, and it succeeds
    delivery.refresh_from_db()
    assert delivery.state == "succeeded" and delivery.attempts == 2
    assert delivery.response_status == 200
    assert len(receiver.received) == 2
    headers, body = receiver.received[-1]
    expected = hmac.new(
        secret.encode(), headers["X-Practica-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Practica-Signature"] == f"sha256={expected}"
    assert headers["X-Practica-Event"] == "question.asked"
    document = json.loads(body)
    assert document["event"] == "question.asked" and document["id"] == delivery.pk
    assert document["data"]["thread"]["title"] == "Can we cache builds?"
    assert document["data"]["thread"]["url"].startswith("http://testserver/c/")
    with committed():
        again = services.delivery_redeliver(actor=scene.fay, delivery=delivery)
    again.refresh_from_db()
    assert again.state == "succeeded" and again.redelivery_of_id == delivery.pk
    assert len(receiver.received) == 3


def test_a_slack_compatible_webhook_gets_a_text_payload(scene, committed, receiver):
    services.webhook_create(
        actor=scene.owner, community=scene.community, url=_url(receiver),
        events=["answer.posted"], format="slack",
    )  # fmt: skip
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="Use a canary.")
    ((_, body),) = receiver.received
    text = json.loads(body)["text"]
    assert text.startswith("New answer in ") and "|How do we roll back a release?>" in text


def test_events_not_picked_and_other_communities_send_nothing(scene, committed, receiver):
    services.webhook_create(
        actor=scene.fay, community=scene.community, url=_url(receiver), events=["answer.accepted"]
    )
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="Nope.")
    assert receiver.received == [] and not Delivery.objects.exists()


def test_a_delivery_gives_up_after_the_last_attempt(scene, committed, receiver):
    hook, _ = services.webhook_create(
        actor=scene.fay, community=scene.community, url=_url(receiver), events=["question.asked"]
    )
    receiver.statuses.extend([500] * 10)
    with committed():
        discussions.thread_create(
            author=scene.asha, community=scene.community, title="Is anyone on call?", body="?"
        )
    delivery = Delivery.objects.get(webhook=hook)
    for _ in range(10):
        Delivery.objects.filter(pk=delivery.pk, state="pending").update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        deliveries_due()
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempts == 6
    assert delivery.error == "HTTP 500"


def test_the_guard_refuses_a_private_address_when_not_allowed(scene, settings):
    settings.PRACTICA_NETGUARD_ALLOW_HOSTS = []
    for url in ("http://127.0.0.1:8000/", "http://10.1.2.3/", "http://169.254.169.254/",
                "http://[::1]/", "http://[::ffff:10.0.0.1]/"):  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            services.webhook_create(
                actor=scene.fay, community=scene.community, url=url, events=["question.asked"]
            )
        assert "url" in caught.value.message_dict
    assert not Webhook.objects.exists()


def test_bad_input_and_plain_members_change_nothing(scene, receiver):
    with pytest.raises(ValidationError) as caught:
        services.webhook_create(
            actor=scene.fay, community=scene.community, url="not a url", events=["nope"]
        )
    assert set(caught.value.message_dict) == {"url", "events"}
    with pytest.raises(PermissionDenied):
        services.webhook_create(
            actor=scene.asha, community=scene.community, url=_url(receiver),
            events=["question.asked"],
        )  # fmt: skip
    assert not Webhook.objects.exists()
