"""People of the Future pages: the coordinator's cases, consents, placements, centres and
follow-ups; the centre staff's children; the embassy's aggregate report.

Case pages answer 404 to everyone but the coordinator (and, for the centre's own page of a
child, the staff of the centre where the child is placed now)."""

from datetime import date
from io import BytesIO

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..core import hooks, readiness, unit_of_work
from ..core.access import roles_required
from ..core.database import utcnow
from ..core.forms import ActionForm
from ..core.language import current_language
from ..core.roles import CENTRE_ROLES, REPORT_ROLES
from ..core.services import attempt
from ..core.sorting import read_sort
from ..core.urls import int_param
from ..extensions import limiter
from . import (
    adults,
    care,
    cases,
    centres,
    consents,
    crypto,
    exports,
    followups,
    identity,
    labels,
    placements,
    reports,
)
from .access import COORDINATOR
from .forms import (
    AdultReviewForm,
    CaseForm,
    ConsentForm,
    EnrolForm,
    FollowUpForm,
    GroupForm,
    NoteForm,
    PlacementForm,
    ReauthenticateForm,
    StateForm,
    without_identity,
)
from .models import CaseState

bp = Blueprint("programme", __name__, url_prefix="/programme")


@bp.record_once
def _register_labels(state) -> None:
    labels.register(state.app)
    hooks.add(state.app, readiness.READINESS, "identity_keys", crypto.readiness)


def _pseudonymous_data(form: CaseForm) -> cases.CaseData:
    return cases.CaseData(
        birth_year=form.birth_year.data, sex=form.sex.data, region=form.region.data,
        circumstances=form.circumstances.data,
        representative_type=form.representative_type.data, needs=form.needs.data or "",
        languages=form.languages.data or [],
        accompanying_adult_relation=form.accompanying_adult_relation.data or "")


def _case_data(form: CaseForm) -> tuple[cases.CaseData, identity.Identity]:
    person = identity.Identity(
        first_name=form.first_name.data or "", surname=form.surname.data or "",
        date_of_birth=form.date_of_birth.data.isoformat() if form.date_of_birth.data else "",
        documents=form.documents.data or "", address=form.address.data or "",
        representative_name=form.representative_name.data or "",
        representative_contacts=form.representative_contacts.data or "",
        accompanying_adult_given_name=form.accompanying_adult_given_name.data or "",
        accompanying_adult_surname=form.accompanying_adult_surname.data or "")
    return _pseudonymous_data(form), person


# --- the coordinator's cases -------------------------------------------------------------

@bp.route("/cases")
@roles_required(COORDINATOR)
def cases_list():
    state = request.args.get("state", "")
    centre_id = int_param("centre", 0)
    sort = read_sort(request.args, cases.CASE_SORTS, "updated", descending=True)
    pagination = cases.cases_page(current_user, state, centre_id or None,
                                  int_param("page", 1, minimum=1), sort)
    return render_template("programme/cases.html", pagination=pagination, sort=sort,
                           centres=centres.centres(current_user), state=state,
                           centre_id=centre_id, states=list(CaseState))


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required(COORDINATOR)
def new_case():
    form = CaseForm()
    if form.validate_on_submit():
        data, person = _case_data(form)
        outcome = attempt(lambda: cases.refer_case(current_user, data, person), form)
        if outcome.ok:
            flash(_("Case %(code)s is opened.", code=outcome.value.code), "success")
            return redirect(url_for("programme.case_page", case_id=outcome.value.id))
    return render_template("programme/case_form.html", form=form, case=None)


def _case_page(case, person=None):
    steps = [(str(target), labels.step_label(case.state, target),
              labels.is_forward(case.state, target)) for target in cases.next_states(case)]
    return render_template("programme/case.html", case=case, person=person, steps=steps,
                           state_form=StateForm(), action=ActionForm(),
                           facts=cases.facts(case), expiry=cases.expiry_warning(case),
                           today=utcnow().date())


@bp.route("/cases/<int:case_id>")
@login_required
def case_page(case_id: int):
    return _case_page(cases.get_case(current_user, case_id))


@bp.route("/cases/<int:case_id>/identity", methods=["POST"])
@login_required
def reveal_identity(case_id: int):
    case = cases.get_case(current_user, case_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("programme.case_page", case_id=case.id))
    outcome = attempt(lambda: identity.read_identity(current_user, case))
    if not outcome.ok:
        return redirect(url_for("programme.case_page", case_id=case.id))
    return _case_page(cases.get_case(current_user, case_id), person=outcome.value)


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit_case(case_id: int):
    """The case data only: the identity stays closed until the coordinator opens it for
    editing (a recorded POST to edit_identity)."""
    case = cases.get_case(current_user, case_id)
    form = without_identity(CaseForm(obj=case) if request.method == "GET" else CaseForm())
    if form.validate_on_submit():
        outcome = attempt(lambda: cases.update_case(current_user, case,
                                                    _pseudonymous_data(form)), form)
        if outcome.ok:
            flash(_("The case is saved."), "success")
            return redirect(url_for("programme.case_page", case_id=case.id))
    return render_template("programme/case_form.html", form=form, case=case,
                           action=ActionForm(), with_identity=False)


@bp.route("/cases/<int:case_id>/edit/identity", methods=["POST"])
@login_required
def edit_identity(case_id: int):
    """The whole form with the identity: the "open" button reads it (audited), the form's
    own submission saves it."""
    case = cases.get_case(current_user, case_id)
    if case.identity_erased_at is not None:
        return redirect(url_for("programme.edit_case", case_id=case.id))
    if "open" in request.form:
        if not ActionForm().validate_on_submit():
            return redirect(url_for("programme.edit_case", case_id=case.id))
        outcome = attempt(lambda: identity.read_identity(current_user, case, purpose="edit"))
        if not outcome.ok:
            return redirect(url_for("programme.edit_case", case_id=case.id))
        person = outcome.value or identity.Identity()
        form = CaseForm(obj=case, formdata=None, data={
            k: v for k, v in vars(person).items() if k != "date_of_birth"})
        if person.date_of_birth:
            form.date_of_birth.data = date.fromisoformat(person.date_of_birth)
        return render_template("programme/case_form.html", form=form, case=case,
                               with_identity=True,
                               recorded_adult=person.accompanying_adult_name)
    form = CaseForm()
    if form.validate_on_submit():
        data, person = _case_data(form)
        outcome = attempt(lambda: cases.update_case(current_user, case, data, person), form)
        if outcome.ok:
            flash(_("The case is saved."), "success")
            return redirect(url_for("programme.case_page", case_id=case.id))
    return render_template("programme/case_form.html", form=form, case=case,
                           with_identity=True)


@bp.route("/accompanying-adults")
@roles_required(COORDINATOR)
def adult_reviews():
    return render_template("programme/adult_reviews.html",
                           cases=adults.adults_to_review(current_user), action=ActionForm())


@bp.route("/cases/<int:case_id>/accompanying-adult", methods=["POST"])
@login_required
def review_adult(case_id: int):
    """Split an adult's name kept as one free text: "open" shows it (audited), "save"
    stores the given name and surname."""
    case = cases.get_case(current_user, case_id)
    if not ActionForm().validate_on_submit():  # no opening without the CSRF token
        return redirect(url_for("programme.adult_reviews"))
    form = AdultReviewForm()
    if "save" in request.form and form.validate():
        outcome = attempt(lambda: adults.review_adult(current_user, case, form.given_name.data,
                                                      form.surname.data), form)
        if outcome.ok:
            flash(_("The accompanying adult's name is saved."), "success")
            return redirect(url_for("programme.adult_reviews"))
    outcome = attempt(lambda: adults.open_for_review(current_user, case))
    if not outcome.ok:
        return redirect(url_for("programme.adult_reviews"))
    return render_template("programme/adult_review.html", case=case, form=form,
                           recorded=outcome.value)


@bp.route("/cases/<int:case_id>/state", methods=["POST"])
@login_required
def change_state(case_id: int):
    case = cases.get_case(current_user, case_id)
    form = StateForm()
    form.state.choices = [SelectChoice(str(s), str(s)) for s in CaseState]
    if form.validate_on_submit():
        outcome = attempt(lambda: cases.change_state(current_user, case, form.state.data,
                                                     form.note.data or ""))
        if outcome.ok:
            flash(_("The case is now: %(state)s.",
                    state=labels.STATES[str(case.state)]), "success")
    return redirect(url_for("programme.case_page", case_id=case.id))


@bp.route("/cases/<int:case_id>/consents/new", methods=["GET", "POST"])
@login_required
def new_consent(case_id: int):
    case = cases.get_case(current_user, case_id)
    form = ConsentForm()
    if request.method == "GET":
        form.given_on.data = utcnow().date()
    if form.validate_on_submit():
        data = consents.ConsentData(
            relationship_to_child=form.relationship_to_child.data,
            participation=form.participation.data, travel=form.travel.data,
            sharing_with_centre=form.sharing_with_centre.data, photos=form.photos.data,
            given_on=form.given_on.data, child_assent=form.child_assent.data,
            valid_until=form.valid_until.data)
        upload = form.document.data if getattr(form.document.data, "filename", "") else None
        recorded = []

        def operation():
            recorded.append(consents.record_consent(current_user, case, data, upload))
            return recorded[-1]

        # A stored document is deleted again if the unit of work does not commit.
        outcome = attempt(operation, form)
        if outcome.ok:
            flash(_("The consent is recorded."), "success")
            return redirect(url_for("programme.case_page", case_id=case.id))
    return render_template("programme/consent_form.html", form=form, case=case)


@bp.route("/consents/<int:consent_id>/withdraw", methods=["POST"])
@login_required
def withdraw_consent(consent_id: int):
    consent = consents.get_consent(current_user, consent_id)
    if ActionForm().validate_on_submit():
        outcome = attempt(lambda: consents.withdraw_consent(current_user, consent))
        if outcome.ok and outcome.value:
            flash(_("The consent is withdrawn. The coordinators and the centre are told."),
                  "success")
        elif outcome.ok:
            flash(_("The consent is withdrawn. The other valid consents still cover what the "
                    "case needs now, so the case continues; the coordinators are told."),
                  "success")
    return redirect(url_for("programme.case_page", case_id=consent.case_id))


@bp.route("/consents/<int:consent_id>/document")
@login_required
def consent_document(consent_id: int):
    consent = consents.get_consent(current_user, consent_id)
    outcome = attempt(lambda: consents.consent_document(current_user, consent))
    if not outcome.ok:
        return redirect(url_for("programme.case_page", case_id=consent.case_id))
    data, media_type, extension = outcome.value
    return send_file(BytesIO(data), mimetype=media_type, as_attachment=True, max_age=0,
                     download_name=f"consent-{consent.case.code}-{consent.id}{extension}")


@bp.route("/cases/<int:case_id>/placement", methods=["GET", "POST"])
@login_required
def place(case_id: int):
    case = cases.get_case(current_user, case_id)
    form = PlacementForm()
    form.group_id.choices = [
        SelectChoice(g.id, _("%(group)s — %(free)d of %(capacity)d places free",
                             group=labels.group_label(g), free=g.free_places,
                             capacity=g.capacity))
        for g in placements.open_groups(current_user)]
    if form.validate_on_submit():
        outcome = attempt(lambda: placements.place_child(current_user, case,
                                                         form.group_id.data), form)
        if outcome.ok:
            flash(_("The child is placed in the group."), "success")
            return redirect(url_for("programme.case_page", case_id=case.id))
    return render_template("programme/placement_form.html", form=form, case=case,
                           facts=cases.facts(case))


@bp.route("/follow-ups")
@roles_required(COORDINATOR)
def follow_ups():
    return render_template("programme/follow_ups.html",
                           follow_ups=followups.due_list(current_user, within_days=60),
                           form=FollowUpForm(), today=utcnow().date())


@bp.route("/follow-ups/<int:follow_up_id>/done", methods=["POST"])
@roles_required(COORDINATOR)
def complete_follow_up(follow_up_id: int):
    form = FollowUpForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: followups.complete_follow_up(current_user, follow_up_id,
                                                               form.note.data or ""))
        if outcome.ok:
            flash(_("The follow-up is marked as done."), "success")
    return redirect(url_for("programme.follow_ups"))


# --- centres and groups ------------------------------------------------------------------

@bp.route("/centres", methods=["GET", "POST"])
@roles_required(COORDINATOR)
def centres_page():
    form = EnrolForm()
    form.organisation_id.choices = [SelectChoice(o.id, o.name(current_language()))
                                    for o in centres.enrollable(current_user)]
    if form.validate_on_submit():
        outcome = attempt(lambda: centres.enrol_centre(current_user, form.organisation_id.data),
                          form)
        if outcome.ok:
            flash(_("The centre is enrolled."), "success")
            return redirect(url_for("programme.centres_page"))
    return render_template("programme/centres.html", centres=centres.centres(current_user),
                           form=form)


def _group_data(form: GroupForm) -> centres.GroupData:
    return centres.GroupData(
        name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        capacity=form.capacity.data, language=form.language.data, focus=form.focus.data,
        accompanying_staff=form.accompanying_staff.data or "")


@bp.route("/centres/<int:centre_id>/groups/new", methods=["GET", "POST"])
@roles_required(COORDINATOR)
def new_group(centre_id: int):
    centre = centres.get_centre(current_user, centre_id)
    form = GroupForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: centres.save_group(current_user, centre, _group_data(form)),
                          form)
        if outcome.ok:
            flash(_("The group is saved."), "success")
            return redirect(url_for("programme.centres_page"))
    return render_template("programme/group_form.html", form=form, centre=centre, group=None)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@roles_required(COORDINATOR)
def edit_group(group_id: int):
    group = centres.get_group(current_user, group_id)
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        outcome = attempt(lambda: centres.save_group(current_user, group.centre,
                                                     _group_data(form), group), form)
        if outcome.ok:
            flash(_("The group is saved."), "success")
            return redirect(url_for("programme.centres_page"))
    return render_template("programme/group_form.html", form=form, centre=group.centre,
                           group=group)


# --- reports and exports -----------------------------------------------------------------

@bp.route("/report")
@roles_required(*REPORT_ROLES)
def report():
    return render_template("programme/report.html",
                           report=reports.programme_report(current_user))


@bp.route("/report.csv")
@roles_required(*REPORT_ROLES)
def report_csv():
    return Response(exports.report_csv(current_user), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=people-of-the-future-report.csv"})


def _reauth_limit() -> str:
    return current_app.config["RATE_LIMIT_REAUTH"]


def _reauth_key() -> str:
    """Per coordinator (and per address for anyone not signed in, who never gets this far)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return request.remote_addr or ""


@bp.route("/export/cases", methods=["GET", "POST"])
@roles_required(COORDINATOR)
@limiter.limit(_reauth_limit, methods=["POST"], key_func=_reauth_key)
def export_cases():
    form = ReauthenticateForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: exports.case_list_csv(current_user, form.password.data),
                          form)
        if outcome.ok:
            name = f"people-of-the-future-cases-{utcnow():%Y%m%d}.csv"
            return Response(outcome.value, mimetype="text/csv", headers={
                "Content-Disposition": f"attachment; filename={name}"})
        unit_of_work.discard()  # the refusal undid the export; its trace is kept
        exports.note_refused_export(current_user)
    form.password.data = ""
    return render_template("programme/export.html", form=form)


# --- the centre's own children -----------------------------------------------------------

@bp.route("/my-centre")
@roles_required(*CENTRE_ROLES)
def my_centre():
    return render_template("programme/my_centre.html",
                           placements=care.my_children(current_user))


@bp.route("/my-centre/children/<int:case_id>", methods=["GET", "POST"])
@login_required
def child(case_id: int):
    outcome = attempt(lambda: care.child_summary(current_user, case_id))  # the read is audited
    if not outcome.ok:
        return redirect(url_for("programme.my_centre"))
    summary = outcome.value
    form = NoteForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: care.add_progress_note(current_user, case_id,
                                                         form.text.data), form)
        if outcome.ok:
            flash(_("The note is added."), "success")
            return redirect(url_for("programme.child", case_id=case_id))
    return render_template("programme/child.html", child=summary, form=form)
