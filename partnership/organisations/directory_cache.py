"""The directory's pages, kept rendered in each process while the directory's data stays as it is.

What the directory shows under its header (the filters, the count, the cards, the pager) is the
same for every visitor who asks with the same address in the same language on the same day: it
holds nothing of the person asking (the header, with the visitor's own name and form tokens, is
rendered for each request around it). It changes only when an organisation or an item does, and
every such change rewrites the search documents before its commit and adds one to
``search_generation`` in the same transaction (``fulltext``). So the rendered part is kept under
(language, path, the address's arguments in their order, the day, that generation): after a
change the kept pages' keys are never asked for again, and a page is never served from before a
change its reader could already see. Items that expire at midnight are why the day is in the key.

Searches like the box's own example repeat, and a search's ranking reads every match (thousands
for a common word): a page found in the cache costs one read of the generation instead. Each
process keeps its ``DIRECTORY_CACHE_ENTRIES`` most recently used pages (0 keeps none); the
metric ``partnership_directory_cache_total{result}`` counts hits and misses.
"""

from collections.abc import Callable

from flask import current_app, request
from markupsafe import Markup
from prometheus_client import Counter

from ..core.database import utcnow
from ..core.kept import Kept
from ..core.language import current_language
from ..extensions import db
from . import fulltext

LOOKUPS = Counter("partnership_directory_cache_total",
                  "Directory pages asked of the cache of rendered results", ("result",))


def init_app(app) -> None:
    app.extensions["directory_cache"] = Kept(app.config["DIRECTORY_CACHE_ENTRIES"])


def rendered(render: Callable[[], str]) -> Markup:
    """The request's part of the directory, from the cache or ``render()``ed (and kept)."""
    kept: Kept | None = current_app.extensions.get("directory_cache")
    generation = (fulltext.generation(db.session.connection())
                  if kept is not None and kept.entries else None)
    if generation is None:
        return Markup(render())  # noqa: S704 - a template Jinja rendered (and escaped)
    key = (current_language(), request.path, tuple(request.args.items(multi=True)),
           utcnow().date(), generation)
    # a template Jinja rendered (and escaped)
    return kept.fetch(key, lambda: Markup(render()), LOOKUPS)  # noqa: S704
