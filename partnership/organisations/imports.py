"""Bulk import of organisations and of offers and needs: every bad row reported, all or nothing.

Rows are checked first, without writing; only when every row is good are they applied. The
same file imported twice changes nothing the second time (organisations are keyed by registry
code; items by organisation, direction, area, form, dimension and description).
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..core.access import require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import ImportApplied, emit
from ..core.roles import EMBASSY_ROLES
from ..extensions import db
from . import registry, rules, validation
from .items import default_valid_until, description_key
from .models import (
    WORKING_LANGUAGES,
    Country,
    Dimension,
    Direction,
    Form,
    Item,
    ItemStatus,
    Kind,
    Organisation,
    Status,
    Urgency,
)
from .region_names import find_region, nearest_region
from .search import search_key
from .tables import FileProblem, read_table, unneutralise
from .taxonomy import areas, regions

# Registration asks for a contact person and address: so does the import.
# The Kazakh name may be missing for a Kazakh organisation known by its Russian name.
ORG_REQUIRED = ("registry_code", "country", "kind", "name_uk", "name_en", "region",
                "city", "languages", "contact_name", "contact_email")
ORG_OPTIONAL = ("name_kk", "name_ru", "beds", "staff", "description", "contact_phone", "website",
                "open_to_cooperation", "public_listing", "on_agreed_list", "status")
ITEM_REQUIRED = ("registry_code", "direction", "area", "dimension", "form", "description",
                 "quantity", "urgency", "languages", "valid_until")
# status: active (the default) or withdrawn; with a past valid_until a row is history.
ITEM_OPTIONAL = ("status", "splittable")
TRUE = {"1", "true", "yes", "y", "так", "иә", "да", "+"}
FALSE = {"0", "false", "no", "n", "ні", "жоқ", "нет", "-", ""}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR are text
PROGRESS_EVERY = 250  # rows checked between two progress reports
Progress = Callable[[int], None]


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Rows imported but never matched (a Kazakh business's need...): said, not refused.
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Row:
    """One row's cells by column name, collecting the errors found in it."""

    def __init__(self, number: int, header: list[str], cells: list[str], report: ImportReport):
        self.number = number
        self.report = report
        self.ok = True
        self.values = {}
        for i, name in enumerate(header):
            value = unneutralise(cells[i].strip()) if i < len(cells) else ""
            if len(value) > validation.MAX_CELL_CHARS:
                self.error(name, _("The cell is longer than %(max)d characters.",
                                   max=validation.MAX_CELL_CHARS))
                value = ""
            elif CONTROL.search(value):
                # PostgreSQL refuses NUL in text; the others are never meant either.
                self.error(name, _("The cell holds an invisible control character; type its "
                                   "text again."))
                value = ""
            self.values[name] = value

    def error(self, column: str, message: str) -> None:
        self.report.errors.append(RowError(self.number, column, message))
        self.ok = False

    def warn(self, column: str, message: str) -> None:
        self.report.warnings.append(RowError(self.number, column, message))

    def check(self, column: str, message: str | None) -> bool:
        """Report the rule broken, if any; whether the value passed."""
        if message:
            self.error(column, message)
        return not message

    def text(self, column: str, max_length: int | None = None) -> str:
        value = self.values.get(column, "")
        if max_length is not None and len(value) > max_length:
            self.error(column, str(rules.TOO_LONG) % {"max": max_length})
        return value

    def choice(self, column: str, allowed, *, required=True) -> str | None:
        value = self.text(column).lower()
        if not value and not required:
            return None
        if value not in allowed:
            self.error(column, " ".join(filter(None, (
                _("“%(value)s” is not one of: %(allowed)s.", value=value,
                  allowed=", ".join(allowed)), did_you_mean(value, allowed)))))
            return None
        return value

    def integer(self, column: str, bounds: validation.Bounds) -> int | None:
        value = self.text(column)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(column, str(rules.NOT_WHOLE_NUMBER) % {"value": value[:40]})
            return None
        if number not in bounds:
            self.error(column, rules.number_problem(bounds, number))
            return None
        return number

    def flag(self, column: str, default: bool) -> bool:
        if column not in self.values:
            return default
        value = self.text(column).lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        self.error(column, _("Write yes or no."))
        return default

    def languages(self, column: str) -> list[str]:
        codes = rules.language_codes(self.text(column))
        self.check(column, rules.languages_problem(codes))
        return [c for c in WORKING_LANGUAGES if c in codes]

    def day(self, column: str) -> date | None:
        value = self.text(column)
        if not value:
            return None
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return datetime.strptime(value, pattern).date()
            except ValueError:
                continue
        self.error(column, _("Write the date as YYYY-MM-DD or DD.MM.YYYY."))
        return None


def did_you_mean(value: str, allowed) -> str:
    """“Did you mean “x”?” for a value near one of ``allowed`` (else nothing)."""
    allowed = list(allowed)
    found = difflib.get_close_matches(value.lower(), allowed, n=1, cutoff=0.6)
    if not found:  # "Burns care" for burns_care
        found = difflib.get_close_matches(value.lower().replace(" ", "_").replace("-", "_"),
                                          allowed, n=1, cutoff=0.6)
    return _("Did you mean “%(suggestion)s”?", suggestion=found[0]) if found else ""


def with_choices(message: str, value: str, allowed) -> str:
    """A rule's message for an unknown value, with the nearest allowed value and the list."""
    allowed = list(allowed)
    return " ".join(filter(None, (message, did_you_mean(value, allowed),
                                  _("Allowed: %(allowed)s.", allowed=", ".join(allowed)))))


def _start(data: bytes, filename: str, required: tuple[str, ...], report: ImportReport,
           max_rows: int | None):
    try:
        header, body = read_table(data, filename, max_rows)
    except FileProblem as problem:
        report.errors.append(RowError(0, "", str(problem)))
        return None, []
    missing = [name for name in required if name not in header]
    for name in missing:
        report.errors.append(RowError(1, name, _("The column is missing.")))
    if missing:
        return None, []
    report.rows = len(body)
    return header, body


def _tell(progress: Progress | None, checked: int) -> None:
    if progress is not None and checked % PROGRESS_EVERY == 0:
        progress(checked)


def _check_actor(actor: User | None) -> None:
    """The command line (actor None) is trusted; on the web only the embassy imports."""
    if actor is not None:
        require_role(actor, *EMBASSY_ROLES)


def import_organisations(actor: User | None, data: bytes, filename: str,
                         dry_run: bool = False, *, max_rows: int | None = None,
                         progress: Progress | None = None) -> ImportReport:
    """Check every row; when all are good (and not a dry run) create or update them.

    A file of more than ``max_rows`` data rows is refused before any row is checked;
    ``progress`` hears how many rows have been checked, now and then.
    """
    _check_actor(actor)
    report = ImportReport()
    header, body = _start(data, filename, ORG_REQUIRED, report, max_rows)
    parsed, seen = [], {}
    for checked, (number, cells) in enumerate(body, start=1):
        _tell(progress, checked)
        row = _Row(number, header, cells, report)
        values = _organisation_values(row)
        code = values.get("registry_code")
        if code:
            if code in seen:
                row.error("registry_code", _("The same registry code is on row %(row)d.",
                                             row=seen[code]))
            seen.setdefault(code, number)
        parsed.append(values)
    if not report.ok:
        return report
    existing = {o.registry_code: o for o in db.session.scalars(
        select(Organisation).where(Organisation.registry_code.in_(list(seen))))}
    for values in parsed:
        organisation = existing.get(values["registry_code"])
        if organisation is None:
            report.created += 1
            if not dry_run:
                _create_organisation(actor, values)
            continue
        changes = {k: v for k, v in values.items() if getattr(organisation, k) != v}
        if not changes:
            report.unchanged += 1
            continue
        report.updated += 1
        if not dry_run:
            for key, value in changes.items():
                setattr(organisation, key, value)
            _refresh_key(organisation)
            record("organisation.imported", actor=actor, obj=organisation,
                   fields=sorted(changes))
    _applied("organisations", report, dry_run)
    return report


def _applied(what: str, report: ImportReport, dry_run: bool) -> None:
    """Say that a file changed organisations or items (matching follows the event)."""
    if not dry_run and report.ok and (report.created or report.updated):
        emit(ImportApplied(what=what, rows=report.rows))


def _organisation_values(row: _Row) -> dict:
    """A row's organisation, checked by the registration's own rules (``rules``)."""
    country = row.text("country").upper()
    row.check("country", rules.country_problem(country))
    values = {"country": country if country in {c.value for c in Country} else None}
    kind = row.text("kind").lower()
    values["kind"] = kind if rules.kind_problem(kind) is None else None
    code = registry.normalise(row.text("registry_code"))
    if values["country"] and not row.check(
            "registry_code", rules.registry_code_problem(values["country"], code)):
        code = None
    values["registry_code"] = code
    for name in ("name_uk", "name_kk", "name_en", "name_ru"):
        values[name] = row.text(name, validation.NAME_LENGTH) or None
    written_region = row.text("region")
    region = find_region(written_region) or written_region.lower()
    values["region"] = region if region in regions() else None
    if values["country"]:  # the kind is checked with the other rules of the country
        # A Kazakh organisation known by its Russian name: that name stands in for the Kazakh.
        stand_in = {"name_kk": values["name_kk"] or values["name_ru"]} \
            if values["country"] == Country.KZ else {}
        for problem in rules.profile_problems(values["country"], {
                **values, **stand_in, "kind": kind, "region": region}):
            row.error(problem.field, _explained(problem, values["country"], kind,
                                                written_region))
    else:
        row.check("kind", rules.kind_problem(kind))
    values["city"] = row.text("city", validation.CITY_LENGTH)
    row.check("city", rules.city_problem(values["city"]))
    values["languages"] = row.languages("languages")
    values["beds"] = row.integer("beds", validation.BEDS)
    values["staff"] = row.integer("staff", validation.STAFF)
    values["description"] = row.text("description", validation.ORGANISATION_DESCRIPTION_LENGTH)
    values["contact_name"] = row.text("contact_name", validation.CONTACT_NAME_LENGTH)
    row.check("contact_name", rules.contact_name_problem(values["contact_name"]))
    values["contact_phone"] = row.text("contact_phone", validation.PHONE_LENGTH)
    values["website"] = row.text("website", validation.WEBSITE_LENGTH)
    if values["website"] and not validation.is_web_url(values["website"]):
        row.error("website", str(validation.WEBSITE_MESSAGE))
    values["contact_email"] = row.text("contact_email", validation.EMAIL_LENGTH).lower()
    row.check("contact_email", rules.email_problem(values["contact_email"]))
    values["open_to_cooperation"] = row.flag("open_to_cooperation", True)
    values["public_listing"] = row.flag("public_listing", False)
    values["on_agreed_list"] = row.flag("on_agreed_list", False)
    if row.text("status"):
        status = row.choice("status", ["pending", "verified"])
        values["status"] = Status(status) if status else None
    return {k: (Country(v) if k == "country" and v else Kind(v) if k == "kind" and v else v)
            for k, v in values.items()}


def _explained(problem: rules.Problem, country: str, kind: str, written_region: str) -> str:
    """A profile rule's message, with the nearest allowed value and the list for a value the
    row spelled wrongly (the form offers a list, the file does not)."""
    if problem.field == "region" and written_region:
        near = nearest_region(written_region, country)
        allowed = [r.code for r in regions().values() if r.country == country]
        hint = _("Did you mean “%(code)s” (%(name)s)?", code=near.code,
                 name=near.label("en")) if near else ""
        return " ".join(filter(None, (problem.message, hint, _(
            "Write the region's code or its name in Ukrainian, Kazakh, Russian or English; "
            "codes: %(allowed)s.", allowed=", ".join(allowed)))))
    if problem.field == "kind" and kind and rules.kind_problem(kind):
        return with_choices(problem.message, kind, [k.value for k in Kind])
    return problem.message


def _refresh_key(organisation: Organisation) -> None:
    organisation.search_key = search_key(
        organisation.name_uk, organisation.name_kk, organisation.name_en, organisation.name_ru,
        organisation.city, organisation.description)


def _create_organisation(actor: User | None, values: dict) -> Organisation:
    values = dict(values)
    status = values.pop("status", None) or Status.PENDING
    organisation = Organisation(status=status, created_at=utcnow(),
                                verified_at=utcnow() if status == Status.VERIFIED else None,
                                **values)
    _refresh_key(organisation)
    db.session.add(organisation)
    db.session.flush()
    record("organisation.imported", actor=actor, obj=organisation, created=True)
    return organisation


def import_items(actor: User | None, data: bytes, filename: str,
                 dry_run: bool = False, *, max_rows: int | None = None,
                 progress: Progress | None = None) -> ImportReport:
    """Offers and needs of organisations already on the platform; all rows or none."""
    _check_actor(actor)
    report = ImportReport()
    header, body = _start(data, filename, ITEM_REQUIRED, report, max_rows)
    codes = {registry.normalise(cells[header.index("registry_code")])
             for _, cells in body if header and len(cells) > header.index("registry_code")}
    organisations = {o.registry_code: o for o in db.session.scalars(
        select(Organisation).where(Organisation.registry_code.in_(list(codes))))}
    parsed, seen = [], {}
    for checked, (number, cells) in enumerate(body, start=1):
        _tell(progress, checked)
        row = _Row(number, header, cells, report)
        values = _item_values(row, organisations)
        if values is None:
            continue
        key = (values["organisation"].id, values["direction"], values["area"], values["form"],
               values["dimension"], values["description_key"])
        if key in seen:
            row.error("description", _("The same item is on row %(row)d.", row=seen[key]))
        seen.setdefault(key, number)
        parsed.append((key, values))
    if not report.ok:
        return report
    for key, values in parsed:
        _apply_item(actor, key, values, report, dry_run)
    _applied("items", report, dry_run)
    return report


def _item_values(row: _Row, organisations: dict) -> dict | None:
    """A row's offer or need, checked by the item form's own rules (``rules``)."""
    organisation = organisations.get(registry.normalise(row.text("registry_code")))
    if organisation is None:
        row.error("registry_code", _("No organisation with this registry code is on the "
                                     "platform; import the organisation first."))
    direction = row.choice("direction", [d.value for d in Direction])
    values = {name: row.text(name).lower() for name in ("area", "dimension", "form", "urgency")}
    values["description"] = row.text("description", validation.ITEM_DESCRIPTION_LENGTH)
    values["quantity"] = row.integer("quantity", validation.QUANTITY)
    values["languages"] = row.languages("languages")
    values["valid_until"] = row.day("valid_until")
    status = row.choice("status", [s.value for s in ItemStatus], required=False) \
        or ItemStatus.ACTIVE
    splittable = row.flag("splittable", False)
    choices = {"area": list(areas()), "dimension": [d.value for d in Dimension],
               "form": [f.value for f in Form], "urgency": [u.value for u in Urgency]}
    for problem in rules.item_problems(values):
        if problem.field in ("quantity", "languages"):  # reported while reading them
            continue
        if problem.field == "valid_until":
            continue  # a past date is accepted: the row is history (a register's past)
        message = problem.message
        if problem.field in choices and values[problem.field]:
            message = with_choices(message, values[problem.field], choices[problem.field])
        row.error(problem.field, message)
    if direction == Direction.OFFER and values["urgency"]:
        row.error("urgency", _("Only needs have an urgency."))
    if direction == Direction.OFFER and splittable:
        row.error("splittable", _("Only needs can be split."))
    if organisation is None or direction is None or not row.ok:
        return None
    if direction == Direction.NEED and organisation.kind in rules.KAZAKH_ONLY_KINDS:
        row.warn("direction", _("Businesses and charities help; their needs are never matched. "
                                "The row is imported, but no partner will be proposed."))
    return {"organisation": organisation, "direction": Direction(direction),
            "area": values["area"], "dimension": Dimension(values["dimension"]),
            "form": Form(values["form"]), "description": values["description"],
            "description_key": description_key(values["description"]),
            "quantity": values["quantity"],
            "urgency": Urgency(values["urgency"] or Urgency.MEDIUM)
            if direction == Direction.NEED else None,
            "languages": values["languages"], "valid_until": values["valid_until"],
            "status": ItemStatus(status), "splittable": splittable}


def _apply_item(actor, key, values, report: ImportReport, dry_run: bool) -> None:
    organisation_id, direction, area, form, dimension, fingerprint = key
    item = db.session.scalar(select(Item).where(
        Item.organisation_id == organisation_id, Item.direction == direction,
        Item.area == area, Item.form == form, Item.dimension == dimension,
        Item.description_key == fingerprint))
    if item is None:
        report.created += 1
        if not dry_run:
            fields = {k: v for k, v in values.items() if k != "organisation"}
            fields["valid_until"] = fields["valid_until"] or default_valid_until()
            item = Item(organisation_id=organisation_id, created_at=utcnow(), **fields)
            db.session.add(item)
            db.session.flush()
            record(f"{direction.value}.imported", actor=actor, obj=item, created=True)
        return
    wanted = {"description": values["description"], "quantity": values["quantity"],
              "urgency": values["urgency"], "languages": values["languages"],
              "status": values["status"], "splittable": values["splittable"]}
    if values["valid_until"]:
        wanted["valid_until"] = values["valid_until"]
    changes = {k: v for k, v in wanted.items() if getattr(item, k) != v}
    if not changes:
        report.unchanged += 1
        return
    report.updated += 1
    if not dry_run:
        for name, value in changes.items():
            setattr(item, name, value)
        record(f"{direction.value}.imported", actor=actor, obj=item, fields=sorted(changes))
