"""Reading one message: mentions → watches → listings → Extraction.

The flow, in the order of the sections below:
  1. normalise the text (same offsets: no-break spaces, curly quotes, full-width brackets; keycap
     digits "4️⃣2️⃣" are the one change of length, mapped back for spans);
  2. find every mention: anchors that name a watch (brand, model, reference) and attributes that
     describe one (price, year, size, condition, box/papers, movement), plus the words between
     watches (alternatives "ou", exchanges "contre", list commas);
  3. group anchors into watches, line by line; a brand-only line over other lines is a header
     (`PATEK`, `Rolex勞力士（HKD）`) whose brand and words govern the lines below;
  4. give each watch the attributes of its stretch of text, then what its continuation lines,
     section header and the whole message say ("Tout en TBE", "all prices USD");
  5. decide the message type, language and confidence.
"""
import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter
from types import MappingProxyType
from typing import Mapping, NamedTuple

from extract import Extraction, Listing, built, models, new_tuple, rates, references
from extract.lexicon import Lexicon, bounded, guarded
from extract.prices import PriceMatch, find_prices, is_round, price_words
from extract.vocab import (ACCESSORIES, ACCESSORY_OF_WATCH, ALTERNATIVE_WORDS, ANYWHERE,
                           BOX_PAPERS, BRAND_ABBREVIATIONS, BRANDS, COLLABORATION_MAKERS, CONDITIONS,
                           ENGLISH, EXCHANGE_WORDS, FRENCH, HONG_KONG_MARKERS,
                           LIST_MARKS, LIST_WORDS, MOVEMENTS, NEW_AS_ADJECTIVE, NEW_IN_BOX, NO_TRADE, NOT_A_MODEL,
                           NOT_THE_BRAND, OPENERS, PASSING, QUESTIONS, RETAIL_NOTES, SERVICE_WORDS,
                           STOCK_OPENERS, THANKS, WARNINGS, WHOLE_MESSAGE, loose, words)

RATES = rates.load()

# ── 1. Normalising ───────────────────────────────────────────────────────────────────
SAME_LENGTH = {
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",     # no-break and thin spaces
    "’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "（": "(", "）": ")", "，": ",", "：": ":",
}
SAME_LENGTH_RE = re.compile("[" + "".join(SAME_LENGTH) + "]")
KEYCAP_RE = re.compile("[\ufe0f\u20e3]")                             # 4️⃣ = "4" + VS16 + keycap


def normalise(text: str) -> tuple[str, list[int] | None]:
    """Text to read, and (only when keycaps shrank it) each kept char's offset in the original."""
    if text.isascii():                               # (what it changes is not ASCII; str knows at once)
        return text, None
    for ch in set(SAME_LENGTH_RE.findall(text)):     # one str.replace per kind found: str.translate
        text = text.replace(ch, SAME_LENGTH[ch])      # looks every character up in a table, slowly
    if "\u20e3" not in text:
        return text, None
    kept = [i for i, ch in enumerate(text) if ch not in "\ufe0f\u20e3"]
    return KEYCAP_RE.sub("", text), kept


# ── 2. Mentions ──────────────────────────────────────────────────────────────────────
class Anchor(NamedTuple):
    """A stretch of text that names a watch: a brand, a model family, a reference, or several."""
    start: int
    end: int
    brand: str | None = None            # the maker named or implied
    explicit: bool = False              # the brand is written, not implied by a model/reference
    model: str | None = None
    reference: str | None = None


class Attribute(NamedTuple):
    """A stretch of text that says something about a watch (field, value)."""
    start: int
    end: int
    field: str                          # price | condition | year | size_mm | movement | box_papers
    value: object


def _word_lexicon() -> Lexicon:
    """Every word-list phrase of vocab.py in one scanner; a match carries its facts as (kind, value)
    pairs: ("brand", "Rolex"), ("condition", "new"), ("box_papers", (True, None)), ("intent", "sale")..."""
    spellings = [(spelling, canon) for canon, names in BRANDS.items() for spelling in (names or (canon,))]
    spellings.sort(key=lambda pair: len(pair[0]), reverse=True)          # longest spelling first
    rows = [(rf"(?<![A-Za-zÀ-ÿ0-9]){loose(s)}(?![A-Za-zÀ-ÿ])", (("brand", canon),)) for s, canon in spellings]
    rows += [(rf"(?<![A-Za-z0-9&])(?-i:{re.escape(short)})(?![A-Za-z&])", (("brand", canon),))  # "AP", not "ap"
             for short, canon in sorted(BRAND_ABBREVIATIONS.items(), key=lambda kv: len(kv[0]), reverse=True)]
    rows += [(bounded(phrase), (("condition", value), ("box_papers", (True, None))))
             for phrase, value in NEW_IN_BOX]
    any_movement = words(*[p for ps in MOVEMENTS.values() for p in ps])
    rows.append((rf"{any_movement}\s+(?:ou|or)\s+(?:un\s+|une\s+|a\s+)?{any_movement}",  # "auto ou manuel ?"
                 (("movement", None),)))
    phrases = [(phrase, kind, value) for kind, table in (
        ("condition", CONDITIONS), ("movement", MOVEMENTS),
        ("intent", {**ANYWHERE, "passing": PASSING, "thanks": THANKS, "warning": WARNINGS, "no_trade": NO_TRADE,
                    "question": QUESTIONS}),
        ) for value, group in table.items() for phrase in group]
    phrases.sort(key=lambda row: len(row[0]), reverse=True)
    rows += [(bounded(phrase), ((kind, value),)) for phrase, kind, value in phrases]
    rows += [(bounded(phrase), (("box_papers", (box, papers)),)) for phrase, box, papers in BOX_PAPERS]
    rows += [(bounded(phrase), (("service", None),)) for phrase in SERVICE_WORDS]
    rows += [(bounded(phrase), (("whole", None),)) for phrase in WHOLE_MESSAGE]
    rows += [(bounded(phrase), (("accessory", None),)) for phrase in ACCESSORIES]  # after "bracelet complet"
    rows += price_words()
    return Lexicon(rows, flags=re.IGNORECASE | re.MULTILINE, by_kind=True)


WORD_LEXICON = _word_lexicon()
scan_words = WORD_LEXICON.scan       # text → its word-list phrases by kind: {kind: [(start, end, value), ...]}


def find_brands(said: dict) -> list[Anchor]:
    return [new_tuple(Anchor, (start, end, canon, True, None, None))
            for start, end, canon in said.get("brand", ())]


# The two vocabulary modules of the reference engineer, called from here only.
def find_models(text: str) -> list[Anchor]:
    return [new_tuple(Anchor, (start, end, brand, False, model, None))
            for start, end, brand, model in models.find_models(text)]


def find_references(text: str, first_digit: int) -> list[Anchor]:
    return [new_tuple(Anchor, (start, end, brand, False, model, reference))
            for start, end, reference, brand, model in references.find_references(text, first_digit)]


START, END = attrgetter("start"), attrgetter("end")


def merge_anchors(found: list[Anchor]) -> list[Anchor]:
    """One anchor per stretch: a brand inside a reference or model span joins it. A model name that
    holds a brand name knows its maker best ("Blancpain X Swatch" → Swatch, "Zenith Daytona" → Rolex)."""
    if len(found) < 2:
        return found                                 # (most messages: nothing to order or join)
    found.sort(key=END, reverse=True)                # in order; of two starting together, the longer (two
    found.sort(key=START)                            # stable sorts: a Python key costs ~1k instructions each)
    merged: list[Anchor] = []
    for a in found:
        if merged and a.start < merged[-1].end:
            last = merged[-1]
            named_inside = last.model and a.explicit and a.end <= last.end and last.brand
            merged[-1] = new_tuple(Anchor, (
                last.start, max(last.end, a.end),
                last.brand if last.explicit or not a.explicit or named_inside else a.brand,
                last.explicit or a.explicit,
                last.model or a.model, last.reference or a.reference))
        else:
            merged.append(a)
    return merged


# Attributes ------------------------------------------------------------------------
NEW_AS_ADJECTIVE_RE = re.compile(NEW_AS_ADJECTIVE, re.IGNORECASE)
YEAR_AFTER_BLOCKERS = r"\s*" + guarded(r"service|révision|revision|or\s+newer|ou\s+plus|and\s+up|"
                                       r"onwards|minimum|et\s+plus|\+", re.IGNORECASE)
DATED_RE = re.compile(rf"""
    \d (?<![\d.'#/\-]\d)                     # a first digit not inside a number, a date or a reference (a
                                             # digit first lets re skip to the next digit quickly). One pass
                                             # reads card dates, sizes and years: a card date is read ahead
                                             # (its digits may be a size too: "N40"), sizes and years never
                                             # overlap. Groups size, month, full and plain hold the digits
                                             # after the first.
    (?: (?<=[nN]\d) (?<![A-Za-z0-9/][nN]\d)  # dealer shorthand for new with the card's date:
        (?= (?P<card> (?P<month>\d?) (?: /(?P<card_year>(?:19|20)?\d\d) )?     # N11/2025, N11/25, N7
                    | (?<=2)(?P<full>0\d\d) y? )                               # n2025y, N2023
            (?![\d/A-Za-z]) )
      | )
    (?= [/-] | \d(?!\d) | (?<=1)9 | (?<=2)0 | (?(card)|(?!)) )  # what every branch below needs next (a
                                              # 2-digit run, / or -, 19.., 20.., a card): turns most numbers away at once
    (?: (?<!,\d) (?P<size> \d (?: [.,] \d{{1,2}} | ) )       # size: 40 / 43,5 / 41.5, not a part of a longer
        (?i: \s? (?P<mm>mm) (?![a-z])                      # number (X-33, 40-68); 40mm / 41 mm / 45MM
           | (?![\d]|[.,]\d|-\d|\s?(?:k|%|h\b|m\b|ans|years?|jewels|atm|bar|bph|cm|ct|units?|/|x\b)) )
      | (?<![A-Za-z]\d)                                                            # year:
        (?: (?:(?<=0)[1-9]|(?<=1)[0-2]) [/-] (?P<yy>\d\d) (?![\d/])                  # 09/23, 05-24 (month-year)
          | (?:(?<=0)[1-9]|(?<=[1-9])|(?<=1)[0-2]) [/-] (?P<mmyyyy>(?:19|20)\d\d)      # 6/2025, 09/2024
          | \d? / \d{{1,2}} / (?P<dmyy>\d\d(?:\d\d)?) (?!\d)                             # 24/4/24
          | (?P<plain>(?<=1)9\d\d|(?<=2)0[0-3]\d) y?                                   # 2018, 2019y
        )
        (?![\d]|\s?[-/–]\s?\d|'?s\b|\s?\+|\s?m(?![a-z])|\s?mm|\s?ft)  # not a range (2016-2020), decade
                                                  # (1970's), "2021+", a depth (2000m)
        (?: (?= (?P<blocked> (?i: {YEAR_AFTER_BLOCKERS} ) ) ) | )   # "2019 service", "2021 or newer": no year of
                                                  # the watch (read here: a second regex call a year costs more)
      | (?(card)|(?!))                        # a card date alone (the match is its first digit)
    )
""", re.VERBOSE)
DIGIT_OR_LINE_RE = re.compile(r"[\d\n]")
DIGIT_RE = re.compile(r"\d")
LINE_RE = re.compile(r"[^\n]+")
SIZE_CUE_RE = re.compile(r"(?:taille|diam[èe]tre|size|case|bo[îi]tier)\s*[:=]?\s*\Z", re.IGNORECASE)  # "taille 41"
RETAIL_NOTE_RE = re.compile(rf"""
    \( [^()\n]* \d [^()\n]* \)                      # a parenthesis with a number in it ...
""", re.VERBOSE)
RETAIL_WORD_RE = re.compile(words(*RETAIL_NOTES), re.IGNORECASE)   # ... that speaks of the shop's price
WATCH_GAP_RE = re.compile(r"""
    \A [\s\-"']*
    (?: [A-Za-zÀ-ÿ0-9'\-]*[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9'\-]* [\s\-"']+ ){0,3}   # ≤ 3 words between, each with a
    \Z                                                                # letter ("Premier B01 Chronograph 42")
""", re.VERBOSE)


def find_attributes(text: str, said: dict, first_digit: int | None = 0,
                    opener: re.Match | None = None) -> list[Attribute]:
    """`first_digit`: where the text's first digit is, None without one (no price, year, size or card
    date without one, and none starts before it); `opener`: OPENER_RE's match at the start of the
    text (read() asks once)."""
    has_digits = first_digit is not None
    prices = find_prices(text, said, first_digit) if has_digits else []
    found = [new_tuple(Attribute, (p[0], p[1], "price", p)) for p in prices] if prices else []   # (most have none)
    services = said.get("service", ())
    for start, end, value in said.get("condition", ()):
        if value == "new" and end - start == 3 and \
                NEW_AS_ADJECTIVE_RE.search(text, max(0, start - 12), start):
            continue                                         # "the new Speedmaster"
        found.append(new_tuple(Attribute, (start, end, "condition", value)))
    if "(" in text:                                  # "5 950 € (7 200 € neuve en boutique)"
        notes = [m.span() for m in RETAIL_NOTE_RE.finditer(text) if RETAIL_WORD_RE.search(m.group())]
        if notes:                                    # (most parentheses are no shop's price)
            found = [a for a in found if a.field != "condition" or not any(s <= a.start < e for s, e in notes)]
    if "movement" in said:
        found += [new_tuple(Attribute, (start, end, "movement", value)) for start, end, value in said["movement"]]
    if "box_papers" in said:
        found += [new_tuple(Attribute, (start, end, "box_papers", value))
                  for start, end, value in said["box_papers"]
                  if not (opener and start < opener.end())]       # "FS: Omega ..." is For Sale
    if not has_digits:
        return found
    cards, years, sizes = [], [], []
    for m in DATED_RE.finditer(text, first_digit):
        start, end = m.span()
        card, _month, _card_year, _full, size, mm, yy, mmyyyy, dmyy, plain, blocked = m.groups()   # (one call)
        if card is not None:
            cards += card_date(text, m)
        if size:                                     # (size and plain: the digits after the first)
            size = float((text[start] + size).replace(",", "."))
            if mm and 20 <= size <= 60 or not mm and 25 <= size <= 50:
                sizes.append(new_tuple(Attribute, (start, end, "size_mm" if mm else "bare_size", size)))
            continue
        if end == start + 1:                         # a card date alone (a year is longer)
            continue
        digits = yy or mmyyyy or dmyy or text[start] + plain
        year = int(digits) if len(digits) == 4 else 2000 + int(digits)
        if year > 2030 or blocked or services and any(
                start - 14 <= e <= start and not DIGIT_OR_LINE_RE.search(text, e, start)
                for _s, e, _v in services):                  # "révisée 2022", "serviced by Rolex 2021"
            continue
        years.append(new_tuple(Attribute, (start, end, "year", year)))
    return found + cards + years + sizes


def card_date(text: str, m: re.Match) -> list[Attribute]:
    """New, and the year when written, from DATED_RE's match `m` of a card date (its N before the match)."""
    start, end = m.start() - 1, m.end("card")
    card_year, full = m.group("card_year", "full")
    if not full and not 1 <= int(text[m.start():m.end("month")]) <= 12:
        return []
    year = card_year or full and text[m.start():m.end("full")]
    return [new_tuple(Attribute, (start, end, "condition", "new"))] + (
        [new_tuple(Attribute, (start, end, "year", int(year) if len(year) == 4 else 2000 + int(year)))]
        if year else [])


def resolve(text: str, anchors: list[Anchor], attributes: list[Attribute]) -> tuple[list, list]:
    """A written price beats a reference over the same digits, and so does a round number ending a
    line that already has a reference (`12661lv\t07/2025\t116000`); otherwise anchors win."""
    if not anchors:
        return anchors, attributes                           # (nothing to overlap)
    kept, over_a_price = left_by(anchors, attributes)
    if not over_a_price:                                     # (most messages: no reference to drop, as
        return anchors, kept                                 # price_over needs a price under it)
    prices = []                                              # (a loop: a comprehension is a frame)
    for attr in attributes:
        if attr.field == "price":
            prices.append(attr.value)
    anchors = [a for a in anchors if not (a.reference and price_over(text, anchors, a, prices))]
    if not anchors:
        return anchors, attributes
    return anchors, left_by(anchors, attributes)[0]


def left_by(anchors: list[Anchor], attributes: list[Attribute]) -> tuple[list[Attribute], bool]:
    """The attributes `anchors` leave, and whether one of them is over a price."""
    ends = list(map(END, anchors))                           # in order: merge_anchors left none overlapping
    kept = []
    over_a_price = False
    for attr in attributes:
        first = bisect_right(ends, attr.start)               # the first anchor ending after its start
        if first == len(anchors) or anchors[first].start >= attr.end:
            kept.append(attr)                                # (most attributes: no anchor over them)
            continue
        over_a_price = over_a_price or attr.field == "price"
        inside = [a for a in anchors[first:] if a.start < attr.end]
        if attr.field == "bare_size" and all(a.model and not a.reference for a in inside):
            kept.append(attr)                                # "Pelagos 39": a size in the name
        elif attr.field == "movement" and not any(a.reference for a in inside):
            kept.append(attr)                                # "Grand Quartz" names its movement
    return kept, over_a_price


def price_over(text: str, anchors: list[Anchor], a: Anchor, prices: list[PriceMatch]) -> bool:
    """Whether reference `a` is read over a price's digits: a written price's, or a round number's
    ending a line that already has a reference."""
    for p in prices:
        if p.currency and (p.start <= a.start < p.end or a.start <= p.start < a.end):
            return True
        if p.bare and p.start == a.start and p.end == a.end and line_has_reference_before(text, anchors, a) \
                and trailing_round(text, p, line_end(text, a.start)):
            return True
    return False


def line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def line_has_reference_before(text: str, anchors: list[Anchor], anchor: Anchor) -> bool:
    start = text.rfind("\n", 0, anchor.start) + 1
    return any(a.reference and start <= a.start < anchor.start for a in anchors)


# Separators ------------------------------------------------------------------------
SEPARATOR_RE = re.compile(guarded(rf"""
    (?P<exchange> {words(*EXCHANGE_WORDS[:3])} | (?:{"|".join(EXCHANGE_WORDS[3:])}) )
  | (?P<alternative> {words(*ALTERNATIVE_WORDS)} )
  | (?P<list> {words(*LIST_WORDS)} | {LIST_MARKS} )
""", re.IGNORECASE | re.VERBOSE), re.IGNORECASE | re.VERBOSE)
COLLABORATION_RE = re.compile(r"\A\s*[xX×]\s*\Z")
MULTIPLE_RE = re.compile(r"\s*[xX×]\s*([2-5])(?!\d)")                  # "Tudor x 2"


def separator(gap: str) -> str | None:
    """The strongest separator in the text between two anchors: exchange > alternative > list."""
    if not gap:
        return None
    kinds = [m.lastgroup for m in SEPARATOR_RE.finditer(gap)]
    for kind in ("exchange", "alternative", "list"):         # (a loop: a generator costs a frame)
        if kind in kinds:
            return kind
    return None


# ── 3. Watches ───────────────────────────────────────────────────────────────────────
@dataclass(slots=True)                  # (no __dict__ to make for each watch)
class Watch:
    anchors: list
    joined_by: str | None = None          # the separator before it: alternative, exchange, list
    header: bool = False

    @property
    def start(self) -> int:
        return self.anchors[0].start

    @property
    def end(self) -> int:
        return self.anchors[-1].end

    def first(self, name: str):
        for a in self.anchors:
            value = getattr(a, name)
            if value:
                return value
        return None

    @property
    def brand(self) -> str | None:
        """The maker written, else the first one implied (by a model or a reference)."""
        implied = None
        for a in self.anchors:
            if a.brand:
                if a.explicit:
                    return a.brand
                implied = implied or a.brand
        return implied

    def named(self) -> bool:
        """Whether a model or a reference names it (not its maker alone)."""
        for a in self.anchors:
            if a.model or a.reference:
                return True
        return False


NOT_UPPER_ALNUM_RE = re.compile(r"[^0-9A-Z]")
LEADING_ZEROS_RE = re.compile(r"(?<![0-9])0+(?=[0-9])")
NOT_LOWER_ALNUM_RE = re.compile(r"[^0-9a-z]")


def same_reference(a: str, b: str) -> bool:
    """One watch's reference written twice: PAM00979 ~ PAM979, MTP-1374L-1A ~ MTP1374L-1A,
    M79030B ~ M79030B-0001."""
    key_a, key_b = (LEADING_ZEROS_RE.sub("", NOT_UPPER_ALNUM_RE.sub("", r.upper())) for r in (a, b))
    return key_a.startswith(key_b) or key_b.startswith(key_a)


@functools.lru_cache(maxsize=4096)
def family_key(model: str | None) -> str:
    return NOT_LOWER_ALNUM_RE.sub("", (model or "").lower())   # (model names come from the tables)


def compatible_models(a: str, b: str) -> bool:
    ka, kb = family_key(a), family_key(b)
    return ka in kb or kb in ka


def group_line(text: str, anchors: list[Anchor]) -> list[Watch]:
    """The watches of one line, in order. An anchor opens a new watch when it names something the
    current one already has (another reference, model or maker) with a separator in between;
    without one it only describes the current watch ("Tudor Black Bay GMT 'Pepsi'", "16523 Zenith")."""
    w = Watch([anchors[0]])
    watches = [w]
    for a in anchors[1:]:
        gap = text[w.anchors[-1].end:a.start]
        sep = None if gap == " " else separator(gap)    # (most anchors are one space apart)
        if a.explicit and COLLABORATION_RE.match(gap) and w.brand and a.brand != w.brand:
            maker = a.brand if a.brand in COLLABORATION_MAKERS else w.brand
            w.anchors = [x._replace(brand=maker) if x.explicit else x for x in w.anchors] + \
                [a._replace(brand=maker)]
            continue
        opens, moved = opens_new_watch(w, a, sep) if sep or a.reference else (False, ())
        if opens:
            w.anchors = [x for x in w.anchors if x not in moved]
            w = Watch(moved + [a], joined_by=sep)
            watches.append(w)
        elif a.explicit or not a.brand or w.brand in (None, a.brand):
            w.anchors.append(a)                     # (a nickname of another maker's watch describes it:
                                                    # "Orient ... Batman bezel")
    return watches


def opens_new_watch(w: Watch, a: Anchor, sep: str | None) -> tuple[bool, list]:
    """Whether anchor `a` starts another watch after `w`, and which of w's last anchors go with it."""
    ref = w.first("reference") if a.reference else None     # (asked about only for a reference)
    if ref and not same_reference(ref, a.reference):
        after = [x for x in w.anchors if x.start > max(y.start for y in w.anchors if y.reference)]
        if after and not any(x.reference for x in after):
            return True, after                               # "Day-Date 228239 ... Day-Date 228238"
        return bool(sep), []
    if not sep:
        return False, []
    if a.explicit and w.brand and a.brand != w.brand:
        return True, []
    model = w.first("model")
    if a.model and model and not compatible_models(model, a.model):
        return True, []
    if a.explicit and not a.model and not a.reference and sep == "list" and a.brand != w.brand and \
            (model or w.first("reference") or w.brand):
        return True, []                                       # "Tudor x 2, Ball, Breitling"
    return False, []


# ── 4. Listings ──────────────────────────────────────────────────────────────────────
SHAREABLE = ("price", "condition", "movement", "box_papers")   # a budget or "FS" over alternatives
CONDITION_RANK = {"new": 0, "excellent": 0, "good": 0, "used": 1, "vintage": 2}

# The markers write a letter in lower case or in both cases ([A-Za-z]): on an ASCII text lower-cased they
# match without IGNORECASE just where they match with it, and without it re skips to a literal first
# letter at C speed instead of trying every position (~100 machine instructions a character a marker).
HONG_KONG_RES = tuple(re.compile(marker, re.IGNORECASE | re.MULTILINE) for marker in HONG_KONG_MARKERS)
LOWER_HONG_KONG_RES = tuple(re.compile(marker, re.MULTILINE) for marker in HONG_KONG_MARKERS)
WHOLE_GAP_RE = re.compile(r"[\s:]*(?:\w+\s+){0,2}\Z")          # "all prices USD", "tout en TBE"
ACCESSORY_OF_WATCH_RE = re.compile(ACCESSORY_OF_WATCH, re.IGNORECASE)
NOT_THE_BRAND_RE = re.compile(guarded(words(*NOT_THE_BRAND), re.IGNORECASE), re.IGNORECASE)


def add_fact(facts: dict, attr: Attribute, text: str, line_end: int | None = None) -> None:
    """What a stretch of text says about a watch (`facts`: field → value; a plain dict, as a class's
    instance costs ~2k machine instructions to make): first value wins, conditions by rank."""
    name, value = attr.field, attr.value
    if name == "price":
        if not value.asking or (value.bare and not trailing_round(text, value, line_end)):
            return
    if name == "condition":
        old = facts.get("condition")
        if old is None or CONDITION_RANK[value] < CONDITION_RANK[old]:
            facts["condition"] = value
        return
    if name == "box_papers":
        box, papers = value
        if box is not None:
            facts["box"] = box
        if papers is not None:
            facts["papers"] = papers
        return
    facts.setdefault(name, value)


def trailing_round(text: str, price: PriceMatch, line_end: int | None) -> bool:
    """A bare number is a price at the end of a listing line when it is round:
    `126610LN\t07/2025\t106000`."""
    if line_end is None or not is_round(price.amount):
        return False
    return not DIGIT_RE.search(text, price.end, line_end)


def shareable(attr: Attribute) -> bool:
    return attr.field in SHAREABLE


class Section(NamedTuple):
    """The lines under a brand-only header line: its maker and what it says about them."""
    brand: str | None
    facts: Mapping


NO_SECTION = Section(None, MappingProxyType({}))     # shared by every message: read-only, so none can leak


def read_listings(text: str, anchors: list[Anchor], attributes: list[Attribute],
                  whole: list[tuple], accessories: list[tuple]) -> list[tuple[Watch, dict, "Section"]]:
    """The listings of a message with what each one says; `whole`: the words that speak for the
    whole message ("tout en", "all"); `accessories`: strap/bracelet words (scan_words' triples)."""
    out: list[tuple[Watch, dict, Section]] = []
    message: dict = {}                              # what the whole message says of its watches
    if "\n" in text:
        read_lines(text, anchors, attributes, whole, accessories, out, message)
    elif not (accessories and is_accessory_line(text, 0, len(text), anchors, attributes, accessories)):
        assign_line(text, group_line(text, anchors), attributes, len(text), out, NO_SECTION, message, whole)
    # (most messages: one line, no header, no strap word)
    return [(w, layered(message, sec.facts, facts), sec) for w, facts, sec in out]


def layered(message: dict, section: dict, own: dict) -> dict:
    """A watch's facts over its section's over the message's. A None hides nothing below it: "auto ou
    manuel ?" names no movement, and "Tout en automatique" below still counts."""
    merged = {**message, **section, **own} if message or section else own   # (most: nothing below own;
                                                    # no copy, as no one writes to facts once layered)
    if None not in merged.values():
        return merged
    merged = {}
    for layer in (message, section, own):
        merged.update((name, value) for name, value in layer.items() if value is not None)
    return merged


def read_lines(text: str, anchors: list[Anchor], attributes: list[Attribute], whole: list[tuple],
               accessories: list[tuple], out: list, message: dict) -> None:
    """read_listings over several lines: headers, listing lines, and lines that go on describing."""
    lines = [m.span() for m in LINE_RE.finditer(text)]
    anchors_of, attributes_of = on_lines(lines, anchors), on_lines(lines, attributes)
    grouped = []                                    # (line span, watches)
    for (start, end), line_anchors, line_attrs in zip(lines, anchors_of, attributes_of):
        watches = group_line(text, line_anchors) if line_anchors else []
        if watches and (is_accessory_line(text, start, end, line_anchors, line_attrs, accessories)
                        or names_again(watches, grouped, line_attrs)):
            watches = []
        grouped.append(((start, end), watches))
    watch_lines = [i for i, (_s, ws) in enumerate(grouped) if ws]
    for i in watch_lines[:-1]:                      # a lone brand over other listing lines: a header
        ws = grouped[i][1]
        if len(ws) == 1 and not ws[0].named() and not any(
                a.field == "price" and a.value.asking and not a.value.bare for a in attributes_of[i]):
            ws[0].header = True
    section = NO_SECTION
    last_listing = None
    listing_lines = [i for i in watch_lines if not grouped[i][1][0].header]
    for i, ((start, end), watches) in enumerate(grouped):
        line_attrs = attributes_of[i]
        if watches and watches[0].header:
            section = Section(watches[0].brand, {})
            for attr in line_attrs:
                add_fact(section.facts, attr, text)
            continue
        if not watches:
            after_last = not listing_lines or listing_lines[-1] < i
            before_first = not listing_lines or i < listing_lines[0]
            has_price = any(a.field == "price" and a.value.asking and (not a.value.bare or
                            trailing_round(text, a.value, end)) for a in line_attrs)
            said: dict = {}
            for attr in line_attrs:
                add_fact(said, attr, text, end)
            if before_first:                        # "Lange New" then "Used": the nearer line wins
                (section.facts if section.brand else message).update(said)
            elif after_last and len(out) > 1 and not has_price:
                message.update(said)                # "Tout en TBE", "Prix en euros HT"
            elif last_listing:
                for attr in line_attrs:             # the listing goes on: "Carte 2022, boîte et papiers"
                    add_fact(last_listing[1], attr, text, end)
            continue
        assign_line(text, watches, line_attrs, end, out, section, message, whole)
        last_listing = out[-1]


def on_lines(lines: list[tuple[int, int]], mentions: list) -> list[list]:
    """The mentions (anchors or attributes, each in order) that start on each line."""
    starts = [start for start, _end in lines]
    by_line: list[list] = [[] for _ in lines]
    for x in mentions:
        i = bisect_right(starts, x.start) - 1
        if i >= 0 and x.start < lines[i][1]:        # (none starts on a line break)
            by_line[i].append(x)
    return by_line


def names_again(watches: list[Watch], grouped: list, line_attrs: list[Attribute]) -> bool:
    """A line that names the watch of the line before again, with no reference or price of its own
    ("Vends ma Speedy Pro 2019" / "La Speedmaster est full set"), goes on describing it."""
    if len(watches) != 1 or not grouped:
        return False                                 # (most messages: one line, nothing before it)
    before = next((ws for _span, ws in reversed(grouped) if ws), None)
    if not before or len(before) != 1 or watches[0].first("reference") or \
            any(a.explicit for a in watches[0].anchors) or any(
                a.field in ("price", "year", "size_mm", "bare_size") for a in line_attrs):
        return False                                 # a list line of its own: "Omega AT 38 2019"
    model, earlier = watches[0].first("model"), before[0].first("model")
    return bool(model and earlier and compatible_models(model, earlier))


def assign_line(text, watches, line_attrs, line_end, out, section, message, whole) -> None:
    """Each watch takes the attributes of its stretch; alternatives share their tail."""
    lone = len(watches) == 1
    if lone:                                        # (most lines: no comprehension frames to make)
        bounds, facts = None, [{}]
    else:
        bounds, facts = [w.start for w in watches[1:]], [{} for _ in watches]   # where each next one starts
    for attr in line_attrs:
        if whole and any(0 <= attr.start - end <= 24 and WHOLE_GAP_RE.match(text, end, attr.start)
                         for _s, end, _v in whole):
            add_fact(message, attr, text, line_end)     # "all full set", "tout en TBE"
            continue
        index = 0 if lone else bisect_right(bounds, attr.start)
        if attr.field == "bare_size":
            if not (size_follows_model(text, watches[index], attr)
                    or SIZE_CUE_RE.search(text, max(0, attr.start - 14), attr.start)):
                continue
            attr = attr._replace(field="size_mm")
        add_fact(facts[index], attr, text, line_end)
    if not lone:
        share_alternatives(text, watches, line_attrs, line_end, facts)
    for w, f in zip(watches, facts):
        if w.named():
            out.append((w, f, section))
        elif w.joined_by != "exchange":              # "or trade for a Rolex": a target, not a watch
            out += [(w, f, section)] * multiple(text, w)


def share_alternatives(text, watches, line_attrs, line_end, facts) -> None:
    """Runs of alternatives ("15500ST ou 15510ST, FS") share their tail, their maker and family."""
    k = 0
    while k < len(watches):
        j = k
        while j + 1 < len(watches) and watches[j + 1].joined_by == "alternative":
            j += 1
        if j > k:
            tail = [a for a in line_attrs if a.start >= watches[j].end and shareable(a)]
            for member in range(k, j):
                for attr in tail:
                    add_fact(facts[member], attr, text, line_end)
            brand, model = watches[k].brand, watches[k].first("model")
            for member in watches[k + 1:j + 1]:    # "SBGA211 ou SBGW231": one maker named; "El Primero
                if member.brand not in (None, brand):  # A386 ou la réédition 03.A384...": one family
                    continue
                shared = model if member.first("reference") and not member.first("model") else None
                if brand and not member.brand or shared:
                    member.anchors.insert(0, Anchor(member.start, member.start, brand, False, shared))
        k = j + 1


def multiple(text: str, w: Watch) -> int:
    """How many watches one named by its maker alone stands for: 'Tudor x 2'."""
    m = MULTIPLE_RE.match(text, w.end)
    return int(m.group(1)) if m else 1


def size_follows_model(text: str, w: Watch, attr: Attribute) -> bool:
    """A bare number is a case size right after a model name ("Aqua Terra 41", "Pelagos 39")."""
    before = [a for a in w.anchors if a.model and a.start < attr.start]
    if not before:
        return False
    anchor = before[-1]
    if anchor.end > attr.start:                     # inside the model's span ("Pelagos 39")
        return True
    return bool(WATCH_GAP_RE.match(text[anchor.end:attr.start]))


def is_accessory_line(text: str, start: int, end: int, anchors: list[Anchor], attributes,
                      accessories: list[tuple]) -> bool:
    """A strap, a bracelet, an accessory sale or "my collection": no watch is for sale. (A question
    about a strap for a watch is about that watch.) `anchors`, `attributes`: the line's;
    `accessories`: such words (scan_words' triples)."""
    if not accessories:
        return False
    here = [at for at, _e, _v in accessories if start <= at < end]
    if not here or any(a.reference for a in anchors) or "?" in text[start:end]:
        return False
    for at in here:
        if ACCESSORY_OF_WATCH_RE.search(text, start, at):
            continue
        if any(a.field in ("movement",) and a.value or a.field == "size_mm" and a.value >= 25
               for a in attributes):
            return False
        return True
    return False


def to_listing(text: str, w: Watch, facts: dict, section: Section, context: dict,
               span_map: list[int] | None, mentions: list) -> Listing:
    own = implied = reference = None                 # (one walk over the anchors for what w.brand,
    explicit = False                                 # w.first() and any() would each walk again)
    for a in w.anchors:
        if a.brand:
            if a.explicit:
                own = own or a.brand
            implied = implied or a.brand
        reference = reference or a.reference
        explicit = explicit or a.explicit
    first_brand, own = implied, own or implied
    brand = own or section.brand
    model = pick_model(w) or model_after_brand(text, w, mentions)
    if brand and own is None and section.brand and first_brand not in (None, section.brand):
        model = None                                 # the header's maker, not the nickname's
    start, end = w.anchors[0].start, w.anchors[-1].end
    if not explicit and NOT_THE_BRAND_RE.search(text, end, min(len(text), end + 12)):
        brand, model = None, None                    # "Royal Oak Mod": a homage
    price = facts.get("price")
    amount = currency = None
    if price is not None:
        amount = price.amount
        currency = price.currency or context.get("currency")
        if currency == "$":
            if "hong_kong" not in context:          # asked once, and only of a message priced in $
                context["hong_kong"] = from_hong_kong(text)
            currency = "HKD" if context["hong_kong"] else "USD"
    if span_map:
        start, end = span_map[start], span_map[end - 1] + 1
    return built(Listing, {
        "brand": brand, "model": model, "reference": reference, "price": amount, "currency": currency,
        "condition": facts.get("condition"), "year": facts.get("year"), "size_mm": facts.get("size_mm"),
        "movement": facts.get("movement"), "box": facts.get("box"), "papers": facts.get("papers"),
        "price_eur": None if amount is None else RATES.to_eur(amount, currency), "span": (start, end)})


def from_hong_kong(text: str) -> bool:
    """Whether a message priced in $ says Hong Kong dollars: HKD, Chinese, N11 or 2021y, "PP Used"..."""
    markers = HONG_KONG_RES
    if text.isascii():
        text, markers = text.lower(), LOWER_HONG_KONG_RES
    for rx in markers:                               # (a loop: any() over a generator costs a frame)
        if rx.search(text):
            return True
    return False


MODEL_WORD_RE = re.compile(r"[\s\-:\"']*([A-Za-zÀ-ÿ0-9][\w'.+~&]*(?:-[\w]+)*)")
NOT_A_MODEL_RE = re.compile(words(*NOT_A_MODEL) + r"\Z", re.IGNORECASE)
PLAIN_WORDS = FRENCH | ENGLISH                       # the language's own words name no model


def model_after_brand(text: str, w: Watch, mentions: list) -> str | None:
    """Up to three words after a brand the model table does not cover ("Phoibos Leviathan"),
    stopping where anything else was read (`mentions`: every anchor and attribute; a bare number
    may belong to the name)."""
    for brand in w.anchors:                          # (loops, not generators: a resumption per item)
        if brand.explicit and not brand.model and not brand.reference:
            break
    else:
        return None
    limit = len(text)
    for x in mentions:
        if brand.end <= x.start < limit and not (isinstance(x, Attribute) and x.field == "price" and x.value.bare):
            limit = x.start
    taken, pos = [], brand.end
    while len(taken) < 3:
        m = MODEL_WORD_RE.match(text, pos, limit)
        if not m or "\n" in text[pos:m.start(1)] or NOT_A_MODEL_RE.match(m.group(1)) or \
                m.group(1).lower().translate(FOLD_ACCENTS) in PLAIN_WORDS or \
                any(ch in text[pos:m.start(1)] for ch in ",|(/!"):
            break                                    # "Omega en parfait état": no model named
        taken.append(m.group(1).rstrip("."))
        pos = m.end()
    return " ".join(taken) or None


GENERATIONS = ("i", "ii", "iii", "2", "3")            # what tells GMT-Master II from GMT-Master


def pick_model(w: Watch) -> str | None:
    """The written model names, joined when they differ ("Seamaster Planet Ocean"); a reference's
    family when it says more ("GMT" written, 126710BLRO read: GMT-Master II)."""
    names: list[str] = []
    from_reference = None
    for a in w.anchors:
        if a.reference:
            from_reference = from_reference or a.model
        elif a.model and not (names and any(compatible_models(a.model, n) for n in names)):
            names.append(a.model)
    written = " ".join(names) or None
    if written and from_reference:
        key, ref_key = family_key(written), family_key(from_reference)
        if key in ref_key or ref_key in key and key.replace(ref_key, "", 1) in GENERATIONS:
            return from_reference                    # "GMT" + 1675: GMT-Master, not GMT-Master II
    return written or from_reference


def message_context(said: dict, attributes: list[Attribute], language: str | None) -> dict:
    """Currency for prices written without one: the message's own, else EUR in French."""
    currency = None
    for a in attributes:                             # the first asking price that writes its currency
        if a.field == "price" and a.value.currency and a.value.asking:
            currency = a.value.currency
            break
    if currency is None and "currency" in said:      # "all prices USD", "Rolex勞力士（HKD）", "Prix en euros"
        currency = next((code for _s, _e, code in said["currency"] if code != "$"), None)
    if currency is None and language == "fr":
        currency = "EUR"
    return {"currency": currency}                    # (to_listing adds "hong_kong" when a $ asks)


def loose_listing(text: str, attributes: list[Attribute], accessories: list[tuple]) -> list[tuple[Watch, dict, Section]]:
    """A watch described without a maker ("Vintage 36mm NH35 Automatic Diving Watch")."""
    facts: dict = {}
    for attr in attributes:
        if attr.field in ("size_mm", "movement", "condition", "year", "price", "box_papers"):
            add_fact(facts, attr, text, len(text))
    if not (facts.get("movement") or (facts.get("size_mm") or 0) >= 25) or \
            is_accessory_line(text, 0, len(text), [], attributes, accessories):
        return []
    return [(Watch([Anchor(0, len(text))]), facts, NO_SECTION)]


# ── 5. Type, language, confidence ────────────────────────────────────────────────────
LEAD = r"\A[\W_]*?"                                   # emojis, brackets, bullets before the first word
OPENER_RE = re.compile(LEAD + guarded("|".join(
    f"(?P<{kind}>{words(*phrases)})" for kind, phrases in OPENERS.items()), re.IGNORECASE), re.IGNORECASE)
FOR_SALE_RE = re.compile(r"wts|fs", re.IGNORECASE)           # in a trade opener: "WTS/WTT", "FT/FS"
STOCK_OPENER_RE = re.compile(LEAD + guarded(words(*STOCK_OPENERS), re.IGNORECASE), re.IGNORECASE)
FOLD_ACCENTS = str.maketrans("àâäéèêëîïôöùûüç", "aaaeeeeiioouuuc")
LETTER = "[a-zà-ÿ]"                                  # of a word language_of counts, in lower case
WORD = rf"{LETTER}{LETTER}*(?:'{LETTER}+)?"          # "c'est"; (a letter first: re skips to the next one)


def _word_chars() -> bytes:
    """bytes.translate's table for language_of: each Latin-1 character as it reads in a WORD, lower-cased
    and unaccented (an apostrophe stays), any other as a space."""
    table = bytearray(b" " * 256)
    for code in range(256):
        ch = chr(code).lower()
        if len(ch) == 1 and re.fullmatch(f"{LETTER}|'", ch):
            table[code] = ord(ch.translate(FOLD_ACCENTS))
    return bytes(table)


# language_of counts WORDs in Latin-1 bytes: one bytes.translate folds case and accents and blanks out
# the rest in a few machine instructions a character, where re costs ~2k a word found. A character
# beyond Latin-1 encodes as "?", no letter, as it is none in WORD (but four: see words_of).
WORD_CHARS = _word_chars()
WORD_BYTES_RE = re.compile(WORD.encode("latin-1"))
LONE_APOSTROPHE_RE = re.compile(rb"'(?: (?<!%s') | (?!%s) )" % ((LETTER.encode("latin-1"),) * 2),  # not between
                                re.VERBOSE)                                                        # two letters
CHAINED_APOSTROPHES_RE = re.compile(rb"'%s+'" % LETTER.encode("latin-1"))    # "rock'n'roll"
LEANING = {word.encode(): (word in FRENCH) - (word in ENGLISH) for word in FRENCH | ENGLISH}
FRENCH_OPENER_RE = re.compile(guarded(words(
    "vends?", "vds", "rch", "je", "j'", "cherche", "recherche", "[ée]change", "[ée]ch", "dispo", "vendre", "vente",
    "propose", "d[ée]stockage", "arrivage", "c[èe]de", "ach[èe]te", "rach[èe]te", "achat", "troc", "baisse",
    "liquidation"), re.IGNORECASE), re.IGNORECASE)


def language_of(text: str, lead: re.Match | None) -> str | None:
    """`lead`: OPENER_RE's match at the start of the text, else STOCK_OPENER_RE's (read() asks once)."""
    if lead and french_opener(lead.group()):
        return "fr"                                  # "Cherche ... full set": the opener says French
    balance = sum(map(LEANING.get, words_of(text), repeat(0)))     # French words less English ones
    if balance > 0:
        return "fr"
    if balance < 0:
        return "en"
    return None


@functools.lru_cache(maxsize=1024)
def french_opener(opening: str) -> bool:
    return FRENCH_OPENER_RE.search(opening) is not None   # (openings repeat: "Vends", "WTS", "Dispo")


def words_of(text: str) -> list[bytes]:
    """The WORDs of a text, lower-cased and unaccented (Latin-1 bytes: see WORD_CHARS)."""
    if not text.isascii() and ("\u0130" in text or "\u0178" in text or "\u212a" in text or "\u212b" in text):
        text = text.lower()                          # İ Ÿ K Å: beyond Latin-1, lower-cased into it
    spelled = text.encode("latin-1", "replace").translate(WORD_CHARS)
    if b"'" in spelled:
        spelled = LONE_APOSTROPHE_RE.sub(b" ", spelled)      # one not inside a word parts words: "'Pepsi'"
        if CHAINED_APOSTROPHES_RE.search(spelled):           # a WORD takes one: "rock'n", "roll"
            return WORD_BYTES_RE.findall(spelled)
    return spelled.split()


def message_type(text: str, listings: list[Listing], intents: list[tuple[int, int, str]],
                 language: str | None, opener: re.Match | None, lead: re.Match | None,
                 priced_at: int | None) -> tuple[str, bool]:
    """(type, whether a word said so). Openers first, then the first intent word (to sell, to buy,
    to swap), then passing mentions, questions, thanks and warnings. `lead`: language_of's (without an
    opener, STOCK_OPENER_RE's match); `priced_at`: where the first asking price of a listing starts
    (None: no listing has a price)."""
    priced = priced_at is not None
    said, offers = set(), []                         # (one loop: each comprehension is a frame)
    for at, _end, kind in intents:
        said.add(kind)
        if kind in ("wanted", "trade", "sale"):
            offers.append((at, kind))
    if opener:
        kind = opener.lastgroup
        if kind == "sale" and "trade" in said and not priced:
            return "trade", True                         # "Vente ou échange ... contre", "[WTS/WTT]"
        if kind == "trade" and "sale" in said and priced:
            return "sale", True
        if kind == "trade" and FOR_SALE_RE.search(opener.group()):   # WTS/WTT, FT/FS
            return ("sale" if priced else "trade"), True
        return kind, True
    if offers:
        at, kind = min(offers)
        if kind != "wanted" and {"trade", "sale"} <= said:   # "vends ou échange": the price decides
            return ("sale" if priced else "trade"), True
        if kind == "trade" and priced_at is not None and priced_at < at:
            return "sale", True                      # "8 700€, échange possible": a price, then a swap welcome
        return kind, True
    if not listings:
        return "other", False
    if "passing" in said:
        return "other", True
    if "?" in text or "question" in said:
        return "question", True
    if "thanks" in said or "warning" in said:
        return "other", True
    if lead:                                         # (no opener here: the stock opener's match)
        return "sale", True
    if not priced and language == "fr" and not any(l.reference for l in listings):
        return "other", False                    # French chat naming a watch, no offer in it
    return "sale", False


def makers_as_options(listings: list[Listing]) -> list[Listing]:
    """"Cherche une plongeuse, Oris, Longines, Tudor…": makers listed as options name no watch."""
    brand_only = [l for l in listings if l.model is None and l.reference is None]
    if len(brand_only) < 2:
        return listings
    return [l for l in listings if l.model is not None or l.reference is not None]


def confidence(text: str, listings: list[Listing], typed: bool, understood: int) -> float:
    """Half how much of the message was read, half how complete its listings are."""
    letters = len(text) - text.count(" ") or 1
    coverage = understood / letters
    coverage = coverage if coverage < 1.0 else 1.0  # (min(1.0, x) exactly, without a builtin's call)
    if not listings:
        return round(0.5 * coverage + (0.4 if typed else 0.2), 3)
    complete = 0                                     # (a loop: a comprehension is a frame of its own)
    for l in listings:
        complete += (l.brand is not None) + (l.model is not None or l.reference is not None) + (l.price is not None)
    complete /= 3 * len(listings)
    score = 0.15 * typed + 0.35 * coverage + 0.5 * complete
    return round(score if score < 1.0 else 1.0, 3)


# ── The whole read ───────────────────────────────────────────────────────────────────
def read(text: str) -> Extraction:
    if not text or not text.strip():
        return Extraction()
    norm, span_map = normalise(text)
    said = scan_words(norm)
    digit = DIGIT_RE.search(norm)                    # chat lines often have none: no number to read,
    first_digit = digit.start() if digit else None   # and none is read before the first digit
    anchors = merge_anchors(find_brands(said) + find_models(norm) +
                            (find_references(norm, first_digit) if digit else []))
    opener = OPENER_RE.match(norm)
    attributes = find_attributes(norm, said, first_digit, opener)
    anchors, attributes = resolve(norm, anchors, attributes)
    lead = opener or STOCK_OPENER_RE.match(norm)     # "Vends", "WTS", "Dispo": for language and type
    language = language_of(norm, lead)
    context = message_context(said, attributes, language)
    whole, accessories = said.get("whole", ()), said.get("accessory", ())
    found = read_listings(norm, anchors, attributes, whole, accessories) if anchors else []
    if not found:
        found = loose_listing(norm, attributes, accessories)
    mentions = anchors + attributes
    listings = []
    priced_at = None                                 # where the first asking price of a listing starts
    for w, facts, section in found:                  # (loops, not generators: ~1k instructions less each)
        listings.append(to_listing(norm, w, facts, section, context, span_map, mentions))
        if "price" in facts and (priced_at is None or facts["price"].start < priced_at):
            priced_at = facts["price"].start
    kind, typed = message_type(norm, listings, said.get("intent", ()),
                               language, opener, lead, priced_at)
    if kind == "wanted":
        listings = makers_as_options(listings)
    understood = 0
    for x in mentions:
        understood += x.end - x.start
    return built(Extraction, {"type": kind, "listings": tuple(listings),
                              "confidence": confidence(norm, listings, typed, understood), "language": language})
