"""An organisation's proposals, kept rendered in each process while nothing they show changes.

What the proposals page shows under its header (the cards, their reasons and their buttons) is
the same for everyone of the same role who opens it for the same organisation, in the same
language, at the same address, on the same day, until one of these changes:

- a proposal (``proposal_generation``, counted with each commit that changes one: ``changes``);
- an organisation or an item, which the cards name and the reasons read (``search_generation``,
  counted the same way: ``organisations.fulltext``);
- the day, since items expire at midnight (``date.today()``, the day the reasons count with).

So the rendered part is kept under all of them. After a change the kept parts' keys are never
asked for again, and a page is never served from before a change its reader could already
see. Of the person asking it holds only their role and whether the organisation is theirs
(which buttons a card shows): the form token is put in for each request in place of
``CSRF_MARK``, a random mark of this process that no data can contain.

A manager opens the page again and again (after each decision, from "My work", from an
e-mail): a page found in the cache costs one read of both generations instead of the
proposals, their partners' items and 25 rendered cards. Each process keeps its
``PROPOSALS_CACHE_ENTRIES`` most recently used pages (0 keeps none); the metric
``partnership_proposals_cache_total{result}`` counts hits and misses.
"""

import secrets
from collections.abc import Callable
from datetime import date, datetime

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from prometheus_client import Counter
from sqlalchemy import select

from ..auth.models import User
from ..core.kept import Kept
from ..core.language import current_language
from ..extensions import db
from ..organisations.fulltext import search_generation
from ..organisations.models import Organisation
from .changes import proposal_generation

LOOKUPS = Counter("partnership_proposals_cache_total",
                  "Proposals pages asked of the cache of rendered cards", ("result",))

# Stands in the kept part where each request's own form token goes.
CSRF_MARK = f"csrf-{secrets.token_hex(16)}"

Rendered = tuple[str, datetime | None]   # the part, the newest proposal's creation


def init_app(app) -> None:
    app.extensions["proposals_cache"] = Kept(app.config["PROPOSALS_CACHE_ENTRIES"])


def _generations() -> tuple[int, int] | None:
    """Both numbers in one round trip (None where a row is missing)."""
    numbers = tuple(db.session.execute(select(
        *(select(kind.c.value).where(kind.c.id == 1).scalar_subquery()
          for kind in (search_generation, proposal_generation)))).one())
    return None if None in numbers else numbers


def rendered(organisation: Organisation, actor: User,
             render: Callable[[], Rendered]) -> tuple[Markup, datetime | None]:
    """The request's cards of ``organisation`` as ``actor`` sees them, with the newest
    proposal's creation time: from the cache, or ``render()``ed (and kept)."""
    kept: Kept | None = current_app.extensions.get("proposals_cache")
    generations = _generations() if kept is not None and kept.entries else None
    if generations is None:
        part, newest = render()
    else:
        key = (organisation.id, str(actor.role), actor.organisation_id == organisation.id,
               current_language(), request.path, tuple(request.args.items(multi=True)),
               date.today(), generations)
        part, newest = kept.fetch(key, render, LOOKUPS)
    # A Jinja-rendered template (escaped), with this request's token in place of the mark
    return Markup(part.replace(CSRF_MARK, generate_csrf())), newest  # noqa: S704
