"""Search quality: recall@10 and MRR of `store.search` over the dev corpora.

    python bench/bench_search.py                      # extract() reads corpus and queries
    python bench/bench_search.py --labels             # corpus read from its labels (a perfect extractor)
    python bench/bench_search.py --compare            # every embedded-text choice side by side
    python bench/bench_search.py --misses             # queries below full recall, with what came first

tests/data/queries.jsonl (86 queries) is the set the ranking weights were measured on;
tests/data/queries-holdout.jsonl (23) was written afterwards and never tuned on.

Corpora: fr-dev (tests/data/fr-dev.jsonl, else ../shared/datasets/fr-dev.jsonl) and real-dev (only read
from ../shared/datasets/, skipped when absent). Both go into one store, so each query has the other
corpus as distractors. Queries: tests/data/queries*.jsonl, {"query", "filters", "relevant": ["fr-dev:74",
...]}: a relevant id is a corpus and a 1-based line. Relevance is per message (a message's listings count
once). recall@10 = relevant messages in the first 10 distinct messages / min(10, relevant); MRR = mean of
1/rank of the first relevant message (0 when none in the first 10). "right listing shown": for queries
naming a model, the share of relevant hits whose listing is of that model, not another watch of the
same message (a stock list names several).
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract import Extraction, Listing, LISTING_FIELDS, extract  # noqa: E402
from store import EMBEDDING_TEXTS, SearchFilters, StoredMessage, index, open_embedder, read_query, search  # noqa: E402
from store.sqlite_store import SQLiteStore  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
CORPORA = {"fr-dev": [ROOT / "tests" / "data" / "fr-dev.jsonl", SHARED / "fr-dev.jsonl"],
           "real-dev": [SHARED / "real-dev.jsonl"]}
K = 10


def corpus_path(name: str) -> Path | None:
    return next((path for path in CORPORA[name] if path.exists()), None)


def eur_rates() -> dict:
    try:
        from extract import rates
        return rates.load().per_unit
    except ImportError:
        return {"EUR": 1.0}


def labelled_extraction(text: str, label: dict, rates: dict) -> Extraction:
    """The label as an Extraction; a listing's span is the line naming its reference or model."""
    listings = []
    for item in label["listings"]:
        fields = {name: item.get(name) for name in LISTING_FIELDS}
        rate = rates.get(fields["currency"]) if fields["currency"] else None
        price_eur = fields["price"] * rate if fields["price"] is not None and rate else None
        listings.append(Listing(**fields, price_eur=price_eur, span=line_span(text, item)))
    return Extraction(label["type"], tuple(listings), 1.0, None)


def line_span(text: str, item: dict) -> tuple[int, int] | None:
    start = 0
    for line in text.split("\n"):
        for needle in (item.get("reference"), item.get("model")):
            if needle and needle.lower() in line.lower():
                return start, start + len(line)
        start += len(line) + 1
    return None


def load_messages(use_labels: bool) -> list[StoredMessage]:
    rates = eur_rates()
    messages = []
    for name in CORPORA:
        path = corpus_path(name)
        if path is None:
            print(f"# {name}: absent, skipped")
            continue
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            label = json.loads(line)
            text = label["text"]
            extraction = labelled_extraction(text, label, rates) if use_labels else extract(text)
            messages.append(StoredMessage(f"{name}:{line_no}", text, 1_700_000_000 + line_no, None, None,
                                          name, "import", extraction))
    return messages


def load_queries(path: Path, present: set[str]) -> list[dict]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        query = json.loads(line)
        query["relevant"] = [r for r in query["relevant"] if r.split(":")[0] in present]
        if query["relevant"]:
            queries.append(query)
    return queries


def evaluate(store, embedder, queries: list[dict]) -> list[dict]:
    results = []
    for query in queries:
        hits = search(store, embedder, query["query"], SearchFilters(**query["filters"]), limit=50)
        best = {}
        for hit in hits:                       # a message's first (best) hit stands for it
            best.setdefault(hit.message_id, hit)
        first_hits = list(best.values())[:K]
        ranked = [hit.message_id for hit in first_hits]
        relevant = set(query["relevant"])
        found = [i for i, message_id in enumerate(ranked, 1) if message_id in relevant]
        results.append({**query, "ranked": ranked,
                        "recall": len(found) / min(K, len(relevant)),
                        "rr": 1 / found[0] if found else 0.0,
                        "right_listing": right_listing(query["query"], first_hits, relevant)})
    return results


def right_listing(query: str, hits, relevant: set) -> list[bool]:
    """For a query naming a model: does each relevant hit show a listing of that model family (and
    not another watch of the same message)? Families compare as the extraction scorer does: one
    name, letters and digits only, contained in the other."""
    wanted = read_query(query, SearchFilters())[0].model
    if not wanted:
        return []
    family = alnum(wanted)
    return [bool(hit.listing and hit.listing.model and
                 (family in alnum(hit.listing.model) or alnum(hit.listing.model) in family))
            for hit in hits if hit.message_id in relevant]


def alnum(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def summary(results: list[dict]) -> tuple[float, float, float]:
    n = len(results) or 1
    shown = [ok for r in results for ok in r["right_listing"]]
    return (sum(r["recall"] for r in results) / n, sum(r["rr"] for r in results) / n,
            sum(shown) / (len(shown) or 1))


def run(messages, queries, text_for, show_misses=False) -> tuple[float, float, float]:
    store = SQLiteStore(":memory:")
    embedder = open_embedder(dim=512)
    index(store, embedder, messages, text_for=text_for)
    results = evaluate(store, embedder, queries)
    if show_misses:
        texts = {m.message_id: (m.text or "")[:70].replace("\n", " / ") for m in messages}
        for r in results:
            if r["recall"] < 1 or r["rr"] < 1:
                print(f"\nrecall {r['recall']:.2f} rr {r['rr']:.2f} {r['query']!r} {r['filters'] or ''}")
                print("   missed:", ", ".join(sorted(set(r["relevant"]) - set(r["ranked"]))))
                for message_id in r["ranked"][:5]:
                    mark = "+" if message_id in r["relevant"] else " "
                    print(f"   {mark} {message_id:<13} {texts[message_id]}")
    store.close()
    return summary(results)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=Path, nargs="+",
                        default=sorted((ROOT / "tests" / "data").glob("queries*.jsonl")),
                        help="query files (default: every tests/data/queries*.jsonl, each reported)")
    parser.add_argument("--labels", action="store_true", help="read the corpus from its labels")
    parser.add_argument("--compare", action="store_true", help="measure every embedded-text choice")
    parser.add_argument("--misses", action="store_true", help="print queries below full recall")
    parser.add_argument("--embed", choices=sorted(EMBEDDING_TEXTS), default="span+extraction",
                        help="the embedded-text choice measured (without --compare)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    messages = load_messages(args.labels)
    present = {m.message_id.split(":")[0] for m in messages}
    query_sets = {path.name: load_queries(path, present) for path in args.queries}
    print(f"# {len(messages)} messages, corpus read by {'labels' if args.labels else 'extract()'}; "
          + ", ".join(f"{name}: {len(qs)} queries" for name, qs in query_sets.items()))
    choices = EMBEDDING_TEXTS if args.compare else {args.embed: EMBEDDING_TEXTS[args.embed]}
    for name, text_for in choices.items():
        for set_name, queries in query_sets.items():
            recall, mrr, right = run(messages, queries, text_for, args.misses)
            print(f"{name:<20} {set_name:<24} recall@{K} {recall:.3f}   MRR {mrr:.3f}   "
                  f"right listing shown {right:.3f}")
    print(f"# {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
