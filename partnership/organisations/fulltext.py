"""Full-text search of the directory on the database's own engine.

Each organisation has one row in ``search_document`` (built by migration 0013, not a model: it is
derived data): its names, its place (city and region names) and its body (description and the
descriptions of its active offers and needs), each stored as *index terms* — the lemmas of every
word (``partnership.lexicon``) and the thesaurus concepts they name — so a query in Ukrainian,
Kazakh, Russian or English finds the organisations that talk about the same thing in another one.
The row also holds what the directory filters every search by (migration 0029): whether the
organisation is listed (verified and public) and its country, so a search on PostgreSQL ranks
its matches without reading the organisations (``ranked``).

- PostgreSQL: a generated ``tsvector`` column (names weighted A, place B, body C) with a GIN index,
  ranked by ``ts_rank``. Typos: each misspelt word is looked up among the index's distinct words
  (``search_word``, the words of every document's ``fuzzy`` list, names' and city's Latin
  skeletons and body lemmas) with ``pg_trgm``, and the similar words run as a full-text query.
- SQLite: an FTS5 table over ``search_document`` (external content, kept in step by triggers),
  ranked by ``bm25`` with the same weights; typos fall back to prefixes of the lemmas.

The index follows every change in the same transaction: the session remembers which organisations
an ORM flush touched (an organisation or one of its items) and rewrites their documents just
before the commit, whichever service, import or command made the change. ``flask
reindex-search`` rebuilds everything. Each rewrite also adds one to ``search_generation``'s
number, in the same transaction: the directory's pages are kept under it
(``directory_cache``).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from markupsafe import Markup, escape
from sqlalchemy import (
    BigInteger,
    Boolean,
    Integer,
    Text,
    column,
    delete,
    event,
    false,
    func,
    insert,
    literal_column,
    select,
    table,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import array as postgresql_array
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session

from .. import lexicon
from ..extensions import db
from ..lexicon.transliteration import skeleton
from .models import Item, ItemStatus, Organisation, Status
from .taxonomy import regions

DERIVED_PREFIX = "search_"   # search_document, search_fts and FTS5's own tables: not models
WEIGHTS = (10.0, 4.0, 1.0)   # names, place, body (SQLite bm25; PostgreSQL uses A, B, C)
MAX_WORDS = 8
TRIGRAM_THRESHOLD = 0.4      # PostgreSQL: how alike a misspelt word and an indexed one must be
SIMILAR_WORDS = 5            # PostgreSQL: indexed words tried for each misspelt one
MIN_PREFIX = 3               # a shorter Latin skeleton is not highlighted as a word's start
SNIPPET = 180                # characters of a description shown around its first match
CHUNK = 500
CONCEPT_MARK = "zc"          # concept tokens: "zc" + the id's letters (one token on both engines)
_NON_TOKEN = re.compile(r"[^\w]|_")

search_document = table(
    "search_document",
    column("organisation_id", Integer), column("names", Text), column("place", Text),
    column("body", Text), column("fuzzy", Text), column("tsv"),
    column("listed", Boolean), column("country", Text),
)
LISTING = ("listed", "country")   # the columns migration 0029 added
search_fts = table("search_fts", column("rowid", Integer), column("search_fts"))
search_word = table("search_word", column("word", Text))   # PostgreSQL only (migration 0025)


def token(term: str) -> str:
    """The index token of a lexicon term: letters and digits only, concepts marked."""
    if term.startswith(lexicon.CONCEPT_PREFIX):
        return CONCEPT_MARK + _NON_TOKEN.sub("", term[len(lexicon.CONCEPT_PREFIX):])
    return _NON_TOKEN.sub("", term)


def _terms(texts: Iterable[tuple[str | None, str | None]]) -> str:
    tokens = []
    for text, language in texts:
        if text:
            tokens.extend(token(term) for term in lexicon.terms(text, language))
    return " ".join(t for t in tokens if t)


def document(organisation, items) -> dict:
    """The search document of one organisation (a row or a model; its active items given)."""
    region = regions().get(organisation.region)
    region_names = region.labels.items() if region else ()
    names = [(organisation.name_uk, "uk"), (organisation.name_kk, "kk"),
             (organisation.name_ru, "ru"), (organisation.name_en, "en")]
    body = [(organisation.description, None)] + [(item.description, None) for item in items]
    body_terms = _terms(body)
    areas = " ".join(token(lexicon.CONCEPT_PREFIX + item.area) for item in items)
    name_texts = [text for text, _language in names if text]
    return {
        "organisation_id": organisation.id,
        # The public directory's own condition (``directory.directory_statement``).
        "listed": organisation.status == Status.VERIFIED and bool(organisation.public_listing),
        "country": str(organisation.country),
        # Names also as their Latin skeletons, so "Mykolaiv" finds "Миколаїв" (any script).
        "names": f"{_terms(names)} {skeleton(' '.join(name_texts))}".strip(),
        "place": f"{_terms([(organisation.city, None), *((n, lang) for lang, n in region_names)])}"
                 f" {skeleton(organisation.city or '')}".strip(),
        "body": f"{body_terms} {areas}".strip(),
        "fuzzy": " ".join(dict.fromkeys(
            skeleton(" ".join(filter(None, (organisation.name_uk, organisation.name_kk,
                                            organisation.name_ru, organisation.name_en,
                                            organisation.city)))).split()
            + [t for t in body_terms.split() if not t.startswith(CONCEPT_MARK)])),
    }


# The columns the index reads, as plain tables (migration 0013 runs this code too, before later
# migrations may have added columns the models know of).
_organisation = table(
    "organisation", column("id", Integer), column("name_uk"), column("name_kk"),
    column("name_ru"), column("name_en"), column("city"), column("region"), column("description"),
    column("status"), column("public_listing"), column("country"),
)
_item = table("item", column("organisation_id", Integer), column("description"), column("area"),
              column("status"), column("id", Integer))


def reindex(connection, organisation_ids: Iterable[int] | None = None,
            advance: bool = True, listing: bool = True) -> int:
    """Rewrite the search documents of these organisations (all when None) on a session or a
    connection, and (``advance``) count one more change of the directory; returns how many
    documents were written. ``listing=False`` leaves out the columns of ``LISTING`` (migration
    0013 builds the table before 0029 adds them)."""
    if organisation_ids is None:
        connection.execute(delete(search_document))
        ids = list(connection.execute(select(_organisation.c.id)
                                      .order_by(_organisation.c.id)).scalars())
    else:
        ids = sorted(set(organisation_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        organisations = {row.id: row for row in connection.execute(
            select(_organisation).where(_organisation.c.id.in_(chunk)))}
        items: dict[int, list] = {}
        for item in connection.execute(select(_item).where(
                _item.c.organisation_id.in_(chunk),
                _item.c.status == ItemStatus.ACTIVE.value).order_by(_item.c.id)):
            items.setdefault(item.organisation_id, []).append(item)
        if organisation_ids is not None:
            connection.execute(delete(search_document)
                               .where(search_document.c.organisation_id.in_(chunk)))
        rows = [document(organisations[i], items.get(i, [])) for i in chunk if i in organisations]
        if not listing:
            rows = [{key: value for key, value in row.items() if key not in LISTING}
                    for row in rows]
        if rows:
            connection.execute(insert(search_document), rows)
            _remember_words(connection, rows)
        written += len(rows)
    if advance:
        advance_generation(connection)
    return written


# One row: a number that grows by one with each change of the directory's data (migration 0027).
search_generation = table("search_generation", column("id", Integer),
                          column("value", BigInteger))


def advance_generation(connection) -> None:
    """One more change of the directory's data, in the changing transaction. The row stays
    locked until that commit, so it is taken as late as possible: just before the commit,
    after the documents and their words (two transactions never hold it while waiting for
    each other's words)."""
    connection.execute(update(search_generation).where(search_generation.c.id == 1)
                       .values(value=search_generation.c.value + 1))


def generation(connection) -> int | None:
    """The directory data's current generation (None where the row is missing)."""
    return connection.execute(select(search_generation.c.value)
                              .where(search_generation.c.id == 1)).scalar()


def _remember_words(connection, rows: list[dict]) -> None:
    """PostgreSQL: add the documents' new words to ``search_word``, in sorted order (two saves
    adding the same new words then wait for each other instead of deadlocking). Words no
    document uses any more stay: a typo corrected to one of them finds nothing more."""
    if connection.get_bind().dialect.name != "postgresql":
        return
    words = sorted({word for row in rows for word in row["fuzzy"].split()})
    if words:
        connection.execute(
            postgresql_insert(search_word).values([{"word": word} for word in words])
            .on_conflict_do_nothing())


# --- keeping the index in step -----------------------------------------------------------------

def _touched(session: Session, _flush_context) -> None:
    if session.info.get("apart"):
        return
    touched = session.info.setdefault("search_touched", set())
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, Organisation) and row.id is not None:
            touched.add(row.id)
        elif isinstance(row, Item) and row.organisation_id is not None:
            touched.add(row.organisation_id)


def _before_commit(session: Session) -> None:
    if session.info.get("apart"):
        return
    session.flush()
    changed = False
    for _round in range(3):   # reading the rows may flush once more
        touched = session.info.pop("search_touched", None)
        if not touched:
            break
        reindex(session, touched, advance=False)
        session.flush()
        changed = True
    if changed:
        advance_generation(session)


def _forget(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop("search_touched", None)


def follow_changes() -> None:
    """Keep the search documents in step with every ORM change, in the same transaction."""
    if getattr(follow_changes, "listening", False):
        return
    event.listen(Session, "after_flush", _touched)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_soft_rollback", _forget)
    follow_changes.listening = True


# --- queries -----------------------------------------------------------------------------------

@dataclass
class Query:
    """A parsed query: for each word the tokens any of which it accepts (a token ending in ``*``
    is the word's Latin skeleton, matched as a prefix in the names and the place only), and what
    to highlight."""

    groups: list[list[str]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)       # lemma keys of the words
    concepts: set[str] = field(default_factory=set)   # concept ids of the words
    prefixes: set[str] = field(default_factory=set)   # Latin skeletons of the words

    def __bool__(self) -> bool:
        return bool(self.groups)


def parse(text: str) -> Query:
    """Lemmas and concepts of a query's words (at most eight words)."""
    text = (text or "")[:200]
    words = lexicon.tokens(text)[:MAX_WORDS]
    keys = [key for _start, _end, key in words]
    groups: list[list[str]] = []
    query = Query(keys=set(keys))
    for start, end, key in words:
        latin = skeleton(text[start:end]).replace(" ", "")
        groups.append([token(key)] + ([latin + "*"] if latin else []))
        if len(latin) >= MIN_PREFIX:
            query.prefixes.add(latin)
    for start, end, concept_id in lexicon.concept_spans(keys):
        query.concepts.add(concept_id)
        for position in range(start, end):
            groups[position].append(token(lexicon.CONCEPT_PREFIX + concept_id))
    query.groups = [list(dict.fromkeys(t for t in group if t)) for group in groups]
    query.groups = [group for group in query.groups if group]
    return query


def _fts5(query: Query, prefix: bool = False) -> str:
    def term(t: str) -> str:
        if t.endswith("*"):
            return f'{{names place}} : "{t[:-1]}"*'
        if prefix and not t.startswith(CONCEPT_MARK):
            return f'"{typo_prefix(t)}"*'
        return f'"{t}"'
    return " AND ".join("(" + " OR ".join(term(t) for t in group) + ")" for group in query.groups)


def typo_prefix(term: str) -> str:
    """The start of a word kept when typos are tolerated on SQLite: two thirds, at least four
    letters ("rehabilitaton" -> "rehabili", which begins the stem "rehabilit")."""
    return term[:max(4, len(term) * 2 // 3)]


def _tsquery(query: Query) -> str:
    def term(t: str) -> str:
        return f"{t[:-1]}:*AB" if t.endswith("*") else t
    return " & ".join("(" + " | ".join(term(t) for t in group) + ")" for group in query.groups)


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def _postgres_tsquery(query: Query, fuzzy: bool):
    """PostgreSQL: the query as a ``tsquery`` (the similar indexed words when ``fuzzy``), or None
    when a misspelt word is like nothing indexed."""
    if not fuzzy:
        return func.to_tsquery("simple", _tsquery(query))
    corrected = _similar_words_query(query)
    return None if corrected is None else func.to_tsquery("simple", corrected)


def plan_for_the_words(connection) -> None:
    """PostgreSQL: plan the ranking for the words asked, in this transaction. psycopg prepares a
    statement run five times on a connection, and PostgreSQL then plans it once for any words:
    expecting 50 matches, it chose the GIN index and rechecked all 6,246 documents "hospital"
    finds (24 ms instead of 15 ms with a plan for the word itself)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.set_config("plan_cache_mode", "force_custom_plan", True)))


def ranked(query: Query, fuzzy: bool = False, country: str | None = None, within=None):
    """PostgreSQL: the SELECT of the ids of the listed organisations the query finds, best
    first, then in the directory's own order (Ukrainian before Kazakh, then by id). The ranking
    reads ``search_document`` alone: the listing's condition and the country are in it, so no
    organisation is read (among 10,000, in the app: a rare word's statement 7-8 -> 2 ms, a
    common word's 20-24 -> 15-23 ms). ``country`` narrows to one country; ``within``: a SELECT
    of the ids the other filters leave.

    SQLite ranks with ``apply`` instead, joined to the organisations: its documents hold their
    texts inline (FTS5 reads them as its content), and reading ``listed`` past them cost more
    than the organisations' own index (a common word with filters: 15-26 ms instead of
    10-19)."""
    document_ = search_document.c
    tsquery = _postgres_tsquery(query, fuzzy)
    if tsquery is None:
        return select(document_.organisation_id).where(false())
    # Ranked once, in a MATERIALIZED CTE that hands on (id, country, rank) only: otherwise every
    # match's vector rides along to the count and the sort (8 MB spilt to disk for a common
    # word, 30 ms more).
    matches = (select(document_.organisation_id, document_.country,
                      func.ts_rank(document_.tsv, tsquery).label("rank"))
               .where(document_.listed.is_(True), document_.tsv.op("@@")(tsquery)))
    if country:
        matches = matches.where(document_.country == country)
    if within is not None:
        matches = matches.where(document_.organisation_id.in_(within))
    matches = matches.cte("matches").prefix_with("MATERIALIZED")
    return select(matches.c.organisation_id).order_by(
        matches.c.rank.desc(), matches.c.country.desc(), matches.c.organisation_id)


def _fts5_matches(query: Query, fuzzy: bool):
    """SQLite: the matches and their ``bm25`` (lower is better), once, in a MATERIALIZED CTE:
    joined the other way round, SQLite walks the organisations and runs the full-text query once
    for each (1 s instead of 10 ms at 2,000)."""
    return (select(search_fts.c.rowid.label("organisation_id"),
                   func.bm25(literal_table(), *WEIGHTS).label("rank"))
            .where(search_fts.c.search_fts.op("MATCH")(_fts5(query, prefix=fuzzy)))
            .cte("matches").prefix_with("MATERIALIZED"))


def apply(statement, query: Query, fuzzy: bool = False):
    """Narrow a SELECT of organisations to those the query finds. SQLite: best first (its
    ranking, joined to the organisations). PostgreSQL: only the filter, for a reader's own
    sort, which orders the matches instead (the default order is ``ranked``'s), so nothing is
    ranked there only to be thrown away."""
    if is_postgres():
        tsquery = _postgres_tsquery(query, fuzzy)
        if tsquery is None:
            return statement.where(false())
        return statement.where(Organisation.id.in_(
            select(search_document.c.organisation_id)
            .where(search_document.c.tsv.op("@@")(tsquery))))
    matches = _fts5_matches(query, fuzzy)
    return (statement.join(matches, matches.c.organisation_id == Organisation.id)
            .order_by(matches.c.rank))


def _similar_words_query(query: Query) -> str | None:
    """PostgreSQL: a tsquery of the indexed words most like each word of the query (its lemma
    and its Latin skeleton), or None when a word is like nothing indexed. One statement: the
    words are looked up together, each through the trigram index (``%`` with
    ``pg_trgm.similarity_threshold``, lowered for this transaction: 0.3 finds too much, the
    default ``word_similarity`` 0.6 too little for one wrong letter in a short word)."""
    terms, owners = [], []
    for position, group in enumerate(query.groups):
        for term in group:
            if not term.startswith(CONCEPT_MARK):
                terms.append(term.rstrip("*"))
                owners.append(position)
    db.session.execute(select(func.set_config("pg_trgm.similarity_threshold",
                                               str(TRIGRAM_THRESHOLD), True)))
    asked = (func.unnest(postgresql_array(terms)).table_valued("term", with_ordinality="n")
             .render_derived("asked"))
    candidate = search_word.c.word
    similar = (select(candidate).where(candidate.op("%")(asked.c.term))
               .order_by(candidate.op("<->")(asked.c.term))
               .limit(SIMILAR_WORDS).lateral())
    found: dict[int, list[str]] = {}
    for n, word in db.session.execute(select(asked.c.n, similar.c.word)
                                      .select_from(asked.join(similar, true()))):
        found.setdefault(owners[n - 1], []).append(word)
    if len(found) < len(query.groups):
        return None
    return " & ".join("(" + " | ".join(_quoted(word) for word in dict.fromkeys(words)) + ")"
                      for _position, words in sorted(found.items()))


def _quoted(word: str) -> str:
    """A word as a tsquery lexeme, quoted: nothing in it is read as an operator."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def literal_table():
    """``search_fts`` as the first argument of FTS5's ranking functions."""
    return literal_column("search_fts")


# --- highlighting ------------------------------------------------------------------------------

def _hits(text: str, query: Query) -> list[tuple[int, int]]:
    words = lexicon.tokens(text)
    keys = [key for _start, _end, key in words]
    hit = [key in query.keys for key in keys]
    for start, end, concept_id in lexicon.concept_spans(keys):
        if concept_id in query.concepts:
            hit[start:end] = [True] * (end - start)
    spans = []
    for (start, end, _key), found in zip(words, hit, strict=True):
        if not found and query.prefixes:
            latin = skeleton(text[start:end]).replace(" ", "")
            found = any(latin.startswith(prefix) for prefix in query.prefixes)
        if found:
            spans.append((start, end))
    return spans


def highlight(text: str | None, query: Query) -> Markup:
    """The text, escaped, with each word the query matched in ``<mark>``."""
    text = unicodedata.normalize("NFKC", text or "")
    if not query:
        return escape(text)
    parts, position = [], 0
    for start, end in _hits(text, query):
        parts += [escape(text[position:start]), Markup("<mark>"), escape(text[start:end]),
                  Markup("</mark>")]
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def snippet(texts: Iterable[str | None], query: Query) -> Markup | None:
    """A short passage of the first text the query matched, highlighted (None if none did)."""
    if not query:
        return None
    for text in texts:
        text = unicodedata.normalize("NFKC", text or "")
        spans = _hits(text, query)
        if not spans:
            continue
        first = spans[0][0]
        start = 0 if first < SNIPPET // 3 else text.rfind(" ", 0, first - SNIPPET // 3) + 1
        end = len(text) if len(text) - start <= SNIPPET else text.find(" ", start + SNIPPET)
        end = len(text) if end == -1 else end
        passage = highlight(text[start:end], query)
        return Markup("").join([Markup("… ") if start else "", passage,
                                Markup(" …") if end < len(text) else ""])
    return None
