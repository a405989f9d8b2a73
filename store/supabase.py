"""The Supabase listing store: PostgREST over Postgres + pgvector, through one requests.Session.

Set-up: apply store/schema.sql once to the project (SQL Editor, or psql), then give whatsrag
SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY. The anon (publishable) key is accepted with a warning:
the migration grants nothing to it, so it only works where the project's own RLS policies allow it.

    store = SupabaseStore("https://<ref>.supabase.co", service_role_key, timeout=10)
    store.save(records)                                  # upserts in chunks, idempotent
    store.search(query, vector, SearchFilters(brand="Rolex", max_price=15000), limit=10)
    store.health()                                       # (ok, detail) from one cheap probe

Every request this store makes is idempotent, so each one is retried with back-off on 429, 503, 520
and 504 (PGRST003) and when the connection fails: an upsert with `resolution=merge-duplicates` writes
the same rows whether it ran once or twice (a retry after a lost answer changes nothing),
drop_stale_listings deletes nothing more the second time, and match_listings is a STABLE (read-only)
function.
A request that is not idempotent would not be retried (`is_idempotent` decides); none exists today.

Search ranks exactly like the embedded store: the same keys (store.sqlite_store.key), the same folded
terms (store.embed.terms) and the same weights, with the scoring in SQL (match_listings).
"""
import base64
import binascii
import email.utils
import json
import logging
import random
import time
from dataclasses import asdict, dataclass
from typing import Sequence

import requests

from extract import Listing
from store import ListingRecord, SearchFilters, SearchHit, SearchQuery, StoreError
from store.embed import terms
from store.sqlite_store import CANDIDATES, Weights, key

log = logging.getLogger(__name__)

MESSAGES_TABLE = "messages"
LISTINGS_TABLE = "listings"
MATCH_FUNCTION = "match_listings"
DROP_STALE_FUNCTION = "drop_stale_listings"


class SupabaseError(StoreError):
    """A Supabase request failed; the message says what to do. `status`/`code` as PostgREST gave them."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.code = status, code

# ---------------------------------------------------------------------------------------------------------
# Keys: which role a key acts as, and how it is sent
# ---------------------------------------------------------------------------------------------------------


def key_role(api_key: str) -> str | None:
    """The Postgres role a key acts as: new-style keys by prefix, legacy JWT keys by their `role` claim."""
    if api_key.startswith("sb_publishable_"):
        return "anon"
    if api_key.startswith("sb_secret_"):
        return "service_role"
    try:
        payload = api_key.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).get("role")
    except (IndexError, ValueError, binascii.Error, AttributeError):
        return None


def auth_headers(api_key: str) -> dict[str, str]:
    """`apikey` always; `Authorization: Bearer` only for a JWT (Supabase refuses an sb_ key there)."""
    headers = {"apikey": api_key, "Content-Type": "application/json"}
    if not api_key.startswith("sb_"):
        headers["Authorization"] = f"Bearer {api_key}"
    return headers

# ---------------------------------------------------------------------------------------------------------
# Errors: PostgREST's {code, details, hint, message} turned into what a user can act on
# ---------------------------------------------------------------------------------------------------------


# (codes and statuses it covers, advice); a body's code is matched before the HTTP status.
ADVICE = (
    (("42P01", "PGRST205"), "table missing: apply store/schema.sql to the Supabase project (SQL Editor)"),
    (("42883", "PGRST202"), "function match_listings missing or outdated: apply store/schema.sql again"),
    (("42703", "PGRST204"), "column missing: the tables predate this version of whatsrag; apply store/schema.sql again"),
    (("42501",), "permission denied by row level security: use the service_role key "
                 "(SUPABASE_SERVICE_ROLE_KEY), or add RLS policies that allow the key you use"),
    (("PGRST301", "PGRST302", 401), "Supabase rejected the key: set SUPABASE_SERVICE_ROLE_KEY to the "
                                    "project's service_role (secret) key from Project Settings > API"),
    (("PGRST000", "PGRST001", "PGRST002", 503, 520), "Supabase is unavailable (its database cannot be reached)"),
    (("PGRST003", 504), "Supabase timed out (its connection pool is exhausted)"),
    ((429,), "Supabase rate limit reached"),
    ((404,), "not found: check SUPABASE_URL (https://<project-ref>.supabase.co)"),
)


def advice_for(status: int, code: str | None) -> str:
    for keys, advice in ADVICE:
        if code in keys:
            return advice
    return next((advice for keys, advice in ADVICE if status in keys), "Supabase request failed")


def error_from(response: requests.Response, what: str) -> SupabaseError:
    try:
        body = response.json()
    except ValueError:
        body = {"message": response.text[:200]}
    if not isinstance(body, dict):
        body = {"message": str(body)[:200]}
    code = body.get("code")
    detail = "; ".join(str(body[k]) for k in ("message", "details", "hint") if body.get(k))
    return SupabaseError(f"{advice_for(response.status_code, code)} ({what}: HTTP {response.status_code}"
                         f"{' ' + code if code else ''}: {detail})", response.status_code, code)

# ---------------------------------------------------------------------------------------------------------
# Requests: one session, a timeout on every call, retries for idempotent calls only
# ---------------------------------------------------------------------------------------------------------


RETRY_STATUSES = frozenset({429, 503, 520, 504})
# Functions safe to call twice: match_listings reads only (STABLE); drop_stale_listings deletes rows
# by position, and the second call finds none left to delete.
IDEMPOTENT_FUNCTIONS = frozenset({MATCH_FUNCTION, DROP_STALE_FUNCTION})


def is_idempotent(method: str, path: str, prefer: str) -> bool:
    """Whether sending the request twice leaves the database as sending it once (so a retry is safe)."""
    if method in ("GET", "HEAD"):
        return True
    if path.startswith("rpc/"):
        return path.removeprefix("rpc/") in IDEMPOTENT_FUNCTIONS
    if method == "DELETE":          # a filtered delete: the second finds nothing left
        return True
    return method == "POST" and "resolution=merge-duplicates" in prefer


def retry_after(response: requests.Response | None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date), if the answer gave one."""
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4            # tries per request, the first included
    backoff: float = 0.5         # seconds before the first retry, doubled each time (with jitter)
    max_delay: float = 30.0      # a longer Retry-After is cut to this: the pipeline retries later anyway

    def delay(self, attempt: int, response: requests.Response | None) -> float:
        asked = retry_after(response)
        if asked is not None:
            return min(asked, self.max_delay)
        return min(self.backoff * 2 ** attempt * random.uniform(0.8, 1.2), self.max_delay)


class SupabaseStore:
    def __init__(self, url: str, key: str, timeout: float = 10.0, session: requests.Session | None = None,
                 retry: RetryPolicy = RetryPolicy(), chunk_size: int = 200, weights: Weights = Weights(),
                 sleep=time.sleep):
        self.url = url.rstrip("/").removesuffix("/rest/v1")
        self.weights = weights
        self.timeout = timeout
        self.retry = retry
        self.chunk_size = chunk_size
        self._sleep = sleep
        self._headers = auth_headers(key)
        self._owns_session = session is None
        self._session = session or requests.Session()
        role = key_role(key)
        if role == "anon":
            log.warning("Supabase: the anon (publishable) key is in use; store/schema.sql grants it nothing, "
                        "so saving and searching work only if your RLS policies allow the anon role. "
                        "Use SUPABASE_SERVICE_ROLE_KEY on the server.")
        elif role != "service_role":
            log.warning("Supabase: the key is neither a service_role nor an anon key (role %s)", role)

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def _request(self, method: str, path: str, *, params: dict | None = None, body=None,
                 prefer: str = "", attempts: int | None = None) -> requests.Response:
        """Send one PostgREST request; retry it on transient failures when it is idempotent."""
        headers = dict(self._headers, Prefer=prefer) if prefer else self._headers
        data = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
        attempts = attempts or (self.retry.attempts if is_idempotent(method, path, prefer) else 1)  # >= 1:
        # the loop below always returns a response or raises
        what = f"{method} /rest/v1/{path}"
        for attempt in range(attempts):
            response = None
            try:
                response = self._session.request(method, f"{self.url}/rest/v1/{path}", params=params,
                                                 data=data, headers=headers, timeout=self.timeout)
            except requests.RequestException as exc:
                failure = SupabaseError(f"cannot reach Supabase at {self.url} ({what}: {exc.__class__.__name__})")
            else:
                if response.ok:
                    return response
                failure = error_from(response, what)
                if response.status_code not in RETRY_STATUSES:
                    raise failure
            if attempt + 1 == attempts:
                raise failure
            delay = self.retry.delay(attempt, response)
            log.warning("Supabase %s failed (%s); retry %d of %d in %.1f s", what,
                        response.status_code if response is not None else "no connection",
                        attempt + 1, attempts - 1, delay)
            self._sleep(delay)

    # -----------------------------------------------------------------------------------------------------
    # Health: one cheap read that also proves the table exists and the key may read it
    # -----------------------------------------------------------------------------------------------------

    def health(self) -> tuple[bool, str]:
        try:
            self._request("GET", LISTINGS_TABLE, params={"select": "message_id", "limit": "1"}, attempts=1)
        except SupabaseError as exc:
            return False, f"supabase: {exc}"
        return True, f"supabase: {self.url} reachable, tables present"

    # -----------------------------------------------------------------------------------------------------
    # Saving: messages, then their listings, then positions a re-read message no longer has
    # -----------------------------------------------------------------------------------------------------

    def save(self, records: Sequence[ListingRecord]) -> None:
        listings = {(r.message.message_id, r.position): listing_row(r) for r in records}  # last one wins
        messages = {r.message.message_id: r.message for r in records}
        self._upsert(MESSAGES_TABLE, "message_id", [message_row(m) for m in messages.values()])
        self._upsert(LISTINGS_TABLE, "message_id,position", list(listings.values()))
        self._drop_stale_positions(messages.values())

    def _upsert(self, table: str, conflict_columns: str, rows: list[dict]) -> None:
        for start in range(0, len(rows), self.chunk_size):
            self._request("POST", table, params={"on_conflict": conflict_columns},
                          body=rows[start:start + self.chunk_size],
                          prefer="resolution=merge-duplicates,return=minimal")

    def _drop_stale_positions(self, messages) -> None:
        """A message re-read with fewer listings loses the positions it no longer has (as in SQLite)."""
        kept = [(m.message_id, len(m.extraction.listings) or 1) for m in messages]
        for start in range(0, len(kept), self.chunk_size):
            self._request("POST", f"rpc/{DROP_STALE_FUNCTION}",
                          body={"kept": dict(kept[start:start + self.chunk_size])})

    def delete(self, message_ids: Sequence[str]) -> None:
        """Remove messages; their listings go with them (schema.sql: on delete cascade). Ids in chunks
        keep the URL short (DELETE_CHUNK ids of up to ~100 characters each, quoted)."""
        message_ids = list(dict.fromkeys(message_ids))
        for start in range(0, len(message_ids), DELETE_CHUNK):
            chunk = message_ids[start:start + DELETE_CHUNK]
            self._request("DELETE", MESSAGES_TABLE, params={"message_id": in_filter(chunk)},
                          prefer="return=minimal")

    # -----------------------------------------------------------------------------------------------------
    # Searching: one call to match_listings, filters and ranking inside SQL
    # -----------------------------------------------------------------------------------------------------

    def search(self, query: SearchQuery, vector: Sequence[float], filters: SearchFilters,
               limit: int) -> list[SearchHit]:
        response = self._request("POST", f"rpc/{MATCH_FUNCTION}", body={
            "query_embedding": [float(f"{x:.7g}") for x in vector],   # float32 precision is all pgvector keeps
            "query_embedder": query.embedder,
            "query_terms": list(dict.fromkeys(terms(query.word_text))),
            "query_brand_key": key(query.brand),
            "query_model_key": key(query.model),
            "query_reference_key": key(query.reference),
            "weights": asdict(self.weights),
            "match_count": limit,
            "candidate_count": CANDIDATES,
            "filter_brand_key": key(filters.brand),
            "filter_model_key": key(filters.model),
            "filter_type": filters.type,
            "filter_currency": filters.currency.upper() if filters.currency else None,
            "min_price": filters.min_price,
            "max_price": filters.max_price,
        })
        return [hit(row) for row in response.json()]

# ---------------------------------------------------------------------------------------------------------
# Rows in and out: records become the tables' JSON, match_listings' rows become SearchHits
# ---------------------------------------------------------------------------------------------------------


DELETE_CHUNK = 50                   # ids per DELETE: URLs stay well under the usual 8 KB limits


def in_filter(values) -> str:
    """PostgREST's `in.(...)` with every value double-quoted (commas, dots and parentheses are reserved)."""
    return "in.(%s)" % ",".join('"%s"' % v.replace("\\", "\\\\").replace('"', '\\"') for v in values)


def message_row(m) -> dict:
    e = m.extraction
    return {"message_id": m.message_id, "text": m.text, "type": e.type, "confidence": e.confidence,
            "language": e.language, "timestamp": int(m.timestamp), "sender_id": m.sender_id,
            "sender_name": m.sender_name, "group_id": m.group_id, "source": m.source}


def listing_row(r: ListingRecord) -> dict:
    listing = r.listing or Listing()
    span = listing.span or (None, None)
    return {"message_id": r.message.message_id, "position": r.position, "has_listing": r.listing is not None,
            "type": r.message.extraction.type, "timestamp": int(r.message.timestamp),
            "brand": listing.brand, "model": listing.model, "reference": listing.reference,
            "price": listing.price, "currency": listing.currency, "condition": listing.condition,
            "year": listing.year, "size_mm": listing.size_mm, "movement": listing.movement,
            "box": listing.box, "papers": listing.papers, "price_eur": listing.price_eur,
            "span_start": span[0], "span_end": span[1], "brand_key": key(listing.brand),
            "model_key": key(listing.model), "reference_key": key(listing.reference),
            "embedded_text": r.text, "words": " ".join(terms(r.text)), "embedder": r.embedder,
            "embedding": [float(f"{x:.7g}") for x in r.vector]}


def _number(value) -> float | None:
    return None if value is None else float(value)


def hit(row: dict) -> SearchHit:
    listing = None
    if row["has_listing"]:
        span = (row["span_start"], row["span_end"]) if row["span_start"] is not None else None
        listing = Listing(row["brand"], row["model"], row["reference"], _number(row["price"]), row["currency"],
                          row["condition"], row["year"], _number(row["size_mm"]), row["movement"], row["box"],
                          row["papers"], _number(row["price_eur"]), span)
    return SearchHit(row["message_id"], row["text"], row["type"], row["sender_name"], row["timestamp"],
                     listing, float(row["score"]))
