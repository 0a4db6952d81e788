"""Every entry of "My work", by role, in the order the page shows them. Each is one function:
its area's aggregate query, and the link to where the work is done (the object itself when
there is exactly one)."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..auth import work as accounts
from ..core import jobs as background
from ..core import scheduled_runs
from ..core.roles import Role
from ..helpdesk import services as helpdesk
from ..matching import work as matching
from ..memoranda import work as memoranda
from ..organisations import work as organisations
from ..programme import work as programme
from .registry import Waiting, When, entry, link

ORG = (Role.ORG_MANAGER, Role.ORG_MEMBER)
OFFICER = Role.EMBASSY_OFFICER
COORDINATOR = Role.PROGRAMME_COORDINATOR
CENTRE = Role.CENTRE_STAFF
ADMIN = Role.ADMIN


def _found(result: tuple, one, many: str) -> Waiting:
    count, when, single = result
    return Waiting(count, when, link(count, single, one, many))


def _proposals(user, anchor: str = "") -> str:
    return url_for("matching.proposals", organisation_id=user.organisation_id) + anchor


def _proposal(user, match_id: int) -> str:
    """One proposal on the proposals page, its group shown whole (it may be past the three)."""
    return url_for("matching.proposals", organisation_id=user.organisation_id, match=match_id,
                   _anchor=f"match-{match_id}")


# --- organisation managers and members -----------------------------------------------------

@entry("profile_returned", _l("Your profile was returned for changes"), Role.ORG_MANAGER)
def profile_returned(user):
    if not user.organisation_id:
        return None
    count, since, organisation_id, reason = organisations.returned_for_changes(
        user.organisation_id)
    return Waiting(count, since, url_for("organisations.edit", organisation_id=organisation_id)
                   if count else "", detail=reason)


@entry("interest_waiting", _l("Interest from the other side waiting for your answer"), *ORG)
def interest_waiting(user):
    if not user.organisation_id:
        return None
    return _found(matching.interest_waiting(user.organisation_id),
                  lambda match_id: _proposals(user, f"#match-{match_id}"),
                  _proposals(user, "#waiting"))


@entry("memoranda_to_approve", _l("Memoranda waiting for your approval"), Role.ORG_MANAGER)
def memoranda_to_approve(user):
    if not user.organisation_id:
        return None
    return _found(memoranda.awaiting_organisation(user.organisation_id),
                  lambda memorandum_id: url_for("memoranda.page", memorandum_id=memorandum_id),
                  url_for("organisations.manage", organisation_id=user.organisation_id))


@entry("memoranda_commented", _l("Memoranda with new comments"), *ORG)
def memoranda_commented(user):
    if not user.organisation_id:
        return None
    return _found(memoranda.with_new_comments(user.id, user.organisation_id),
                  lambda memorandum_id: url_for("memoranda.page", memorandum_id=memorandum_id),
                  url_for("organisations.manage", organisation_id=user.organisation_id))


@entry("new_proposals", _l("New proposals since your last visit"), *ORG)
def new_proposals(user):
    if not user.organisation_id:
        return None
    return _found(matching.new_proposals(user.id, user.organisation_id),
                  lambda match_id: _proposal(user, match_id), _proposals(user))


@entry("items_expiring", _l("Offers and needs expiring within 30 days"), *ORG, when=When.DUE)
def items_expiring(user):
    if not user.organisation_id:
        return None
    return _found(organisations.items_expiring(user.organisation_id),
                  lambda item_id: url_for("organisations.edit_item",
                                          organisation_id=user.organisation_id, item_id=item_id),
                  url_for("organisations.manage", organisation_id=user.organisation_id))


# --- the embassy officer ---------------------------------------------------------------------

@entry("registrations", _l("Registrations to verify"), OFFICER)
def registrations(_user):
    return _found(organisations.registrations_to_verify(),
                  lambda org_id: url_for("verification.organisation", organisation_id=org_id),
                  url_for("verification.queue", status="pending"))


@entry("contact_messages", _l("Messages to the embassy to answer"), OFFICER)
def contact_messages(_user):
    return _found(helpdesk.unanswered(),
                  lambda message_id: url_for("helpdesk.message", message_id=message_id),
                  url_for("helpdesk.inbox"))


@entry("mutual_interest", _l("Mutual interests to vet"), OFFICER)
def mutual_interest(_user):
    return _found(matching.mutual_to_vet(),
                  lambda match_id: url_for("matching.detail", match_id=match_id),
                  url_for("matching.curation_list", status="mutually_accepted"))


@entry("memoranda_embassy", _l("Memoranda waiting for the embassy's approval"), OFFICER)
def memoranda_embassy(_user):
    return _found(memoranda.awaiting_embassy(),
                  lambda memorandum_id: url_for("memoranda.page", memorandum_id=memorandum_id),
                  url_for("partnerships.embassy_list"))


@entry("quiet_partnerships", _l("Partnerships with no activity for 60 days"), OFFICER)
def quiet_partnerships(_user):
    return _found(memoranda.quiet_partnerships(),
                  lambda partnership_id: url_for("partnerships.page",
                                                 partnership_id=partnership_id),
                  url_for("partnerships.embassy_list"))


@entry("failed_imports", _l("Failed imports (last 30 days)"), OFFICER)
def failed_imports(_user):
    return _found(organisations.failed_imports(),
                  lambda job_id: url_for("verification.import_status", job_id=job_id),
                  url_for("verification.import_file"))


# --- the programme coordinator ----------------------------------------------------------------

@entry("referrals", _l("Referrals to assess"), COORDINATOR)
def referrals(_user):
    return _found(programme.referrals_to_assess(),
                  lambda case_id: url_for("programme.case_page", case_id=case_id),
                  url_for("programme.cases_list", state="referred"))


@entry("consents_withdrawn", _l("Cases stopped by a withdrawn consent"), COORDINATOR)
def consents_withdrawn(_user):
    return _found(programme.consents_withdrawn(),
                  lambda case_id: url_for("programme.case_page", case_id=case_id),
                  url_for("programme.cases_list", state="consent_withdrawn"))


@entry("consents_expiring", _l("Consents expiring within 30 days or expired"), COORDINATOR,
       when=When.DUE)
def consents_expiring(_user):
    return _found(programme.consents_expiring(),
                  lambda case_id: url_for("programme.case_page", case_id=case_id),
                  url_for("programme.cases_list"))


@entry("follow_ups", _l("Follow-ups due"), COORDINATOR, when=When.DUE)
def follow_ups(_user):
    return _found(programme.follow_ups_due(), lambda _case_id: url_for("programme.follow_ups"),
                  url_for("programme.follow_ups"))


@entry("groups_free", _l("Groups starting within 30 days with free places"), COORDINATOR,
       when=When.DUE)
def groups_free(_user):
    return _found(programme.groups_with_free_places(),
                  lambda group_id: url_for("programme.edit_group", group_id=group_id),
                  url_for("programme.centres_page"))


@entry("adult_names", _l("Accompanying adults' names to review"), COORDINATOR)
def adult_names(_user):
    return _found(programme.adults_to_review(), lambda _case_id: url_for("programme.adult_reviews"),
                  url_for("programme.adult_reviews"))


# --- centre staff -----------------------------------------------------------------------------

@entry("children_arriving", _l("Children arriving"), CENTRE, when=When.DUE)
def children_arriving(user):
    if not user.organisation_id:
        return None
    count, soonest, single, codes = programme.children_arriving(user.organisation_id)
    return Waiting(count, soonest,
                   link(count, single, lambda case_id: url_for("programme.child", case_id=case_id),
                        url_for("programme.my_centre")), tuple(codes))


@entry("notes_due", _l("Progress notes due (none for 14 days)"), CENTRE)
def notes_due(user):
    if not user.organisation_id:
        return None
    return _found(programme.notes_due(user.organisation_id),
                  lambda case_id: url_for("programme.child", case_id=case_id),
                  url_for("programme.my_centre"))


# --- the administrator ------------------------------------------------------------------------

@entry("locked_accounts", _l("Locked accounts"), ADMIN)
def locked_accounts(_user):
    return _found(accounts.locked_accounts(),
                  lambda user_id: url_for("admin.edit_user", user_id=user_id),
                  url_for("admin.users"))


@entry("pending_invitations", _l("Invitations not yet accepted"), ADMIN)
def pending_invitations(_user):
    return _found(accounts.pending_invitations(),
                  lambda user_id: url_for("admin.edit_user", user_id=user_id),
                  url_for("admin.users"))


@entry("no_second_factor", _l("Users without the required second factor"), ADMIN)
def no_second_factor(_user):
    return _found(accounts.without_second_factor(),
                  lambda user_id: url_for("admin.edit_user", user_id=user_id),
                  url_for("admin.users"))


@entry("scheduled_jobs_failing", _l("Scheduled jobs whose last run failed"), ADMIN)
def scheduled_jobs_failing(_user):
    return _found(scheduled_runs.failing(),
                  lambda job: url_for("schedule.jobs", _anchor=f"job-{job}"),
                  url_for("schedule.jobs"))


@entry("background_jobs_failed", _l("Background jobs that failed every attempt"), ADMIN)
def background_jobs_failed(_user):
    count, since = background.count_failed()
    return Waiting(count, since, url_for("schedule.jobs", _anchor="failed-jobs") if count else "")
