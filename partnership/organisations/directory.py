"""The public directory: verified organisations that opted in, filtered and searched."""

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload, with_loader_criteria

from ..core.database import utcnow
from ..core.sorting import SortOrder, sort_statement
from ..extensions import db
from . import fulltext
from .models import Country, Direction, Item, ItemStatus, Kind, Organisation, Status
from .ordering import name_in

PER_PAGE = 20


@dataclass
class DirectoryFilter:
    country: str = ""
    region: str = ""
    kind: str = ""
    area: str = ""
    direction: str = ""   # offer | need | "" (either)
    query: str = ""


def current_items_condition():
    return and_(Item.status == ItemStatus.ACTIVE, Item.valid_until >= utcnow().date())


def directory_sorts(language: str) -> dict:
    """The orders a reader may choose (``?sort=``) over the default one: by name in the page's
    language, or by when the organisation registered."""
    return {"name": (name_in(language),), "registered": (Organisation.created_at,)}


def directory_statement(filters: DirectoryFilter, fuzzy: bool = False,
                        sort: SortOrder | None = None, language: str = "uk"):
    """The SELECT of public organisations matching the filters: the best matches of the query
    first (names above place above texts), then in a stable order; or in the order the reader
    chose (``sort``). ``fuzzy`` tolerates typos."""
    statement = select(Organisation).where(Organisation.status == Status.VERIFIED,
                                           Organisation.public_listing.is_(True))
    if filters.country in Country.__members__.values():
        statement = statement.where(Organisation.country == Country(filters.country))
    if filters.region:
        statement = statement.where(Organisation.region == filters.region)
    if filters.kind in Kind.__members__.values():
        statement = statement.where(Organisation.kind == Kind(filters.kind))
    if filters.area or filters.direction in tuple(Direction):
        # An uncorrelated IN (...) is computed once; a correlated EXISTS made SQLite walk the
        # area index once per organisation (7 s instead of 30 ms on 100,000 items).
        matching = select(Item.organisation_id).where(current_items_condition())
        if filters.area:
            matching = matching.where(Item.area == filters.area)
        if filters.direction in tuple(Direction):
            matching = matching.where(Item.direction == Direction(filters.direction))
        statement = statement.where(Organisation.id.in_(matching))
    query = fulltext.parse(filters.query)
    if query:
        statement = fulltext.apply(statement, query, fuzzy=fuzzy)
    if sort is not None and sort.chosen:
        return sort_statement(statement, sort, directory_sorts(language), Organisation.id)
    # Ukrainian organisations first (the embassy's own country), then Kazakh ones.
    return statement.order_by(Organisation.country.desc(), Organisation.id)


def search(filters: DirectoryFilter, page: int, sort: SortOrder | None = None,
           language: str = "uk"):
    """A page of the directory with each organisation's current items loaded; when the words
    find nothing, the same filters with typos tolerated. Without words: a count and a page
    (3 queries); with words, the full-text query runs once for the ranked ids, whose number is
    the count, then the page's organisations are loaded by id (3 queries, one of them
    full-text, instead of two full-text ones)."""
    if not fulltext.parse(filters.query):
        return _page(directory_statement(filters, sort=sort, language=language), page)
    found = _ranked_page(directory_statement(filters, sort=sort, language=language), page)
    if found.total == 0:
        found = _ranked_page(directory_statement(filters, True, sort, language), page)
    return found


@dataclass
class Page:
    """One page of ranked results, read as Flask-SQLAlchemy's pagination is (the pager and
    the result list use these names)."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def _ranked_page(statement, page: int) -> Page:
    ids = list(db.session.scalars(statement.with_only_columns(Organisation.id)))
    chosen = ids[(page - 1) * PER_PAGE:page * PER_PAGE]
    loaded = {organisation.id: organisation for organisation in db.session.scalars(
        _with_current_items(select(Organisation).where(Organisation.id.in_(chosen))))}
    return Page([loaded[i] for i in chosen if i in loaded], page, PER_PAGE, len(ids))


def _with_current_items(statement):
    """The organisations with their current items loaded alongside (one more query)."""
    return statement.options(
        selectinload(Organisation.items),
        with_loader_criteria(Item, current_items_condition(), include_aliases=True),
    )


def _page(statement, page: int):
    return db.paginate(_with_current_items(statement), page=page, per_page=PER_PAGE,
                       error_out=False, count=True)


def current_items(organisation: Organisation) -> list[Item]:
    """The organisation's items that are active and not expired."""
    today = utcnow().date()
    return [item for item in organisation.items if item.is_current(today)]


@dataclass
class Hit:
    """How one organisation of a results page shows the query: its name with the matched words
    marked, and a marked passage of its description or of an offer or need."""

    name: object
    snippet: object


def hits(organisations, query_text: str, language: str) -> dict[int, Hit]:
    """The highlighted name and passage of each organisation on a page (empty without a query)."""
    query = fulltext.parse(query_text)
    if not query:
        return {}
    return {
        organisation.id: Hit(
            fulltext.highlight(organisation.name(language), query),
            fulltext.snippet([organisation.description,
                              *(item.description for item in organisation.items)], query),
        )
        for organisation in organisations
    }
