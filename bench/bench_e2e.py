"""End to end: messages posted to `python whatsrag.py` until all are stored, with OpenAI embeddings on a
loopback stand-in that takes 200 ms per request (bench/openai_standin.py: the embeddings API's wire format).

10,000 signed WhatsApp text messages (one per POST, dealer texts of ~100 characters, distinct ids) are
posted over 16 keep-alive connections; the clock runs from the first POST to the moment /health counts
every message processed (extracted, embedded, stored) with nothing pending. Messages/s = messages /
that time. Goal >= 500 (the previous service, one embedding call per message inside the request, managed
a few per second). Also printed: how fast the posts were acknowledged, and how many embedding requests
carried how many inputs (batching is what beats a 200 ms API).

    python bench/bench_e2e.py [--messages 10000] [--delay 0.2] [--workers N]
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadgen, servers  # noqa: E402
from bench.openai_standin import EmbeddingsStandin  # noqa: E402



def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds per embeddings request")
    parser.add_argument("--workers", type=int, help="WHATSRAG_WORKERS (default: whatsrag's own)")
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    requests = [loadgen.signed_request(loadgen.payload(seq, size=0), servers.SECRET)
                for seq in range(args.messages)]
    with EmbeddingsStandin(delay=args.delay) as api, tempfile.TemporaryDirectory() as tmp:
        extra = {"OPENAI_API_KEY": "sk-bench-standin", "OPENAI_BASE_URL": api.base_url}
        if args.workers:
            extra["WHATSRAG_WORKERS"] = args.workers
        server = servers.whatsrag(str(Path(tmp) / "w.db"), servers.free_port(), Path(tmp) / "log", **extra)
        server.start()
        try:
            t0 = time.perf_counter()
            outcomes = loadgen.post_all("127.0.0.1", server.port, requests, concurrency=16)
            posted = time.perf_counter() - t0
            acked = sum(o.status == 200 for o in outcomes)
            deadline = t0 + args.timeout
            while True:
                report = servers.health(server.port)
                done = report["runtime_stats"]["messages_processed"]
                if (done >= acked and report["pending"] == 0) or time.perf_counter() > deadline:
                    break
                time.sleep(0.1)
            elapsed = time.perf_counter() - t0
            rss = server.rss_kb() / 1024
        finally:
            server.stop()
    print(f"# {args.messages} messages, embeddings stand-in {args.delay * 1000:.0f} ms/request, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"posted: {acked}/{len(outcomes)} acknowledged in {posted:.1f} s ({acked / posted:.0f} req/s)")
    print(f"stored: {done} messages processed in {elapsed:.1f} s from the first POST: "
          f"{done / elapsed:.0f} messages/s (goal >= 500){'' if done >= acked else '  [TIMED OUT]'}")
    print(f"embeddings: {api.requests} requests, {api.inputs} inputs "
          f"({api.inputs / max(api.requests, 1):.1f} per request); service RSS at the end (server + worker process, openai package loaded) {rss:.0f} MB")


if __name__ == "__main__":
    main()
