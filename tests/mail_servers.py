"""Mail servers for tests: a real SMTP server on a free local port that a test stops and starts
(aiosmtpd in a thread), and a mail backend that always refuses."""

import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from django.core.mail.backends.base import BaseEmailBackend


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collector:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
        return "250 OK"


class SMTPSink:
    """An SMTP server that keeps what it receives; ``stop()`` closes the port (a sender then
    gets "connection refused"), ``start()`` opens it again on the same port."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.lock = threading.Lock()
        self._controller = None

    def start(self):
        self._controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self):
        return self._controller is not None

    def mailer(self):
        """A MAILERS entry that sends here."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message, as a closed SMTP port does."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


REFUSING_MAILERS = {"default": {"BACKEND": "tests.mail_servers.RefusingBackend"}}
