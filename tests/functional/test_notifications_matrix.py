"""The hand-off matrix: for each event, exactly who is told (in the app and by e-mail) and,
by the same token, who is not: the actor, colleagues where the hand-off is not theirs, other
organisations and centres, members of unrelated organisations, deactivated accounts."""

import pytest

from partnership.admin import services as admin
from partnership.extensions import db
from partnership.matching import decisions
from partnership.memoranda import approvals
from partnership.memoranda import services as memoranda
from partnership.organisations import items, services, verification
from partnership.partnerships import services as partnerships
from partnership.programme import consents, placements
from partnership.programme.models import FollowUp
from partnership.programme.notices import tell_of_follow_ups_due

from .. import factories_programme as fp
from ..notifications_world import Hub, deliver

UA = {"ua_actor", "ua_manager", "ua_member"}
KZ = {"kz_actor", "kz_manager", "kz_member"}
OFFICERS = {"officer", "officer2"}


def _interest(hub):
    decisions.express_interest(hub.ua_actor, hub.match)
    deliver()


def _mutual(hub):
    _interest(hub)
    decisions.express_interest(hub.kz_actor, hub.match)
    deliver()


def _vetted(hub):
    _mutual(hub)
    hub.partnership = partnerships.vet_match(hub.officer, hub.match)
    deliver()


def _memorandum(hub):
    _vetted(hub)
    hub.memorandum = memoranda.create_memorandum(hub.ua_actor, hub.partnership)
    deliver()


def _submitted(hub):
    _memorandum(hub)
    approvals.submit_for_review(hub.ua_actor, hub.memorandum)
    deliver()


def _approve(hub, who):
    approvals.approve(who, hub.memorandum, memoranda.latest(hub.memorandum).number)
    deliver()


def _placed_child(hub):
    group = _placed(hub)
    placements.place_child(hub.coordinator, hub.case, group.id)
    deliver()


def _placed(hub):
    group = hub.centre_group()
    hub.case = fp.to_assessment(hub.coordinator, fp.new_case(hub.coordinator))
    hub.checkpoint()
    return group


# name -> (set-up, the step, {kind: the people told}); everyone else is told nothing.
SCENARIOS = {
    "interest received": (
        None, _interest, {"interest_received": {"kz_actor", "kz_manager", "kz_member"}}),
    "mutual interest": (
        _interest, lambda h: (decisions.express_interest(h.kz_actor, h.match), deliver()),
        {"mutual_interest": UA, "mutual_interest_embassy": OFFICERS}),
    "match vetted, partnership opened": (
        _mutual, lambda h: (partnerships.vet_match(h.officer, h.match), deliver()),
        {"match_vetted": UA | KZ, "partnership_opened": UA | KZ}),
    "partnership status changed": (
        _vetted, lambda h: (partnerships.change_status(h.officer, h.partnership, "on_hold",
                                                       "Waiting"), deliver()),
        {"partnership_status": UA | KZ}),
    "memorandum submitted": (
        _memorandum, lambda h: (approvals.submit_for_review(h.ua_actor, h.memorandum),
                                deliver()),
        {"memorandum_submitted": {"ua_manager", "kz_actor", "kz_manager", *OFFICERS}}),
    "memorandum approved by the other side": (
        _submitted, lambda h: _approve(h, h.kz_actor),
        {"memorandum_approved": {"ua_actor", "ua_manager", *OFFICERS}}),
    "memorandum commented": (
        _memorandum, lambda h: (memoranda.add_comment(h.ua_member, h.memorandum, "purpose",
                                                      "A question", 1), deliver()),
        {"memorandum_commented": {"ua_actor", "ua_manager", *KZ, *OFFICERS}}),
    "memorandum agreed": (
        lambda h: (_submitted(h), _approve(h, h.ua_actor), _approve(h, h.kz_actor)),
        lambda h: _approve(h, h.officer),
        {"memorandum_agreed": UA | KZ | {"officer2"}}),
    "memorandum returned to draft": (
        _submitted, lambda h: (approvals.return_to_draft(h.kz_actor, h.memorandum), deliver()),
        {"memorandum_returned": UA | {"kz_manager", "kz_member"} | OFFICERS}),
    "registration verified": (
        lambda h: setattr(h, "pending", h.pending_organisation()),
        lambda h: (verification.decide(h.officer, h.pending, "verify"), deliver()),
        {"organisation_verify": {"pending_manager"}}),
    "registration returned": (
        lambda h: setattr(h, "pending", h.pending_organisation()),
        lambda h: (verification.decide(h.officer, h.pending, "reject", "Not a hospital"),
                   deliver()),
        {"organisation_reject": {"pending_manager"}}),
    "registration returned for changes": (
        lambda h: setattr(h, "pending", h.pending_organisation()),
        lambda h: (verification.decide(h.officer, h.pending, "return", "Add the licence number"),
                   deliver()),
        {"organisation_return": {"pending_manager"}}),
    "registration sent for verification again": (
        lambda h: (setattr(h, "pending", h.pending_organisation()),
                   verification.decide(h.officer, h.pending, "return", "Add the licence"),
                   deliver()),
        lambda h: (verification.resubmit(h.people["pending_manager"], h.pending), deliver()),
        {"organisation_resubmitted": OFFICERS}),
    "colleague invited": (
        None, lambda h: (services.invite_colleague(h.ua_actor, h.ua, "new.colleague@example.org",
                                                   "New Colleague", "org_member"), deliver()),
        {"colleague_invited": {"ua_manager"}}),
    "items expiring": (
        lambda h: h.expiring_item(), lambda h: (items.send_expiry_reminders(), deliver()),
        {"items_expiring": {"ua_actor", "ua_manager"}}),
    "child placed": (
        lambda h: setattr(h, "group", _placed(h)),
        lambda h: (placements.place_child(h.coordinator, h.case, h.group.id), deliver()),
        {"child_placed": {"centre_staff"}}),
    "consent withdrawn": (
        lambda h: _placed_child(h),
        lambda h: (consents.withdraw_consent(h.coordinator, h.case.consents[0]), deliver()),
        {"consent_withdrawn": {"coordinator2", "centre_staff"}}),
    "follow-up due": (
        lambda h: (db.session.add(FollowUp(case=fp.new_case(h.coordinator), months=1,
                                           due_on=fp.utcnow().date())), deliver()),
        lambda h: (tell_of_follow_ups_due(), deliver()),
        {"follow_up_due": {"coordinator", "coordinator2"}}),
    "two-step sign-in reset (security)": (
        None, lambda h: (admin.reset_second_factor(h.admin, h.officer2), deliver()),
        {"second_factor_reset": {"officer2"}}),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_who_is_told(app, name):
    set_up, step, expected = SCENARIOS[name]
    hub = Hub()
    if set_up is not None:
        set_up(hub)
    hub.checkpoint()
    step(hub)
    assert hub.told() == expected
    # Each person told gets one e-mail (default: immediately); nobody else gets one, apart
    # from the invitation itself to the person invited.
    emails = [m.recipient for m in hub.emailed()
              if m.recipient != "new.colleague@example.org"]
    assert sorted(emails) == sorted(hub.people[name].email for names in expected.values()
                                    for name in names)


def test_the_actor_is_never_told_even_when_of_the_told_party(app):
    """The embassy's officer who vets is not told of the mutual interest twice or of the
    vetting; the coordinator withdrawing consent is not told of it."""
    hub = Hub()
    _vetted(hub)
    everything = {n for names in hub.told().values() for n in names}
    assert "officer" in everything  # told of the mutual interest before acting
    hub.checkpoint()
    partnerships.change_status(hub.officer, hub.partnership, "on_hold", "")
    deliver()
    assert "officer" not in set().union(*hub.told().values())

