"""serve's worker process runs while there is work: none while idle, started by a webhook, gone again
after WHATSRAG_WORKER_IDLE seconds with nothing unfinished, started again by the next webhook; one
that dies is replaced. Real `python whatsrag.py` processes on a loopback port."""
import http.client
import os
import signal
import subprocess
import sys
import time

import whatsrag
from bench import loadgen, servers


def children(pid) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as handle:
        return [int(child) for child in handle.read().split()]


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def post(server, seq):
    outcome = loadgen.post_all("127.0.0.1", server.port,
                               [loadgen.signed_request(loadgen.payload(seq, size=0), servers.SECRET)])[0]
    assert outcome.status == 200


def processed(server) -> int:
    return servers.health(server.port)["runtime_stats"]["messages_processed"]


def test_the_worker_process_runs_only_while_there_is_work(tmp_path):
    with servers.whatsrag(str(tmp_path / "w.db"), servers.free_port(), tmp_path / "log", cwd=tmp_path,
                          WHATSRAG_WORKER_IDLE="0.5") as server:     # started from outside the project
        pid = server.process.pid
        assert children(pid) == []                      # idle from the start: one process
        post(server, 1)
        assert wait_for(lambda: processed(server) == 1), server.log_tail()
        assert wait_for(lambda: children(pid) == []), "the worker did not exit once idle"
        for seq in range(2, 12):                        # each post may find it exiting: none is lost
            post(server, seq)
            time.sleep(0.1 * (seq % 7))
        assert wait_for(lambda: processed(server) == 11), server.log_tail()
        assert servers.health(server.port)["components"]["embedding_processor"] == "healthy"


def test_a_dead_worker_is_reported_and_replaced(tmp_path):
    with servers.whatsrag(str(tmp_path / "w.db"), servers.free_port(), tmp_path / "log") as server:
        post(server, 1)
        assert wait_for(lambda: processed(server) == 1), server.log_tail()
        (worker,) = children(server.process.pid)
        os.kill(worker, signal.SIGKILL)
        assert wait_for(lambda: servers.health(server.port)["components"]["embedding_processor"] == "unhealthy")
        post(server, 2)                                 # finds the pipe closed; a new worker within the pause
        assert wait_for(lambda: processed(server) == 2), server.log_tail()
        assert servers.health(server.port)["components"]["embedding_processor"] == "healthy"
        assert len(children(server.process.pid)) == 1


def test_a_wake_up_never_fails_the_ack_that_sends_it(tmp_path):
    """The body is journalled before the wake-up: whatever happens to the worker, the ack stays a 200."""
    unstartable = whatsrag.WorkerProcess(argv=(str(tmp_path / "no-such-python"), "work"))
    unstartable.wake()                                  # logged; the next wake-up tries again
    assert unstartable._process is None
    closed = subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE)
    closed.stdin.close()                                # another ack thread replaced this worker meanwhile
    assert whatsrag.WorkerProcess._nudge(closed) is False
    closed.wait()


def test_the_server_loads_the_extractor_for_its_first_search_only(tmp_path):
    """The worker process reads the messages; serve's own process needs the extractor (~0.2 s of CPU at
    its start, ~3 MB) only to read a search query, so it loads it then, and /health says which."""
    with servers.whatsrag(str(tmp_path / "w.db"), servers.free_port(), tmp_path / "log") as server:
        post(server, 1)
        assert wait_for(lambda: processed(server) == 1), server.log_tail()
        assert servers.health(server.port)["components"]["watch_extractor"] == "not loaded"
        before = servers.vm_rss_kb(server.process.pid)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/search?q=rolex+submariner+sous+15k")
        assert conn.getresponse().status == 200
        conn.close()
        assert servers.health(server.port)["components"]["watch_extractor"] == "healthy"
        assert servers.vm_rss_kb(server.process.pid) > before + 1024     # its tables were not there before
