"""The embedded listing store: one SQLite file, words in FTS5, vectors as packed float32.

Search is hybrid and bounded: candidates come from indexes (FTS5 words, the reference, the model,
the brand, or the most recent rows when the query names nothing), filters applied in SQL, and only
those few hundred candidates get their vectors scored in Python (no numpy here). So a search costs
the same at 100 rows and at 100,000 (bench/bench_store.py measures it).

Threads: connections come from a small pool (WAL: readers never wait for the writer); writes take
one lock, so a worker pool and HTTP threads share a store. A caller-supplied connection is used
alone under that lock (open it with check_same_thread=False to share it between threads).
"""
import logging
import math
import queue
import sqlite3
import struct
import sys
import threading
from array import array
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass
from operator import mul
from typing import Sequence

from extract import Listing
from store import ListingRecord, SearchFilters, SearchHit, SearchQuery, StoreError, present_keys
from store.embed import fold, terms

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    message_id   TEXT PRIMARY KEY,
    text         TEXT,
    timestamp    INTEGER NOT NULL,
    sender_id    TEXT,
    sender_name  TEXT,
    group_id     TEXT,
    source       TEXT NOT NULL,
    type         TEXT NOT NULL,
    language     TEXT,
    confidence   REAL
);
CREATE TABLE IF NOT EXISTS listings (
    id           INTEGER PRIMARY KEY,        -- also the rowid of listings_fts
    message_id   TEXT NOT NULL REFERENCES messages(message_id),
    position     INTEGER NOT NULL,
    has_listing  INTEGER NOT NULL,           -- 0: a message that names no watch (words only)
    type         TEXT NOT NULL,              -- the message's, copied so filters need no join
    timestamp    INTEGER NOT NULL,           -- the message's, for recency
    brand TEXT, model TEXT, reference TEXT, price REAL, currency TEXT, condition TEXT,
    year INTEGER, size_mm REAL, movement TEXT, box INTEGER, papers INTEGER, price_eur REAL,
    span_start INTEGER, span_end INTEGER,
    brand_key    TEXT,                       -- folded, letters and digits only: exact matches
    model_key    TEXT,
    reference_key TEXT,
    UNIQUE (message_id, position)
);
CREATE TABLE IF NOT EXISTS embeddings (       -- apart, so listings rows stay small for filters
    id           INTEGER PRIMARY KEY REFERENCES listings(id),
    embedder     TEXT NOT NULL,
    text         TEXT NOT NULL,              -- what was embedded (to embed again with another model)
    vector       BLOB NOT NULL               -- float32 little-endian, L2-normalised
);
CREATE INDEX IF NOT EXISTS listings_brand ON listings (brand_key, timestamp);
CREATE INDEX IF NOT EXISTS listings_model ON listings (model_key, timestamp);
CREATE INDEX IF NOT EXISTS listings_reference ON listings (reference_key);
CREATE INDEX IF NOT EXISTS listings_recent ON listings (timestamp);
CREATE VIRTUAL TABLE IF NOT EXISTS listings_fts USING fts5 (words, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS listings_gone AFTER DELETE ON listings BEGIN
    DELETE FROM listings_fts WHERE rowid = old.id;
    DELETE FROM embeddings WHERE id = old.id;
END;
"""


@lru_cache(maxsize=4096)      # brands, models and references repeat from listing to listing
def key(value) -> str | None:
    """Exact-match key: folded, letters and digits only ('GMT-Master II' -> 'gmtmasterii')."""
    if value is None:
        return None
    folded = "".join(c for c in fold(str(value)) if c.isalnum())
    return folded or None


def pack(vector: Sequence[float]) -> bytes:
    return struct.pack(f"<{len(vector)}f", *vector)       # float32 little-endian (struct: 2.5x array's speed)


def unpack(blob: bytes) -> array:
    vector = array("f")
    vector.frombytes(blob)
    if sys.byteorder == "big":
        vector.byteswap()
    return vector

# ---------------------------------------------------------------------------------------------
# Connections: a pool over a path, or the one connection given
# ---------------------------------------------------------------------------------------------


class SQLiteStore:
    def __init__(self, path_or_connection, busy_timeout_ms: int = 10_000, weights: "Weights | None" = None):
        self.weights = weights or Weights()
        self._write_lock = threading.RLock()
        self._idle: queue.SimpleQueue = queue.SimpleQueue()
        self._busy_timeout_ms = busy_timeout_ms
        self._owns_shared = not isinstance(path_or_connection, sqlite3.Connection)
        if not self._owns_shared:
            self._path, self._shared = None, path_or_connection
        elif str(path_or_connection) == ":memory:":    # one database only exists in one connection
            self._path, self._shared = None, self._connect(":memory:", check_same_thread=False)
        else:
            self._path, self._shared = str(path_or_connection), None
        try:
            with self._write_lock, self._connection() as db:
                db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot create the store's tables in {self._path or 'the connection'}: {exc}") from exc

    def _connect(self, path: str, **options) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(path, timeout=self._busy_timeout_ms / 1000, isolation_level=None, **options)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA mmap_size=268435456")       # reads share the OS page cache, no copies
            db.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store {path}: {exc}") from exc
        return db

    @contextmanager
    def _connection(self):
        if self._shared is not None:
            with self._write_lock:
                yield self._shared
            return
        try:
            db = self._idle.get_nowait()
        except queue.Empty:
            db = self._connect(self._path, check_same_thread=False)     # pooled: any thread may take it
        try:
            yield db
        finally:
            self._idle.put(db)

    @contextmanager
    def _write(self):
        """One writer at a time, one transaction per save."""
        with self._write_lock, self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def close(self) -> None:
        if self._shared is not None:
            if self._owns_shared:      # a caller's connection is the caller's to close
                self._shared.close()
            return
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return

    def health(self) -> tuple[bool, str]:
        try:
            with self._connection() as db:
                count = db.execute("SELECT count(*) FROM listings WHERE has_listing").fetchone()[0]
        except sqlite3.Error as exc:
            return False, f"sqlite: {exc}"
        return True, f"sqlite: {count} listings"

    def stats(self) -> dict:
        with self._connection() as db:
            messages = db.execute("SELECT count(*) FROM messages").fetchone()[0]
            listings = db.execute("SELECT count(*) FROM listings WHERE has_listing").fetchone()[0]
        return {"messages": messages, "listings": listings}

    # -----------------------------------------------------------------------------------------
    # Saving: idempotent upsert keyed by (message_id, position)
    # -----------------------------------------------------------------------------------------

    def save(self, records: Sequence[ListingRecord]) -> None:
        """Messages seen for the first time (nearly all) are inserted with ids counted on from the
        highest; those saved before are upserted and lose the positions they no longer have."""
        if not records:
            return
        messages = {r.message.message_id: r.message for r in records}
        records = [r for r in records if r.message is messages[r.message.message_id]]  # an edit in the batch wins
        try:
            with self._write() as db:
                known = present_keys(db, "messages", "message_id", list(messages))
                new = [r for r in records if r.message.message_id not in known]
                again = [r for r in records if r.message.message_id in known]
                db.executemany(UPSERT_MESSAGE, [message_row(m) for m in messages.values()])
                first = (db.execute("SELECT max(id) FROM listings").fetchone()[0] or 0) + 1
                ids = range(first, first + len(new))     # the write lock is ours: nobody takes these
                db.executemany(INSERT_LISTING, [(row_id, *listing_row(r)) for row_id, r in zip(ids, new)])
                ids = [*ids, *(db.execute(UPSERT_LISTING, listing_row(r)).fetchone()[0] for r in again)]
                records = new + again
                db.executemany("INSERT OR REPLACE INTO listings_fts (rowid, words) VALUES (?, ?)",
                               [(row_id, " ".join(terms(r.text))) for row_id, r in zip(ids, records)])
                db.executemany("INSERT OR REPLACE INTO embeddings (id, embedder, text, vector) VALUES (?, ?, ?, ?)",
                               [(row_id, r.embedder, r.text, pack(r.vector)) for row_id, r in zip(ids, records)])
                # A message read again with fewer listings loses the positions it no longer has.
                db.executemany("DELETE FROM listings WHERE message_id = ? AND position >= ?",
                               [(m.message_id, len(m.extraction.listings) or 1) for m in messages.values()
                                if m.message_id in known])
        except sqlite3.Error as exc:
            raise StoreError(f"cannot save {len(records)} listings to SQLite: {exc}") from exc

    def delete(self, message_ids: Sequence[str]) -> None:
        """Remove messages and their listings (the trigger drops their words and vectors); ids not
        stored are no error, so deleting twice is deleting once."""
        message_ids = list(dict.fromkeys(message_ids))
        try:
            with self._write() as db:
                for start in range(0, len(message_ids), 500):   # stay under SQLite's bound-variable limit
                    chunk = message_ids[start:start + 500]
                    marks = ", ".join("?" * len(chunk))
                    db.execute(f"DELETE FROM listings WHERE message_id IN ({marks})", chunk)
                    db.execute(f"DELETE FROM messages WHERE message_id IN ({marks})", chunk)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot delete {len(message_ids)} messages from SQLite: {exc}") from exc

    # -----------------------------------------------------------------------------------------
    # Searching: bounded candidates, exact filters, hybrid score
    # -----------------------------------------------------------------------------------------

    def search(self, query: SearchQuery, vector: Sequence[float], filters: SearchFilters,
               limit: int) -> list[SearchHit]:
        where, params = filter_sql(filters)
        try:
            with self._connection() as db:
                words = candidates_by_words(db, query.word_text, where, params)
                ids = set(words)
                ids.update(candidates_by_keys(db, query, where, params))
                if not terms(query.word_text):     # filters only: the most recent listings that pass
                    ids.update(candidates_recent(db, where, params))
                rows = fetch(db, ids)
        except sqlite3.Error as exc:
            raise StoreError(f"SQLite search failed: {exc}") from exc
        log.debug("search: %d rows by words, %d candidates scored", len(words), len(rows))
        return rank(rows, words, query, vector, limit, self.weights)


# ---------------------------------------------------------------------------------------------
# Rows in and out
# ---------------------------------------------------------------------------------------------

UPSERT_MESSAGE = """
INSERT INTO messages (message_id, text, timestamp, sender_id, sender_name, group_id, source, type,
                      language, confidence)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (message_id) DO UPDATE SET
    text = excluded.text, timestamp = excluded.timestamp, sender_id = excluded.sender_id,
    sender_name = excluded.sender_name, group_id = excluded.group_id, source = excluded.source,
    type = excluded.type, language = excluded.language, confidence = excluded.confidence
"""

LISTING_COLUMNS = ("message_id", "position", "has_listing", "type", "timestamp", "brand", "model",
                   "reference", "price", "currency", "condition", "year", "size_mm", "movement", "box",
                   "papers", "price_eur", "span_start", "span_end", "brand_key", "model_key",
                   "reference_key")

INSERT_LISTING = f"""
INSERT INTO listings (id, {", ".join(LISTING_COLUMNS)})
VALUES (?, {", ".join("?" * len(LISTING_COLUMNS))})
"""

UPSERT_LISTING = f"""
INSERT INTO listings ({", ".join(LISTING_COLUMNS)})
VALUES ({", ".join("?" * len(LISTING_COLUMNS))})
ON CONFLICT (message_id, position) DO UPDATE SET
    {", ".join(f"{c} = excluded.{c}" for c in LISTING_COLUMNS[2:])}
RETURNING id
"""


def message_row(m) -> tuple:
    e = m.extraction
    return (m.message_id, m.text, int(m.timestamp), m.sender_id, m.sender_name, m.group_id, m.source,
            e.type, e.language, e.confidence)


def listing_row(r: ListingRecord) -> tuple:
    listing = r.listing or Listing()
    span = listing.span or (None, None)
    return (r.message.message_id, r.position, r.listing is not None, r.message.extraction.type,
            int(r.message.timestamp), listing.brand, listing.model, listing.reference, listing.price,
            listing.currency, listing.condition, listing.year, listing.size_mm, listing.movement,
            listing.box, listing.papers, listing.price_eur, span[0], span[1], key(listing.brand),
            key(listing.model), key(listing.reference))


FETCH_COLUMNS = ("l.id", "l.message_id", "m.text", "l.type", "m.sender_name", "l.timestamp", "l.has_listing",
                 "l.brand", "l.model", "l.reference", "l.price", "l.currency", "l.condition", "l.year",
                 "l.size_mm", "l.movement", "l.box", "l.papers", "l.price_eur", "l.span_start", "l.span_end",
                 "l.brand_key", "l.model_key", "l.reference_key", "e.embedder", "e.vector")


def fetch(db, ids) -> list[tuple]:
    ids = list(ids)
    rows = []
    for start in range(0, len(ids), 500):       # stay under SQLite's bound-variable limit
        chunk = ids[start:start + 500]
        rows += db.execute(f"SELECT {', '.join(FETCH_COLUMNS)} FROM listings l "
                           f"JOIN messages m ON m.message_id = l.message_id JOIN embeddings e ON e.id = l.id "
                           f"WHERE l.id IN ({', '.join('?' * len(chunk))})", chunk).fetchall()
    return rows


def hit(row, score: float) -> SearchHit:
    (_, message_id, text, type_, sender_name, timestamp, has_listing, brand, model, reference, price,
     currency, condition, year, size_mm, movement, box, papers, price_eur, span_start, span_end) = row[:21]
    listing = Listing(brand, model, reference, price, currency, condition, year, size_mm, movement,
                      None if box is None else bool(box), None if papers is None else bool(papers),
                      price_eur, None if span_start is None else (span_start, span_end))
    return SearchHit(message_id, text, type_, sender_name, timestamp, listing if has_listing else None, score)

# ---------------------------------------------------------------------------------------------
# Filters (exact, in SQL) and candidates (bounded, from indexes)
# ---------------------------------------------------------------------------------------------

CANDIDATES = 100       # rows per key path (reference, model, brand, recent)
PER_WORD = 120         # rows per query word, most recent first
SCAN = 600             # rows per query word, brand or model tried against the filters
MAX_WORDS = 6          # words of a query looked up (a pasted paragraph does not cost 100 lookups)


def prefix_range(value: str) -> tuple[str, str]:
    """[value, next) bounds so an index serves 'starts with value' (keys are ASCII letters/digits)."""
    return value, value[:-1] + chr(ord(value[-1]) + 1)


def filter_sql(filters: SearchFilters) -> tuple[str, list]:
    clauses, params = ["1"], []
    if filters.brand:
        clauses.append("l.brand_key = ?")
        params.append(key(filters.brand))
    if filters.model and key(filters.model):
        clauses.append("l.model_key >= ? AND l.model_key < ?")     # the family: Submariner, Submariner Date
        params += prefix_range(key(filters.model))
    if filters.type:
        clauses.append("l.type = ?")
        params.append(filters.type)
    price = "l.price_eur"
    if filters.currency:
        clauses.append("l.currency = ?")
        params.append(filters.currency.upper())
        price = "l.price"
    if filters.min_price is not None:
        clauses.append(f"{price} >= ?")       # NULL never compares: a listing without price fails
        params.append(float(filters.min_price))
    if filters.max_price is not None:
        clauses.append(f"{price} <= ?")
        params.append(float(filters.max_price))
    return " AND ".join(clauses), params


def query_words(text: str) -> list[str]:
    """The query's words as FTS5 strings, quoted (no FTS5 syntax gets through from users). A reference
    counts joined, plus its base ('5711/1A-010' -> '57111a010', '5711': the family, 5711/1R too); these
    and any word of 4+ characters with a digit match as prefixes ('126710' finds '126710blro'); short
    numbers match exactly ('1'* would match half the corpus)."""
    words, reference = [], ""
    for word in dict.fromkeys(terms(text)):
        digits = any(c.isdigit() for c in word)
        if digits and reference and word in reference:
            if reference.startswith(word) and len(word) >= 4 and word not in words:
                words.append(word)        # the base of the reference just added
            continue                      # its other parts: the joined form covers them
        words.append(word)
        reference = word if digits else ""
    return [f'"{w}"*' if len(w) >= 4 and any(c.isdigit() for c in w) else f'"{w}"' for w in words[:MAX_WORDS]]


def bounded(source: str, where: str, params: list) -> str:
    """SQL for the ids of `source` (ids, most recent first) that pass the filters. With filters, only
    its SCAN most recent rows are tried: a tight filter on a common word or brand would otherwise
    walk every row of it."""
    if not params:
        return f"{source} LIMIT ?"
    return (f"SELECT l.id FROM ({source} LIMIT {SCAN}) AS found JOIN listings l ON l.id = found.id "
            f"WHERE {where} ORDER BY l.id DESC LIMIT ?")


def candidates_by_words(db, text: str, where: str, params: list) -> dict[int, float]:
    """Row id -> share of the query's word weight (idf) it matches, for rows sharing words with it.

    No bm25 ORDER BY: that scores every row holding a word, and 'rolex' is in a fifth of them.
    Instead each word is read most recent first up to PER_WORD rows (all of a rare word's rows, the
    recent ones of a common word), plus the most recent rows holding every word; a word's weight is
    its idf, from the rows found (a common word, cut at PER_WORD, weighs little anyway)."""
    words = query_words(text)
    if not words:
        return {}
    sql = bounded("SELECT rowid AS id FROM listings_fts WHERE listings_fts MATCH ? ORDER BY rowid DESC",
                  where, params)
    total = (db.execute("SELECT max(id) FROM listings").fetchone()[0] or 0) + 1
    matched: dict[int, float] = {}
    weight_sum = 0.0
    for word in words:
        ids = [row[0] for row in db.execute(sql, [word, *params, PER_WORD])]
        weight = math.log(1 + total / (len(ids) + 1))
        weight_sum += weight
        for row_id in ids:
            matched[row_id] = matched.get(row_id, 0.0) + weight
    if len(words) > 1:
        for (row_id,) in db.execute(sql, [" AND ".join(words), *params, PER_WORD]):
            matched[row_id] = weight_sum      # holds every word, even those cut at PER_WORD
    return {row_id: weight / weight_sum for row_id, weight in matched.items()}


def candidates_by_keys(db, query: SearchQuery, where: str, params: list) -> list[int]:
    """Rows whose extracted reference, model or brand is the query's: the most recent of the same
    brand or model, and those of a longer model name or reference ('Submariner' -> 'Submariner Date',
    '126710' -> '126710BLRO'; a range, so in index order rather than by date)."""
    ids = []
    for column, value in (("model_key", key(query.model)), ("brand_key", key(query.brand))):
        if value:
            sql = bounded(f"SELECT id FROM listings WHERE {column} = ? ORDER BY timestamp DESC, id DESC",
                          where, params)
            ids += [row[0] for row in db.execute(sql, [value, *params, CANDIDATES])]
    for column, value in (("reference_key", key(query.reference)), ("model_key", key(query.model))):
        if value:
            sql = bounded(f"SELECT id FROM listings WHERE {column} > ? AND {column} < ?", where, params)
            ids += [row[0] for row in db.execute(sql, [*prefix_range(value), *params, CANDIDATES])]
    return ids


def candidates_recent(db, where: str, params: list) -> list[int]:
    return [row[0] for row in db.execute(
        f"SELECT l.id FROM listings l WHERE {where} ORDER BY l.timestamp DESC LIMIT ?", [*params, CANDIDATES])]

# ---------------------------------------------------------------------------------------------
# Ranking: vector + words + exact matches (weights measured by bench/bench_search.py)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Weights:
    vector: float = 0.3       # cosine similarity of the embeddings
    words: float = 0.5        # share of the query's word weight (idf) the row holds
    reference: float = 0.6    # the query's reference is the listing's (or a prefix of it)
    model: float = 0.3        # same model family
    brand: float = 0.15       # same brand
    offer: float = 0.1        # a sale, wanted or trade: what a search is for (not a question or a chat)
    detail: float = 0.1       # each of the query's condition and year the listing has
    counterpart: float = 0.05 # a sale for a 'cherche ...' query, a wanted for a 'vends ...' one


OFFERS = frozenset({"sale", "wanted", "trade"})
COUNTERPART = {"wanted": "sale", "sale": "wanted"}     # who answers a query of that type


def dot_with(query: Sequence[float]):
    """Dot product with `query`, over its non-zero slots only when few (the local embedder's are)."""
    slots = [(i, x) for i, x in enumerate(query) if x]
    if len(slots) * 2 < len(query):
        return lambda vector: sum(x * vector[i] for i, x in slots)
    dense = list(query)
    return lambda vector: sum(map(mul, dense, vector))


def rank(rows, words: dict[int, float], query: SearchQuery, vector: Sequence[float],
         limit: int, weights: Weights = Weights()) -> list[SearchHit]:
    w = weights
    q_brand, q_model, q_ref = key(query.brand), key(query.model), key(query.reference)
    dot = dot_with(vector)
    scored = []
    for row in rows:
        row_id, brand_key, model_key, ref_key, embedder, blob = row[0], *row[21:26]
        if q_brand and brand_key and brand_key != q_brand:
            continue         # the query names another brand: narrowed out
        comparable = embedder == query.embedder and len(blob) == 4 * len(vector)
        similarity = dot(unpack(blob)) if comparable else 0.0
        score = (w.vector * similarity
                 + w.words * words.get(row_id, 0.0)
                 + w.reference * bool(q_ref and ref_key and (ref_key.startswith(q_ref) or q_ref.startswith(ref_key)))
                 + w.model * bool(q_model and model_key and (q_model in model_key or model_key in q_model))
                 + w.brand * bool(q_brand and brand_key == q_brand)
                 + w.offer * (row[3] in OFFERS)
                 + w.detail * ((query.condition is not None and row[12] == query.condition)
                               + (query.year is not None and row[13] == query.year))
                 + w.counterpart * (COUNTERPART.get(query.type) == row[3]))
        scored.append((score, row[5], row))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [hit(row, score) for score, _, row in scored[:limit]]
