"""Everything that persists: the SQLite journal and stats, the listing stores, the embedders.

Contract between the pipeline (whatsrag.py) and the stores (keep it stable):

    StoredMessage      one message as the pipeline hands it over (built once, frozen)
    SearchFilters      exact filters of a search
    ListingRecord      one row a store saves: a message, a listing position, what was embedded, the vector
    SearchQuery        the query text as extract() read it (brand, model, reference, words)
    SearchHit          one search result; .to_dict() is the /search result shape
    open_embedder(openai_api_key=None, model=..., base_url=None, timeout=..., dim=512) -> Embedder
    open_store(sqlite_path, supabase_url=None, supabase_key=None, timeout=...) -> Store
    index(store, embedder, messages) -> int       embed (batched) and save (idempotent upsert)
    search(store, embedder, query, filters, limit) -> list[SearchHit]   query read with extract()

    Embedder: .name, .dim, .embed(texts: list[str]) -> list[vector]   (dim floats, L2-normalised)
    Store:    .save(records: Sequence[ListingRecord]) -> None
              .search(query: SearchQuery, vector, filters: SearchFilters, limit: int) -> list[SearchHit]
              .health() -> (ok: bool, detail: str)
              .close()

Every message is saved: one record per listing (position 0, 1, ...), or a single record at position 0
with `listing=None` for a message that names no watch (still found by its words).
"""
import os
import re
from dataclasses import dataclass, replace
from typing import Protocol, Sequence

from extract import Extraction, Listing, extract


class StoreError(Exception):
    """Base of every error raised by store/ (journal, listing stores, embedders)."""


# ---------------------------------------------------------------------------------------------
# Records: what the pipeline hands over, what a store saves, what a search returns
# ---------------------------------------------------------------------------------------------


def present_keys(db, table: str, column: str, keys: list[str]) -> set[str]:
    """Which of `keys` are in `table.column` (SQLite, looked up by key, never a scan); the journal and the
    embedded store share it. `table` and `column` are the callers' constants, never user input."""
    found = set()
    for start in range(0, len(keys), 500):      # stay under SQLite's bound-variable limit
        chunk = keys[start:start + 500]
        found.update(row[0] for row in db.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk))
    return found


@dataclass(frozen=True)
class StoredMessage:
    message_id: str
    text: str | None
    timestamp: int                  # unix seconds
    sender_id: str | None           # wa_id / phone: personal data, never logged at INFO
    sender_name: str | None
    group_id: str | None
    source: str                     # "webhook" or "import"
    extraction: Extraction


@dataclass(frozen=True)
class SearchFilters:
    brand: str | None = None
    model: str | None = None        # a family: "Submariner" also matches "Submariner Date"
    type: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    currency: str | None = None     # given: prices compared in it; else in EUR (price_eur)


@dataclass(frozen=True)
class ListingRecord:
    message: StoredMessage
    position: int                   # index in message.extraction.listings; 0 when listing is None
    listing: Listing | None
    text: str                       # the text that was embedded (see embedding_text)
    vector: tuple[float, ...]
    embedder: str                   # Embedder.name: vectors of different embedders never compared


@dataclass(frozen=True)
class SearchQuery:
    text: str                       # as typed
    brand: str | None = None        # read from the text by extract()
    model: str | None = None
    reference: str | None = None
    embedder: str | None = None     # the Embedder.name of the query vector: other rows score no vector
    words: str | None = None        # the text without its price bounds ('Pepsi sous 15k' -> 'Pepsi'),
                                    # what word indexes look for (None: the whole text)
    condition: str | None = None    # 'Submariner neuve' -> 'new'
    year: int | None = None
    type: str | None = None         # 'cherche ...' -> 'wanted': the sellers are what the dealer wants

    @property
    def word_text(self) -> str:
        return self.text if self.words is None else self.words


@dataclass(frozen=True)
class SearchHit:
    message_id: str
    text: str | None
    type: str
    sender_name: str | None
    timestamp: int
    listing: Listing | None
    score: float

    def to_dict(self) -> dict:
        return {"message_id": self.message_id, "text": self.text, "type": self.type,
                "sender_name": self.sender_name, "timestamp": self.timestamp,
                "listing": self.listing.to_dict() if self.listing else None,
                "score": round(self.score, 4)}


class Store(Protocol):
    def save(self, records: Sequence[ListingRecord]) -> None: ...
    def search(self, query: SearchQuery, vector: Sequence[float], filters: SearchFilters,
               limit: int) -> list[SearchHit]: ...
    def delete(self, message_ids: Sequence[str]) -> None: ...   # idempotent: unknown ids are no error
    def health(self) -> tuple[bool, str]: ...
    def close(self) -> None: ...


from store.embed import EmbedError, LocalEmbedder, OpenAIEmbedder, make_openai_client  # noqa: E402

__all__ = ["StoreError", "EmbedError", "StoredMessage", "SearchFilters", "ListingRecord", "SearchQuery",
           "SearchHit", "Store", "open_embedder", "open_store", "index", "search", "read_query",
           "read_price_bounds", "embedding_text", "EMBEDDING_TEXTS"]

# ---------------------------------------------------------------------------------------------
# Opening: an embedder and a store from the configuration
# ---------------------------------------------------------------------------------------------

DEFAULT_DIM = 512


def open_embedder(openai_api_key: str | None = None, model: str = "text-embedding-3-small",
                  base_url: str | None = None, timeout: float = 30.0, dim: int | None = None,
                  max_retries: int = 5):
    """OpenAI embeddings with a key, else the local embedder; `dim` defaults to $EMBEDDING_DIM or 512."""
    if dim is None:
        raw = os.environ.get("EMBEDDING_DIM") or str(DEFAULT_DIM)
        if not raw.strip().isdigit():
            raise StoreError(f"EMBEDDING_DIM must be a whole number of dimensions, not {raw!r}")
        dim = int(raw)
    if not openai_api_key:
        return LocalEmbedder(dim)
    client = make_openai_client(openai_api_key, base_url, timeout, max_retries)
    return OpenAIEmbedder(client, model=model, dim=dim)


def open_store(sqlite_path, supabase_url: str | None = None, supabase_key: str | None = None,
               timeout: float = 10.0):
    """The Supabase store when a URL and key are given, else SQLite at `sqlite_path` (path or connection)."""
    if supabase_url and supabase_key:
        from store.supabase import SupabaseStore
        return SupabaseStore(supabase_url, supabase_key, timeout=timeout)
    from store.sqlite_store import SQLiteStore
    return SQLiteStore(sqlite_path)

# ---------------------------------------------------------------------------------------------
# Indexing: what text stands for a listing, embedded in batches, saved in one upsert
# ---------------------------------------------------------------------------------------------

EMBED_BATCH = 512      # texts per embed() call: one API request each (a 200 ms round trip), bounded memory


def listing_words(listing: Listing) -> str:
    """The normalised extraction as words: 'Rolex GMT-Master II 126710BLRO new 2023 full set'."""
    parts = [listing.brand, listing.model, listing.reference, listing.condition,
             str(listing.year) if listing.year else None,
             f"{listing.size_mm:g}mm" if listing.size_mm else None, listing.movement,
             "box" if listing.box else None, "papers" if listing.papers else None]
    return " ".join(p for p in parts if p)


def span_text(message: StoredMessage, listing: Listing | None) -> str:
    """A listing's own words when the message names several watches: the lines its span touches
    (a stock list gives a watch a line: its price, dial and condition are there, not in the span
    that names it); else the whole message."""
    text = message.text or ""
    if listing is None or not listing.span or len(message.extraction.listings) < 2:
        return text
    start = text.rfind("\n", 0, listing.span[0]) + 1
    end = text.find("\n", listing.span[1])
    return text[start:] if end < 0 else text[start:end]


def embedding_text(message: StoredMessage, listing: Listing | None) -> str:
    """What is embedded for a listing: its span followed by the normalised extraction.
    Chosen over the alternatives in EMBEDDING_TEXTS by bench/bench_search.py (recall@10, MRR)."""
    if listing is None:
        return message.text or ""
    return f"{span_text(message, listing)}\n{listing_words(listing)}"


EMBEDDING_TEXTS = {            # the candidates measured; `index(text_for=...)` takes any of them
    "span+extraction": embedding_text,
    "span": span_text,
    "message": lambda message, listing: message.text or "",
    "message+extraction": lambda message, listing: (
        f"{message.text or ''}\n{listing_words(listing)}" if listing else message.text or ""),
    "extraction": lambda message, listing: listing_words(listing) if listing else message.text or "",
}


def index(store, embedder, messages: Sequence[StoredMessage], text_for=embedding_text) -> int:
    """Embed every listing of `messages` in batches and save them; returns the number of records."""
    pending = [(message, position, listing, text_for(message, listing))
               for message in messages
               for position, listing in enumerate(message.extraction.listings or (None,))]
    saved = 0
    for start in range(0, len(pending), EMBED_BATCH):
        chunk = pending[start:start + EMBED_BATCH]
        vectors = embedder.embed([text for _, _, _, text in chunk])
        store.save([ListingRecord(message, position, listing, text, tuple(vector), embedder.name)
                    for (message, position, listing, text), vector in zip(chunk, vectors)])
        saved += len(chunk)
    return saved

# ---------------------------------------------------------------------------------------------
# Searching: the query read with extract(), a price ceiling in words, the store's hybrid ranking
# ---------------------------------------------------------------------------------------------

MAX_LIMIT = 100

# A price bound typed in the query: "sous 15k", "under 5000 euros", "max 10k", "moins de 8000€".
CEILING_WORDS = ("sous", "under", "max", "maximum", "moins de", "less than", "below", "budget",
                 "jusqu'à", "jusqu'a", "jusqu’à", "up to", "au plus", "pas plus de", "<=", "<", "≤")
FLOOR_WORDS = ("plus de", "over", "above", "min", "minimum", "au moins", "at least", "more than",
               "à partir de", "a partir de", ">=", ">", "≥")
CURRENCY_WORDS = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$": "USD", "usd": "USD",
                  "dollar": "USD", "dollars": "USD", "£": "GBP", "gbp": "GBP", "chf": "CHF",
                  "hkd": "HKD", "hk$": "HKD"}


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


PRICE_BOUND_RE = re.compile(rf"""
    (?<![\w])(?:(?P<ceiling>{_alternatives(CEILING_WORDS)})|(?P<floor>{_alternatives(FLOOR_WORDS)}))
    \s*:?\s*                                         # 'max: 10k'
    (?P<pre>{_alternatives(k for k in CURRENCY_WORDS if not k.isalpha())})?\s*   # '$10k', '€ 8000'
    (?P<amount>\d{{1,3}}(?:[ .,'’]\d{{3}})+|\d+(?:[.,]\d+)?)   # 15 000, 15.000, 15'000, 15,5
    \s*(?P<k>k|mille)?(?![a-z0-9])                   # 15k, 15,5k
    \s*(?P<post>{_alternatives(CURRENCY_WORDS)})?(?![a-z])     # '8000€', '5000 euros'
""", re.VERBOSE | re.IGNORECASE)


@dataclass(frozen=True)
class PriceBound:
    ceiling: float | None
    floor: float | None
    currency: str | None     # None: EUR, compared with price_eur
    span: tuple[int, int]


def _amount(raw: str, thousands: bool) -> float:
    if re.fullmatch(r"\d{1,3}(?:[ .,'’]\d{3})+", raw):
        value = float(re.sub(r"\D", "", raw))
    else:
        value = float(raw.replace(",", "."))
    return value * 1000 if thousands else value


def read_price_bounds(text: str) -> list[PriceBound]:
    bounds = []
    for match in PRICE_BOUND_RE.finditer(text):
        value = _amount(match["amount"], bool(match["k"]))
        sign = (match["pre"] or match["post"] or "").lower()
        currency = CURRENCY_WORDS.get(sign)
        bounds.append(PriceBound(value if match["ceiling"] else None, value if match["floor"] else None,
                                 None if currency == "EUR" else currency, match.span()))
    return bounds


def read_query(text: str, filters: SearchFilters, embedder: str | None = None
               ) -> tuple[SearchQuery, SearchFilters, str]:
    """The query as extract() reads it, explicit filters completed by its price bounds, and the text
    to embed (price words cut, the normalised extraction added as listings get it)."""
    bounds = read_price_bounds(text)
    words = text
    for bound in reversed(bounds):
        words = words[:bound.span[0]] + " " + words[bound.span[1]:]
    read = extract(words)
    first = next(iter(read.listings), Listing())
    query = SearchQuery(text, first.brand, first.model, first.reference, embedder, words,
                        first.condition, first.year, read.type)
    for bound in bounds:
        filters = _with_bound(filters, bound)
    described = listing_words(first)
    return query, filters, f"{words}\n{described}" if described else words


def _with_bound(filters: SearchFilters, bound: PriceBound) -> SearchFilters:
    if filters.currency and bound.currency and filters.currency != bound.currency:
        return filters       # explicit filters win over what the words say
    currency = filters.currency or bound.currency
    if bound.ceiling is not None and filters.max_price is None:
        filters = replace(filters, max_price=bound.ceiling, currency=currency)
    if bound.floor is not None and filters.min_price is None:
        filters = replace(filters, min_price=bound.floor, currency=currency)
    return filters


def canonical(filters: SearchFilters) -> SearchFilters:
    """Brand and model filters as listings spell them: 'AP' -> 'Audemars Piguet', 'Speedy' ->
    'Speedmaster' (read by extract(); a name it does not know is kept as given)."""
    changes = {}
    for name in ("brand", "model"):
        value = getattr(filters, name)
        read = next(iter(extract(value).listings), None) if value else None
        if read is not None and getattr(read, name):
            changes[name] = getattr(read, name)
    return replace(filters, **changes) if changes else filters


def search(store, embedder, query: str, filters: SearchFilters | None = None, limit: int = 10) -> list[SearchHit]:
    """Best listings (and messages) for `query`, filters applied exactly, best first."""
    try:
        limit = max(1, min(int(limit), MAX_LIMIT))
    except (TypeError, ValueError) as exc:
        raise StoreError(f"limit must be a whole number, not {limit!r}") from exc
    parsed, filters, embed_text = read_query(query or "", canonical(filters or SearchFilters()), embedder.name)
    vector = embedder.embed([embed_text])[0]
    return store.search(parsed, vector, filters, limit)
