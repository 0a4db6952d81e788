"""CSV exports: the embassy's aggregates (suppressed), and the coordinator's case list with
identity, which needs the password again and is audited."""

from flask_babel import gettext as _
from flask_babel import pgettext

from ..auth.models import User
from ..auth.passwords import verify_password
from ..core.audit import record
from ..core.language import current_language
from ..core.services import ServiceError
from ..organisations.labels import region_label
from ..organisations.tables import to_csv
from . import crypto
from .access import require_coordinator
from .cases import list_cases
from .labels import (
    CIRCUMSTANCES,
    REPRESENTATIVES,
    SEXES,
    STATES,
    centre_name,
    group_label,
)
from .reports import HIDDEN, SMALL, programme_report


def report_csv(actor: User) -> bytes:
    """The aggregate report as CSV: breakdown, value, count ("<5", "x" as on the page), a
    line for each breakdown left out, and what the marks mean."""
    report = programme_report(actor)
    names = {"state": _("State"), "region": _("Region of origin"), "quarter": _("Quarter"),
             "centre": _("Centre"), "group": _("Group"), "total": _("All cases")}
    labels = {"state": lambda value: STATES.get(value, value), "region": region_label,
              "centre": centre_name, "group": group_label, "total": lambda _value: ""}
    rows: list[list] = [[_("Breakdown"), _("Value"), _("Children")]]
    for key in ("total", "state", "region", "quarter", "centre", "group"):
        label = labels.get(key, str)
        rows.extend([names[key], str(label(value)), str(count)] for value, count in report[key])
        if key in report["withheld"]:
            rows.append([names[key], _("(some or all not shown)"),
                         _("not shown: any figure would single children out")])
    rows.append([_("Note"), SMALL, _("1 to 4 children; from everything in this report, each "
                                     "“<5” could be any of 1, 2, 3 or 4")])
    rows.append([_("Note"), HIDDEN, _("5 or more, hidden so that no “<5” can be worked out "
                                      "from the totals or from another table")])
    return to_csv(rows)


def note_refused_export(actor: User) -> None:
    """Keep a trace of an export refused for a wrong password (its own transaction)."""
    record("programme.case_export_refused", actor=actor)


def case_list_csv(actor: User, password: str) -> bytes:
    """Every case with its identity, after the coordinator gives the password again."""
    require_coordinator(actor)
    if not verify_password(actor.password_hash, password or ""):
        raise ServiceError(_("The password is not correct."), "password")
    header = [_("Case code"), _("State"), _("Birth year"), _("Sex"), _("Region of origin"),
              _("Circumstances"), _("Legal representative"), _("Needs"), _("Languages"),
              _("First name"), _("Surname"), _("Date of birth"), _("Documents"),
              pgettext("home", "Address"),
              _("Representative's name"), _("Representative's contacts"),
              _("Accompanying adult: given name"), _("Accompanying adult: surname"),
              _("Accompanying adult: relationship to the child"),
              _("Accompanying adult, recorded in one field (to review)")]
    rows: list[list] = [header]
    for case in list_cases(actor):
        person = crypto.decrypt(case.identity.ciphertext) if case.identity else {}
        rows.append([
            case.code, str(STATES.get(str(case.state), case.state)), case.birth_year,
            str(SEXES.get(str(case.sex), case.sex)), region_label(case.region),
            str(CIRCUMSTANCES.get(str(case.circumstances))),
            str(REPRESENTATIVES.get(str(case.representative_type))), case.needs,
            ", ".join(case.languages),
            *[person.get(key, "") for key in (
                "first_name", "surname", "date_of_birth", "documents", "address",
                "representative_name", "representative_contacts",
                "accompanying_adult_given_name", "accompanying_adult_surname")],
            case.accompanying_adult_relation, person.get("accompanying_adult_name", "")])
    record("programme.case_export", actor=actor, cases=len(rows) - 1, language=current_language(),
           codes=[row[0] for row in rows[1:]])
    return to_csv(rows)
