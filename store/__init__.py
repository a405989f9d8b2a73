"""Everything that persists: the SQLite journal and stats, the listing stores, the embedders.

Contract between the pipeline (whatsrag.py) and the stores (keep it stable):

    StoredMessage      one message as the pipeline hands it over (built once, frozen)
    SearchFilters      exact filters of a search
    SearchHit          one search result; .to_dict() is the /search result shape
    open_embedder(openai_api_key=None, model=..., base_url=None, timeout=...) -> Embedder
    open_store(sqlite_path, supabase_url=None, supabase_key=None, timeout=...) -> Store
    index(store, embedder, messages) -> None     embed (batched) and save (idempotent upsert)
    search(store, embedder, query, filters, limit) -> list[SearchHit]   query read with extract()

    Embedder: .name, .dim, .embed(texts: list[str]) -> list[vector]
    Store:    .save(records), .search(query_text, vector, filters, limit), .health() -> (ok, detail)
"""
from dataclasses import dataclass

from extract import Extraction


class StoreError(Exception):
    """Base of every error raised by store/ (journal, listing stores, embedders)."""


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
    model: str | None = None
    type: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    currency: str | None = None     # given: prices compared in it; else in EUR (price_eur)
