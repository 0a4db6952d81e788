"""Words shown for the programme's stored codes, in the reader's language."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..core.language import current_language
from .models import CaseState

STATES = {
    "referred": _l("Referred"), "registered": lazy_pgettext("case", "Registered"),
    "assessment": _l("Assessment"), "placement_matched": _l("Placed in a group"),
    "travel_ready": _l("Ready to travel"), "in_programme": _l("In the programme"),
    "completed": lazy_pgettext("case", "Completed"), "follow_up": _l("Follow-up"),
    "closed": _l("Closed"), "on_hold": lazy_pgettext("case", "On hold"),
    "withdrawn": lazy_pgettext("case", "Withdrawn"),
    "consent_withdrawn": _l("Consent withdrawn"),
}
# What the button that moves a case to a state says.
STATE_ACTIONS = {
    "registered": _l("Register"), "assessment": _l("Start the assessment"),
    "travel_ready": _l("Ready to travel"), "in_programme": _l("Arrived: in the programme"),
    "completed": _l("Programme completed"), "follow_up": _l("Start the follow-up"),
    "closed": _l("Close the case"), "on_hold": _l("Put on hold"),
    "withdrawn": _l("Withdraw from the programme"),
}
FOCUSES = {"psychological": _l("Psychological support"),
           "physical": _l("Physical rehabilitation"),
           "both": _l("Psychological support and physical rehabilitation")}
SEXES = {"female": _l("Girl"), "male": _l("Boy")}
CIRCUMSTANCES = {"parent_deceased": _l("A parent died"),
                 "parent_missing": _l("A parent is missing"),
                 "both": _l("Both parents died or are missing")}
REPRESENTATIVES = {"surviving_parent": _l("Surviving parent"), "relative": _l("Relative"),
                   "foster_family": _l("Foster family"),
                   "guardianship_authority": _l("Guardianship authority"),
                   "institution": _l("Institution")}
EVENTS = {
    "referred": _l("Referred"), "updated": _l("Case data corrected"),
    "state": _l("State changed"), "identity_read": _l("Identity opened"),
    "consent_recorded": _l("Consent recorded"), "consent_withdrawn": _l("Consent withdrawn"),
    "placed": _l("Placed in a group"), "progress_note": _l("Progress note"),
    "follow_up_done": _l("Follow-up done"),
    "adult_reviewed": _l("Accompanying adult's name reviewed"),
}
SCOPES = {"participation": _l("participation"), "travel": _l("travel"),
          "sharing_with_centre": _l("sharing with the centre"), "photos": _l("photos")}


FORWARD = ("referred", "registered", "assessment", "placement_matched", "travel_ready",
           "in_programme", "completed", "follow_up", "closed")


def step_label(state, target) -> str:
    """What the button that moves a case from ``state`` to ``target`` says."""
    state, target = str(state), str(target)
    if state == CaseState.ON_HOLD and target in FORWARD:
        return _("Resume: %(state)s", state=STATES[target])
    if state in FORWARD and target in FORWARD and FORWARD.index(target) < FORWARD.index(state):
        return _("Back to: %(state)s", state=STATES[target])
    return str(STATE_ACTIONS.get(target, STATES.get(target, target)))


def is_forward(state, target) -> bool:
    """Whether the step goes ahead on the main path (shown as the primary button)."""
    state, target = str(state), str(target)
    return state in FORWARD and target in FORWARD and FORWARD.index(target) > FORWARD.index(state)


def centre_name(centre) -> str:
    return centre.organisation.name(current_language())


def group_label(group) -> str:
    return f"{group.name} · {centre_name(group.centre)}"


def register(app: Flask) -> None:
    """Make the labels available to templates."""
    app.jinja_env.globals.update(
        case_state_label=lambda code: STATES.get(str(code), code),
        CaseState=CaseState,
        state_action_label=lambda code: STATE_ACTIONS.get(str(code), code),
        focus_label=lambda code: FOCUSES.get(str(code), code),
        sex_label=lambda code: SEXES.get(str(code), code),
        circumstances_label=lambda code: CIRCUMSTANCES.get(str(code), code),
        representative_label=lambda code: REPRESENTATIVES.get(str(code), code),
        case_event_label=lambda code: EVENTS.get(str(code), code),
        scope_label=lambda code: SCOPES.get(str(code), code),
        centre_name=centre_name, group_label=group_label)
