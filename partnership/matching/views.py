"""Proposed partners for an organisation, decisions on them, and the embassy's curation."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth import seen
from ..core.access import roles_required
from ..core.language import current_language
from ..core.roles import EMBASSY_ROLES
from ..core.services import attempt
from ..core.sorting import read_sort
from ..core.urls import float_param, int_param
from ..extensions import db
from ..organisations import services as organisations
from ..organisations.models import Direction, Item
from . import curation, decisions, explaining, grouping, jobs, page_cache, services
from .forms import ManualProposalForm, ReasonForm
from .models import MatchStatus

bp = Blueprint("matching", __name__)


EMBASSY = EMBASSY_ROLES


@bp.route("/organisations/<int:organisation_id>/proposals")
@login_required
def proposals(organisation_id: int):
    organisation = organisations.workspace(current_user, organisation_id)
    actor = current_user._get_current_object()   # not the proxy for every card's checks
    part, newest = page_cache.rendered(organisation, actor,
                                       lambda: _proposal_cards(organisation, actor))
    if current_user.organisation_id == organisation.id:
        # "My work" counts the proposals made since
        seen.mark_seen_if_newer(current_user, seen.PROPOSALS, newest)
    return render_template("matching/proposals.html", organisation=organisation, part=part)


def _proposal_cards(organisation, actor) -> page_cache.Rendered:
    """The page under its header, with the newest proposal's creation time."""
    matches = decisions.proposals_for(actor, organisation)
    page = grouping.arrange(organisation.id, matches, focus=int_param("item", 0) or None,
                            reveal=int_param("match", 0) or None)
    html = render_template("matching/_proposals.html", organisation=organisation, page=page,
                           reasons_of=explaining.explanations(page.shown),
                           may=decisions.permissions_for(actor, page.shown),
                           csrf=page_cache.CSRF_MARK)
    return html, max((m.created_at for m in matches), default=None)


def _back(match) -> str:
    side = decisions.side_of(current_user, match)
    if side == "embassy":
        return url_for("matching.detail", match_id=match.id)
    # from one item's proposals, back to them
    return url_for("matching.proposals", organisation_id=current_user.organisation_id,
                   item=int_param("item", 0, source=request.form) or None)


@bp.route("/matches/<int:match_id>/interest", methods=["POST"])
@login_required
def interest(match_id: int):
    match = decisions.get_match(current_user, match_id)
    if ReasonForm().validate_on_submit():
        outcome = attempt(lambda: decisions.express_interest(current_user, match))
        if outcome.ok:
            status = outcome.value
            flash(_("Both sides are interested: the embassy will review the proposal.")
                  if status == MatchStatus.MUTUALLY_ACCEPTED else
                  _("Your interest is recorded. The other side has been asked too."), "success")
    return redirect(_back(match))


@bp.route("/matches/<int:match_id>/decline", methods=["POST"])
@login_required
def decline(match_id: int):
    match = decisions.get_match(current_user, match_id)
    form = ReasonForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: decisions.decline(current_user, match, form.reason.data or ""))
        if outcome.ok:
            flash(_("Declined. This pair will not be proposed again unless one of its items "
                    "changes."), "success")
    return redirect(_back(match))


@bp.route("/embassy/matches")
@roles_required(*EMBASSY)
def curation_list():
    filters = curation.CurationFilter(
        country=request.args.get("country", ""), region=request.args.get("region", ""),
        area=request.args.get("area", ""), status=request.args.get("status", ""),
        min_score=float_param("min_score", 0.0, minimum=0.0, maximum=1.0))
    page = int_param("page", 1, minimum=1)
    language = current_language()
    sort = read_sort(request.args, curation.curation_sorts(language), "score", descending=True)
    return render_template("matching/curation.html", filters=filters, sort=sort,
                           pagination=curation.curation_page(current_user, filters, page,
                                                             sort=sort, language=language),
                           counts=decisions.status_counts(current_user),
                           gate=services.agreed_list_gate(), form=ReasonForm())


@bp.route("/embassy/matches/<int:match_id>")
@roles_required(*EMBASSY)
def detail(match_id: int):
    match = decisions.get_match(current_user, match_id)
    return render_template("matching/detail.html", match=match, form=ReasonForm(),
                           may=decisions.permissions_of(current_user, match))


@bp.route("/embassy/matches/<int:match_id>/hide", methods=["POST"])
@roles_required(*EMBASSY)
def hide(match_id: int):
    match = decisions.get_match(current_user, match_id)
    form = ReasonForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: decisions.hide(current_user, match, form.reason.data or ""))
        if outcome.ok:
            flash(_("The proposal is hidden from both organisations."), "success")
    return redirect(url_for("matching.detail", match_id=match.id))


@bp.route("/embassy/matches/new", methods=["GET", "POST"])
@roles_required(*EMBASSY)
def propose_by_hand():
    need = db.session.get(Item, int_param("need_id", 0, source=request.values))
    if need is None or need.direction != Direction.NEED:
        abort(404)
    form = ManualProposalForm(need_id=need.id)
    language = current_language()
    form.offer_id.choices = [(o.id, f"{o.organisation.name(language)} · {o.description[:80]}")
                             for o in curation.offers_for_manual(need)]
    if form.validate_on_submit():
        proposal = decisions.ManualProposal(need.id, form.offer_id.data, form.rationale.data)
        outcome = attempt(lambda: decisions.propose_by_hand(current_user, proposal), form)
        if outcome.ok:
            match = outcome.value
            flash(_("Proposed. Both organisations can now see it."), "success")
            return redirect(url_for("matching.detail", match_id=match.id))
    return render_template("matching/manual.html", form=form, need=need)


@bp.route("/embassy/matching/gate", methods=["POST"])
@roles_required(*EMBASSY)
def gate():
    if ReasonForm().validate_on_submit():
        services.set_agreed_list_gate(current_user, request.form.get("on") == "1")
        flash(_("Saved. Proposals are being recomputed.") if jobs.runs_in_background() else
              _("Saved. Proposals have been recomputed."), "success")
    return redirect(url_for("matching.curation_list"))


@bp.route("/embassy/matching/run", methods=["POST"])
@roles_required(*EMBASSY)
def run():
    if ReasonForm().validate_on_submit():
        services.request_recomputation(current_user)
        flash(_("Proposals are being recomputed.") if jobs.runs_in_background() else
              _("Proposals have been recomputed."), "success")
    return redirect(url_for("matching.curation_list"))
