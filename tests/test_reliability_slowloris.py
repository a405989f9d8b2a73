"""Slow clients against the real server (`python whatsrag.py`, WHATSRAG_REQUEST_TIMEOUT=2): a client that
sends one byte a second, in the request line, the headers or the body, or that sends nothing after its
request, loses its connection once the timeout has passed; forty of them at once do not stop a normal
client from being served, and their threads are gone afterwards.
"""
import socket
import threading
import time
from pathlib import Path

import pytest

from bench import loadgen, servers

TIMEOUT = 2.0           # WHATSRAG_REQUEST_TIMEOUT for these tests
GRACE = 2.0             # the watchdog's tick, scheduling on a loaded 2-core machine


def threads_of(server):
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError("no thread count")


@pytest.fixture
def server(tmp_path):
    proc = servers.whatsrag(str(tmp_path / "w.db"), servers.free_port(), tmp_path / "server.log",
                            WHATSRAG_REQUEST_TIMEOUT=TIMEOUT)
    proc.start()
    yield proc
    proc.stop()


def trickle(port, head, drip, limit=30.0):
    """Send `head` at once, then `drip` one byte a second; seconds until the server cut us off."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(1.0)
    start = time.monotonic()
    try:
        sock.sendall(head)
        for byte in drip:
            try:
                if sock.recv(65536) == b"":
                    break               # closed, maybe after an error answer
            except socket.timeout:
                pass                    # still open: one more byte
            sock.sendall(bytes([byte]))
            if time.monotonic() - start > limit:
                break
        else:
            while time.monotonic() - start < limit and sock.recv(65536) != b"":
                pass
    except (ConnectionError, OSError):
        pass                            # reset or broken pipe: cut off
    finally:
        sock.close()
    return time.monotonic() - start


BODY = loadgen.payload(1, size=0)
REQUEST = loadgen.signed_request(BODY, servers.SECRET)
HEAD, _, _ = REQUEST.partition(b"\r\n\r\n")
SLOW = {
    "request line": (b"", b"POST /webhook HTTP/1.1\r\n" * 3),
    "headers": (b"POST /webhook HTTP/1.1\r\n", HEAD.split(b"\r\n", 1)[1] * 2),
    "body": (HEAD + b"\r\n\r\n", BODY),
}


@pytest.mark.parametrize("part", SLOW)
def test_one_byte_a_second_is_cut_off_at_the_timeout(server, part):
    head, drip = SLOW[part]
    held = trickle(server.port, head, drip)
    assert held <= TIMEOUT + GRACE, f"a client trickling its {part} held a thread {held:.1f}s"


def test_an_idle_keep_alive_connection_is_cut_off_at_the_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT * 10) as sock:
        sock.sendall(REQUEST)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        start = time.monotonic()
        while sock.recv(65536):
            pass
        assert time.monotonic() - start <= TIMEOUT + GRACE


def test_forty_slow_clients_do_not_starve_a_normal_one(server):
    # the first webhook starts the service's own threads for good (the WAL checkpointer, the worker
    # process's reaper): counted before the slow clients come
    first = loadgen.post_all("127.0.0.1", server.port, [REQUEST], concurrency=1)
    assert first[0].status == 200
    time.sleep(0.5)
    idle = threads_of(server)
    slow = [threading.Thread(target=trickle, args=(server.port, *SLOW["body"]), daemon=True) for _ in range(40)]
    for thread in slow:
        thread.start()
    time.sleep(0.5)
    answer = loadgen.post_all("127.0.0.1", server.port, [loadgen.signed_request(loadgen.payload(2, size=0),
                                                                              servers.SECRET)], concurrency=1)
    assert answer[0].status == 200
    for thread in slow:
        thread.join(TIMEOUT + GRACE + 5)
    assert not [t for t in slow if t.is_alive()]
    deadline = time.monotonic() + 5
    while threads_of(server) > idle and time.monotonic() < deadline:
        time.sleep(0.1)
    assert threads_of(server) <= idle, "threads of slow clients outlived them"
