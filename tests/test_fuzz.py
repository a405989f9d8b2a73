"""Fuzzing the real server: 10,000 malformed or hostile requests from the seeded corpus in
bench/fuzz_corpus.py (truncated JSON, every field given the wrong type, huge strings, deep nesting,
invalid UTF-8, wrong or missing Content-Length, absurd headers, bad signatures, unknown methods and
paths, protocol garbage), sent over real sockets to `python whatsrag.py` on a loopback port.

What must hold: every request answered as its case allows (never a 5xx for a validly signed body, a 4xx
for what is refused), each 200 journalled and then processed, ignored or parked with its reason, no
request thread left stuck, the workers alive and the process still answering.

A failure prints the case's (seed, index): `python -m bench.fuzz_corpus --seed S --index I` shows it and
`--send 127.0.0.1:PORT` replays it. FUZZ_SEED picks another corpus, FUZZ_COUNT another size.
"""
import collections
import http.client
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from bench import servers
from bench.fuzz_corpus import Case, base_payloads, corpus, send, send_all
from bench.loadgen import payload, signed_request
from store.journal import Journal

SEED = int(os.environ.get("FUZZ_SEED", "1"))
COUNT = int(os.environ.get("FUZZ_COUNT", "10000"))
FIXTURES = Path(__file__).parent / "fixtures" / "meta-webhooks"


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def threads_of(server):
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError("no thread count")


def wait_until(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@pytest.fixture
def server(tmp_path):
    # Failures are retried fast and parked after two attempts, so the test sees every body settle.
    port = servers.free_port()
    proc = servers.whatsrag(str(tmp_path / "fuzz.db"), port, tmp_path / "server.log", WHATSRAG_WORKERS=2,
                            WHATSRAG_MAX_ATTEMPTS=2, WHATSRAG_RETRY_SECONDS=0.1, WHATSRAG_REQUEST_TIMEOUT=5)
    proc.start()
    yield proc
    proc.stop()


def test_ten_thousand_hostile_requests_leave_the_server_whole(server, tmp_path):
    idle_threads = threads_of(server)
    cases = corpus(SEED, COUNT, servers.SECRET, base_payloads(FIXTURES))
    answers = send_all(cases, "127.0.0.1", server.port, concurrency=8)

    wrong = [a for a in answers if not a.ok]
    assert not wrong, f"{len(wrong)} of {len(cases)} answered wrongly, e.g.:\n" + "\n".join(
        f"  seed {a.case.seed} index {a.case.index} {a.case.family} ({a.case.detail}): expected "
        f"{a.case.expect}, got {a.status} {a.error or ''}" for a in wrong[:25])
    assert not [a for a in answers if a.status and a.status >= 500 and a.case.expect == "200"]
    assert server.alive(), server.log_tail()

    # No request thread stays stuck once its client is gone (deadline 5 s, then a margin).
    assert wait_until(lambda: threads_of(server) <= idle_threads + 2, timeout=20), (
        f"{threads_of(server)} threads, {idle_threads} before the fuzzing")

    # Still answering, workers alive, and a real message still goes all the way through.
    status, body = get(server.port, "/health")
    assert status == 200
    assert json.loads(body)["components"]["embedding_processor"] == "healthy"
    before = json.loads(body)["runtime_stats"]["messages_processed"]
    probe = Case(SEED, -1, "probe", "a valid message", signed_request(payload(999_999_999), servers.SECRET), "200")
    assert send(probe, "127.0.0.1", server.port).status == 200
    assert wait_until(lambda: json.loads(get(server.port, "/health")[1])["runtime_stats"]
                      ["messages_processed"] > before, timeout=30)

    # Each 200 was journalled, and every journalled body settles: processed, ignored or parked with a reason.
    accepted = sum(a.status == 200 and a.case.raw.startswith(b"POST") for a in answers)
    journal = Journal(str(tmp_path / "fuzz.db"))
    try:
        assert wait_until(lambda: journal.counts()["pending"] + journal.counts()["claimed"] == 0, timeout=120)
        counts = journal.counts()
        assert sum(counts.values()) >= accepted + 1       # + the probe; a lenient 200 elsewhere may add
        with sqlite3.connect(tmp_path / "fuzz.db") as db:
            reasons = db.execute("SELECT state, last_error FROM bodies WHERE state IN ('parked', 'ignored')").fetchall()
        assert counts["parked"] + counts["ignored"] == len(reasons)
        assert all(error for _, error in reasons), "a parked or ignored body without its reason"
    finally:
        journal.close()
    families = collections.Counter(a.case.family for a in answers)
    assert len(families) >= 11 and len(answers) == COUNT

