"""Memorandum pages: the text, the editor (clauses, particulars), versions and diffs,
comments. Approvals, signature, downloads and verification are in ``workflow_views``; the
blueprint both add their routes to is in ``blueprint``."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from ..auth import seen
from ..core import unit_of_work
from ..core.access import NotVisible, roles_required
from ..core.forms import ActionForm
from ..core.language import current_language
from ..core.services import ServiceError, attempt, show_error
from ..core.sorting import read_sort
from ..core.urls import id_or, int_param
from ..partnerships import services as partnerships
from . import approvals, content, diff, issued, labels, lockstep, services, workflow
from .blueprint import base_version, bp, page_redirect
from .forms import (
    CITY_PARTICULARS,
    LANGUAGE_NAMES,
    PARTICULAR_HELP,
    PARTICULAR_LABELS,
    ClauseForm,
    CommentForm,
    ConfirmForm,
    MoveForm,
    VersionedActionForm,
    particulars_form,
    particulars_from,
    template_changes,
    template_form,
)


def _language() -> str:
    language = request.args.get("language", "")
    if language in content.LANGUAGES:
        return language
    return current_language() if current_language() in content.LANGUAGES else "uk"


@bp.route("/partnerships/<int:partnership_id>/memorandum", methods=["POST"])
@login_required
def create(partnership_id: int):
    partnership = partnerships.get_partnership(current_user, partnership_id)
    if ActionForm().validate_on_submit():
        outcome = attempt(lambda: services.create_memorandum(current_user, partnership))
        if outcome.ok:
            flash(_("The draft memorandum is made from the current template."), "success")
            return page_redirect(outcome.value)
    return redirect(url_for("partnerships.page", partnership_id=partnership.id))


@bp.route("/memoranda/<int:memorandum_id>")
@login_required
def page(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    seen.mark_seen(current_user, seen.MEMORANDUM, memorandum.id)  # "My work": new comments
    return _render_page(memorandum)


def _render_page(memorandum, comment_form=None):
    """The memorandum's page; ``comment_form`` is a sent comment shown again with its error."""
    newest = services.latest(memorandum)
    number = int_param("version", newest.number)
    shown = services.version(memorandum, number)
    language = _language()
    comments = services.comments_of(memorandum)
    if comment_form is None:
        comment_form = CommentForm(version_number=newest.number)
    try:  # on hold or ended: the page says so and offers no step (comments stay open)
        services.require_open_partnership(memorandum.partnership)
        held = None
    except ServiceError as error:
        held = error.message
    comment_form.clause_key.choices = [  # the title is escaped HTML already: kept as Markup
        SelectChoice(clause["key"], Markup("%d. %s") % (n, title)) for n, clause, title, _body
        in content.rendered_clauses(newest, language)]
    return render_template(
        "memoranda/page.html", memorandum=memorandum, shown=shown, newest=newest,
        language=language, clauses=content.rendered_clauses(shown, language),
        title=content.rendered_title(shown, language), comments=comments,
        comment_form=comment_form, action_form=VersionedActionForm(base_version=newest.number),
        button_form=ActionForm(),
        move_form=MoveForm(base_version=newest.number),
        approvals=approvals.current_approvals(memorandum),
        withdrawn=approvals.withdrawn_approvals(memorandum),
        parties=approvals.PARTIES,
        my_party=services.party_of(current_user, memorandum.partnership),
        may=approvals.permissions_of(current_user, memorandum), held=held,
        editable=workflow.EDITABLE,
        language_sets=labels.LANGUAGE_SETS, scan_signers=issued.scan_signers(memorandum),
        **_lockstep_context(memorandum, shown, newest))


def _lockstep_context(memorandum, shown, newest) -> dict:
    """What the pages show of languages out of step: the shown version's lagging clauses
    by key, the newest version's lagging items, and the confirmation form for editors."""
    may_confirm = services.edit_refusal(current_user, memorandum) is None
    return {"lagging": lockstep.by_key(shown),
            "lagging_particulars": lockstep.by_key(shown, lockstep.PARTICULAR),
            # what holds the text back (an ended draft is held by nothing any more)
            "out_of_step": (lockstep.lagging(newest)
                            if memorandum.state in workflow.EDITABLE else []),
            "confirmed": lockstep.confirmations(shown),
            "confirm_form": ConfirmForm(base_version=newest.number) if may_confirm else None}


def _conflict(memorandum, form, template: str, error=None, **context):
    """The 409 page: the person's own text, still editable, next to the newer saved one, with
    a notice when the clause was removed or the text frozen meanwhile."""
    newest = services.latest(memorandum)
    form.base_version.data = str(newest.number)
    notice = None if error is None or type(error) is services.EditConflict else error.message
    return render_template(template, memorandum=memorandum, form=form, newest=newest,
                           conflict=True, notice=notice,
                           frozen=isinstance(error, services.TextFrozen), **context), 409


def _save(memorandum, form, operation, template: str, **context):
    """Call one saving service: commit and go to the text, or show the conflict page, or
    show the form again with the message."""
    try:
        created = operation()
    except services.EditConflict as error:
        unit_of_work.abandon()
        return _conflict(memorandum, form, template, error, **context)
    except ServiceError as error:
        show_error(form, error)
        return render_template(template, memorandum=memorandum, form=form,
                               newest=services.latest(memorandum), conflict=False, **context)
    flash(_("Saved as version %(number)d.", number=created.number), "success")
    return None


def _version_or_none(memorandum, number: int):
    try:
        return services.version(memorandum, number)
    except NotVisible:
        return None


def _for_editing(memorandum_id: int):
    """The memorandum an editor may change (or 404), and, when a form is asked for after the
    text was frozen, the redirect that says so. A POST goes on to the service, whose conflict
    page keeps what was typed."""
    memorandum = services.get_memorandum(current_user, memorandum_id)
    if not services.can_edit(current_user, memorandum.partnership):
        raise NotVisible()
    if request.method == "GET" and memorandum.state not in workflow.EDITABLE:
        flash(_("The text is frozen: this memorandum is no longer a draft."), "error")
        return memorandum, page_redirect(memorandum)
    return memorandum, None


@bp.route("/memoranda/<int:memorandum_id>/clauses/<key>/edit", methods=["GET", "POST"])
@login_required
def edit_clause(memorandum_id: int, key: str):
    memorandum, frozen = _for_editing(memorandum_id)
    if frozen:
        return frozen
    # A save after the text was frozen reaches the service, which answers with the conflict
    # page (TextFrozen): the typed text is shown again, not dropped by a redirect.
    newest = services.latest(memorandum)
    clause = next((c for c in newest.clauses if c["key"] == key), None)
    if clause is None and request.method == "POST":
        # Removed by someone else while this person typed: the conflict page keeps the text.
        form = ClauseForm()
        based_on = _version_or_none(memorandum, base_version(form))
        old = [c["key"] for c in based_on.clauses] if based_on else []
        if key in old:
            form.validate_on_submit()  # its messages too, if the text is also incomplete
            return _conflict(memorandum, form, "memoranda/clause_form.html",
                             services.ClauseRemoved(), key=key, number=old.index(key) + 1,
                             adding=False)
    if clause is None:
        raise NotVisible()
    number = newest.clauses.index(clause) + 1
    if request.method == "GET":
        form = ClauseForm(base_version=newest.number, **{
            f"{part}_{lang}": clause[part][lang]
            for part in ("title", "text") for lang in content.LANGUAGES})
    else:
        form = ClauseForm()
    context = {"key": key, "number": number, "adding": False,
               **_lockstep_context(memorandum, newest, newest)}
    if form.validate_on_submit():
        answer = _save(memorandum, form, lambda: services.edit_clause(
            current_user, memorandum, base_version(form), key, form.titles(), form.texts()),
            "memoranda/clause_form.html", **context)
        return answer or page_redirect(memorandum, _anchor=f"clause-{key}")
    return render_template("memoranda/clause_form.html", memorandum=memorandum, form=form,
                           newest=newest, conflict=False, **context)


@bp.route("/memoranda/<int:memorandum_id>/clauses/new", methods=["GET", "POST"])
@login_required
def add_clause(memorandum_id: int):
    memorandum, frozen = _for_editing(memorandum_id)
    if frozen:
        return frozen
    newest = services.latest(memorandum)
    form = ClauseForm() if request.method == "POST" else ClauseForm(
        base_version=newest.number, after=request.args.get("after", ""))
    context = {"key": None, "number": None, "adding": True}
    if form.validate_on_submit():
        answer = _save(memorandum, form, lambda: services.add_clause(
            current_user, memorandum, base_version(form), form.after.data or None, form.titles(),
            form.texts()), "memoranda/clause_form.html", **context)
        return answer or page_redirect(memorandum)
    return render_template("memoranda/clause_form.html", memorandum=memorandum, form=form,
                           newest=newest, conflict=False, **context)


def _structure_change(memorandum, form, operation):
    """Remove or move a clause: a conflict sends the person back to the newest text."""
    try:
        created = operation()
    except services.EditConflict:
        unit_of_work.abandon()
        flash(_("Someone saved a newer version while you were reading: nothing was changed. "
                "Here is the newest text; do it again if it is still needed."), "error")
        return page_redirect(memorandum), None
    except ServiceError as error:
        show_error(None, error)
        return page_redirect(memorandum), None
    flash(_("Saved as version %(number)d.", number=created.number), "success")
    return None, created


@bp.route("/memoranda/<int:memorandum_id>/clauses/<key>/remove", methods=["POST"])
@login_required
def remove_clause(memorandum_id: int, key: str):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    form = VersionedActionForm()
    if form.validate_on_submit():
        answer, _created = _structure_change(memorandum, form, lambda: services.remove_clause(
            current_user, memorandum, base_version(form), key))
        if answer is not None:
            return answer
    return page_redirect(memorandum)


@bp.route("/memoranda/<int:memorandum_id>/clauses/<key>/move", methods=["POST"])
@login_required
def move_clause(memorandum_id: int, key: str):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    form = MoveForm()
    if form.validate_on_submit():
        answer, _created = _structure_change(memorandum, form, lambda: services.move_clause(
            current_user, memorandum, base_version(form), key, form.direction.data))
        if answer is not None:
            return answer
    return page_redirect(memorandum, _anchor=f"clause-{key}")


@bp.route("/memoranda/<int:memorandum_id>/particulars", methods=["GET", "POST"])
@login_required
def particulars(memorandum_id: int):
    memorandum, frozen = _for_editing(memorandum_id)
    if frozen:
        return frozen
    newest = services.latest(memorandum)
    if request.method == "GET":
        form = particulars_form(newest.variables["particulars"])
        form.base_version.data = str(newest.number)
    else:
        form = particulars_form()
    context = {**_particulars_context(memorandum),
               **_lockstep_context(memorandum, newest, newest)}
    valid = form.validate_on_submit()
    if valid and form.preview.data:
        # Shown with the values typed, nothing saved: the button works without JavaScript.
        shown = content.preview(memorandum.partnership, particulars_from(form), newest.clauses,
                                newest.variables["title"])
        return render_template("memoranda/particulars.html", memorandum=memorandum, form=form,
                               newest=newest, conflict=False, preview=shown, **context)
    if valid:
        answer = _save(memorandum, form, lambda: services.save_particulars(
            current_user, memorandum, base_version(form), particulars_from(form)),
            "memoranda/particulars.html", **context)
        return answer or page_redirect(memorandum)
    return render_template("memoranda/particulars.html", memorandum=memorandum, form=form,
                           newest=newest, conflict=False, **context)


def _particulars_context(memorandum) -> dict:
    """What the particulars form shows besides its fields: the rows, their help, and the
    cities offered in each language (the two parties' regions first)."""
    from ..organisations import cities

    partnership = memorandum.partnership
    regions = (partnership.ukrainian_organisation.region, partnership.kazakh_organisation.region)
    listed = sorted(cities.cities().values(), key=lambda city: (city.region not in regions,
                                                                 city.country, city.code))
    missing = [(organisation, lang) for organisation in (partnership.ukrainian_organisation,
                                                          partnership.kazakh_organisation)
               for lang in content.LANGUAGES
               if not (getattr(organisation, f"name_{lang}", None) or "").strip()]
    return {"names": content.PER_LANGUAGE, "help": PARTICULAR_HELP, "missing_names": missing,
            "city_particulars": CITY_PARTICULARS,
            "city_names": {lang: list(dict.fromkeys(city.name(lang) for city in listed))
                           for lang in content.LANGUAGES}}


@bp.route("/memoranda/<int:memorandum_id>/versions")
@login_required
def versions(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    sort = read_sort(request.args, VERSION_SORTS, "number", descending=True)
    shown = sorted(memorandum.versions, key=VERSION_SORTS[sort.column],
                   reverse=sort.descending)
    # the compare form offers the versions newest first whatever order the table shows
    return render_template("memoranda/versions.html", memorandum=memorandum, versions=shown,
                           newest_first=list(reversed(memorandum.versions)), sort=sort)


# The versions table's columns (a memorandum has tens of versions: sorted in memory); the
# same author's versions stay in their order.
VERSION_SORTS = {
    "number": lambda version: version.number,
    "author": lambda version: (((version.author.full_name or version.author.email).casefold()
                                if version.author else ""), version.number),
}


@bp.route("/memoranda/<int:memorandum_id>/diff")
@login_required
def compare(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    newest = memorandum.versions[-1]
    new_number = int_param("new", newest.number)
    old_number = int_param("old", max(1, new_number - 1))
    # Always read forward, from the older version to the newer, whichever order was asked.
    old_number, new_number = sorted((old_number, new_number))
    old, new = services.version(memorandum, old_number), services.version(memorandum, new_number)
    language = _language()
    changes = diff.diff_versions(old.clauses, new.clauses, (language,))
    return render_template("memoranda/diff.html", memorandum=memorandum, old=old, new=new,
                           language=language, changes=changes, summary=diff.summary(changes),
                           particulars=_particular_changes(old, new, language),
                           lagging=lockstep.by_key(new),
                           lagging_particulars=lockstep.by_key(new, lockstep.PARTICULAR))


def _particular_changes(old, new, language: str) -> list[tuple[str, tuple]]:
    """(label, word diff) of each particular that differs between two versions."""
    before, after = old.variables["particulars"], new.variables["particulars"]
    found = []
    for name in (*content.PER_LANGUAGE, *content.SINGLE):
        a, b = before.get(name, ""), after.get(name, "")
        if name in content.PER_LANGUAGE:
            a, b = a.get(language, ""), b.get(language, "")
        elif name == "prevailing_language":
            a, b = LANGUAGE_NAMES.get(a, a), LANGUAGE_NAMES.get(b, b)
        if a != b:
            found.append((PARTICULAR_LABELS[name], diff.word_diff(str(a), str(b)), name))
    return found


BACK = {"edit", "particulars", "page"}


@bp.route("/memoranda/<int:memorandum_id>/confirm-language", methods=["POST"])
@login_required
def confirm_unchanged(memorandum_id: int):
    """An editor confirms "no change needed in this language" for a clause or particular."""
    memorandum = services.get_memorandum(current_user, memorandum_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    kind, key = form.kind.data, form.key.data
    try:
        created = services.confirm_unchanged(current_user, memorandum, base_version(form), kind,
                                             key, form.language.data)
    except services.EditConflict:
        unit_of_work.abandon()
        flash(_("Someone saved a newer version while you were reading: nothing was "
                "confirmed. Here is the newest text; confirm again if it is still true."),
              "error")
        created = None
    except ServiceError as error:
        show_error(None, error)
        created = None
    if created is not None:
        flash(_("Recorded in version %(number)d: no change needed in %(language)s.",
                number=created.number, language=services.language_label(form.language.data)),
              "success")
    back = form.back.data if form.back.data in BACK else "page"
    if back == "edit" and kind == lockstep.CLAUSE:
        return redirect(url_for("memoranda.edit_clause", memorandum_id=memorandum.id, key=key))
    if back == "particulars":
        return redirect(url_for("memoranda.particulars", memorandum_id=memorandum.id))
    anchor = f"clause-{key}" if kind == lockstep.CLAUSE else "out-of-step"
    return page_redirect(memorandum, _anchor=anchor)


@bp.route("/memoranda/<int:memorandum_id>/comments", methods=["POST"])
@login_required
def comment(memorandum_id: int):
    memorandum = services.get_memorandum(current_user, memorandum_id)
    form = CommentForm()
    # A hidden field: anything but a version number was not sent by our page.
    version_number = id_or(form.version_number.data or "0", -1)
    if version_number < 0:
        abort(400)
    if form.validate_on_submit():
        outcome = attempt(lambda: services.add_comment(
            current_user, memorandum, form.clause_key.data, form.body.data,
            version_number), form)
        if outcome.ok:
            flash(_("Your comment is added."), "success")
            return page_redirect(memorandum, _anchor=f"clause-{form.clause_key.data}")
    # The page again with the typed comment and the message next to it.
    return _render_page(memorandum, comment_form=form), 422


@bp.route("/embassy/memorandum-template")
@roles_required(*services.TEMPLATE_EDITORS)
def template_versions():
    found = services.template_versions(current_user)  # version 1 is stored apart on first use
    return render_template("memoranda/template_versions.html", templates=found)


@bp.route("/embassy/memorandum-template/edit", methods=["GET", "POST"])
@roles_required(*services.TEMPLATE_EDITORS)
def edit_template():
    current = services.current_template()
    clauses = current.content["clauses"]
    form = template_form(clauses, current.content["title"], formdata=request.method == "POST")
    if request.method == "GET":
        form.base_number.data = str(current.number)
    if form.validate_on_submit():
        titles, texts = template_changes(form, clauses)
        base = id_or(form.base_number.data, -1)
        outcome = attempt(lambda: services.save_template(current_user, base, titles, texts,
                                                         form.note.data), form)
        if outcome.ok:
            flash(_("Template version %(number)d is saved. New memoranda are made from it; "
                    "existing drafts keep their text.", number=outcome.value.number), "success")
            return redirect(url_for("memoranda.template_versions"))
    return render_template("memoranda/template_edit.html", form=form, current=current,
                           clauses=clauses, languages=content.LANGUAGES)
