#!/usr/bin/env python3
"""Extractor throughput: messages per second in one process, one core.

    python bench/bench_extract.py [--messages 20000] [--rounds 3]

Reads the dev sets (tests/data/fr-dev.jsonl, and ../shared/datasets/real-dev.jsonl when present),
repeats them to the asked number of messages, and times extract() over all of them, after one
warm-up pass. Prints the import time, the first message's and the warm-up's (regexes of the word
lists are compiled on first use), then for each round and the best: msgs/s by
the wall clock and per CPU-second of this process (the one-core figure on a shared machine), and
a plain-loop rate of the core, to compare figures taken on machines of different speed or load.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEV_SETS = (os.path.join(ROOT, "tests", "data", "fr-dev.jsonl"),
            os.path.join(ROOT, "..", "shared", "datasets", "real-dev.jsonl"))


def load_texts() -> list[str]:
    texts = []
    for path in DEV_SETS:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                texts += [json.loads(line)["text"] for line in fh if line.strip()]
    if not texts:
        sys.exit("no dev set found")
    return texts


def loop_rate(n: int = 2_000_000) -> float:
    """Millions of plain Python additions per CPU-second: how fast this core is right now, so
    figures from a busy shared machine can be compared with a quiet one."""
    started, total = time.process_time(), 0
    for i in range(n):
        total += i
    return n / (time.process_time() - started) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, ROOT)
    started, cpu = time.perf_counter(), time.process_time()
    from extract import extract
    print(f"import extract: {time.perf_counter() - started:.3f} s wall, {time.process_time() - cpu:.3f} s CPU")
    texts = load_texts()
    corpus = (texts * (args.messages // len(texts) + 1))[:args.messages]
    chars = sum(map(len, corpus))
    cpu = time.process_time()
    extract(texts[0])                                   # the word lists compile their regexes on first use
    print(f"first message: {1000 * (time.process_time() - cpu):.1f} ms CPU; "
          f"warm-up pass over {len(texts)} messages: ", end="")
    cpu = time.process_time()
    for text in texts:                                  # warm-up
        extract(text)
    print(f"{time.process_time() - cpu:.3f} s CPU")
    best = best_cpu = 0.0
    for round_no in range(1, args.rounds + 1):
        started, cpu = time.perf_counter(), time.process_time()
        for text in corpus:
            extract(text)
        rate = len(corpus) / (time.perf_counter() - started)
        cpu_rate = len(corpus) / (time.process_time() - cpu)
        best, best_cpu = max(best, rate), max(best_cpu, cpu_rate)
        print(f"round {round_no}: {len(corpus)} messages ({chars / len(corpus):.0f} chars avg) "
              f"{rate:,.0f} msgs/s wall, {cpu_rate:,.0f} msgs per CPU-second")
    print(f"best: {best:,.0f} msgs/s wall, {best_cpu:,.0f} msgs per CPU-second (one core; the wall "
          f"figure drops when other processes share the core) over {len(texts)} distinct dev messages")
    print(f"this core now: {loop_rate():.1f} M plain Python additions per CPU-second (compare machines with it)")


if __name__ == "__main__":
    main()
