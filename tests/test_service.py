"""The service around the webhook core: the journal-backed pipeline (duplicates, restarts, retries,
parking), exact stats, /health, /search, configuration, the CLI, and what reaches the logs."""
import http.client
import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import store as listings
import whatsrag
from conftest import (APP_SECRET, VERIFY_TOKEN, WSGIClient, fixture_files, make_config, text_message,
                      wait_until, webhook_body)
from store.journal import WRITE_ROWS, Journal, LeaseLost, Outcome

ROOT = Path(__file__).resolve().parent.parent
SALE = "Vends Rolex Submariner 116610LN full set 2019, 9500€"


def closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Duplicates: Meta delivers at least once, concurrently
# ---------------------------------------------------------------------------------------------

def test_same_message_twice_is_stored_once_and_counted_as_duplicate(service, wsgi):
    handed = []
    service.followups.append(lambda _s, fresh: handed.extend(fresh))
    body = webhook_body(text_message("wamid.dup1", SALE))
    assert wsgi.post_webhook(body)[0] == 200
    assert wsgi.post_webhook(body)[0] == 200
    assert whatsrag.drain(service) == 2
    stats = service.journal.stats()
    assert (stats["messages_received"], stats["duplicates"], stats["messages_processed"]) == (1, 1, 1)
    assert [s.message_id for _, s in handed] == ["wamid.dup1"]      # follow-ups ran once


def test_same_id_twice_in_one_body_counts_once(service, wsgi):
    body = webhook_body(text_message("wamid.twin", SALE), text_message("wamid.twin", SALE))
    assert wsgi.post_webhook(body)[0] == 200
    whatsrag.drain(service)
    stats = service.journal.stats()
    assert (stats["messages_received"], stats["duplicates"]) == (1, 1)


def test_concurrent_deliveries_of_one_id_count_exactly(live_server):
    server = live_server(workers=4)
    bodies = [webhook_body(text_message("wamid.race", SALE), text_message(f"wamid.own{n}", f"hello {n}"))
              for n in range(24)]

    def post(body):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        conn.request("POST", "/webhook", body, {"X-Hub-Signature-256": whatsrag.sign(APP_SECRET, body)})
        status = conn.getresponse().status
        conn.close()
        return status
    with ThreadPoolExecutor(12) as pool:
        assert set(pool.map(post, bodies)) == {200}
    journal = server.service.journal
    wait_until(lambda: journal.counts()["done"] == 24)
    stats = journal.stats()
    assert stats["bodies_received"] == 24
    assert stats["messages_received"] == 25          # the shared id once, 24 own ids
    assert stats["duplicates"] == 23
    hits = listings.search(server.service.store, server.service.embedder, "Submariner 116610LN", None, 50)
    assert [hit.message_id for hit in hits].count("wamid.race") == 1


def test_journal_group_commit_keeps_every_concurrent_append(tmp_path):
    class CountingJournal(Journal):
        batches: list[int] = []

        def _commit_batch(self, batch):
            self.batches.append(len(batch))
            super()._commit_batch(batch)

    journal = CountingJournal(str(tmp_path / "j.db"))
    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(lambda n: journal.append(f'{{"n": {n}}}'.encode()), range(400)))
    assert sorted(ids) == list(range(1, 401))
    assert journal.counts()["pending"] == 400 and journal.stats()["bodies_received"] == 400
    assert sum(journal.batches) == 400 and len(journal.batches) < 400     # appends shared fsyncs
    journal.close()


def test_an_append_waits_for_another_process_write_then_commits(tmp_path):
    journal = Journal(str(tmp_path / "j.db"), busy_timeout=10)
    blocker = __import__("sqlite3").connect(tmp_path / "j.db", isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")                  # the worker process, mid-commit
    release = threading.Timer(0.3, lambda: blocker.execute("COMMIT"))
    release.start()
    assert journal.append(b'{"n": 1}') == 1             # retried until the lock was free, not refused
    release.join()
    assert journal.counts()["pending"] == 1
    blocker.close()
    journal.close()


def test_appends_leave_the_wal_checkpoints_to_a_thread_of_their_own(tmp_path):
    journal = Journal(str(tmp_path / "j.db"))
    for n in range(60):                                 # 6 MB of bodies
        journal.append(b'{"pad": "%s"}' % (b"x" * 100_000))
    assert journal._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0     # never in an ack's commit
    deadline = time.monotonic() + 30
    while os.path.getsize(tmp_path / "j.db") < 4_000_000 and time.monotonic() < deadline:
        time.sleep(0.05)                                # the WAL's pages reach the database file
    assert os.path.getsize(tmp_path / "j.db") >= 4_000_000
    journal.close()
    reopened = Journal(str(tmp_path / "j.db"))
    assert reopened.counts()["pending"] == 60
    reopened.close()


def test_the_wal_stays_bounded_under_a_steady_stream_of_appends(tmp_path):
    """Each checkpoint round ends in a RESTART that starts the WAL over; PASSIVE checkpoints alone left the
    newest frames behind under steady appends, and the WAL grew without end."""
    journal = Journal(str(tmp_path / "j.db"))
    journal._start_checkpointer()
    journal._checkpointer.pause = 0.1
    body = b'{"pad": "%s"}' % (b"x" * 50_000)

    def append_steadily():
        for _ in range(500):
            journal.append(body)
            time.sleep(0.001)
    threads = [threading.Thread(target=append_steadily) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert journal.counts()["pending"] == 2000
    # 100 MB of bodies went through the WAL, which was started over: its file is not the size of all it carried
    assert os.path.getsize(tmp_path / "j.db-wal") < 2000 * len(body) / 2
    journal.close()


def wal_frames(db) -> int:
    return db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


def test_a_checkpoint_round_starts_the_wal_over_unless_a_reader_holds_it(tmp_path):
    journal = Journal(str(tmp_path / "j.db"))
    for _ in range(20):
        journal.append(b'{"n": 1}')
    checkpointer = journal._checkpointer                # the journal's own, under its lock
    checkpointer.stop()                                 # its thread ends: rounds run by hand here, and no
                                                        # round of its own may hold SQLite's checkpoint lock
    db = checkpointer.connect()
    assert checkpointer.checkpoint(db) is True
    journal.append(b'{"n": 2}')
    assert wal_frames(db) <= 4                          # one commit's frames: the WAL started over
    reader = sqlite3.connect(tmp_path / "j.db", isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM bodies").fetchall()       # another process's older snapshot
    for _ in range(5):
        journal.append(b'{"n": 3}')
    started = time.monotonic()
    assert checkpointer.checkpoint(db) is False         # given up at once: appends are held meanwhile
    assert time.monotonic() - started < 1.0
    reader.execute("COMMIT")
    assert checkpointer.checkpoint(db) is True
    for connection in (reader, db):
        connection.close()
    journal.close()


def test_a_batch_larger_than_one_transaction_is_claimed_and_finished_whole(tmp_path):
    """Claims and finishes commit WRITE_ROWS bodies at a time (each transaction holds the write lock every
    ack needs); the batch still comes back whole and in order, and a key met again in a later
    transaction of the same batch counts as a repeat, as within one."""
    journal = Journal(str(tmp_path / "j.db"))
    count = 2 * WRITE_ROWS + 22
    for n in range(count):
        journal.append(b'{"n": %d}' % n)
    claims = journal.claim_batch(512)
    assert [c.body_id for c in claims] == list(range(1, count + 1))
    assert [c.body for c in claims] == [b'{"n": %d}' % n for n in range(count)]
    assert journal.claim_batch(512) == []               # all of them are claimed
    outcomes = [[Outcome(f"wamid.{n % (WRITE_ROWS + 5)}", {"messages_received": 1})] for n in range(count)]
    fresh = journal.finish_all([(claim, found, None) for claim, found in zip(claims, outcomes)])
    assert len(fresh) == count and all(keys is not None for keys in fresh)
    assert sum(len(keys) for keys in fresh) == WRITE_ROWS + 5
    stats = journal.stats()
    assert stats["messages_received"] == WRITE_ROWS + 5 and stats["duplicates"] == count - WRITE_ROWS - 5
    assert journal.counts()["done"] == count
    journal.close()


def test_an_append_commits_with_an_fsync_even_after_a_worker_commit_without_one(tmp_path):
    """The ack's promise: the body's commit runs under synchronous=FULL (the WAL fsynced before COMMIT
    returns), whatever the worker's claims and completions (synchronous=NORMAL) set before it."""
    db = __import__("sqlite3").connect(tmp_path / "j.db", isolation_level=None, check_same_thread=False)
    statements = []
    db.set_trace_callback(statements.append)
    journal = Journal(db)
    journal.append(b'{"n": 1}')
    journal.claim()                                     # a worker's commit, no fsync of its own
    statements.clear()
    journal.append(b'{"n": 2}')
    settings = [s for s in statements if s.upper().startswith("PRAGMA SYNCHRONOUS")]
    assert settings and settings[-1].upper().endswith("FULL"), statements
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2          # 2 = FULL, 1 = NORMAL
    journal.close()


# ---------------------------------------------------------------------------------------------
# Restarts: nothing acknowledged is lost, counters survive
# ---------------------------------------------------------------------------------------------

def test_restart_resumes_pending_bodies_and_stats_survive(tmp_path, service_factory):
    config = make_config(tmp_path)
    first = service_factory(config)
    client = WSGIClient(whatsrag.App(first))
    for n in range(5):
        assert client.post_webhook(webhook_body(text_message(f"wamid.r{n}", f"{SALE} #{n}")))[0] == 200
    whatsrag.drain(first)
    assert client.post_webhook(webhook_body(text_message("wamid.late", SALE)))[0] == 200
    before = first.journal.stats()
    first.close()                                       # stop with one body acknowledged, unprocessed

    second = service_factory(config, start_workers=True)
    wait_until(lambda: second.journal.counts()["done"] == 6)
    after = second.journal.stats()
    assert after["messages_received"] == before["messages_received"] + 1 == 6
    second.close()
    third = service_factory(config)
    assert third.journal.stats() == after               # exact across restarts
    report = whatsrag.stats_report(third.journal)
    assert report["runtime_stats"]["messages_received"] == 6 and report["pending"] == 0


def test_restart_resumes_a_body_claimed_by_a_process_that_died(tmp_path, service_factory):
    config = make_config(tmp_path)
    first = service_factory(config)
    assert WSGIClient(whatsrag.App(first)).post_webhook(webhook_body(text_message("wamid.orphan", SALE)))[0] == 200
    first.close()
    # another process claims the body and dies (kill -9 mid-processing): its claim names a dead pid
    claimer = subprocess.run([sys.executable, "-c", "import sys; from store.journal import Journal; "
                              "print(Journal(sys.argv[1]).claim().body_id); import os; os._exit(0)",
                              config.db_path], cwd=ROOT, capture_output=True, text=True, check=True)
    assert claimer.stdout.strip() == "1"
    second = service_factory(config)
    assert second.journal.counts()["pending"] == 1      # released at start, not waiting for the lease
    assert whatsrag.drain(second) == 1
    assert second.journal.stats()["messages_received"] == 1


def test_an_expired_lease_is_taken_over_and_the_old_owner_cannot_finish(tmp_path):
    now = [1000.0]
    path = str(tmp_path / "j.db")
    slow, fast = Journal(path, lease_seconds=30, clock=lambda: now[0]), Journal(path, clock=lambda: now[0])
    slow.append(b"{}")
    first = slow.claim()
    assert fast.claim() is None                         # leased
    now[0] += 31
    second = fast.claim()
    assert second.body_id == first.body_id
    with pytest.raises(LeaseLost):
        slow.finish(first, [Outcome("msg:x", {"messages_received": 1})])
    assert fast.finish(second, [Outcome("msg:x", {"messages_received": 1})]) == ["msg:x"]
    assert fast.stats()["messages_received"] == 1 and "duplicates" not in fast.stats()


@pytest.mark.slow
def test_kill_9_between_the_200_and_the_processing_loses_nothing(tmp_path):
    env = {**os.environ, "PORT": "0", "WHATSRAG_DB": str(tmp_path / "w.db"), "WHATSAPP_APP_SECRET": APP_SECRET,
           "WHATSRAG_WORKERS": "1", "LOG_LEVEL": "INFO"}

    def start():
        proc = subprocess.Popen([sys.executable, "whatsrag.py"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        for line in proc.stderr:
            if "serving on" in line:
                return proc, int(line.rsplit(":", 1)[1])
        raise AssertionError("server did not start")
    proc, port = start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    for n in range(30):
        body = webhook_body(*[text_message(f"wamid.k{n}.{m}", f"{SALE} lot {n}.{m}") for m in range(20)])
        conn.request("POST", "/webhook", body, {"X-Hub-Signature-256": whatsrag.sign(APP_SECRET, body)})
        assert conn.getresponse().read() and True
    proc.send_signal(signal.SIGKILL)                    # acknowledged, not all processed
    proc.wait()
    journal = Journal(env["WHATSRAG_DB"])
    assert journal.stats()["bodies_received"] == 30
    unfinished = journal.counts()["pending"] + journal.counts()["claimed"]
    journal.close()
    proc, port = start()
    try:
        journal = Journal(env["WHATSRAG_DB"])
        wait_until(lambda: journal.counts()["done"] == 30, timeout=120)
        stats = journal.stats()
        assert stats["messages_received"] == 600 and stats.get("duplicates", 0) == 0
        journal.close()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"bodies unfinished at the kill: {unfinished} of 30")


# ---------------------------------------------------------------------------------------------
# Failures: back-off, then parked with the error, kept forever
# ---------------------------------------------------------------------------------------------

def unreachable_openai_service(config) -> whatsrag.Service:
    """The real OpenAI embedder pointed at a loopback port nobody listens on: every embed fails."""
    embedder = listings.open_embedder("sk-test", base_url=f"http://127.0.0.1:{closed_port()}/v1",
                                      timeout=2, max_retries=0)
    return whatsrag.Service(config, Journal(config.db_path), listings.open_store(config.listings_path), embedder)


def test_a_body_that_keeps_failing_is_parked_with_its_error(tmp_path, caplog):
    service = unreachable_openai_service(make_config(tmp_path, max_attempts=3, retry_seconds=0))
    client = WSGIClient(whatsrag.App(service))
    assert client.post_webhook(webhook_body(text_message("wamid.p1", SALE)))[0] == 200
    with caplog.at_level(logging.INFO, logger="whatsrag"):
        assert whatsrag.drain(service) == 3                 # three attempts, then parked
    assert service.journal.counts()["parked"] == 1
    [(body_id, attempts, error)] = service.journal.parked()
    assert attempts == 3 and "EmbedError" in error
    stats = service.journal.stats()
    assert stats["processing_failures"] == 3 and "messages_received" not in stats
    assert "parked after 3 failed attempts" in caplog.text
    health = json.loads(client.request("GET", "/health")[2])
    assert health["parked"] == 1 and health["runtime_stats"]["errors"] == 3
    service.close()
    reopened = Journal(str(tmp_path / "whatsrag.db"))       # kept across restarts, never deleted
    assert reopened.parked() == [(body_id, 3, error)]
    reopened.close()


def test_a_failure_is_retried_after_a_back_off(tmp_path):
    service = unreachable_openai_service(make_config(tmp_path, max_attempts=5, retry_seconds=60))
    WSGIClient(whatsrag.App(service)).post_webhook(webhook_body(text_message("wamid.b1", SALE)))
    before = time.time()
    assert whatsrag.drain(service) == 1                     # failed once, not due again for a minute
    assert service.journal.counts()["pending"] == 1
    assert service.journal.next_due() >= before + 60
    service.close()


# ---------------------------------------------------------------------------------------------
# /health
# ---------------------------------------------------------------------------------------------

def test_health_keeps_the_original_shape(service, wsgi):
    wsgi.post_webhook(webhook_body(text_message("wamid.h1", SALE), text_message("wamid.h2", "bonjour")))
    whatsrag.drain(service)
    status, _, body = wsgi.request("GET", "/health")
    health = json.loads(body)
    assert status == 200 and health["status"] == "healthy"
    assert set(health["components"]) == {"webhook", "whatsapp_api", "embedding_processor", "rag_searcher",
                                         "supabase", "openai", "watch_extractor"}
    assert health["components"]["supabase"] == "disabled" and health["components"]["webhook"] == "healthy"
    assert set(health["runtime_stats"]) == {"messages_received", "messages_processed", "errors",
                                            "watch_messages_detected", "sales_detected", "wanted_detected",
                                            "questions_detected", "total_value_detected"}
    assert set(health["watch_stats"]) == {"messages_analyzed", "sales_found", "wanted_found", "questions_found",
                                          "total_value_eur"}
    assert {"duplicates", "statuses", "pending", "parked", "uptime", "version"} <= set(health)
    assert health["runtime_stats"]["messages_received"] == 2
    assert health["watch_stats"]["total_value_eur"].endswith("€")


def test_stats_count_listings_types_and_eur_value_exactly(service, wsgi):
    texts = {"wamid.v1": SALE, "wamid.v2": "WTB Omega Speedmaster 311.30.42.30.01.005 budget 6000 EUR",
             "wamid.v3": "Bonjour à tous"}
    wsgi.post_webhook(webhook_body(*[text_message(mid, text) for mid, text in texts.items()]))
    whatsrag.drain(service)
    extractions = {mid: whatsrag.extract(text) for mid, text in texts.items()}
    report = whatsrag.stats_report(service.journal)
    prices = [l.price_eur for x in extractions.values() for l in x.listings if l.price_eur is not None]
    assert report["runtime_stats"]["watch_messages_detected"] == sum(bool(x.listings) for x in extractions.values())
    assert report["runtime_stats"]["sales_detected"] == sum(x.type == "sale" for x in extractions.values())
    assert report["runtime_stats"]["wanted_detected"] == sum(x.type == "wanted" for x in extractions.values())
    assert report["runtime_stats"]["total_value_detected"] == round(sum(prices), 2)
    assert report["watch_stats"]["total_value_eur"] == f"{sum(prices):.2f}€"


def revoke_message(message_id: str, original_id: str) -> dict:
    """The shape of tests/fixtures/meta-webhooks/msg_revoke_deleted.json."""
    return {"from": "33612345678", "id": message_id, "timestamp": "1760000100", "type": "revoke",
            "revoke": {"original_message_id": original_id}}


def found_ids(wsgi, query="q=Submariner&limit=10"):
    status, _, body = wsgi.request("GET", "/search", query=query)
    assert status == 200
    return [r["message_id"] for r in json.loads(body)["results"]]


def test_a_revoked_message_is_removed_from_the_store_and_counted(service, wsgi):
    wsgi.post_webhook(webhook_body(text_message("wamid.r1", SALE), text_message("wamid.r2", SALE + " bis")))
    whatsrag.drain(service)
    assert {"wamid.r1", "wamid.r2"} <= set(found_ids(wsgi))
    for _ in range(2):              # Meta delivers the revoke twice: deleted once, counted once
        wsgi.post_webhook(webhook_body(revoke_message("wamid.x1", "wamid.r1")))
        whatsrag.drain(service)
    assert "wamid.r1" not in found_ids(wsgi) and "wamid.r2" in found_ids(wsgi)
    assert service.store.stats()["messages"] == 1
    report = whatsrag.stats_report(service.journal)
    assert report["deleted"] == 1 and report["duplicates"] == 1
    assert json.loads(wsgi.request("GET", "/health")[2])["deleted"] == 1


@pytest.mark.parametrize("together", [False, True])
def test_a_revoke_that_comes_first_wins_over_the_late_original(service, wsgi, together):
    if together:                    # one body, revoke first
        wsgi.post_webhook(webhook_body(revoke_message("wamid.x2", "wamid.late"), text_message("wamid.late", SALE)))
    else:
        wsgi.post_webhook(webhook_body(revoke_message("wamid.x2", "wamid.late")))
        whatsrag.drain(service)
        wsgi.post_webhook(webhook_body(text_message("wamid.late", SALE)))
    whatsrag.drain(service)
    edit = {"from": "33612345678", "id": "wamid.e9", "timestamp": "1760000200", "type": "edit",
            "edit": {"original_message_id": "wamid.late", "message": {"type": "text", "text": {"body": SALE}}}}
    wsgi.post_webhook(webhook_body(edit))               # nor does an edit bring it back
    whatsrag.drain(service)
    assert "wamid.late" not in found_ids(wsgi) and service.store.stats()["messages"] == 0
    assert whatsrag.stats_report(service.journal)["deleted"] == 1


def test_a_revoke_finished_while_the_original_is_being_stored_still_wins(service, wsgi, monkeypatch):
    real_save = service.store.save

    def save_after_a_concurrent_revoke(records):      # another worker deletes and records in between
        monkeypatch.setattr(service.store, "save", real_save)
        wsgi.post_webhook(webhook_body(revoke_message("wamid.x3", "wamid.race")))
        whatsrag.drain(service)
        real_save(records)
    monkeypatch.setattr(service.store, "save", save_after_a_concurrent_revoke)
    wsgi.post_webhook(webhook_body(text_message("wamid.race", SALE)))
    whatsrag.drain(service)
    assert "wamid.race" not in found_ids(wsgi) and service.store.stats()["messages"] == 0
    assert whatsrag.stats_report(service.journal)["deleted"] == 1


def test_message_counts_add_eur_never_raw_mixed_currencies():
    from extract import Extraction, Listing
    extraction = Extraction("sale", (Listing(price=10000, currency="USD", price_eur=9200.5),
                                     Listing(price=8000, currency="CHF", price_eur=8520.25),
                                     Listing(price=5000, currency="XXX", price_eur=None)))
    message = whatsrag.Message("m", None, None, 0, "text", "x", None, False, None, None, None, ())
    counts = whatsrag.message_counts(message, extraction)
    assert counts["total_value_cents"] == 1772075 and counts["sales_detected"] == 1
    assert counts["watch_messages_detected"] == 1
    edit = whatsrag.Message("e", None, None, 0, "edit", "x", None, False, "m", None, None, ())
    assert whatsrag.message_counts(edit, extraction) == {"messages_received": 1, "messages_processed": 1,
                                                         "errors": 0}     # its message was counted before


def test_health_is_503_when_the_journal_cannot_be_written(tmp_path):
    config = make_config(tmp_path)
    service = whatsrag.Service(config, Journal(config.db_path, busy_timeout=0.2),
                               listings.open_store(config.listings_path), listings.open_embedder())
    blocker = __import__("sqlite3").connect(config.db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")                  # another process holds the write lock
    try:
        client = WSGIClient(whatsrag.App(service))
        status, _, body = client.request("GET", "/health")
        assert status == 503 and json.loads(body)["status"] == "unhealthy"
        assert json.loads(body)["components"]["webhook"] == "unhealthy"
        # and a webhook is not acknowledged: Meta will deliver it again
        assert client.post_webhook(webhook_body(text_message("wamid.l1", SALE)))[0] == 503
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert client.request("GET", "/health")[0] == 200
    service.close()

def test_a_long_store_write_does_not_hold_up_an_ack(tmp_path):
    config = make_config(tmp_path)
    assert config.listings_path == str(tmp_path / "whatsrag-listings.db")
    service = whatsrag.Service(config, Journal(config.db_path, busy_timeout=0.2),
                               listings.open_store(config.listings_path), listings.open_embedder())
    blocker = __import__("sqlite3").connect(config.listings_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")                  # a worker's store write still in progress
    try:
        client = WSGIClient(whatsrag.App(service))
        assert client.post_webhook(webhook_body(text_message("wamid.s1", SALE)))[0] == 200
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    whatsrag.drain(service)
    assert service.journal.stats()["messages_processed"] == 1
    service.close()



def test_health_is_degraded_when_a_configured_component_fails(service, wsgi):
    service.health_checks["whatsapp_api"] = lambda: (False, "Graph API unreachable")
    status, _, body = wsgi.request("GET", "/health")
    assert status == 200 and json.loads(body)["status"] == "degraded"
    assert json.loads(body)["components"]["whatsapp_api"] == "unhealthy"


def test_health_is_degraded_when_supabase_is_configured_but_unreachable(tmp_path, service_factory):
    service = service_factory(supabase_url=f"http://127.0.0.1:{closed_port()}",
                              supabase_key="service-role-key-for-tests", outbound_timeout=2)
    body = json.loads(WSGIClient(whatsrag.App(service)).request("GET", "/health")[2])
    assert body["status"] == "degraded"
    assert body["components"]["supabase"] == "unhealthy" and body["components"]["rag_searcher"] == "unhealthy"


# ---------------------------------------------------------------------------------------------
# /search: auth rule and response shape
# ---------------------------------------------------------------------------------------------

def test_search_finds_a_stored_listing_with_the_issue_4_shape(service, wsgi):
    wsgi.post_webhook(webhook_body(text_message("wamid.s1", SALE), text_message("wamid.s2", "Bonjour à tous")))
    whatsrag.drain(service)
    status, _, body = wsgi.request("GET", "/search", query="q=Submariner&limit=5")
    result = json.loads(body)
    assert status == 200 and result["query"] == "Submariner"
    assert result["results"][0]["message_id"] == "wamid.s1"
    assert set(result["results"][0]) == {"message_id", "text", "type", "sender_name", "timestamp", "listing", "score"}
    assert result["results"][0]["sender_name"] == "Dealer One"
    status, _, body = wsgi.request("POST", "/search", json.dumps(
        {"query": "Submariner", "limit": 5, "filters": {"max_price": 100}}).encode())
    assert status == 200 and "wamid.s1" not in [r["message_id"] for r in json.loads(body)["results"]]


@pytest.mark.parametrize("query", ["", "q=", "q=x&limit=0", "q=x&limit=abc", "q=x&min_price=cheap",
                                   "q=x&limit=1000"])
def test_search_rejects_bad_parameters(wsgi, query):
    status, _, body = wsgi.request("GET", "/search", query=query)
    assert status == 400 and json.loads(body)["error"]


@pytest.mark.parametrize("body", [b"nope", b"[]", b'{"query": "x", "filters": {"colour": "blue"}}',
                                  b'{"query": 5}', b'{"query": "x", "filters": []}'])
def test_search_post_rejects_bad_bodies(wsgi, body):
    assert wsgi.request("POST", "/search", body)[0] == 400


def test_search_without_a_key_is_for_loopback_clients_only(wsgi):
    assert wsgi.request("GET", "/search", query="q=rolex", remote="127.0.0.1")[0] == 200
    assert wsgi.request("GET", "/search", query="q=rolex", remote="::1")[0] == 200
    assert wsgi.request("GET", "/search", query="q=rolex", remote="203.0.113.9")[0] == 403
    assert wsgi.request("GET", "/search", query="q=rolex", remote="")[0] == 403


def test_search_with_a_key_requires_the_bearer(service_factory):
    client = WSGIClient(whatsrag.App(service_factory(api_key="k3y")))
    assert client.request("GET", "/search", query="q=rolex")[0] == 401
    status, headers, _ = client.request("GET", "/search", query="q=rolex", headers={"Authorization": "Bearer nope"})
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    assert client.request("GET", "/search", query="q=rolex", remote="203.0.113.9",
                          headers={"Authorization": "Bearer k3y"})[0] == 200


# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------

def test_config_defaults_with_no_variable_set():
    config = whatsrag.Config.from_env({})
    assert (config.port, config.host, config.db_path, config.verify_token, config.app_secret) == \
        (8000, "0.0.0.0", "whatsrag.db", None, None)
    assert config.max_body > 3 * 1024 * 1024 and config.embedding_model == "text-embedding-3-small"


def test_config_reads_every_variable_and_hides_secrets():
    env = {"WHATSAPP_VERIFY_TOKEN": "vt-S3CR3T", "WHATSAPP_APP_SECRET": "as-S3CR3T", "PORT": "9000",
           "WHATSAPP_ACCESS_TOKEN": "at-S3CR3T", "WHATSAPP_PHONE_NUMBER_ID": "123", "OPENAI_API_KEY": "sk-S3CR3T",
           "SUPABASE_URL": "https://x.supabase.co", "SUPABASE_ANON_KEY": "anon-S3CR3T", "WHATSRAG_DB": "/tmp/x.db",
           "WHATSRAG_WORKERS": "5", "WHATSRAG_API_KEY": "api-S3CR3T", "EMBEDDING_MODEL": "text-embedding-3-large",
           "LOG_LEVEL": "debug", "WHATSRAG_REQUEST_TIMEOUT": "7.5", "WHATSRAG_MAX_BODY": "5000000"}
    config = whatsrag.Config.from_env(env)
    assert (config.port, config.workers, config.request_timeout, config.max_body, config.log_level) == \
        (9000, 5, 7.5, 5000000, "DEBUG")
    assert (config.verify_token, config.app_secret, config.access_token, config.openai_api_key, config.api_key) == \
        ("vt-S3CR3T", "as-S3CR3T", "at-S3CR3T", "sk-S3CR3T", "api-S3CR3T")
    assert config.supabase_key == "anon-S3CR3T" and config.supabase_key_is_anon and config.whatsapp_api_on
    text = repr(config) + " ".join(line for _, line in whatsrag.describe(config))
    assert "S3CR3T" not in text and "app_secret='***'" in text
    assert "SUPABASE_ANON_KEY" in text                  # the warning that RLS must allow it
    assert whatsrag.Config.from_env({**env, "SUPABASE_SERVICE_ROLE_KEY": "role"}).supabase_key_is_anon is False


@pytest.mark.parametrize("name,value", [("PORT", "eighty"), ("PORT", "80000"), ("WHATSRAG_WORKERS", "0"),
                                        ("LOG_LEVEL", "LOUD"), ("WHATSRAG_REQUEST_TIMEOUT", "-1"),
                                        ("WHATSRAG_REQUEST_TIMEOUT", "nan"), ("WHATSRAG_MAX_BODY", "1e6")])
def test_config_errors_name_the_variable(name, value):
    with pytest.raises(whatsrag.ConfigError, match=name):
        whatsrag.Config.from_env({name: value})


def test_env_example_lists_every_variable_the_code_reads():
    import re
    sources = [ROOT / "whatsrag.py", *(ROOT / "store").glob("*.py"), *(ROOT / "extract").glob("*.py")]
    names = {name for path in sources for name in re.findall(      # text("X", ...), environ.get("X"), ...
        r'(?:\b(?:text|number|flag|get)\(|ENV_VAR = )"((?:WHATSAPP|WHATSRAG|OPENAI|SUPABASE|EMBEDDING|LOG)_[A-Z_0-9]+'
        r'|PORT)"', path.read_text())}
    assert {"WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "WHATSRAG_DB", "PORT", "LOG_LEVEL"} <= names
    lines = (ROOT / ".env.example").read_text().splitlines()
    for name in sorted(names):
        at = next((n for n, line in enumerate(lines) if line.lstrip("# ").startswith(f"{name}=")), None)
        assert at is not None, f"{name} missing from .env.example"
        while re.match(r"(# )?[A-Z_0-9]+=", lines[at - 1]):     # one comment may explain a group
            at -= 1
        assert lines[at - 1].startswith("# "), f"{name} has no comment above it"


# ---------------------------------------------------------------------------------------------
# No token, secret, phone number or message text in the logs at INFO
# ---------------------------------------------------------------------------------------------

def test_nothing_personal_or_secret_is_logged_at_info(tmp_path, service_factory, caplog):
    secrets = {"api_key": "api-key-value", "access_token": "access-token-value",
               "openai_api_key": None, "phone_number_id": "987650001"}
    with caplog.at_level(logging.INFO):
        for level, line in whatsrag.describe(make_config(tmp_path, **secrets)):
            logging.getLogger("whatsrag").log(level, line)
        service = service_factory(start_workers=True, **secrets)
        server_client = WSGIClient(whatsrag.App(service))
        for token in (VERIFY_TOKEN, "guess-token"):
            server_client.request("GET", "/webhook",
                                  query=f"hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1")
        for path in fixture_files():
            server_client.post_webhook(path.read_bytes())
        server_client.post_webhook(webhook_body(text_message("wamid.log1", SALE)), secret="wrong")
        server_client.post_webhook(webhook_body(text_message("wamid.log2", SALE)))
        server_client.request("GET", "/search", query="q=Submariner+secret+query",
                              headers={"Authorization": "Bearer api-key-value"})
        wait_until(lambda: service.journal.counts()["pending"] == 0)
        (tmp_path / "f").mkdir()
        failing = unreachable_openai_service(make_config(tmp_path / "f", max_attempts=1))
        WSGIClient(whatsrag.App(failing)).post_webhook(webhook_body(text_message("wamid.log3", SALE)))
        whatsrag.drain(failing)
        failing.close()
    logged = "\n".join(record.getMessage() for record in caplog.records if record.levelno >= logging.INFO)
    assert "parked" in logged and "webhook refused" in logged      # the log did record these events
    forbidden = [APP_SECRET, VERIFY_TOKEN, "guess-token", "api-key-value", "access-token-value", "987650001",
                 "33612345678", "972987654321", "16505551234", "Body Text", "Submariner", "secret query",
                 "Updated image caption", "wamid.log"]
    assert [word for word in forbidden if word in logged] == []


# ---------------------------------------------------------------------------------------------
# CLI and WSGI entry points
# ---------------------------------------------------------------------------------------------

def run_cli(*args, env=None, stdin=None, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "whatsrag.py"), *args], cwd=cwd, input=stdin, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, timeout=120)


def test_cli_replay_then_stats(tmp_path):
    env = {"WHATSRAG_DB": str(tmp_path / "cli.db"), "WHATSAPP_APP_SECRET": APP_SECRET}
    files = [str(path) for path in fixture_files()]
    replay = run_cli("replay", *files, env=env)
    assert replay.returncode == 0, replay.stderr
    assert replay.stdout.count(": 200 ") == 40
    stats = run_cli("stats", env=env)
    report = json.loads(stats.stdout)
    assert report["runtime_stats"]["messages_received"] == 12 and report["duplicates"] == 18
    assert report["pending"] == 0 and report["parked"] == 0 and report["parked_bodies"] == []
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    refused = run_cli("replay", str(bad), env=env)
    assert refused.returncode == 1 and ": 400 " in refused.stdout


def test_cli_extract_jsonl_keeps_order_one_line_each():
    texts = ["Rolex Submariner 116610LN 9500€", "bonjour", "WTB Omega Speedmaster", "é ü ß"]
    feed = "".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in texts)
    run = run_cli("extract", "--jsonl", stdin=feed)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert lines == [whatsrag.extract(text).to_dict() for text in texts]
    single = run_cli("extract", texts[0])
    assert json.loads(single.stdout) == whatsrag.extract(texts[0]).to_dict()


def test_import_has_no_side_effect_and_the_app_builds_itself_on_first_request(tmp_path):
    code = ("import os, io, json, whatsrag; assert not os.path.exists('whatsrag.db'); "
            "environ = {'REQUEST_METHOD': 'GET', 'PATH_INFO': '/health', 'wsgi.input': io.BytesIO()}; "
            "out = {}; body = b''.join(whatsrag.app(environ, lambda s, h: out.update(s=s))); "
            "print(out['s'], json.loads(body)['status'], os.path.exists('lazy.db'))")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "WHATSRAG_DB": "lazy.db"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["200", "OK", "healthy", "True"]
    assert not (tmp_path / "whatsrag.db").exists()


def test_cli_start_up_errors_are_one_clear_line(tmp_path):
    missing_dir = run_cli("stats", env={"WHATSRAG_DB": str(tmp_path / "no" / "such" / "dir.db")})
    assert missing_dir.returncode == 2 and "cannot open the journal" in missing_dir.stderr
    bad_port = run_cli(env={"PORT": "80000", "WHATSRAG_DB": str(tmp_path / "p.db")})
    assert bad_port.returncode == 2 and "PORT='80000'" in bad_port.stderr and "Traceback" not in bad_port.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = run_cli(env={"PORT": str(busy.getsockname()[1]), "WHATSRAG_HOST": "127.0.0.1",
                             "WHATSRAG_DB": str(tmp_path / "b.db")})
    assert taken.returncode == 2 and "Address already in use" in taken.stderr and "Traceback" not in taken.stderr


def test_a_failure_reported_after_the_body_is_done_changes_nothing(tmp_path):
    journal = Journal(str(tmp_path / "j.db"))
    journal.append(b"{}")
    claim = journal.claim()
    journal.finish(claim, [Outcome("msg:a", {"messages_received": 1})])
    assert journal.fail(claim, "late", max_attempts=1, backoff_seconds=0) is False
    assert journal.counts()["done"] == 1 and journal.claim() is None
    assert "processing_failures" not in journal.stats()
    journal.close()


def test_the_pool_retries_a_short_back_off_without_waiting_for_its_poll(tmp_path):
    service = unreachable_openai_service(make_config(tmp_path, max_attempts=3, retry_seconds=0.2))
    service.pool = whatsrag.WorkerPool(service, 1, poll=3600)      # only the back-off can wake it
    service.pool.start()
    WSGIClient(whatsrag.App(service)).post_webhook(webhook_body(text_message("wamid.w1", SALE)))
    wait_until(lambda: service.journal.counts()["parked"] == 1, timeout=30)
    assert service.journal.parked()[0][1] == 3
    service.close()


def test_claims_of_an_earlier_process_with_our_pid_are_released(tmp_path):
    """In a container the service restarts as PID 1 again: same host, same pid, another process."""
    path = str(tmp_path / "j.db")
    journal = Journal(path)
    journal.append(b"{}")
    journal.append(b"{}")
    ours = journal.claim()
    earlier = journal.claim()
    db = __import__("sqlite3").connect(path, isolation_level=None)
    db.execute("UPDATE bodies SET claimed_by = ? WHERE id = ?",
               (f"{socket.gethostname()}:{os.getpid()}:0ldt0ken:abc", earlier.body_id))
    db.execute("INSERT INTO bodies (received_at, body, state, claimed_by, claimed_until) "
               "VALUES (0, x'7b7d', 'claimed', 'another-host:1:tok:abc', 1e12)")
    db.close()
    assert journal.release_dead_claims() == 1           # not ours (alive), not the other host's
    assert journal.counts()["pending"] == 1 and journal.counts()["claimed"] == 2
    assert journal.claim().body_id == earlier.body_id and ours.body_id != earlier.body_id
    journal.close()


# ---------------------------------------------------------------------------------------------
# Batches: many small deliveries, one embedding request
# ---------------------------------------------------------------------------------------------

def test_waiting_bodies_are_embedded_in_one_request(tmp_path):
    from bench.openai_standin import EmbeddingsStandin     # OpenAI's embeddings wire format on loopback
    config = make_config(tmp_path)
    with EmbeddingsStandin(delay=0) as api:
        embedder = listings.open_embedder("sk-test", base_url=api.base_url, timeout=5, max_retries=0)
        service = whatsrag.Service(config, Journal(config.db_path), listings.open_store(config.listings_path), embedder)
        client = WSGIClient(whatsrag.App(service))
        for n in range(60):
            assert client.post_webhook(webhook_body(text_message(f"wamid.b{n}", f"{SALE} lot {n}")))[0] == 200
        assert whatsrag.drain(service) == 60
        assert (api.requests, api.inputs) == (1, 60)
        assert service.journal.stats()["messages_processed"] == 60
        service.close()


def test_a_body_that_fails_in_a_batch_fails_alone(service, wsgi):
    for n in range(5):
        wsgi.post_webhook(webhook_body(text_message(f"wamid.a{n}", f"{SALE} #{n}")))
    poison = service.journal.append(b"\xff not JSON")      # as a corrupted or foreign row would be
    for n in range(5, 10):
        wsgi.post_webhook(webhook_body(text_message(f"wamid.a{n}", f"{SALE} #{n}")))
    assert whatsrag.drain(service) == 11 + 2             # the batch, then the poison's 2nd and 3rd attempts
    counts = service.journal.counts()
    assert (counts["done"], counts["parked"]) == (10, 1)
    assert service.journal.parked()[0][:2] == (poison, 3)
    assert service.journal.stats()["messages_received"] == 10


def test_old_finished_bodies_are_pruned_but_duplicates_still_caught(tmp_path, service_factory):
    service = service_factory(keep_days=1)
    client = WSGIClient(whatsrag.App(service))
    body = webhook_body(text_message("wamid.old", SALE))
    client.post_webhook(body)
    service.journal.append(b"\xff parked")              # never pruned
    whatsrag.drain(service)
    assert service.journal.prune(time.time() - 86400) == 0             # not old enough yet
    pool = whatsrag.WorkerPool(service, 1)           # not started: its pruning step is called directly
    with __import__("sqlite3").connect(service.config.db_path) as db:
        db.execute("UPDATE bodies SET finished_at = finished_at - 2 * 86400 WHERE state = 'done'")
    pool._prune_if_due()
    counts = service.journal.counts()
    assert (counts["done"], counts["parked"]) == (0, 1)
    client.post_webhook(body)                           # Meta redelivers a week later
    whatsrag.drain(service)
    stats = service.journal.stats()
    assert (stats["messages_received"], stats["duplicates"]) == (1, 1)


class DownEmbeddingsAPI:
    """OpenAI's embeddings endpoint while it is down (it cannot be reached from here): every request
    answered 503 with OpenAI's error object, and counted."""

    def __init__(self):
        import http.server
        api = self
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                api.requests += 1
                body = json.dumps({"error": {"message": "The server is overloaded", "type": "server_error",
                                             "param": None, "code": None}}).encode()
                self.send_response(503)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_dependency_down_fails_a_batch_in_three_tries_not_one_per_body(tmp_path):
    api = DownEmbeddingsAPI()
    config = make_config(tmp_path, max_attempts=5, retry_seconds=60)
    embedder = listings.open_embedder("sk-test", base_url=api.base_url, timeout=5, max_retries=0)
    service = whatsrag.Service(config, Journal(config.db_path), listings.open_store(config.listings_path), embedder)
    client = WSGIClient(whatsrag.App(service))
    for n in range(40):
        client.post_webhook(webhook_body(text_message(f"wamid.d{n}", f"{SALE} lot {n}")))
    assert whatsrag.drain(service) == 40
    assert api.requests == 3                            # the batch, then its two halves
    assert service.journal.counts()["pending"] == 40 and service.journal.stats()["processing_failures"] == 3
    service.close()
    api.close()


def test_two_different_bad_bodies_in_both_halves_fail_alone(service, wsgi):
    bad = []
    for n in range(10):
        if n == 1:
            bad.append(service.journal.append(b"\xff not JSON"))
        elif n == 8:
            bad.append(service.journal.append(b"{broken"))
        else:
            wsgi.post_webhook(webhook_body(text_message(f"wamid.h{n}", f"{SALE} #{n}")))
    whatsrag.drain(service)
    counts = service.journal.counts()
    assert (counts["done"], counts["parked"]) == (8, 2)
    assert [body_id for body_id, _, _ in service.journal.parked()] == bad
    with __import__("sqlite3").connect(service.config.db_path) as db:      # no one else's attempts counted
        assert db.execute("SELECT SUM(attempts) FROM bodies WHERE state = 'done'").fetchone() == (0,)


def test_cli_requeue_gives_parked_bodies_a_fresh_start(tmp_path):
    path = str(tmp_path / "rq.db")
    journal = Journal(path)
    for _ in range(3):
        journal.append(b"{}")
    for _ in range(3):
        assert journal.fail(journal.claim(), "cause", max_attempts=1, backoff_seconds=0)
    journal.close()
    one = run_cli("requeue", "2", env={"WHATSRAG_DB": path})
    assert one.returncode == 0 and one.stdout.strip() == "1 parked bodies requeued"
    rest = run_cli("requeue", env={"WHATSRAG_DB": path})
    assert rest.stdout.strip() == "2 parked bodies requeued"
    journal = Journal(path)
    assert journal.counts()["pending"] == 3 and journal.claim().attempts == 0
    journal.close()
