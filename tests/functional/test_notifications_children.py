"""No child identity in any notification: seed a child with distinctive names, walk the
programme's journeys (placed, consent withdrawn, follow-up due), and search every notification
row, its text rendered in uk/kk/en, and every queued e-mail for them."""

import json
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select

from partnership.core.models import OutboxEmail
from partnership.extensions import db
from partnership.notifications import texts
from partnership.notifications.models import Notification
from partnership.programme import consents, placements
from partnership.programme.models import CaseState, FollowUp
from partnership.programme.notices import tell_of_follow_ups_due

from .. import factories_programme as fp
from ..notifications_world import Hub, deliver

SECRETS = (fp.SURNAME, fp.FIRST_NAME, fp.DOCUMENT, "2014-05-02", "Olena", "Example street")


def test_nothing_that_names_a_child_is_told(app):
    hub = Hub()
    group = hub.centre_group()
    placed = fp.to_assessment(hub.coordinator, fp.new_case(hub.coordinator))
    placements.place_child(hub.coordinator, placed, group.id)
    deliver()
    consents.withdraw_consent(hub.coordinator, placed.consents[0])
    deliver()
    other = fp.placed_case(hub.coordinator, group, identity=fp.person(first_name="Myroslava"))
    deliver()
    fp.walk(hub.coordinator, other, CaseState.TRAVEL_READY, CaseState.IN_PROGRAMME,
            CaseState.COMPLETED)
    deliver()
    for follow_up in db.session.scalars(select(FollowUp)):
        follow_up.due_on = fp.utcnow().date() - timedelta(days=1)
    deliver()
    tell_of_follow_ups_due()
    deliver()

    rows = list(db.session.scalars(select(Notification)))
    kinds = {row.kind for row in rows}
    assert {"child_placed", "consent_withdrawn", "follow_up_due"} <= kinds
    told = [json.dumps([r.kind, r.params, r.link_args, r.path], ensure_ascii=False)
            for r in rows]
    for language in ("uk", "kk", "en"):
        with force_locale(language):
            told += [texts.title(r.kind, r.params, language) + texts.body(r.kind, r.params,
                                                                          language)
                     for r in rows]
    told += [m.subject + "\n" + m.body for m in db.session.scalars(select(OutboxEmail))]
    everything = "\n".join(told)
    assert placed.code in everything and other.code in everything
    for secret in (*SECRETS, "Myroslava"):
        assert secret not in everything
