"""The disk's share of an ack: one SQLite commit of a 1 KB row at a time, WAL, synchronous=FULL.

The webhook cannot answer 200 faster than its body's commit reaches the disk, and an ack may wait for
the commit in progress before its own: this is the floor under bench_ack's latencies on this machine.

    python bench/bench_commit.py [--commits 1000] [--dir DIR]   (DIR: where the file goes, default .)
"""
import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import percentile  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--dir", default=".")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        db = sqlite3.connect(os.path.join(tmp, "commit.db"), isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("CREATE TABLE bodies (id INTEGER PRIMARY KEY, body BLOB)")
        body, latencies = os.urandom(1024), []
        for _ in range(args.commits):
            started = time.perf_counter()
            db.execute("INSERT INTO bodies (body) VALUES (?)", (body,))      # one statement, its own commit
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.001)                                               # about 1,000 commits a second
        db.close()
    print(f"# {args.commits} single-row commits (1 KB, WAL, synchronous=FULL) in {os.path.abspath(args.dir)}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"p50 {percentile(latencies, 50):.2f} ms, p90 {percentile(latencies, 90):.2f} ms, "
          f"p99 {percentile(latencies, 99):.2f} ms, max {max(latencies):.2f} ms")


if __name__ == "__main__":
    main()
