"""Offers and needs: create, edit, renew, withdraw; reminders before they expire."""

import hashlib
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..auth.models import User
from ..core.access import NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import ItemChanged, emit
from ..core.services import ServiceError
from ..extensions import db
from ..notifications.services import notify
from . import access, rules, services
from .models import Direction, Item, ItemStatus, Organisation, Urgency

VALIDITY = timedelta(days=365)
REMINDER_BEFORE = timedelta(days=30)
ITEM_FIELDS = ("area", "dimension", "form", "description", "quantity", "urgency", "languages",
               "valid_until", "splittable")


def description_key(description: str) -> str:
    """A fingerprint of the description for the natural key (whitespace and case folded)."""
    folded = " ".join(description.split()).casefold()
    return hashlib.sha256(folded.encode()).hexdigest()


def default_valid_until(today: date | None = None) -> date:
    return (today or date.today()) + VALIDITY


def check_item(direction: Direction, values: dict) -> dict:
    """Rules on an item's values (``rules``, which the import calls too); returns them cleaned."""
    problems = rules.item_problems(values)
    if problems:  # all of them at once, each next to its field
        raise ServiceError.of(problems)
    values = dict(values)
    values["description"] = values["description"].strip()
    values["splittable"] = bool(values.get("splittable")) and direction == Direction.NEED
    if direction == Direction.OFFER:
        values["urgency"] = None
    elif not values.get("urgency"):
        values["urgency"] = Urgency.MEDIUM
    values["valid_until"] = values.get("valid_until") or default_valid_until()
    return values


def _duplicate(organisation: Organisation, direction: Direction, values: dict,
               exclude_id: int | None = None) -> bool:
    found = db.session.scalar(select(Item.id).where(
        Item.organisation_id == organisation.id, Item.direction == direction,
        Item.area == values["area"], Item.form == values["form"],
        Item.dimension == values["dimension"],
        Item.description_key == description_key(values["description"])))
    return found is not None and found != exclude_id


def create_item(actor: User | None, organisation: Organisation, direction: str,
                values: dict) -> Item:
    """Add an offer or a need (managers; or the importing officer with ``actor`` embassy)."""
    if not access.is_embassy(actor):
        access.require_manager(actor, organisation)
    direction = Direction(direction)
    values = check_item(direction, values)
    if _duplicate(organisation, direction, values):
        raise ServiceError(_("The same item is already on the list. Edit or renew it instead."),
                           field="description")
    item = Item(organisation_id=organisation.id, direction=direction,
                description_key=description_key(values["description"]),
                status=ItemStatus.ACTIVE, created_at=utcnow(),
                **{k: values.get(k) for k in ITEM_FIELDS})
    db.session.add(item)
    db.session.flush()
    record(f"{direction.value}.created", actor=actor, obj=item, organisation_id=organisation.id,
           area=item.area)
    _changed(item, "created")
    return item


def _changed(item: Item, change: str) -> None:
    emit(ItemChanged(item_id=item.id, organisation_id=item.organisation_id, change=change))


def get_item(actor: User, organisation: Organisation, item_id: int) -> Item:
    """An item of this organisation that the actor manages."""
    access.require_manager(actor, organisation)
    item = db.session.get(Item, item_id)
    if item is None or item.organisation_id != organisation.id:
        raise NotVisible()
    return item


def update_item(actor: User, item: Item, values: dict) -> None:
    """Change an item; a changed item takes part in matching again."""
    access.require_manager(actor, item.organisation)
    values = check_item(item.direction, values)
    if _duplicate(item.organisation, item.direction, values, exclude_id=item.id):
        raise ServiceError(_("The same item is already on the list."), field="description")
    changed = [k for k in ITEM_FIELDS if getattr(item, k) != values.get(k)]
    for key in changed:
        setattr(item, key, values.get(key))
    item.description_key = description_key(item.description)
    if changed:
        item.reminder_sent_at = None
        record(f"{item.direction.value}.updated", actor=actor, obj=item, fields=changed)
        _changed(item, "updated")


def renew_item(actor: User, item: Item) -> None:
    """Keep an item for another twelve months from today (also brings a withdrawn one back)."""
    access.require_manager(actor, item.organisation)
    item.valid_until = default_valid_until()
    item.status = ItemStatus.ACTIVE
    item.reminder_sent_at = None
    record(f"{item.direction.value}.renewed", actor=actor, obj=item,
           valid_until=item.valid_until.isoformat())
    _changed(item, "renewed")


def can_withdraw(actor: User, item: Item) -> bool:
    """Managers withdraw an active item (the page's button and ``withdraw_item``'s guard)."""
    return access.can_manage(actor, item.organisation) and item.status == ItemStatus.ACTIVE


def withdraw_item(actor: User, item: Item) -> None:
    """Take an item out of matching; it stays in the history."""
    access.require_manager(actor, item.organisation)
    if not can_withdraw(actor, item):
        raise ServiceError(_("This item is already withdrawn."))
    item.status = ItemStatus.WITHDRAWN
    record(f"{item.direction.value}.withdrawn", actor=actor, obj=item)
    _changed(item, "withdrawn")


def send_expiry_reminders(today: date | None = None) -> int:
    """Tell managers (in the app and by e-mail, as each chose) about items that expire within
    30 days (once per item); return how many items."""
    today = today or date.today()
    due = db.session.scalars(
        select(Item).where(Item.status == ItemStatus.ACTIVE, Item.reminder_sent_at.is_(None),
                           Item.valid_until >= today,
                           Item.valid_until <= today + REMINDER_BEFORE)
        .order_by(Item.organisation_id, Item.id)).all()
    by_organisation: dict[int, list[Item]] = {}
    for item in due:
        by_organisation.setdefault(item.organisation_id, []).append(item)
    for organisation_id, items in by_organisation.items():
        notify(services.active_managers(organisation_id), "items_expiring",
               {"count": len(items)}, endpoint="organisations.manage",
               link_args={"organisation_id": organisation_id})
    if due:  # a reminder is no change of the item: its version (updated_at) stays
        db.session.execute(update(Item).where(Item.id.in_([i.id for i in due]))
                           .values(reminder_sent_at=utcnow(), updated_at=Item.updated_at))
    return len(due)
