"""An SMTP server on loopback that keeps the Message-ID of every message it accepts: the load
test's app hosts and worker send their e-mails to it, and the run then checks that every
e-mail of the outbox arrived exactly once (``verify.mail_delivery``)."""

from __future__ import annotations

import logging
import threading
from collections import Counter

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every line at DEBUG


class _Keeper:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: Counter = Counter()

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's name
        from email import message_from_bytes

        message_id = message_from_bytes(envelope.content).get("Message-ID", "")
        with self.lock:
            self.received[message_id] += 1
        return "250 OK"


class Mailbox:
    """``with Mailbox(port) as box:`` ... ``box.received``: Message-ID -> times received."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._keeper = _Keeper()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=port)

    def __enter__(self) -> Mailbox:
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._controller.stop()

    @property
    def received(self) -> Counter:
        with self._keeper.lock:
            return Counter(self._keeper.received)
