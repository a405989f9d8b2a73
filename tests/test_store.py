"""The SQLite listing store and the search API, on explicit Extraction/Listing values (no extractor)."""
import sqlite3
import threading

import pytest

from extract import Extraction, Listing
from store import (SearchFilters, StoredMessage, StoreError, index, open_embedder, open_store,
                   read_price_bounds, search)
from store.sqlite_store import SQLiteStore


def message(message_id, text, *listings, type_="sale", timestamp=1_700_000_000, sender="Bob"):
    return StoredMessage(message_id, text, timestamp, "33600000000", sender, "group-1", "webhook",
                         Extraction(type_, tuple(listings), 0.9, "fr"))


PEPSI = message("m-pepsi", "Vends Pepsi 126710BLRO 2022 full set 14500€",
                Listing("Rolex", "GMT-Master II", "126710BLRO", 14500, "EUR", "excellent", 2022,
                        box=True, papers=True, price_eur=14500))
SUB = message("m-sub", "Dispo Submariner Date 126610LN neuve 13,9k€",
              Listing("Rolex", "Submariner Date", "126610LN", 13900, "EUR", "new", price_eur=13900))
SPEEDY = message("m-speedy", "WTS Speedmaster Professional 310.30.42.50.01.001 $6,200",
                 Listing("Omega", "Speedmaster", "310.30.42.50.01.001", 6200, "USD", price_eur=5700))
TWO = message("m-two", "Stock: Nautilus 5711/1A 95k€\nAquanaut 5167A no price",
              Listing("Patek Philippe", "Nautilus", "5711/1A", 95000, "EUR", price_eur=95000, span=(7, 29)),
              Listing("Patek Philippe", "Aquanaut", "5167A", span=(30, 55)))
HELLO = message("m-hello", "Bonjour à tous, café demain à l'Opéra ?", type_="other")
WANTED = message("m-wanted", "Cherche Daytona acier 116500LN", type_="wanted",
                 *[Listing("Rolex", "Daytona", "116500LN")])
ALL = [PEPSI, SUB, SPEEDY, TWO, HELLO, WANTED]


@pytest.fixture
def store(tmp_path):
    store = open_store(tmp_path / "listings.db")
    index(store, open_embedder(), ALL)
    yield store
    store.close()


def ids(hits):
    return [hit.message_id for hit in hits]


def test_every_message_is_saved_once_and_saving_again_changes_nothing(store, tmp_path):
    assert store.stats() == {"messages": 6, "listings": 6}
    index(store, open_embedder(), ALL)
    assert store.stats() == {"messages": 6, "listings": 6}
    db = sqlite3.connect(tmp_path / "listings.db")
    assert db.execute("SELECT count(*) FROM listings").fetchone()[0] == 7      # + the message without a watch
    assert db.execute("SELECT count(*) FROM listings_fts").fetchone()[0] == 7


def test_delete_removes_messages_listings_words_and_vectors_and_is_idempotent(store, tmp_path):
    store.delete(["m-two", "m-hello", "m-never-stored"])
    store.delete(["m-two"])                             # a revoke delivered twice
    assert store.stats() == {"messages": 4, "listings": 4}
    assert not set(ids(search(store, open_embedder(), "Nautilus Aquanaut Bonjour café"))) & {"m-two", "m-hello"}
    db = sqlite3.connect(tmp_path / "listings.db")
    counts = [db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("listings", "listings_fts", "embeddings")]
    assert counts == [4, 4, 4]
    store.delete([f"m-{n}" for n in range(1200)])        # more ids than one statement may bind
    assert store.stats() == {"messages": 4, "listings": 4}


def test_a_message_read_again_with_fewer_listings_loses_the_stale_one(store, tmp_path):
    fewer = message("m-two", TWO.text, TWO.extraction.listings[0])
    index(store, open_embedder(), [fewer])
    hits = search(store, open_embedder(), "Aquanaut 5167A")
    assert all(hit.listing is None or hit.listing.model != "Aquanaut" for hit in hits)
    assert store.stats()["listings"] == 5


def test_reference_finds_its_listing_first(store):
    assert ids(search(store, open_embedder(), "126610"))[0] == "m-sub"
    assert ids(search(store, open_embedder(), "5711"))[0] == "m-two"


def test_words_are_accent_and_case_folded(store):
    assert ids(search(store, open_embedder(), "OPERA cafe"))[0] == "m-hello"


def test_hit_has_the_search_result_shape(store):
    hit = search(store, open_embedder(), "126710BLRO")[0]
    assert hit.to_dict() == {
        "message_id": "m-pepsi", "text": PEPSI.text, "type": "sale", "sender_name": "Bob",
        "timestamp": 1_700_000_000, "score": round(hit.score, 4),
        "listing": {"brand": "Rolex", "model": "GMT-Master II", "reference": "126710BLRO", "price": 14500.0,
                    "currency": "EUR", "condition": "excellent", "year": 2022, "size_mm": None,
                    "movement": None, "box": True, "papers": True, "price_eur": 14500.0}}
    assert hit.score > 0


def test_a_message_without_a_watch_has_no_listing(store):
    hit = search(store, open_embedder(), "bonjour")[0]
    assert (hit.message_id, hit.listing) == ("m-hello", None)


def test_filters_are_exact(store):
    embedder = open_embedder()
    assert set(ids(search(store, embedder, "", SearchFilters(brand="Rolex")))) == {"m-pepsi", "m-sub", "m-wanted"}
    assert ids(search(store, embedder, "", SearchFilters(model="Submariner"))) == ["m-sub"]   # the family
    assert ids(search(store, embedder, "", SearchFilters(type="wanted"))) == ["m-wanted"]
    assert set(ids(search(store, embedder, "", SearchFilters(max_price=14000)))) == {"m-sub", "m-speedy"}
    assert ids(search(store, embedder, "", SearchFilters(min_price=6000, max_price=6500, currency="USD"))) \
        == ["m-speedy"]
    # In EUR, the dollar listing is 5,700 € and falls outside; listings without a price never pass.
    assert ids(search(store, embedder, "", SearchFilters(min_price=6000, max_price=6500))) == []
    priced = search(store, embedder, "patek", SearchFilters(min_price=0))
    assert [h.listing.model for h in priced] == ["Nautilus"]


def test_price_ceiling_in_the_query_filters(store):
    embedder = open_embedder()
    assert "m-pepsi" not in ids(search(store, embedder, "Rolex sous 14k"))
    assert "m-sub" in ids(search(store, embedder, "Rolex sous 14k"))
    assert "m-pepsi" in ids(search(store, embedder, "Rolex max 15 000 €"))


@pytest.mark.parametrize("text, ceiling, floor, currency", [
    ("Pepsi sous 15k", 15000, None, None),
    ("Omega under 5000 euros", 5000, None, None),
    ("max 10k", 10000, None, None),
    ("moins de 8000€", 8000, None, None),
    ("sub under $12,5k", 12500, None, "USD"),
    ("budget 15 500 €", 15500, None, None),
    ("plus de 20k CHF", None, 20000, "CHF"),
    ("Submariner 2020 full set", None, None, None),
])
def test_price_bounds_are_read_from_words(text, ceiling, floor, currency):
    bounds = read_price_bounds(text)
    got = [(b.ceiling, b.floor, b.currency) for b in bounds]
    assert got == ([] if ceiling is None and floor is None else [(ceiling, floor, currency)])


def test_a_listing_span_is_kept_and_each_listing_is_a_hit(store):
    hits = search(store, open_embedder(), "5167A")
    assert hits[0].listing.model == "Aquanaut" and hits[0].listing.span == (30, 55)


def test_limit_is_bounded(store):
    assert len(search(store, open_embedder(), "", limit=2)) == 2
    assert len(search(store, open_embedder(), "", limit=0)) == 1


def test_fts_syntax_in_a_query_is_only_words(store):
    for query in ['"', "NEAR(a b)", "rolex OR", "*", "a:b", "-x", "(("]:
        search(store, open_embedder(), query)        # no sqlite3 error escapes


def test_a_given_connection_is_used_and_left_open():
    db = sqlite3.connect(":memory:", check_same_thread=False)
    store = SQLiteStore(db)
    index(store, open_embedder(), [PEPSI])
    store.close()
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 1


def test_memory_store_works(tmp_path):
    store = open_store(":memory:")
    index(store, open_embedder(), [SUB])
    assert ids(search(store, open_embedder(), "submariner")) == ["m-sub"]


def test_health_says_what_is_wrong(tmp_path):
    store = open_store(tmp_path / "h.db")
    assert store.health() == (True, "sqlite: 0 listings")
    with sqlite3.connect(tmp_path / "h.db") as raw:      # tables removed under a running store
        raw.execute("DROP TABLE listings")
    ok, detail = store.health()
    assert not ok and "no such table" in detail


def test_an_unopenable_path_is_a_store_error(tmp_path):
    with pytest.raises(StoreError):
        open_store(tmp_path / "missing-dir" / "x.db")


def test_concurrent_writers_and_readers(tmp_path):
    store = open_store(tmp_path / "c.db")
    embedder = open_embedder()
    errors = []

    def write(n):
        try:
            for i in range(20):
                index(store, embedder, [message(f"w{n}-{i}", f"Vends Rolex Submariner lot {n} {i}",
                                                Listing("Rolex", "Submariner", price=9000 + i, currency="EUR",
                                                        price_eur=9000 + i))])
                search(store, embedder, "submariner")
        except Exception as exc:      # collected: an assertion in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.stats() == {"messages": 120, "listings": 120}


def test_a_brand_named_in_the_query_narrows_to_it(tmp_path):
    store = open_store(tmp_path / "n.db")
    rolex = message("m-rolex", "Rolex Submariner, plus belle qu'une Omega", Listing("Rolex", "Submariner"))
    unknown = message("m-unknown", "Omega ? ou homage, cadran bleu", Listing(model="Seamaster"))
    omega = message("m-omega", "Vends Omega Seamaster 300M", Listing("Omega", "Seamaster"))
    index(store, open_embedder(), [rolex, unknown, omega])
    assert set(ids(search(store, open_embedder(), "Omega"))) == {"m-omega", "m-unknown"}


def test_explicit_filters_win_over_the_query_words(store):
    embedder = open_embedder()
    assert "m-pepsi" in ids(search(store, embedder, "Rolex sous 14k", SearchFilters(max_price=20000)))
    # A ceiling in another currency than the explicit one is ignored rather than mixed.
    assert "m-pepsi" in ids(search(store, embedder, "Rolex under $5k", SearchFilters(currency="EUR")))


def test_vectors_of_another_embedder_are_not_compared(store):
    class Other:                          # same dimension, another model: its vectors mean something else
        name, dim = "other-model-512", 512

        def embed(self, texts):
            return open_embedder().embed(texts)

    same = search(store, open_embedder(), "Submariner 126610LN")[0]
    other = search(store, Other(), "Submariner 126610LN")[0]
    assert same.message_id == other.message_id == "m-sub"
    assert other.score < same.score


def test_a_bad_limit_is_a_store_error(store):
    with pytest.raises(StoreError, match="limit"):
        search(store, open_embedder(), "rolex", limit="ten")


def test_an_embedder_failure_saves_nothing(tmp_path):
    class Broken:
        name, dim = "broken", 512

        def embed(self, texts):
            raise StoreError("embeddings unavailable")

    store = open_store(tmp_path / "b.db")
    with pytest.raises(StoreError):
        index(store, Broken(), [PEPSI])
    assert store.stats() == {"messages": 0, "listings": 0}


def test_brand_and_model_filters_accept_the_names_dealers_use(store):
    embedder = open_embedder()
    assert set(ids(search(store, embedder, "", SearchFilters(brand="PATEK")))) == {"m-two"}
    assert ids(search(store, embedder, "", SearchFilters(model="Speedy"))) == ["m-speedy"]
    assert ids(search(store, embedder, "", SearchFilters(brand="Nobody Watches"))) == []


def test_the_condition_and_year_asked_for_rank_first(tmp_path):
    store = open_store(tmp_path / "d.db")
    worn = message("m-worn", "Vends Submariner 124060 état d'usage 2019",
                   Listing("Rolex", "Submariner", "124060", condition="used", year=2019), timestamp=1_700_000_100)
    new = message("m-new", "Vends Submariner 124060 neuve 2024",
                  Listing("Rolex", "Submariner", "124060", condition="new", year=2024))
    index(store, open_embedder(), [worn, new])
    assert ids(search(store, open_embedder(), "Submariner neuve")) == ["m-new", "m-worn"]
    assert ids(search(store, open_embedder(), "Submariner 2019")) == ["m-worn", "m-new"]


def test_a_wanted_query_puts_sellers_first(tmp_path):
    store = open_store(tmp_path / "w.db")
    buyer = message("m-buyer", "Cherche Daytona 116500LN", Listing("Rolex", "Daytona", "116500LN"),
                    type_="wanted", timestamp=1_700_000_100)
    seller = message("m-seller", "Vends Daytona 116500LN", Listing("Rolex", "Daytona", "116500LN"))
    index(store, open_embedder(), [buyer, seller])
    assert ids(search(store, open_embedder(), "cherche Daytona 116500LN"))[0] == "m-seller"
    assert ids(search(store, open_embedder(), "vends Daytona 116500LN"))[0] == "m-buyer"


def test_a_reference_finds_its_family(tmp_path):
    store = open_store(tmp_path / "f.db")
    rose = message("m-rose", "5711/1R 2017 used full set HKD1.26m", Listing("Patek Philippe", "Nautilus", "5711/1R"))
    other = message("m-other", "5712/1A 2020 FS", Listing("Patek Philippe", "Nautilus", "5712/1A"))
    index(store, open_embedder(), [rose, other])
    assert ids(search(store, open_embedder(), "5711/1A-010"))[0] == "m-rose"
