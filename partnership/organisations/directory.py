"""The public directory: verified organisations that opted in, filtered and searched."""

from dataclasses import dataclass

from sqlalchemy import and_, func, select

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

    @property
    def narrowed(self) -> bool:
        """Filtered by more than the country: no index hands the matches over in the page's
        order, so every match is read."""
        return bool(self.region or self.kind or self.area or self.direction)


def current_items_condition():
    return and_(Item.status == ItemStatus.ACTIVE, Item.valid_until >= utcnow().date())


def directory_sorts(language: str) -> dict:
    """The orders a reader may choose (``?sort=``) over the default one: by name in the page's
    language, or by when the organisation registered."""
    return {"name": (name_in(language),), "registered": (Organisation.created_at,)}


def directory_statement(filters: DirectoryFilter, fuzzy: bool = False,
                        sort: SortOrder | None = None, language: str = "uk",
                        query: fulltext.Query | None = None):
    """The SELECT of the ids of public organisations matching the filters: the best matches of
    the query first (names above place above texts), then in a stable order; or in the order
    the reader chose (``sort``). ``fuzzy`` tolerates typos; ``query``: the filters' words
    already parsed."""
    statement = select(Organisation.id).where(Organisation.status == Status.VERIFIED,
                                              Organisation.public_listing.is_(True))
    country = filters.country if filters.country in Country.__members__.values() else ""
    if country:
        statement = statement.where(Organisation.country == Country(country))
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
    query = fulltext.parse(filters.query) if query is None else query
    chosen = sort is not None and sort.chosen
    if query and not chosen and fulltext.is_postgres():
        # Ranked on the search documents alone, which carry the listing's condition and the
        # country; the other filters' ids narrow the ranking (a common word and an area rank
        # 630 matches instead of 6,200).
        return fulltext.ranked(query, fuzzy, country=country,
                               within=statement if filters.narrowed else None)
    if query:
        statement = fulltext.apply(statement, query, fuzzy=fuzzy)
    if chosen:
        return sort_statement(statement, sort, directory_sorts(language), Organisation.id)
    # Ukrainian organisations first (the embassy's own country), then Kazakh ones.
    return statement.order_by(Organisation.country.desc(), Organisation.id)


def search(filters: DirectoryFilter, page: int, sort: SortOrder | None = None,
           language: str = "uk") -> "Page":
    """A page of the directory (``Listing``s); when the words find nothing, the same filters
    with typos tolerated. Three or four queries: the page's ids in order (with the number of
    all matches beside them when the order reads them all, so a full-text query and its ranking
    run once; else a count), the organisations, their current items."""
    query = fulltext.parse(filters.query)
    ranked = bool(query)
    found = _page(directory_statement(filters, sort=sort, language=language, query=query), page,
                  ranked, filters.narrowed)
    if found.total == 0 and ranked:
        found = _page(directory_statement(filters, True, sort, language, query), page, ranked,
                      filters.narrowed)
    found.query = query
    return found


@dataclass
class Listing:
    """One organisation of a results page and what its card shows of its current items: the
    areas it offers and needs (each once, in the items' order) and the texts a query's passage
    is taken from (its description, then its items')."""

    organisation: Organisation
    offers: list[str]
    needs: list[str]
    texts: list[str | None]


@dataclass
class Page:
    """One page of results, read as Flask-SQLAlchemy's pagination is (the pager and the result
    list use these names)."""

    items: list
    page: int
    per_page: int
    total: int
    query: object = None    # the parsed words the page was found with (``hits`` marks them)

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


def _page(statement, page: int, ranked: bool, narrowed: bool) -> Page:
    """One page of listings in the order of the statement (a SELECT of ids). Only ids are
    sorted, never whole rows (SQLite sorted all 10,000 organisations' columns to show 20), and
    items are read plain, not as ORM objects: a page's 200 items cost 5 ms as objects.

    When the statement reads every match to put them in order (a ranking, or filters
    ``narrowed`` beyond the country), the number of all matches comes beside the page's
    ids (``count(*) OVER ()``): a count apart read them all a second time (an area's offers on
    PostgreSQL: two statements of 8-9 ms each). Otherwise the ids come from an index's order,
    stopping after the page, and an index counts apart (a country's page 16: 0.5 + 0.4 ms,
    against 7 ms for the window, which reads all 5,000)."""
    connection = db.session.connection()
    if ranked:
        fulltext.plan_for_the_words(connection)
    offset = (page - 1) * PER_PAGE

    def count() -> int:
        return connection.execute(select(func.count()).select_from(
            statement.order_by(None).subquery())).scalar_one()

    if ranked or narrowed:
        rows = connection.execute(statement.add_columns(func.count().over())
                                  .limit(PER_PAGE).offset(offset)).all()
        chosen = [row[0] for row in rows]
        # Past the last page no row carries the count.
        total = rows[0][1] if rows else (count() if page > 1 else 0)
    else:
        chosen = list(connection.execute(statement.limit(PER_PAGE).offset(offset)).scalars())
        total = count()
    return Page(_listings(chosen), page, PER_PAGE, total)


def _listings(ids: list[int]) -> list[Listing]:
    if not ids:
        return []
    organisations = {organisation.id: organisation for organisation in db.session.scalars(
        select(Organisation).where(Organisation.id.in_(ids)))}
    listings = {i: Listing(organisations[i], [], [], [organisations[i].description])
                for i in ids if i in organisations}
    for item in db.session.connection().execute(
            select(Item.organisation_id, Item.direction, Item.area, Item.description)
            .where(Item.organisation_id.in_(ids), current_items_condition()).order_by(Item.id)):
        listing = listings[item.organisation_id]
        areas = listing.offers if item.direction == Direction.OFFER else listing.needs
        if item.area not in areas:
            areas.append(item.area)
        listing.texts.append(item.description)
    return list(listings.values())


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


def hits(listings: list[Listing], query: "fulltext.Query | str", language: str
         ) -> dict[int, Hit]:
    """The highlighted name and passage of each organisation on a page (empty without a query):
    ``query`` parsed (``Page.query``) or as typed."""
    query = fulltext.parse(query) if isinstance(query, str) else query
    if not query:
        return {}
    return {
        listing.organisation.id: Hit(
            fulltext.highlight(listing.organisation.name(language), query),
            fulltext.snippet(listing.texts, query),
        )
        for listing in listings
    }
