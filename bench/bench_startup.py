"""Start-up time and idle memory of `python whatsrag.py` with no OpenAI key (local embedder, local SQLite).

Start-up: from spawning the process to the first 200 on GET /health (polled every 2 ms), a fresh
database each time: interpreter start, imports, journal and store creation, the server listening.
Idle RSS: VmRSS of the process 2 s after that first 200, having served nothing but /health.
Goals: <= 0.3 s, <= 35 MB. Median (and worst) of --runs runs.

    python bench/bench_startup.py [--runs 7]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--idle", type=float, default=2.0, help="seconds idle before reading RSS")
    args = parser.parse_args()
    starts, rss = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            server = servers.whatsrag(str(Path(tmp) / "w.db"), servers.free_port(), Path(tmp) / "log")
            server.start()
            try:
                time.sleep(args.idle)
                starts.append(server.started_in)
                rss.append(server.rss_kb() / 1024)
            finally:
                server.stop()
    print(f"# python whatsrag.py, no OPENAI_API_KEY, fresh SQLite each run; {args.runs} runs; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    print(f"start to first 200 on /health: median {statistics.median(starts) * 1000:.0f} ms, "
          f"worst {max(starts) * 1000:.0f} ms (goal <= 300 ms)")
    print(f"idle RSS: median {statistics.median(rss):.1f} MB, worst {max(rss):.1f} MB (goal <= 35 MB)")


if __name__ == "__main__":
    main()
