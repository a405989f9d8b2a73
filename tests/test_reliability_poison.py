"""Bodies the fuzzer found that hurt more than themselves: each one here was once a 500, a silent close,
or a request thread stuck forever, for the request that sent it and for the ones that shared its commit.
Regression tests, built from the fuzz cases (bench/fuzz_corpus.py, seed 1) that first showed them.
"""
import socket
import threading

import whatsrag
from bench.fuzz_corpus import request
from conftest import APP_SECRET, text_message, wait_until, webhook_body
from store.journal import Journal, JournalError

# Valid JSON whose change `field` is a lone surrogate ("\ud800" is legal JSON, not storable UTF-8):
# fuzz seed 1 index 288. whatsrag records it as ignored, with its reason, and must answer 200.
LONE_SURROGATE_FIELD = b'{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"\\ud800"}]}]}'


def test_a_lone_surrogate_in_an_ignored_body_is_acknowledged_with_its_reason(wsgi, service):
    status, _, body = wsgi.post_webhook(LONE_SURROGATE_FIELD)
    assert status == 200, body
    counts = service.journal.counts()
    assert counts["ignored"] == 1 and counts["pending"] == 0


def test_an_unstorable_append_never_strands_the_others_in_its_commit_group(tmp_path):
    """Twenty concurrent appends share group commits with one whose reason cannot be stored as is:
    every append returns (an id, or a JournalError), none hangs, and the valid ones are all kept."""
    journal = Journal(str(tmp_path / "j.db"))
    results, start = {}, threading.Barrier(21)

    def append(n, ignored=None):
        start.wait()
        try:
            results[n] = journal.append(b'{"n": %d}' % n, ignored=ignored)
        except JournalError as exc:
            results[n] = exc
        except Exception as exc:        # anything else is the bug: the caller would answer 500
            results[n] = exc

    threads = [threading.Thread(target=append, args=(n,), daemon=True) for n in range(20)]
    threads.append(threading.Thread(target=append, args=(20, "fields: \ud800"), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    try:
        assert not [t for t in threads if t.is_alive()], "appends stuck in the group commit"
        assert all(isinstance(results[n], int) for n in range(20)), results
        assert isinstance(results[20], (int, JournalError)), repr(results[20])
        assert journal.counts()["pending"] == 20
    finally:
        journal.close()


def test_a_worker_survives_a_body_whose_error_text_is_not_storable(service_factory):
    """A message id that is a lone surrogate cannot be written to SQLite as is; its body is stored
    (escaped) or parked with the reason, and the worker goes on to process the next body."""
    service = service_factory(start_workers=True, retry_seconds=0.0, max_attempts=2)
    app_bad = webhook_body(text_message("\ud800", "Rolex 5513 for sale 9000 EUR"))
    app_good = webhook_body(text_message("wamid.after-the-bad-one", "Omega Speedmaster 3861 for sale 6500 EUR"))
    service.journal.append(app_bad)
    service.journal.append(app_good)
    service.wake()
    settled = lambda: service.journal.counts()["done"] + service.journal.counts()["parked"] == 2   # noqa: E731
    wait_until(settled)
    assert service.journal.counts()["done"] >= 1
    assert service.pool.healthy()
    assert all(reason for _, _, reason in service.journal.parked())


def test_two_different_content_lengths_are_refused(live_server):
    """RFC 9112 6.3: differing Content-Length values are an unrecoverable framing error (400), or a
    proxy that reads the other value lets a second request be smuggled in (fuzz seed 1 index 0)."""
    server = live_server()
    body = webhook_body(text_message("wamid.two-lengths", "Tudor BB58 for sale 3200 EUR"))
    raw = request(body, APP_SECRET, content_length=[str(len(body)), str(len(body) - 7)])
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        answer = sock.recv(65536)
    assert answer.split(b" ", 2)[1] == b"400", answer[:200]
    assert sum(server.service.journal.counts().values()) == 0


def test_a_burst_of_new_connections_is_not_dropped_by_the_listen_backlog(service):
    """Meta delivers concurrently, on new connections. socketserver listens with a backlog of 5: with 64
    clients connecting at once the kernel dropped SYNs and those clients waited for TCP's 1 s retransmit
    (bench_ack at concurrency 64: p99 1,500 ms with 5, 110 ms with 128)."""
    server = whatsrag.make_http_server(service, "127.0.0.1", 0)
    try:
        assert server.request_queue_size >= 64
    finally:
        server.server_close()
