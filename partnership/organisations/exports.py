"""Exports of the directory and of offers and needs, in the same columns the import reads."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.access import require_role
from ..core.roles import EMBASSY_ROLES
from ..extensions import db
from .imports import ITEM_REQUIRED, ORG_OPTIONAL, ORG_REQUIRED
from .models import Item, Organisation
from .tables import to_csv, to_xlsx

ORG_COLUMNS = ORG_REQUIRED + ORG_OPTIONAL


def today_stamp() -> str:
    return date.today().isoformat()


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def organisation_rows(actor: User) -> list[list]:
    """Every organisation, one row each, with a header (embassy only)."""
    require_role(actor, *EMBASSY_ROLES)
    rows: list[list] = [list(ORG_COLUMNS)]
    for o in db.session.scalars(select(Organisation).order_by(Organisation.id)):
        values = {c: getattr(o, c) for c in ORG_COLUMNS}
        values["languages"] = ",".join(o.languages)
        for flag in ("open_to_cooperation", "public_listing", "on_agreed_list"):
            values[flag] = _yes_no(values[flag])
        rows.append([_plain(values[c]) for c in ORG_COLUMNS])
    return rows


def item_rows(actor: User) -> list[list]:
    """Every offer and need with its organisation's registry code (embassy only)."""
    require_role(actor, *EMBASSY_ROLES)
    rows: list[list] = [list(ITEM_REQUIRED) + ["status", "splittable"]]
    statement = select(Item).options(joinedload(Item.organisation)).order_by(Item.id)
    for item in db.session.scalars(statement):
        values = {c: getattr(item, c, None) for c in ITEM_REQUIRED}
        values["registry_code"] = item.organisation.registry_code
        values["languages"] = ",".join(item.languages)
        values["valid_until"] = item.valid_until.isoformat()
        rows.append([_plain(values[c]) for c in ITEM_REQUIRED]
                    + [str(item.status), _yes_no(item.splittable)])
    return rows


def _plain(value):
    if value is None:
        return ""
    if hasattr(value, "value"):
        return value.value
    return value


def render(rows: list[list], fmt: str) -> tuple[bytes, str]:
    """The file's bytes and MIME type."""
    if fmt == "xlsx":
        return to_xlsx(rows), ("application/vnd.openxmlformats-officedocument."
                               "spreadsheetml.sheet")
    return to_csv(rows), "text/csv; charset=utf-8"
