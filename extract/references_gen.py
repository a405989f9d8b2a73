"""Derive references_data.py's generated tables from the shared catalogue, and measure how well the shipped
tables resolve it. A development tool: nothing at run time imports it, and the catalogue is not shipped.

    python -m extract.references_gen tables  [CATALOGUE]   # print ROLEX_SERIES and FAMILY_PREFIXES
    python -m extract.references_gen coverage [CATALOGUE]  # share of catalogue references resolved right
    python -m extract.references_gen devsets [FILE.jsonl ...]   # recall, false hits and speed on dev sets

CATALOGUE defaults to ../shared/datasets/catalog/reference_catalog.csv (brand, family, reference, ...),
the dev sets to ../shared/datasets/{fr,real}-dev.jsonl.
FAMILY_PREFIXES is a compressed prefix trie: a prefix is listed only where the family most references
under it belong to differs from its parent prefix's family; branches seen fewer than MIN_SUPPORT times
are dropped, so the table learns numbering ranges instead of memorising single references. A brand whose
biggest family holds less than half its references gets no family for numbers outside the listed
prefixes (a guess right less often than not costs more than no answer).
"""
import collections
import csv
import json
import os
import re
import statistics
import sys
import time

from extract import models
from extract.references import find_references, reference_info

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets")
CATALOGUE = os.path.join(SHARED, "catalog", "reference_catalog.csv")
DEV_SETS = [os.path.join(SHARED, "fr-dev.jsonl"), os.path.join(SHARED, "real-dev.jsonl")]
MIN_SUPPORT = 2

# The catalogue's brand spellings -> brands.txt's.
BRAND_NAMES = {"Iwc": "IWC", "Tag Heuer": "TAG Heuer", "Jaeger Lecoultre": "Jaeger-LeCoultre",
               "Nomos Glashutte": "Nomos", "A Lange Sohne": "A. Lange & Söhne", "H Moser Cie": "H. Moser & Cie",
               "Fp Journe": "F.P. Journe"}

# The catalogue's family names -> the market's (None: not a model family a dealer would name).
FAMILY_NAMES = {
    "Day Date": "Day-Date", "Day Date 40": "Day-Date", "Day Date Ii": "Day-Date II", "Datejust 31": "Datejust",
    "Datejust 41": "Datejust", "Datejust Ii": "Datejust II", "Lady Datejust": "Lady-Datejust",
    "Sky Dweller": "Sky-Dweller", "Yacht Master": "Yacht-Master", "Gmt Master": "GMT-Master",
    "Sea Dweller": "Sea-Dweller", "Explorer 2": "Explorer II", "Air King": "Air-King", "Perpetual 1908": "1908",
    "Land Dweller": "Land-Dweller", "Oyster Perpetual 26": "Oyster Perpetual", "Oyster Perpetual 28": "Oyster Perpetual",
    "Oyster Perpetual 31": "Oyster Perpetual", "Oyster Perpetual 34": "Oyster Perpetual",
    "Oyster Perpetual 36": "Oyster Perpetual", "Oyster Perpetual 39": "Oyster Perpetual",
    "Aqua Terra": "Seamaster Aqua Terra", "Speedmaster Automatic Quartz": "Speedmaster",
    "X 33 Z 33": "Speedmaster X-33", "Museum Collection": None, "Miscellaneous": None, "Merchandise": None,
    "Vintage": None, "Vintage Collection": None, "Code 11 59": "Code 11.59", "Re Master": "Royal Oak",
    "Twenty 4": "Twenty~4", "Ballon Blue De Cartier": "Ballon Bleu", "Santos De Cartier": "Santos",
    "Calibre De Cartier": "Calibre de Cartier", "Cle De Cartier": "Clé de Cartier", "Drive De Cartier": "Drive de Cartier",
    "Rotonde De Cartier": "Rotonde de Cartier", "Ronde De Cartier": "Ronde de Cartier", "Crash De Cartier": "Crash",
    "Black Bay 31 32 36 39 41": "Black Bay", "Black Bay Gmt": "Black Bay GMT", "Black Bay Chronograph": "Black Bay Chrono",
    "L U C": "L.U.C", "Gst Aquatimer": "Aquatimer", "Rendez Vous": "Rendez-Vous", "B Zero1": "B.zero1",
    "Metiers D Art": "Métiers d'Art", "Artelier Cabinotiers Special Order": "Les Cabinotiers",
    "Quai De L Ile": "Quai de l'Ile", "Heures Creatives": "Heures Créatives", "Egerie": "Égérie",
    "L Evolution": "L-evolution", "Specialites": "Spécialités", "Reine De Naples": "Reine de Naples", "Alt1": "ALT1",
    "America S Cup": None, "Special Limited": None, "Spring Drive": None, "Mechanical": None, "Quartz": None,
    "Clocks Instruments": None, "Pocket Watches": None, "Chronomat B01 44": "Chronomat", "Chronomat B01 42": "Chronomat",
    "Chronomat B01 41": "Chronomat", "Chronomat 36": "Chronomat", "Chronomat 32": "Chronomat", "Chronomat 38": "Chronomat",
    "Chronomat 28": "Chronomat", "Chronomat 40 Gmt": "Chronomat GMT", "Chronomat Evolution": "Chronomat",
    "Super Chronomat": "Chronomat", "Superocean Heritage 57": "Superocean Heritage", "Breitling For Bentley": "Bentley",
    "Chrono Matic": "Chrono-Matic", "Cockpit B50": "Cockpit", "Connected Watch": "Connected", "S El": "S/el",
    "Carrera Chronograph Extreme Sport": "Carrera", "2000": "2000 Series", "6000": "6000 Series",
    "Professional Sports Watch": "Professional", "Pre Vendome": None, "Ferrari": None,
    "Spirit Of Big Bang": "Spirit of Big Bang", "Big Bang Integrated": "Big Bang", "Mp Collection": "MP",
    "Revival": None, "Class": None,
    "Breguet|Pilot": "Type XX",                      # Breguet's pilot's chronographs: the Type XX/XXI
    # Panerai numbers PAM references in order of release, not by line: only the line is learnable
    "Panerai|Luminor 1950": "Luminor", "Panerai|Luminor Due": "Luminor", "Panerai|Radiomir 1940": "Radiomir",
}


def read_catalogue(path: str = CATALOGUE) -> list:
    """(brand, family or None, reference) rows with the market's names."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [(BRAND_NAMES.get(row["brand"], row["brand"]), row["family"], row["reference"].strip())
                for row in csv.DictReader(f)]
    return [(brand, FAMILY_NAMES.get(f"{brand}|{family}", FAMILY_NAMES.get(family, family)), ref)
            for brand, family, ref in rows]


def dealer_form(brand: str, ref: str) -> str:
    """How dealers write a catalogue reference: Rolex without its dial suffix (126710BLRO-0001 -> 126710BLRO)."""
    return re.sub(r"-\d{4}$", "", ref) if brand == "Rolex" else ref


# ── generating the tables ────────────────────────────────────────────────────────────────────────────
def prefix_key(brand: str, ref: str) -> str | None:
    key = re.sub(r"[^0-9A-Z]", "", ref.upper())
    if brand == "Rolex":
        digits = re.match(r"\d+", ref)
        return digits and digits.group()[-4:] + "|" + digits.group()[:-4]
    if brand == "Tudor":
        return key.removeprefix("M")
    if brand == "Panerai":
        m = re.match(r"PAM0*(\d+)", key)
        return m and m.group(1)
    if brand == "Jaeger-LeCoultre":
        return key.removeprefix("Q")
    return key


def compress(items: list) -> dict:
    """{prefix: family} of a compressed prefix trie over (key, family) pairs."""
    out = {}

    def visit(prefix, group, parent_family):
        family, count = collections.Counter(f for _k, f in group).most_common(1)[0]
        if not prefix and count < len(group) / 2:
            family = "-"                                 # no family has most of the brand: guess none
        if family != parent_family:
            out[prefix] = family
        children = collections.defaultdict(list)
        for key, fam in group:
            if len(key) > len(prefix):
                children[key[len(prefix)]].append((key, fam))
        for ch, child in sorted(children.items()):
            families = {f for _k, f in child}
            if families != {family} and len(child) >= MIN_SUPPORT:
                visit(prefix + ch, child, family)
    visit("", items, None)
    return out


def print_tables(rows: list) -> None:
    series = sorted({f"{d[:-4]}|{d[-4:-1]}" for b, _f, r in rows if b == "Rolex"
                     for d in [re.match(r"\d*", r).group()] if 4 <= len(d) <= 6})
    print("ROLEX_SERIES = frozenset(\"\"\"\n" + " ".join(series) + "\n\"\"\".split())\n")
    by_brand = collections.defaultdict(list)
    for brand, family, ref in rows:
        key = prefix_key(brand, ref)
        if key:
            by_brand[brand].append((key, family or "-"))
    print("FAMILY_PREFIXES = {")
    for brand in sorted(by_brand):
        families = collections.defaultdict(list)
        for prefix, family in sorted(compress(by_brand[brand]).items()):
            families[family].append(prefix or "*")
        print(f"    {brand!r}: {{")
        for family, prefixes in sorted(families.items(), key=lambda x: (x[0] == "-", x[0])):
            print(f"        {(None if family == '-' else family)!r}: {' '.join(prefixes)!r},")
        print("    },")
    print("}")


# ── measuring the shipped tables ─────────────────────────────────────────────────────────────────────
def loose(a: str | None, b: str | None) -> bool:
    """The scorer's model comparison: equal on letters and digits, or one inside the other."""
    a, b = (re.sub(r"[^a-z0-9]", "", (x or "").lower()) for x in (a, b))
    return bool(a and b) and (a == b or a in b or b in a)


def coverage(rows: list) -> dict:
    """Per brand: references, right brand without a hint, right family given the brand, families known."""
    stats = collections.defaultdict(collections.Counter)
    for brand, family, ref in rows:
        ref = dealer_form(brand, ref)
        s = stats[brand]
        s["refs"] += 1
        s["brand"] += reference_info(ref)[0] == brand
        if family:
            s["with_family"] += 1
            s["family"] += loose(reference_info(ref, brand)[1], family)
    return stats


def print_coverage(rows: list) -> None:
    stats = coverage(rows)
    total = collections.Counter()
    print(f"{'brand':22s} {'refs':>6s} {'brand ok':>9s} {'family ok':>10s}")
    for brand, s in sorted(stats.items()):
        total.update(s)
        print(f"{brand:22s} {s['refs']:6d} {s['brand'] / s['refs']:9.1%} "
              f"{s['family'] / max(1, s['with_family']):10.1%}")
    print(f"{'all':22s} {total['refs']:6d} {total['brand'] / total['refs']:9.1%} "
          f"{total['family'] / total['with_family']:10.1%}")


# ── measuring on the labelled dev sets ──────────────────────────────────────────────────────────────
def _ref_key(ref: str) -> str:
    return re.sub(r"[\s.\-/]", "", ref).upper()           # the scorer's reference comparison


def devsets(paths: list) -> dict:
    """References labelled / found / found elsewhere (false hits), models labelled / read."""
    c = collections.Counter()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                found = find_references(row["text"])
                truth = {_ref_key(l["reference"]) for l in row["listings"] if l["reference"]}
                got = {_ref_key(r.reference) for r in found}
                c["refs"] += len(truth)
                c["refs_found"] += len(truth & got)
                c["false_hits"] += len(got - truth)
                read = [m.model for m in models.find_models(row["text"])] + [r.model for r in found if r.model]
                for listing in row["listings"]:
                    if listing["model"]:
                        c["models"] += 1
                        c["models_read"] += any(loose(m, listing["model"]) for m in read)
    return c


def timings(paths: list, repeat: int = 5) -> dict:
    """Median and mean CPU microseconds per message of each finder, best of `repeat`, caches cleared."""
    texts = [json.loads(line)["text"] for path in paths for line in open(path, encoding="utf-8")]
    out = {}
    for name, finder in (("find_references", find_references), ("find_models", models.find_models)):
        per_message = []
        for text in texts:
            best = float("inf")
            for _ in range(repeat):
                models.find_models.cache_clear()
                models.find_brands.cache_clear()
                start = time.process_time()
                finder(text)
                best = min(best, time.process_time() - start)
            per_message.append(best * 1e6)
        out[name] = (statistics.median(per_message), statistics.mean(per_message))
    return out


def print_devsets(paths: list) -> None:
    c = devsets(paths)
    print(f"references: recall {c['refs_found']}/{c['refs']} ({c['refs_found'] / c['refs']:.1%}), "
          f"false hits {c['false_hits']}")
    print(f"models: read {c['models_read']}/{c['models']} ({c['models_read'] / c['models']:.1%})")
    for name, (median, mean) in timings(paths).items():
        print(f"{name}: median {median:.1f} us/msg, mean {mean:.1f} us/msg (CPU time, caches cold)")


if __name__ == "__main__":
    command, args = (sys.argv[1:] + ["coverage"])[0], sys.argv[2:]
    if command == "devsets":
        print_devsets(args or DEV_SETS)
    else:
        (print_tables if command == "tables" else print_coverage)(read_catalogue((args + [CATALOGUE])[0]))
