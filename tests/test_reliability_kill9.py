"""kill -9 during load: `python whatsrag.py` is killed while 16 clients post 2,000 distinct signed
messages, then restarted. Every message that got a 200 before the kill is stored once the restarted
process has resumed its journal; Meta then redelivers what got no 200 (and, as it does, some that did),
and at the end each of the 2,000 is stored exactly once and counted exactly once.
"""
import random
import sqlite3
import threading
import time

import whatsrag
from bench import loadgen, servers

MESSAGES = 2000



def drained(port, timeout=120.0):
    """Wait until the journal has nothing pending (processed or parked); the last /health report."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = servers.health(port)
        if report["pending"] == 0:
            return report
        time.sleep(0.2)
    raise AssertionError(f"still pending after {timeout}s: {report}")


def journalled(db):
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM bodies").fetchone()[0]
    except sqlite3.Error:
        return 0


def stored_ids(db):
    with sqlite3.connect(whatsrag.Config(db_path=db).listings_path) as conn:
        return [row[0] for row in conn.execute("SELECT message_id FROM messages WHERE message_id LIKE 'wamid.bench.%'")]


def message_id(seq):
    return f"wamid.bench.{seq:012d}"


def test_kill_9_under_load_loses_and_doubles_nothing(tmp_path):
    db, log = str(tmp_path / "w.db"), tmp_path / "server.log"
    bodies = [loadgen.payload(seq, size=0) for seq in range(MESSAGES)]
    requests = [loadgen.signed_request(body, servers.SECRET) for body in bodies]
    server = servers.whatsrag(db, servers.free_port(), log).start()

    # 16 clients post all 2,000; the process is killed once about a third are journalled.
    outcomes = []
    poster = threading.Thread(target=lambda: outcomes.extend(
        loadgen.post_all("127.0.0.1", server.port, requests, concurrency=16, timeout=5)))
    poster.start()
    deadline = time.monotonic() + 60
    while journalled(db) < MESSAGES // 3 and time.monotonic() < deadline and poster.is_alive():
        time.sleep(0.005)
    server.kill9()
    poster.join(120)
    assert not poster.is_alive()
    acked = {o.index for o in outcomes if o.status == 200}
    assert 0 < len(acked) < MESSAGES, "the kill must land mid-load for this test to mean anything"

    # Restart on the same journal: every acknowledged message gets stored, none twice.
    server = servers.whatsrag(db, servers.free_port(), log).start()
    try:
        drained(server.port)
        stored = stored_ids(db)
        assert len(stored) == len(set(stored))
        missing = {message_id(i) for i in acked} - set(stored)
        assert not missing, f"{len(missing)} acknowledged messages lost, e.g. {sorted(missing)[:5]}"

        # Meta redelivers what got no 200, and some that did (at-least-once, concurrent).
        again = sorted(set(range(MESSAGES)) - acked) + random.Random(6).sample(sorted(acked), min(200, len(acked)))
        retry = loadgen.post_all("127.0.0.1", server.port, [requests[i] for i in again], concurrency=16)
        assert all(o.status == 200 for o in retry), [o for o in retry if o.status != 200][:5]
        report = drained(server.port)
    finally:
        server.stop()

    stored = stored_ids(db)
    assert len(stored) == MESSAGES and set(stored) == {message_id(i) for i in range(MESSAGES)}
    stats = report["runtime_stats"]
    assert stats["messages_received"] == MESSAGES      # counted once each, across the kill
    assert stats["messages_processed"] == MESSAGES
    assert report["parked"] == 0
    assert report["duplicates"] >= 200                 # the redeliveries of acknowledged messages
