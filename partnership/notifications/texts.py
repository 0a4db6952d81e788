"""What each kind of notification says: one registry, rendered when read, in the reader's
language (switching language re-renders every notification).

``params`` hold ids, codes and short names only, never a child's identity. A value is either
plain (a code, a number) or a dict of a name in each language (``{"uk": ..., "kk": ...,
"en": ...}``), from which the reader's language is taken."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.language import current_language
from .models import Category


@dataclass(frozen=True)
class Kind:
    category: Category
    title: object   # lazy string: the subject of the e-mail and the line in the list
    body: object    # lazy string: what happened and what to do


KINDS: dict[str, Kind] = {
    # Proposals and interest
    "interest_received": Kind(
        Category.PROPOSALS, _l("%(partner)s is interested in a proposal"),
        _l("%(partner)s said they are interested in a proposal with your organisation. "
           "Open it to answer.")),
    "mutual_interest": Kind(
        Category.PROPOSALS, _l("Both sides are interested"),
        _l("%(partner)s is interested too. The embassy will now review the proposal and, "
           "once it is vetted, open a partnership.")),
    "mutual_interest_embassy": Kind(
        Category.PROPOSALS, _l("A mutual interest waits for vetting"),
        _l("%(need)s and %(offer)s are both interested in a proposal. Vet it to open their "
           "partnership.")),
    # Partnerships
    "match_vetted": Kind(
        Category.PARTNERSHIPS, _l("The embassy vetted your proposal with %(partner)s"),
        _l("The embassy vetted the proposal: it is now part of your partnership with "
           "%(partner)s.")),
    "partnership_opened": Kind(
        Category.PARTNERSHIPS, _l("A partnership with %(partner)s has opened"),
        _l("The embassy opened partnership %(reference)s with %(partner)s. Agree your "
           "objectives and a memorandum there.")),
    "partnership_status": Kind(
        Category.PARTNERSHIPS, _l("Partnership %(reference)s: %(status)s"),
        _l("The partnership %(reference)s with %(partner)s is now: %(status)s.")),
    # Memoranda
    "memorandum_submitted": Kind(
        Category.MEMORANDA, _l("A memorandum waits for your approval"),
        _l("The memorandum of partnership %(reference)s was submitted for review. Read it, "
           "then approve it or comment.")),
    "memorandum_commented": Kind(
        Category.MEMORANDA, _l("New comment on the memorandum of %(reference)s"),
        _l("%(party)s commented on the memorandum of partnership %(reference)s.")),
    "memorandum_approved": Kind(
        Category.MEMORANDA, _l("%(party)s approved the memorandum of %(reference)s"),
        _l("%(party)s approved version %(version)s of the memorandum of partnership "
           "%(reference)s.")),
    "memorandum_agreed": Kind(
        Category.MEMORANDA, _l("The memorandum of %(reference)s is agreed"),
        _l("All three parties approved the memorandum of partnership %(reference)s. The "
           "embassy will arrange the signature.")),
    "memorandum_signed": Kind(
        Category.MEMORANDA, _l("The memorandum of %(reference)s is signed"),
        _l("The memorandum of partnership %(reference)s has been signed. The signed copy is "
           "on the partnership's page.")),
    "memorandum_returned": Kind(
        Category.MEMORANDA, _l("The memorandum of %(reference)s was returned to draft"),
        _l("The memorandum of partnership %(reference)s is a draft again: approvals given so "
           "far no longer count.")),
    # Organisation and registration
    "organisation_verify": Kind(
        Category.ORGANISATION, _l("Your organisation has been verified"),
        _l("The embassy has verified %(name)s. It now takes part in partner proposals.")),
    "organisation_reject": Kind(
        Category.ORGANISATION, _l("Your registration was not accepted"),
        _l("The embassy could not verify %(name)s. The reason:\n\n%(reason)s\n\nIf you "
           "think this is a mistake, write to the embassy: it can verify the organisation "
           "after all.")),
    "organisation_return": Kind(
        Category.ORGANISATION, _l("Your profile was returned for changes"),
        _l("The embassy returned the registration of %(name)s for changes. What to "
           "change:\n\n%(reason)s\n\nCorrect the profile, then press \"Send for "
           "verification again\" on your organisation's page.")),
    "organisation_resubmitted": Kind(
        Category.ORGANISATION, _l("A registration was sent for verification again"),
        _l("%(name)s changed its profile as the embassy asked and sent it for verification "
           "again.")),
    "contact_message": Kind(
        Category.ORGANISATION, _l("A message to the embassy: %(subject)s"),
        _l("%(sender)s wrote to the embassy through the contact form. Open the message to "
           "read it, answer by e-mail and mark it answered.")),
    "organisation_suspend": Kind(
        Category.ORGANISATION, _l("Your organisation has been suspended"),
        _l("The embassy has suspended %(name)s. The reason:\n\n%(reason)s")),
    "organisation_reinstate": Kind(
        Category.ORGANISATION, _l("Your organisation has been reinstated"),
        _l("The embassy has reinstated %(name)s.")),
    "colleague_invited": Kind(
        Category.ORGANISATION, _l("A colleague was invited to %(organisation)s"),
        _l("%(email)s was invited to join %(organisation)s as %(role)s.")),
    "items_expiring": Kind(
        Category.ORGANISATION, _l("Offers and needs that expire soon"),
        _l("%(count)s of your organisation's offers and needs expire within 30 days. Renew "
           "the ones that still hold, so partners can still find them.")),
    # People of the Future (by case code only)
    "child_placed": Kind(
        Category.PROGRAMME, _l("Case %(code)s placed at your centre"),
        _l("Case %(code)s was placed in the group %(group)s, which starts on %(starts)s.")),
    "consent_withdrawn": Kind(
        Category.PROGRAMME, _l("People of the Future: consent withdrawn for case %(code)s"),
        _l("The legal representative has withdrawn consent for case %(code)s. The case is "
           "stopped and the child's place in the group is released. Please stop all "
           "activities with this child and do not share the case data further.")),
    "consent_partly_withdrawn": Kind(
        Category.PROGRAMME,
        _l("People of the Future: part of a consent withdrawn for case %(code)s"),
        _l("The legal representative has withdrawn a consent for case %(code)s. The valid "
           "consents still cover what the case needs now, so the case continues. Please "
           "check what the withdrawn consent covered (for example photos) and respect it.")),
    "consent_expiring": Kind(
        Category.PROGRAMME, _l("A consent for case %(code)s expires on %(until)s"),
        _l("A consent recorded for case %(code)s is valid until %(until)s. Ask the legal "
           "representative to renew it in time and record the new consent on the case's "
           "page: once expired, it counts as no consent.")),
    "consent_expired": Kind(
        Category.PROGRAMME, _l("A consent for case %(code)s has expired"),
        _l("A consent recorded for case %(code)s was valid until %(until)s and has expired: "
           "it now counts as no consent, so the steps it covered are blocked. Record a "
           "renewed consent on the case's page.")),
    "follow_up_due": Kind(
        Category.PROGRAMME, _l("Follow-up due for case %(code)s"),
        _l("The %(months)s-month follow-up of case %(code)s is due on %(due)s.")),
    # The embassy's cooperation package, rendered in the background
    "package_ready": Kind(
        Category.PARTNERSHIPS, _l("The cooperation package is ready"),
        _l("The catalogue of %(count)s organisations you asked for, its table and the "
           "memorandum specimen are ready to download.")),
    "package_failed": Kind(
        Category.PARTNERSHIPS, _l("The cooperation package could not be made"),
        _l("The catalogue of %(count)s organisations you asked for could not be rendered. "
           "Ask for it again; if it fails again, tell the administrator.")),
    # Account and security (always on)
    "second_factor_reset": Kind(
        Category.SECURITY, _l("Your two-step sign-in was reset"),
        _l("An administrator reset your two-step sign-in: you will set it up again when you "
           "next sign in. If you did not ask for this, tell the embassy at once.")),
}

CATEGORY_LABELS = {
    Category.PROPOSALS: _l("Proposals and interest"),
    Category.PARTNERSHIPS: _l("Partnerships"),
    Category.MEMORANDA: _l("Memoranda"),
    Category.ORGANISATION: _l("Organisation and registration"),
    Category.PROGRAMME: _l("People of the Future"),
    Category.SECURITY: _l("Account and security"),
}


def in_each_language(name_of) -> dict[str, str]:
    """A short name in every interface language: ``name_of(language)`` for each."""
    return {language: name_of(language) for language in current_app.config["LANGUAGES"]}


def translated(text) -> dict[str, str]:
    """A label (lazy string) in every interface language, for a notification's params."""
    from flask_babel import force_locale

    found = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            found[language] = str(text)
    return found


def _value(value, language: str):
    if isinstance(value, dict):
        return value.get(language) or next(iter(value.values()), "")
    return value


def _render(text, params: dict, language: str) -> str:
    values = {name: _value(value, language) for name, value in params.items()}
    try:
        return str(text) % values
    except (KeyError, TypeError, ValueError):  # a stored row older than its text: say what
        return str(text)


def title(kind: str, params: dict, language: str | None = None) -> str:
    """The notification's one line, in the current (or given) language."""
    found = KINDS.get(kind)
    if found is None:
        return kind
    return _render(found.title, params, language or current_language())


def body(kind: str, params: dict, language: str | None = None) -> str:
    """What happened and what to do, in the current (or given) language."""
    found = KINDS.get(kind)
    if found is None:
        return ""
    return _render(found.body, params, language or current_language())


def category_label(category) -> str:
    return str(CATEGORY_LABELS.get(Category(str(category)), category))
