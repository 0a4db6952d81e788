"""Sortable, paginated list pages: ``?sort=<column>&order=asc|desc`` read against each page's
own whitelist of columns (anything else is its default order, never an error), and the links
that keep a page's filters while the sort or the page changes."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request
from sqlalchemy import case

ASCENDING, DESCENDING = "asc", "desc"


@dataclass(frozen=True)
class SortOrder:
    """The column a list is sorted by and its direction; ``chosen`` when the address named it."""

    column: str
    descending: bool = False
    chosen: bool = False

    @property
    def order(self) -> str:
        return DESCENDING if self.descending else ASCENDING


def read_sort(args: Mapping, columns: Iterable[str], default: str,
              descending: bool = False) -> SortOrder:
    """The sort a list page's query string asks for, when it names one of ``columns``; the
    page's default otherwise (an unknown column or order is ignored, never an error)."""
    column = args.get("sort", "")
    if not isinstance(column, str) or column not in set(columns):
        return SortOrder(default, descending)
    order = args.get("order", "")
    if order not in (ASCENDING, DESCENDING):
        return SortOrder(column, descending if column == default else False, chosen=True)
    return SortOrder(column, order == DESCENDING, chosen=True)


def sort_statement(statement, sort: SortOrder, columns: Mapping[str, Sequence], *tiebreak):
    """``statement`` ordered by the expressions of the sorted column (empty values last in
    either direction, as both databases then agree), then by ``tiebreak`` so pages never
    overlap."""
    expressions = columns[sort.column]
    ordered = [(e.desc() if sort.descending else e.asc()).nulls_last() for e in expressions]
    return statement.order_by(None).order_by(*ordered, *tiebreak)


def lifecycle_order(column, states):
    """A state column sorted in the order its lifecycle lists the states (not alphabetically
    by an internal name no reader sees)."""
    return case(*[(column == state, index) for index, state in enumerate(states)],
                else_=len(states))


def url_with(**changes) -> str:
    """The current page's address with some query parameters changed (None drops one): the
    filters stay as they are."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key not in changes]
    args += [(key, value) for key, value in changes.items() if value not in (None, "")]
    return request.path + ("?" + urlencode(args) if args else "")


def sort_url(sort: SortOrder, column: str) -> str:
    """The link of a column header: that column, ascending, or the other way round when the
    list is already sorted by it; back to the first page, with the filters kept."""
    descending = not sort.descending if column == sort.column else False
    return url_with(sort=column, order=DESCENDING if descending else ASCENDING, page=None)


def aria_sort(sort: SortOrder, column: str) -> str | None:
    """``aria-sort`` of a column header: only the sorted column carries it."""
    if column != sort.column:
        return None
    return "descending" if sort.descending else "ascending"
