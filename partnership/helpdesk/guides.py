"""The "how it works" pages: one short guide per role, in the words of what the platform does.

Each guide is a title, a sentence saying whom it is for, and the steps in the order a person
meets them. Nothing here names a child or details of the children's programme beyond what the
public may know.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..core.roles import Role


@dataclass(frozen=True)
class Guide:
    slug: str
    title: object
    audience: object
    steps: tuple


GUIDES = (
    Guide("visitor", _l("Registering an organisation"), _l(
        "For visitors, and for a Ukrainian or Kazakh medical institution, business or charity "
        "that wants to take part."), (
        _l("The directory lists the verified organisations that chose to be shown publicly. "
           "You can search it in Ukrainian, Kazakh, Russian or English without an account."),
        _l("To take part, register your organisation: its country, its registry code (a "
           "Ukrainian EDRPOU code of 8 digits or a Kazakh BIN of 12 digits, checked by its "
           "check digit), its names, region, city and contact. The person who registers "
           "becomes the organisation's manager."),
        _l("We send a link to the manager's e-mail address. Open it within 7 days to confirm "
           "the address; until then you cannot sign in."),
        _l("The embassy then checks the registration. It may verify it, return it with a note "
           "on what to change, or reject it with the reason. You are told by e-mail and in the "
           "app."),
        _l("Meanwhile you can fill in what your organisation offers and what it needs. Partner "
           "proposals start once the organisation is verified."),
        _l("Anyone can check a memorandum PDF: open the QR code printed on it, or upload the "
           "file on the “Check a memorandum PDF” page (linked at the foot of every page)."),
    )),
    Guide("organisation", _l("For an organisation's manager and members"), _l(
        "For the people of a registered organisation. Managers change things; members see "
        "the same pages and comment."), (
        _l("“My work” shows what waits for you: interest from a proposed partner, memoranda to "
           "approve or with new comments, offers and needs about to expire."),
        _l("Describe what your organisation offers and what it needs: the area, the form of "
           "cooperation, the languages and the date until which it holds. Each offer or need "
           "expires on its date unless you renew it; we remind you 30 days before."),
        _l("The platform proposes partners from the other country, each with the reasons it "
           "fits and what is missing. Say you are interested, or decline."),
        _l("When both sides are interested, the embassy reviews the proposal and opens a "
           "partnership between the two organisations."),
        _l("A manager invites colleagues as members or managers, and can remove them. Only a "
           "verified organisation can invite."),
        _l("In “Notifications” you choose, per topic, whether e-mails come at once, once a "
           "day, or not at all."),
    )),
    Guide("memoranda", _l("Drafting and approving a memorandum"), _l(
        "For the managers of both organisations and the embassy's officers, who edit and "
        "approve; members read and comment."), (
        _l("An editor starts the memorandum from the partnership's page. It is drafted from "
           "the embassy's framework memorandum, clause by clause, in the partnership's "
           "languages side by side."),
        _l("Every save is kept as a version with its author and time; you can compare any two "
           "versions clause by clause. If two people edit at once, nothing is lost: the second "
           "sees both texts and chooses."),
        _l("Comment on a clause to discuss it. When the text is ready, an editor submits it "
           "for review."),
        _l("A manager of each organisation and an embassy officer approve it. Any change "
           "returns it to draft, and approvals given so far no longer count."),
        _l("Once all three have approved, the text is agreed and frozen. The PDF then carries "
           "a QR code that opens its public check, so anyone can see it is the agreed text."),
        _l("The embassy records the signature (date, place, signatories) and can add the "
           "signed scan."),
    )),
    Guide("officer", _l("For the embassy's officers"), _l(
        "For the embassy's officers, who verify organisations, vet partnerships and see the "
        "whole picture."), (
        _l("“My work” lists registrations to verify, messages to the embassy to answer, "
           "mutual interests to vet, memoranda waiting for the embassy's approval, quiet "
           "partnerships and failed imports."),
        _l("A registration's page shows who registered and when, whether their e-mail address "
           "is confirmed, the registry code's check, the organisation's history and "
           "organisations that may be the same one registered twice. Verify, return for "
           "changes or reject; a return or a rejection needs a reason, which the manager "
           "reads. “Next registration” takes you through the queue."),
        _l("Keep the list agreed between Ukraine and Kazakhstan: only organisations on it are "
           "proposed as partners."),
        _l("Vet the proposals both sides accepted, or propose a partner by hand with your "
           "reasons. Vetting opens the partnership."),
        _l("Import organisations or offers and needs from CSV or Excel files (try a dry run "
           "first), export them, and prepare the cooperation package for the Kazakh side."),
        _l("The dashboard shows the whole picture. The children's programme is shown to you in "
           "figures only, never by child."),
        _l("Messages sent through “Contact the embassy” come to “My work”. Answer by e-mail, "
           "then mark the message answered."),
    )),
    Guide("coordinator", _l("For the programme's coordinators"), _l(
        "For the coordinators of the People of the Future programme."), (
        _l("Each child's case is known by its code. Names and documents are kept apart, "
           "encrypted, shown to coordinators only, and every look at them is recorded."),
        _l("A case goes from referral through assessment and placement to the programme, "
           "then follow-up and closing. The case page shows only the steps possible now."),
        _l("Record the legal representative's consent, with its scope and dates. Without a "
           "valid consent there is no placement and nothing is shared with a centre."),
        _l("Place a child in a group of a rehabilitation centre. A group never takes more "
           "children than its places."),
        _l("“My work” reminds you of new referrals, consents withdrawn or expiring, follow-ups "
           "due at 1, 3 and 6 months, and groups with free places."),
        _l("Reports show figures only; counts under five are not shown."),
    )),
    Guide("centre", _l("For a rehabilitation centre's staff"), _l(
        "For the staff of a rehabilitation centre that takes part in the People of the Future "
        "programme."), (
        _l("“My centre's children” lists the children placed now in your centre's groups whose "
           "legal representative agreed to share their details with the centre: first name, "
           "age, needs, group, languages, and who accompanies them (given name, initial of the "
           "surname and relation). Surnames and documents stay with the coordinators."),
        _l("“My work” tells you of children arriving in your groups soon, and of children in "
           "the programme with no progress note for 14 days."),
        _l("Write a progress note about how each child is doing. Keep it to the child's "
           "progress, without surnames, addresses or documents; the notes stay with your "
           "centre."),
        _l("When a child leaves your group, or the consent to share with the centre is "
           "withdrawn or expires, the child leaves your list at once."),
        _l("For a placement, its dates or travel, contact the programme's coordinator."),
    )),
    Guide("admin", _l("For the administrator"), _l(
        "For the person who runs the platform's accounts."), (
        _l("Create accounts for the embassy, the programme's coordinators and centre staff; "
           "they choose a password from the invitation e-mail."),
        _l("Embassy, coordinator and administrator accounts sign in in two steps, with a code "
           "from an authenticator app. If someone loses their phone, reset their two-step "
           "sign-in."),
        _l("Change a person's role or deactivate the account: their sessions end at once."),
        _l("“My work” shows locked accounts, invitations not accepted and accounts that still "
           "lack two-step sign-in."),
        _l("The audit log records who did what and when, including every look at a child's "
           "identity."),
    )),
)
GUIDE_BY_SLUG = {guide.slug: guide for guide in GUIDES}

GUIDE_OF_ROLE = {Role.ORG_MANAGER: "organisation", Role.ORG_MEMBER: "organisation",
                 Role.EMBASSY_OFFICER: "officer", Role.PROGRAMME_COORDINATOR: "coordinator",
                 Role.CENTRE_STAFF: "centre", Role.ADMIN: "admin"}


def guide_of(user) -> str | None:
    """The guide a signed-in user reads first (the visitor's one for anyone else)."""
    if not getattr(user, "is_authenticated", False):
        return "visitor"
    return GUIDE_OF_ROLE.get(user.role)
