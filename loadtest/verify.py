"""Look up every write the simulated people saw acknowledged (``loadtest/run.py`` calls this)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlalchemy import select


def missing_writes(app, acks_path: Path) -> tuple[Counter, list[dict]]:
    """(acknowledged writes by kind, those not found in the database)."""
    from partnership.extensions import db
    from partnership.matching.models import Match
    from partnership.memoranda import services as memoranda
    from partnership.memoranda.models import Memorandum
    from partnership.organisations.models import Item, Organisation, Status

    acks = [json.loads(line) for line in acks_path.read_text().splitlines() if line.strip()]
    missing = []
    with app.app_context():
        latest_texts: dict[int, dict] = {}
        for ack in acks:
            kind = ack["kind"]
            if kind == "item":
                found = db.session.scalar(select(Item.id).where(
                    Item.organisation_id == ack["organisation_id"],
                    Item.description.contains(ack["token"])))
            elif kind == "interest":
                found = db.session.scalar(select(Match.interest_at).where(
                    Match.id == ack["match_id"])) is not None
            elif kind == "verified":
                found = db.session.scalar(select(Organisation.status).where(
                    Organisation.id == ack["organisation_id"])) == Status.VERIFIED
            elif kind == "clause":
                if ack["memorandum_id"] not in latest_texts:
                    memorandum = db.session.get(Memorandum, ack["memorandum_id"])
                    latest_texts[ack["memorandum_id"]] = {
                        clause["key"]: clause["text"]["uk"]
                        for clause in memoranda.latest(memorandum).clauses}
                found = ack["token"] in latest_texts[ack["memorandum_id"]].get(ack["key"], "")
            else:
                raise ValueError(f"unknown acknowledged write {kind!r}")
            if not found:
                missing.append(ack)
    return Counter(ack["kind"] for ack in acks), missing


def undispatched(app) -> tuple[int, int]:
    """(outbox events not yet dispatched, those still not dispatched after the scheduler's
    re-dispatch job has run once). Each handler of an event runs once (``core/events.py``)."""
    from sqlalchemy import func

    from partnership.core.events import OutboxEvent, dispatch_pending
    from partnership.extensions import db

    def count() -> int:
        return db.session.scalar(select(func.count(OutboxEvent.id))
                                 .where(OutboxEvent.dispatched_at.is_(None)))

    with app.app_context():
        before = count()
        if before:
            dispatch_pending()
        return before, count()


def mail_delivery(app, mailbox, since) -> dict[str, int]:
    """The outbox's e-mails queued since ``since`` against what the SMTP server received
    (``mailbox.received``: Message-ID -> times). The scheduler's ``send-emails`` runs once
    first, as it would within a minute, for what the run left unsent."""
    from sqlalchemy import func

    from partnership.core.mail import message_id, send_pending_emails
    from partnership.core.models import OutboxEmail
    from partnership.extensions import db

    with app.app_context():
        send_pending_emails(limit=100_000)
        mails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.created_at >= since))
        sender = app.config["MAIL_DEFAULT_SENDER"]
        expected = {message_id(mail, sender): mail.sent_at is not None for mail in mails}
        unsent = db.session.scalar(select(func.count(OutboxEmail.id)).where(
            OutboxEmail.created_at >= since, OutboxEmail.sent_at.is_(None)))
    received = mailbox.received
    return {"queued": len(expected), "unsent": unsent,
            "received": sum(received[key] for key in expected),
            "missing": sum(1 for key, sent in expected.items() if sent and not received[key]),
            "duplicates": sum(received[key] - 1 for key in expected if received[key] > 1)}
