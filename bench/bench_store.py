"""SQLite store speed at scale: build time and search latency (p50/p95) at N listings.

    python bench/bench_store.py                       # 100,000 listings, local embedder
    python bench/bench_store.py --listings 20000 --db /tmp/x.db --keep

The corpus is synthetic but shaped like the dev sets: brands, families and references drawn from
../shared/datasets/catalog/reference_catalog.csv (a small built-in list when absent), French and
English sale / wanted / trade templates, prices in EUR/USD/HKD/CHF, conditions, years, one to six
listings a message, and one message in eight without any watch. Messages carry explicit
Extraction/Listing values (the extractor is not measured here). Searches are the queries of
tests/data/queries.jsonl plus references, brands and price-only filters drawn from the corpus,
each run through `store.search` (query read, embedded, searched) as /search does.
"""
import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract import Extraction, Listing  # noqa: E402
from store import SearchFilters, StoredMessage, index, open_embedder, search  # noqa: E402
from store.sqlite_store import SQLiteStore  # noqa: E402

CATALOG = ROOT.parent / "shared" / "datasets" / "catalog" / "reference_catalog.csv"
FALLBACK = [("Rolex", "Submariner", "126610LN"), ("Rolex", "GMT-Master II", "126710BLRO"),
            ("Omega", "Speedmaster", "310.30.42.50.01.001"), ("Tudor", "Black Bay 58", "M79030N-0001"),
            ("Patek Philippe", "Nautilus", "5711/1A-010"), ("Audemars Piguet", "Royal Oak", "15500ST")]
RATES = {"EUR": 1.0, "USD": 0.87, "HKD": 0.111, "CHF": 1.07}
CONDITIONS = ["new", "excellent", "good", "used", None, None]
WORDS = {"new": "neuve", "excellent": "TBE", "good": "bon état", "used": "état d'usage"}
SALE = ["Vends {b} {m} {r} {y} {c} {kit} {p}", "WTS {b} {m} {r} ({y}, {c}) {kit} {p}",
        "Dispo {m} {r} {y} {kit} {p}", "{r} {y} {c} {p}"]
WANTED = ["Cherche {b} {m} {r}, budget {p}", "WTB {m} {r} full set, up to {p}"]
TRADE = ["Échange {b} {m} {r} {y} contre {b2} {m2}", "WTT my {m} {r} for a {m2}"]
OTHER = ["Bonjour à tous, RDV demain à {city} ?", "Colis bien reçu merci {name}", "Sold, thanks all",
         "Shipping via FedEx, 2-3 days to {city}"]


def catalog() -> list[tuple[str, str, str]]:
    if not CATALOG.exists():
        return FALLBACK
    with CATALOG.open(encoding="utf-8") as fh:
        return [(row["brand"], row["family"], row["reference"]) for row in csv.DictReader(fh)
                if row["brand"] and row["family"] and row["reference"]]


def make_listing(rng, watch) -> tuple[Listing, str]:
    brand, model, ref = watch
    currency = rng.choice(["EUR", "EUR", "USD", "HKD", "CHF"])
    price = round(rng.lognormvariate(9, 1) * (8 if currency == "HKD" else 1), -1)
    condition = rng.choice(CONDITIONS)
    year = rng.choice([None, rng.randint(1960, 2025)])
    listing = Listing(brand, model, ref, price, currency, condition, year, box=rng.random() < 0.5,
                      papers=rng.random() < 0.5, price_eur=round(price * RATES[currency], 2))
    return listing, f"{price:,.0f} {currency}"


def make_message(rng, n: int, watches) -> StoredMessage:
    kind = rng.random()
    if kind < 0.125:
        text = rng.choice(OTHER).format(city=rng.choice(["Paris", "Lyon", "Genève", "Dubai"]),
                                        name=rng.choice(["Karim", "Mike", "Julien"]))
        return StoredMessage(f"b{n}", text, 1_600_000_000 + n, None, "Dealer", "g", "import", Extraction())
    count = 1 if kind < 0.8 else rng.randint(2, 6)
    template = rng.choice(SALE if kind < 0.6 else WANTED if kind < 0.7 else TRADE if count == 1 else SALE)
    type_ = "sale" if template in SALE else "wanted" if template in WANTED else "trade"
    lines, listings = [], []
    for _ in range(count):
        listing, price = make_listing(rng, rng.choice(watches))
        other = rng.choice(watches)
        line = template.format(b=listing.brand, m=listing.model, r=listing.reference, y=listing.year or "",
                               c=WORDS.get(listing.condition, ""), kit="FS" if listing.box else "",
                               p=price, b2=other[0], m2=other[1])
        start = sum(len(x) + 1 for x in lines)
        lines.append(line)
        listings.append(Listing(**{**listing.__dict__, "span": (start, start + len(line))}))
    return StoredMessage(f"b{n}", "\n".join(lines), 1_600_000_000 + n, None, "Dealer", "g", "import",
                         Extraction(type_, tuple(listings), 0.9, "fr"))


def make_corpus(listings: int, seed: int) -> list[StoredMessage]:
    rng, watches, messages, total = random.Random(seed), catalog(), [], 0
    while total < listings:
        message = make_message(rng, len(messages), watches)
        messages.append(message)
        total += len(message.extraction.listings) or 1
    return messages


def make_searches(messages, seed: int) -> list[tuple[str, SearchFilters]]:
    rng = random.Random(seed + 1)
    path = ROOT / "tests" / "data" / "queries.jsonl"
    searches = [(q["query"], SearchFilters(**q["filters"]))
                for q in map(json.loads, path.read_text(encoding="utf-8").splitlines())] if path.exists() else []
    listed = [l for m in messages for l in m.extraction.listings]
    for listing in rng.sample(listed, 40):
        searches += [(listing.reference, SearchFilters()),
                     (f"{listing.brand} {listing.model} sous {int(listing.price_eur or 5000)}", SearchFilters()),
                     ("", SearchFilters(brand=listing.brand, max_price=20000))]
    return searches


def percentile(values, q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", help="SQLite file (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="reuse/keep --db instead of rebuilding")
    args = parser.parse_args(argv)

    path = args.db or os.path.join(tempfile.mkdtemp(prefix="bench-store-"), "listings.db")
    embedder = open_embedder(dim=512)
    messages = make_corpus(args.listings, args.seed)
    if not (args.keep and os.path.exists(path)):
        if os.path.exists(path):
            os.remove(path)
        store = SQLiteStore(path)
        texts = [m.text for m in messages[:20_000]]
        started, cpu = time.perf_counter(), time.process_time()
        open_embedder(dim=512).embed(texts)           # a fresh embedder: no word cached yet
        print(f"local embedder: {len(texts) / (time.perf_counter() - started):,.0f} texts/s "
              f"({len(texts) / (time.process_time() - cpu):,.0f} per CPU second), "
              f"{sum(map(len, texts)) / len(texts):.0f} characters a text")
        started, cpu = time.perf_counter(), time.process_time()
        saved = index(store, embedder, messages)
        build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"build (embed + save): {len(messages):,} messages, {saved:,} records in {build:.1f} s, "
              f"{saved / build:,.0f} records/s ({saved / build_cpu:,.0f} per CPU second); "
              f"db {os.path.getsize(path) / 1e6:.0f} MB")
    else:
        store = SQLiteStore(path)
    print(f"store: {store.health()[1]}")

    searches = make_searches(messages, args.seed)
    for text, filters in searches[:10]:            # warm the page cache and the embedder's word cache
        search(store, embedder, text, filters, limit=10)
    timings, cpu = [], time.process_time()
    for text, filters in searches:
        started = time.perf_counter()
        search(store, embedder, text, filters, limit=10)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"search: {len(timings)} queries, p50 {percentile(timings, 50):.1f} ms, "
          f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms "
          f"(mean CPU {(time.process_time() - cpu) * 1000 / len(timings):.1f} ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    slowest = sorted(zip(timings, searches), key=lambda t: t[0], reverse=True)[:3]
    for ms, (text, filters) in slowest:
        print(f"   {ms:6.1f} ms  {text!r} {filters}")
    store.close()


if __name__ == "__main__":
    main()
