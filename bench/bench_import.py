"""Import speed: a seeded 100,000-line WhatsApp export through `import_chat`, local embedder, to all stored.

    python bench/bench_import.py [--lines 100000] [--seed 7] [--jobs N] [--keep DIR]

Messages are drawn from ../shared/datasets/*.jsonl when present (real dealer texts), else from a few
built-in ones; about 1 line in 6 continues a multi-line message, and system lines, media placeholders,
deleted and edited messages are mixed in as WhatsApp writes them (Android FR stamps). Prints parse-only
and end-to-end figures: lines/s and total seconds. The issue's budget is 60 s for 100,000 lines.
"""
import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import whatsrag                                              # noqa: E402
from extract.chat import ChatReport, open_export, parse_lines  # noqa: E402

DATASETS = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
FALLBACK = ["Vends Rolex Submariner 126610LN 2021 full set 12 900€", "Cherche Daytona acier 116500LN",
            "Omega Speedmaster 310.30.42.50.01.001 neuve 6 200 €", "Dispo demain pour RDV ?",
            "WTS Tudor Black Bay 58 79030N 2022 box papers $3,400", "Merci à tous 🙏"]
SENDERS = ["Jean Dupont", "Paul", "+33 6 12 34 56 78", "Marc (Genève)", "+852 9123 4567", "Ahmed", "Sofia"]
SYSTEM = ["Jean Dupont a ajouté Paul", "Marc (Genève) est parti", "Paul a changé l'icône de ce groupe"]


def corpus() -> list[str]:
    texts = []
    for path in sorted(DATASETS.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts or FALLBACK


def export_lines(count: int, seed: int):
    """Exactly `count` lines of an Android FR export."""
    rng, texts = random.Random(seed), corpus()
    when, written = datetime(2026, 1, 1, 8, 0), 0
    while written < count:
        when += timedelta(seconds=rng.randint(5, 400))
        stamp = when.strftime("%d/%m/%Y %H:%M")
        roll = rng.random()
        if roll < 0.02:
            body = [f"{stamp} - {rng.choice(SYSTEM)}"]
        else:
            sender = rng.choice(SENDERS)
            text = rng.choice(texts) if roll > 0.06 else rng.choice(["<Médias omis>", "Ce message a été supprimé"])
            if rng.random() < 0.03:
                text += " <Ce message a été modifié>"
            lines = text.splitlines() or [""]
            if len(lines) == 1 and rng.random() < 0.12:
                lines.append(rng.choice(["Prix ferme", "Envoi possible", "DM si intéressé"]))
            body = [f"{stamp} - {sender}: {lines[0]}", *lines[1:]]
        for line in body[:count - written]:
            yield line
        written += len(body[:count - written])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="import processes (default: cores)")
    parser.add_argument("--keep", help="write the export and database here instead of a temporary folder")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench_import_"))
    folder.mkdir(parents=True, exist_ok=True)
    export = folder / "WhatsApp Chat with Bench Dealers.txt"
    export.write_text("\n".join(export_lines(args.lines, args.seed)) + "\n", encoding="utf-8")
    db = folder / "bench_import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    started, report = time.perf_counter(), ChatReport()
    with open_export(export) as lines:
        parsed = sum(1 for _ in parse_lines(lines, "Bench Dealers", report=report))
    parse_seconds = time.perf_counter() - started

    config = whatsrag.Config.from_env({"WHATSRAG_DB": str(db)})
    service = whatsrag.open_service(config, workers=False)
    try:
        summary = whatsrag.import_chat(service, export, jobs=args.jobs)
        stats = whatsrag.stats_report(service.journal)
    finally:
        service.close()
    with sqlite3.connect(config.listings_path) as conn:
        stored = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        listings = conn.execute("SELECT count(*) FROM listings WHERE has_listing = 1").fetchone()[0]

    print(f"export: {args.lines:,} lines, seed {args.seed}, {export.stat().st_size / 1e6:.1f} MB, "
          f"{parsed:,} messages, {report.system:,} system, {report.malformed:,} malformed")
    print(f"parse only:  {parse_seconds:6.2f} s  {args.lines / parse_seconds:10,.0f} lines/s")
    print(f"import:      {summary.seconds:6.2f} s  {args.lines / summary.seconds:10,.0f} lines/s  "
          f"({args.jobs} processes: journal, extract, local embedder {service.embedder.name}, SQLite store)")
    print(f"stored: {stored:,} messages with text, {listings:,} listings; "
          f"pending {stats['pending']}, parked {stats['parked']}; budget 60 s: "
          f"{'met' if summary.seconds < 60 else 'MISSED'}")
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
