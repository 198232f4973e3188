"""Email: a real SMTP conversation, both parts, the unsubscribe headers, and tokens that cannot be
forged or used for another person or list."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from email.message import Message

import pytest
from django.core import mail, signing
from django.test import Client

from practica.discussions import services as discussions
from practica.notifications import emails, preferences
from practica.notifications.models import Preference


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for Django's backend: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test.local ESMTP ready")
        envelope: dict = {"rcpt": []}
        while True:
            line = self.rfile.readline().decode().rstrip("\r\n")
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-test.local")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                envelope["from"] = line.split(":", 1)[1].strip()
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["rcpt"].append(line.split(":", 1)[1].strip())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                envelope["data"] = b"".join(lines)
                self.server.received.append(envelope)  # type: ignore[attr-defined]
                envelope = {"rcpt": []}
                self.reply("250 OK queued")
            elif verb == "RSET":
                envelope = {"rcpt": []}
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


@pytest.fixture
def smtp_server(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.shutdown()
    server.server_close()


def test_an_answer_email_goes_through_a_real_smtp_conversation(scene, committed, smtp_server):
    with committed():
        discussions.answer_create(
            author=scene.ben, thread=scene.question, body="Roll forward with a **feature flag**."
        )
    assert len(smtp_server.received) == 1
    envelope = smtp_server.received[0]
    assert envelope["rcpt"] == [f"<{scene.asha.email}>"]
    message: Message = email.message_from_bytes(envelope["data"], policy=email.policy.default)
    assert "Ben Answerer answered your question" in message["Subject"]
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<http://testserver/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in message.walk()
             if not p.is_multipart()}  # fmt: skip
    assert set(parts) == {"text/plain", "text/html"}
    link = "http://testserver" + scene.question.get_absolute_url()
    assert link in parts["text/plain"] and link in parts["text/html"]
    assert "feature flag" in parts["text/plain"]
    assert unsubscribe.strip("<>") in parts["text/plain"]
    assert "<a href=" in parts["text/html"]


def test_one_click_unsubscribe_needs_no_log_in_and_stops_only_that_list(scene, committed):
    url = emails.unsubscribe_url(scene.asha.pk, "kind:answer.on_mine").removeprefix(
        "http://testserver"
    )
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert not Preference.objects.filter(user=scene.asha).exists()  # a GET changes nothing
    response = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    pref = preferences.preference_for(scene.asha.pk)
    assert preferences.channels(pref, "answer.on_mine") == ("in_app",)
    assert preferences.channels(pref, "mention") == ("in_app", "email")
    assert pref.digest == "weekly"
    with committed():
        discussions.answer_create(author=scene.ben, thread=scene.question, body="Try this.")
    assert mail.outbox == []


def test_a_digest_link_stops_the_digest_of_that_person_only(scene):
    token = emails.unsubscribe_token(scene.asha.pk, "digest")
    Client().post(f"/notifications/unsubscribe/{token}/")
    assert preferences.preference_for(scene.asha.pk).digest == "off"
    assert preferences.preference_for(scene.ben.pk).digest == "weekly"


def test_unsubscribe_tokens_cannot_be_forged_or_turned_to_another_person_or_list(scene):
    token = emails.unsubscribe_token(scene.asha.pk, "digest")
    assert emails.read_unsubscribe_token(token) == (scene.asha.pk, "digest")
    # Changing any character of the signed value or the signature breaks it.
    head, _, sig = token.rpartition(":")
    flipped = sig[:-1] + ("A" if sig[-1] != "A" else "B")
    assert emails.read_unsubscribe_token(f"{head}:{flipped}") is None
    # A value made for Ben with Asha's signature, or signed with another key or salt, is refused.
    forged = signing.dumps({"u": scene.ben.pk, "l": "digest"}, salt="other", compress=True)
    assert emails.read_unsubscribe_token(forged) is None
    ben_payload = signing.dumps({"u": scene.ben.pk, "l": "digest"}, salt=emails.SALT, compress=True)
    assert emails.read_unsubscribe_token(ben_payload.rpartition(":")[0] + ":" + sig) is None
    wrong_key = signing.dumps({"u": scene.ben.pk, "l": "digest"}, key="x" * 50, salt=emails.SALT)
    assert emails.read_unsubscribe_token(wrong_key) is None
    for bad in (forged, "nonsense", f"{head}:{flipped}"):
        assert Client().post(f"/notifications/unsubscribe/{bad}/").status_code == 404
    assert not Preference.objects.exists()
