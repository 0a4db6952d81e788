"""What the catalogue holds: the Ukrainian institutions open to cooperation, chosen by the
officer's filters, grouped by region and area, each with its current offers and needs.

Who is in it: Ukrainian organisations the embassy verified that are open to new partnerships
(optionally only those on the agreed list). Personal contacts (the contact person, e-mail,
telephone) appear only for organisations that chose a public listing; every entry gives the
route through the embassy. The public profile's QR code is printed only where that profile is
public (elsewhere it would lead to a page the reader cannot open).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, with_loader_criteria

from ..core.database import utcnow
from ..core.links import external_url
from ..extensions import db
from ..organisations.directory import current_items_condition
from ..organisations.models import Country, Direction, Item, Kind, Organisation, Status
from ..organisations.taxonomy import areas, regions

FORMAT = 1  # raise when the files' layout changes: old cached files are not reused
LANGUAGES = ("kk", "en", "uk")
NO_AREA = ""  # the section of organisations without a current offer or need


@dataclass(frozen=True)
class Filters:
    areas: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    agreed_list_only: bool = False
    russian_names: bool = False   # add the Russian name where the organisation gave one

    @classmethod
    def clean(cls, areas_=(), regions_=(), kinds=(), agreed_list_only=False,
              russian_names=False) -> "Filters":
        """Known codes only, sorted, so equal choices make equal cache keys."""
        known_regions = {code for code, region in regions().items() if region.country == "UA"}
        return cls(areas=tuple(sorted(set(areas_) & set(areas()))),
                   regions=tuple(sorted(set(regions_) & known_regions)),
                   kinds=tuple(sorted(set(kinds) & set(Kind.__members__.values()))),
                   agreed_list_only=bool(agreed_list_only), russian_names=bool(russian_names))

    def as_dict(self) -> dict:
        return {"areas": list(self.areas), "regions": list(self.regions),
                "kinds": list(self.kinds), "agreed_list_only": self.agreed_list_only,
                "russian_names": self.russian_names}

    @classmethod
    def from_dict(cls, values: dict) -> "Filters":
        return cls.clean(values.get("areas", ()), values.get("regions", ()),
                         values.get("kinds", ()), values.get("agreed_list_only", False),
                         values.get("russian_names", False))


@dataclass
class Entry:
    """One organisation in one area's section."""

    organisation: Organisation
    offers: list[Item] = field(default_factory=list)
    needs: list[Item] = field(default_factory=list)
    profile_url: str | None = None     # only when the profile is public
    contacts: dict | None = None       # only when the organisation published them


@dataclass
class Section:
    region: str
    area: str                           # NO_AREA: without current offers or needs
    entries: list[Entry] = field(default_factory=list)


def statement(filters: Filters):
    """The SELECT of the organisations in the catalogue."""
    query = select(Organisation).where(Organisation.country == Country.UA,
                                       Organisation.status == Status.VERIFIED,
                                       Organisation.open_to_cooperation.is_(True))
    if filters.agreed_list_only:
        query = query.where(Organisation.on_agreed_list.is_(True))
    if filters.regions:
        query = query.where(Organisation.region.in_(filters.regions))
    if filters.kinds:
        query = query.where(Organisation.kind.in_([Kind(kind) for kind in filters.kinds]))
    if filters.areas:
        with_area = select(Item.organisation_id).where(current_items_condition(),
                                                       Item.area.in_(filters.areas))
        query = query.where(Organisation.id.in_(with_area))
    return query.order_by(Organisation.region, Organisation.id)


def count(filters: Filters) -> int:
    return db.session.scalar(select(func.count()).select_from(statement(filters).subquery()))


def data_version(filters: Filters) -> str:
    """What the catalogue's content depends on besides the filters: the organisations' and
    items' latest changes and counts, and the day (items expire)."""
    organisations = db.session.execute(
        select(func.count(Organisation.id), func.max(Organisation.updated_at))).one()
    items = db.session.execute(select(func.count(Item.id), func.max(Item.updated_at))).one()
    return json.dumps([str(value) for value in (*organisations, *items, utcnow().date())])


def cache_key(filters: Filters, language: str) -> str:
    """Same filters, language, data and layout: same key, same files."""
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    text = json.dumps([FORMAT, language, filters.as_dict(), data_version(filters), base],
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def sections(filters: Filters) -> list[Section]:
    """The catalogue's sections: by region (in the list's order), then by area (in the
    taxonomy's order), each organisation under every area it currently offers or needs in."""
    query = statement(filters).options(
        selectinload(Organisation.items),
        with_loader_criteria(Item, current_items_condition(), include_aliases=True))
    region_order = {code: n for n, code in enumerate(regions())}
    area_order = {code: n for n, code in enumerate(areas())}
    grouped: dict[tuple[str, str], Section] = {}
    today = utcnow().date()
    for organisation in db.session.scalars(query):
        items = [item for item in organisation.items if item.is_current(today)]
        by_area: dict[str, list[Item]] = {}
        for item in items:
            if not filters.areas or item.area in filters.areas:
                by_area.setdefault(item.area, []).append(item)
        if not by_area:
            by_area[NO_AREA] = []
        for area, area_items in by_area.items():
            section = grouped.setdefault((organisation.region, area),
                                         Section(organisation.region, area))
            section.entries.append(_entry(organisation, area_items))
    return sorted(grouped.values(), key=lambda s: (
        region_order.get(s.region, len(region_order)), s.region,
        s.area == NO_AREA, area_order.get(s.area, len(area_order)), s.area))


def _entry(organisation: Organisation, items: list[Item]) -> Entry:
    published = organisation.public_listing
    contacts = None
    if published:
        contacts = {"name": organisation.contact_name, "email": organisation.contact_email,
                    "phone": organisation.contact_phone, "website": organisation.website}
    return Entry(
        organisation=organisation,
        offers=[item for item in items if item.direction == Direction.OFFER],
        needs=[item for item in items if item.direction == Direction.NEED],
        profile_url=(external_url("organisations.public_profile",
                                  organisation_id=organisation.id) if published else None),
        contacts=contacts)


def file_stem(language: str, day: date | None = None) -> str:
    return f"cooperation-catalogue-{(day or utcnow().date()).isoformat()}-{language}"
