"""The institution portal: registration, directory, profile, colleagues, offers and needs."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import hooks
from ..core.access import roles_required
from ..core.forms import ActionForm
from ..core.language import current_language
from ..core.roles import ORG_ROLES
from ..core.services import add_problems, attempt
from ..core.sorting import read_sort
from ..core.urls import int_param
from ..extensions import limiter
from . import access, directory, directory_cache, items, services, verification
from .forms import EditProfileForm, InviteColleagueForm, ItemForm, RegistrationForm
from .models import Direction

bp = Blueprint("organisations", __name__)

# hooks.gather(MANAGE_SECTIONS, organisation): the parts areas above add to an organisation's
# own page (its partnerships), as template variables.
MANAGE_SECTIONS = "organisation.manage"

# What people of a rejected organisation may still open: the decision, and the way out.
DECISION_ENDPOINTS = frozenset({"organisations.decision", "auth.logout", "core.set_language",
                                "core.healthz", "core.readyz", "static"})


@bp.before_app_request
def only_the_decision_for_rejected_organisations():
    if request.endpoint not in DECISION_ENDPOINTS and access.sees_only_the_decision(current_user):
        return redirect(url_for("organisations.decision"))
    return None


def _register_limit() -> str:
    from flask import current_app

    return current_app.config["RATE_LIMIT_REGISTER"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("organisations.mine"))
    form = RegistrationForm()
    suggested = _suggested(form, form.country.data)
    if suggested is not None:
        return render_template("organisations/register.html", form=form, suggested=suggested,
                               cities=_cities())
    valid = form.validate_on_submit()
    if form.is_submitted() and not form.csrf_token.errors:
        registration = services.Registration(
            country=form.country.data, registry_code=form.registry_code.data,
            manager_name=form.manager_name.data, manager_email=form.manager_email.data,
            password=form.password.data, profile=form.profile())
        if not valid:  # every field's problem in one round: the rules' too, not only shapes
            add_problems(form, services.registration_problems(registration))
        elif attempt(lambda: services.register(registration), form).ok:
            session["registered_email"] = form.manager_email.data
            return redirect(url_for("organisations.registered"))
    return render_template("organisations/register.html", form=form, suggested=[],
                           cities=_cities())


def _suggested(form, country) -> list[str] | None:
    """When "Suggest the other names" was pressed: the blank names filled with suggestions
    (the fields' names), nothing saved and no other field judged yet; else None."""
    if not (form.is_submitted() and form.suggest.data):
        return None
    form.validate()
    if form.csrf_token.errors:
        abort(400)
    for field in form:
        field.errors = []
    return form.suggest_names(str(country or ""))


def _cities() -> list:
    """The cities the profile's city field offers (the browser filters them as typed)."""
    from .cities import cities

    return list(cities().values())


@bp.route("/register/sent")
def registered():
    return render_template("organisations/registered.html",
                           email=session.get("registered_email", ""))


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token: str):
    from ..auth.models import TokenPurpose
    from ..auth.services import find_valid_token

    if find_valid_token(token, TokenPurpose.EMAIL_CONFIRMATION) is None:
        return render_template("auth/link_expired.html"), 404
    form = ActionForm()
    if form.validate_on_submit():
        services.confirm_registration(token)
        flash(_("Your e-mail address is confirmed. Sign in to fill in the profile while the "
                "embassy verifies your organisation."), "success")
        return redirect(url_for("auth.login"))
    return render_template("organisations/confirm.html", form=form)


@bp.route("/organisations")
def directory_page():
    return render_template("organisations/directory.html",
                           results=directory_cache.rendered(_directory_results))


def _directory_results() -> str:
    """The directory under the page's header, for the request's address and language."""
    filters = directory.DirectoryFilter(
        country=request.args.get("country", ""), region=request.args.get("region", ""),
        kind=request.args.get("kind", ""), area=request.args.get("area", ""),
        direction=request.args.get("direction", ""), query=request.args.get("q", "")[:200])
    page = int_param("page", 1, minimum=1)
    language = current_language()
    sort = read_sort(request.args, directory.directory_sorts(language), "")
    pagination = directory.search(filters, page, sort, language)
    return render_template("organisations/_directory_results.html", pagination=pagination,
                           sort=sort, filters=filters,
                           hits=directory.hits(pagination.items, pagination.query, language))


@bp.route("/organisations/<int:organisation_id>")
def public_profile(organisation_id: int):
    organisation = services.get_organisation(organisation_id)
    if organisation is None or not access.can_view_public_page(current_user, organisation):
        abort(404)
    return render_template("organisations/public.html", organisation=organisation,
                           items=directory.current_items(organisation),
                           show_contacts=access.sees_contacts(current_user))


@bp.route("/my-organisation")
@roles_required(*ORG_ROLES)
def mine():
    if current_user.organisation_id is None:
        abort(404)
    return redirect(url_for("organisations.manage",
                            organisation_id=current_user.organisation_id))


@bp.route("/my-organisation/decision")
@login_required
def decision():
    return render_template("organisations/decision.html",
                           rejection=services.rejection_of(current_user))


@bp.route("/organisations/<int:organisation_id>/manage")
@login_required
def manage(organisation_id: int):
    organisation = services.workspace(current_user, organisation_id)
    colleagues = services.colleagues(organisation)
    return render_template("organisations/manage.html", organisation=organisation,
                           colleagues=colleagues,
                           withdrawable={i.id for i in organisation.items
                                         if items.can_withdraw(current_user, i)},
                           removable={p.id for p in colleagues
                                      if services.can_remove_colleague(current_user,
                                                                       organisation, p)},
                           **hooks.gather(MANAGE_SECTIONS, organisation),
                           can_manage=access.can_manage(current_user, organisation),
                           can_invite=access.can_invite(current_user, organisation),
                           can_resubmit=verification.can_resubmit(current_user, organisation),
                           not_verified=services.not_verified_message(),
                           action=ActionForm(), today=items.date.today())


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    organisation = services.for_manager(current_user, organisation_id)
    form = EditProfileForm(obj=organisation)
    form.offer_regions_of(organisation.country)
    suggested = _suggested(form, organisation.country)
    if suggested is not None:
        return render_template("organisations/edit.html", form=form, organisation=organisation,
                               suggested=suggested, cities=_cities())
    valid = form.validate_on_submit()
    if form.is_submitted() and not form.csrf_token.errors and not valid:
        add_problems(form, services.profile_problems(organisation.country, form.profile()))
    elif valid and attempt(lambda: services.update_profile(
            current_user, organisation, form.profile()), form).ok:
        flash(_("The profile is saved."), "success")
        return redirect(url_for("organisations.manage", organisation_id=organisation.id))
    return render_template("organisations/edit.html", form=form, organisation=organisation,
                           suggested=[], cities=_cities())


@bp.route("/organisations/<int:organisation_id>/resubmit", methods=["POST"])
@login_required
def resubmit(organisation_id: int):
    """A manager sends the organisation the embassy returned for changes back for verification."""
    organisation = services.for_manager(current_user, organisation_id)
    form = ActionForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: verification.resubmit(current_user, organisation))
        if outcome.ok:
            flash(_("Sent for verification again: the embassy has been told."), "success")
    return redirect(url_for("organisations.manage", organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>/colleagues/new", methods=["GET", "POST"])
@login_required
def invite(organisation_id: int):
    organisation = services.for_manager(current_user, organisation_id)
    form = InviteColleagueForm()
    can_invite = access.can_invite(current_user, organisation)
    if can_invite and form.validate_on_submit():
        outcome = attempt(lambda: services.invite_colleague(
            current_user, organisation, form.email.data, form.full_name.data, form.role.data),
            form)
        if outcome.ok:  # the same answer whether or not the address has an account
            flash(_("The invitation has been sent."), "success")
            return redirect(url_for("organisations.manage", organisation_id=organisation.id))
    return render_template("organisations/invite.html", form=form, organisation=organisation,
                           can_invite=can_invite, not_verified=services.not_verified_message())


@bp.route("/organisations/<int:organisation_id>/colleagues/<int:user_id>/remove",
          methods=["POST"])
@login_required
def remove_colleague(organisation_id: int, user_id: int):
    organisation = services.for_manager(current_user, organisation_id)
    if ActionForm().validate_on_submit():
        outcome = attempt(lambda: services.remove_colleague(current_user, organisation, user_id))
        if outcome.ok:
            flash(_("The colleague has been removed."), "success")
    return redirect(url_for("organisations.manage", organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>/items/new/<direction>", methods=["GET", "POST"])
@login_required
def new_item(organisation_id: int, direction: str):
    if direction not in tuple(Direction):
        abort(404)
    organisation = services.for_manager(current_user, organisation_id)
    form = ItemForm()
    if request.method == "GET":
        form.languages.data = list(organisation.languages)
    if form.validate_on_submit():
        outcome = attempt(lambda: items.create_item(
            current_user, organisation, direction, form.values()), form)
        if outcome.ok:
            flash(_("Saved."), "success")
            return redirect(url_for("organisations.manage", organisation_id=organisation.id))
    return render_template("organisations/item_form.html", form=form, organisation=organisation,
                           direction=Direction(direction), item=None)


@bp.route("/organisations/<int:organisation_id>/items/<int:item_id>/edit",
          methods=["GET", "POST"])
@login_required
def edit_item(organisation_id: int, item_id: int):
    organisation = services.for_manager(current_user, organisation_id)
    item = items.get_item(current_user, organisation, item_id)
    form = ItemForm(obj=item)
    if request.method == "GET":
        form.urgency.data = str(item.urgency or "medium")
    if form.validate_on_submit():
        outcome = attempt(lambda: items.update_item(current_user, item, form.values()), form)
        if outcome.ok:
            flash(_("Saved."), "success")
            return redirect(url_for("organisations.manage", organisation_id=organisation.id))
    return render_template("organisations/item_form.html", form=form, organisation=organisation,
                           direction=item.direction, item=item)


def _item_action(organisation_id: int, item_id: int, operation, message: str):
    organisation = services.for_manager(current_user, organisation_id)
    item = items.get_item(current_user, organisation, item_id)
    if ActionForm().validate_on_submit():
        # A second tab may have taken the step already: the service's message is flashed.
        if not attempt(lambda: operation(current_user, item)).ok:
            return redirect(url_for("organisations.manage", organisation_id=organisation.id))
        flash(message, "success")
    return redirect(url_for("organisations.manage", organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>/items/<int:item_id>/renew", methods=["POST"])
@login_required
def renew_item(organisation_id: int, item_id: int):
    return _item_action(organisation_id, item_id, items.renew_item,
                        _("Renewed for twelve months."))


@bp.route("/organisations/<int:organisation_id>/items/<int:item_id>/withdraw",
          methods=["POST"])
@login_required
def withdraw_item(organisation_id: int, item_id: int):
    return _item_action(organisation_id, item_id, items.withdraw_item,
                        _("Withdrawn. It no longer takes part in partner proposals."))

