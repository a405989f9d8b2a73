"""Start-up time and idle memory of whatsrag with no OpenAI key (local embedder, local SQLite).

Start-up: from spawning the process to the first 200 on GET /health (polled every 2 ms), a fresh
database each time: interpreter start, imports, journal and store creation, the server listening.
Idle RSS: VmRSS of the service (the server and any child process) 2 s after that first 200, having
served nothing but /health: an idle service is one process, its worker starts with the first webhook.
Then one webhook is posted and processed: RSS of the server and its worker process while they run.
Both ways of starting it are measured: `python whatsrag.py` compiles whatsrag.py at every start (a
script's bytecode is never cached); `python -m whatsrag` loads it from the bytecode cache, like every
imported module. Python's bytecode cache is on, as on a deployed machine; one unmeasured start first
fills it. Goals: <= 0.3 s, <= 35 MB. Median (and worst) of --runs runs.

    python bench/bench_startup.py [--runs 7]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadgen, servers  # noqa: E402


def one_start(command, idle):
    """(seconds to the first 200, idle RSS MB, RSS MB once a webhook was processed) of one fresh start."""
    with tempfile.TemporaryDirectory() as tmp:
        server = servers.whatsrag(str(Path(tmp) / "w.db"), servers.free_port(), Path(tmp) / "log",
                                  command=command)
        server.start()
        try:
            time.sleep(idle)
            idle_rss = server.rss_kb() / 1024
            request = loadgen.signed_request(loadgen.payload(1), servers.SECRET)
            assert loadgen.post_all("127.0.0.1", server.port, [request])[0].status == 200
            deadline = time.monotonic() + 30
            while servers.health(server.port)["runtime_stats"]["messages_processed"] < 1:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the webhook was not processed: {server.log_tail()}")
                time.sleep(0.05)
            return server.started_in, idle_rss, server.rss_kb() / 1024
        finally:
            server.stop()


def bare_interpreter() -> tuple[float, float]:
    """(seconds, RSS MB) of a Python doing nothing, in the same environment: what any Python service
    pays on this machine before its first import (site-packages hooks included)."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=servers.clean_env(), check=True)
        times.append(time.perf_counter() - started)
    idle = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE,
                            env=servers.clean_env())
    time.sleep(0.5)
    rss = servers.vm_rss_kb(idle.pid) / 1024
    idle.communicate(b"")
    return statistics.median(times), rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--idle", type=float, default=2.0, help="seconds idle before reading RSS")
    args = parser.parse_args()
    print(f"# whatsrag, no OPENAI_API_KEY, fresh SQLite each run; {args.runs} runs each; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    seconds, rss = bare_interpreter()
    print(f"bare interpreter here (python -c pass): {seconds * 1000:.0f} ms, RSS {rss:.1f} MB")
    for command, shown in (("script", "python whatsrag.py"), ("module", "python -m whatsrag")):
        one_start(command, 0.0)                     # fills the bytecode cache, as any earlier start would
        starts, idle, busy = zip(*(one_start(command, args.idle) for _ in range(args.runs)))
        print(f"{shown}: start to first 200 on /health median {statistics.median(starts) * 1000:.0f} ms, "
              f"worst {max(starts) * 1000:.0f} ms (goal <= 300 ms); idle RSS median {statistics.median(idle):.1f} MB, "
              f"worst {max(idle):.1f} MB (goal <= 35 MB); processing (server + worker process) "
              f"median {statistics.median(busy):.1f} MB")


if __name__ == "__main__":
    main()
