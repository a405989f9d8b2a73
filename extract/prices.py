"""Prices as dealers write them: `find_prices(text) -> list[PriceMatch]`.

Reads `8200€`, `8.200 €`, `8 200 €` (also with a no-break space), `€8,200`, `8,2k€`, `8k2`,
`12'500 CHF`, `CHF 12’500`, `£6,750`, `$12.9k`, `HKD1.26m`, `1.1M HKD`, `prix : 4500`, `budget 7k`,
`HKD 59500-31%` (retail minus a discount), and marks what is not an asking price: a struck-out or
former price (`~~$450~~`, `was 5k`), a retail or shipping price, a range (`$425-$2,400`,
`entre 18 et 22k`), gold fineness (`18k gold`). Which bare number is a price in a listing line is
parse.py's call (`bare=True` candidates); this module knows numbers, not listings.
"""
import functools
import re
from typing import NamedTuple

from extract import new_tuple
from extract.lexicon import ANY, Lexicon, bounded, char_set, heads, matched_chars
from extract.vocab import (CURRENCIES, CURRENCY_SYMBOLS, CURRENCY_WORDS, GOLD_KARATS, GOLD_WORDS,
                           NOT_ASKING_CUES, PRICE_CUES, words)

Said = dict                     # {kind: [(start, end, value), ...]} as parse.scan_words gives it


class PriceMatch(NamedTuple):
    start: int
    end: int
    amount: float
    currency: str | None        # ISO code, "$" (resolved by the caller), or None when not written
    bare: bool                  # no currency, multiplier or cue: a price only by its place in a line
    asking: bool = True         # False: struck out, former, retail, shipping, a range, gold fineness


# ── Grammar ──────────────────────────────────────────────────────────────────────────
# The number comes first in the regex so that re can jump from digit to digit; what stands before
# it (a currency, a cue word) is read backwards from its start.
_SYMBOL = "|".join(f"(?:{pattern})" for pattern, _code in CURRENCY_SYMBOLS)
_WORD = "|".join(f"(?:{pattern})" for pattern, _code in CURRENCY_WORDS)
_CODE_OF = [(re.compile(f"(?:{pattern})\\Z", re.IGNORECASE), code) for pattern, code in CURRENCIES]
# What a currency after a number can start with, and its first two characters ("e" alone: the French
# euro's): look-aheads at them let re give up at once after most numbers ("2019 full set", "40 shipped")
# instead of trying thirty currency spellings there.
_POST_HEADS = {"e" + ANY}.union(*(heads(pattern, re.IGNORECASE) for pattern, _code in CURRENCIES))
_POST_FIRST = "".join(sorted({re.escape(head[0]) for head in _POST_HEADS}))


def case_free(chars) -> str:
    """What `chars` match under re.IGNORECASE, as a case-sensitive set: re passes over an alternative
    that starts with a case-sensitive set in C when the set cannot match, and enters any other."""
    return char_set(matched_chars("".join(map(re.escape, chars)), re.IGNORECASE))


def first_two(starts: set) -> str:
    """The first two characters of phrases (their Lexicon heads), one alternative per first character:
    it and what may follow it, or it alone when a phrase may end there."""
    seconds = {}
    for head in starts:
        seconds.setdefault(head[0], set()).add(head[1])
    return "|".join(case_free(first) + ("" if ANY in then else case_free(sorted(then)))
                    for first, then in sorted(seconds.items()))


# Every optional part is written `(?: ... | )`, an empty last alternative: re runs `(?: ... )?` through a
# repeat it allocates on each try; and digit runs are possessive (`\d*+`) where giving one back cannot help.
NUMBER_RE = re.compile(rf"""
    (?P<number> \d                                         # (the first digit outside the branches
                                                            # lets re skip to the next digit quickly)
        (?: \d*+ [.,] \d{{1,3}}+ (?=[kKmM])                        # 8,2k / 46.5K / 1.006M
          | \d{{0,2}}+ (?: (?P<group>[ \u00a0\u202f.,'’]) \d{{3}} ) # 8.200 / 8 200 / 12'500 / 2,000
                    (?: (?P=group) \d{{3}} )*                   # ... ,000,000
                    (?P<cents> [.,] \d{{1,2}} | )               # cents: 150,00
            (?! \d | [kKmM](?![A-Za-z]) )                       # "330 910k" is two numbers
          | \d*+ (?: [.,] \d{{1,2}} | ) (?![\d])                 # 8200 / 150,5 / 12.9
        )
    )
    (?:
        (?P<thousand> [kK] ) (?: (?P<tail> \d{{1,3}} ) | )       # 8,2k / 8k2 / 46.5K
        (?![A-DF-Za-df-z] | [eE][A-Za-zÀ-ÿ])                      # (8,2ke: k then the euro's e)
      | (?P<million> [mM] ) (?![mM]) (?![A-Za-z])                 # 1.26m / 1.1M (not mm)
      | )
    (?: \s? (?=[{_POST_FIRST}]) (?-i:(?={first_two(_POST_HEADS)}))   # (what can start one)
        (?P<post> (?:{_SYMBOL}) (?!\d)                      # € / $ after (not "16570 $6,250")
                   | (?:(?<=\d\d\d)|(?<=[kK])) e (?![A-Za-zÀ-ÿ\d]|[/\-]\w)  # 8200e, 8,2ke: French € (not 4600E/000A)
                   | (?:{_WORD}) (?![A-Za-z]) (?!\d)           # euros / HKD after, unless it opens
                     (?![ \t]\d{{1,3}}[,.'’\ ]\d{{3}}) )        # the next number (HKD235k, HKD 2,000,000)
      | )
    (?: \s? - \s? (?P<discount> \d{{1,2}} (?:[.,]\d)? ) \s? % | )  # HKD 59500-31%: retail minus 31 %
""", re.IGNORECASE | re.VERBOSE)

def price_words() -> list[tuple[str, tuple]]:
    """The phrases around a number, as Lexicon rows: currencies, cue words, "was"/"retail"...
    parse.py scans them with every other word list; find_prices scans them itself when alone."""
    rows = [(pattern if code == "$" or not pattern[0].isalpha() else bounded(pattern), (("currency", code),))
            for pattern, code in CURRENCIES]
    rows += [(bounded(re.escape(cue).replace("\\ ", "\\s+")), (("price_cue", cue),)) for cue in PRICE_CUES]
    rows += [(bounded(cue), (("not_asking", None),)) for cue in NOT_ASKING_CUES]
    return sorted(rows, key=lambda row: len(row[0]), reverse=True)


@functools.cache
def price_lexicon() -> Lexicon:
    """The price words alone, for find_prices called without the caller's scan (built on first use:
    parse.py passes its own scan, so the service never needs it)."""
    return Lexicon(price_words(), by_kind=True)

SOFT_CUES = ("à", "at", "now", "maintenant")               # "à 3 200€": a price only with its currency
PRE_GAP = ("", " ", "\u00a0")                               # "€8,200", "CHF 12'500"
CUE_GAP_RE = re.compile(r"\s*[:=]?\s*\Z")                   # "prix : 4500", "budget 7k"
NOT_ASKING_GAP_RE = re.compile(r"\s*[:=]?\s*(?:(?:de|of|à|at|for)\s+)?(?:[$€£]\s?)?\Z", re.IGNORECASE)
RANGE_START_RE = re.compile(rf"{words('entre', 'between', 'from', 'de')}\s+\Z", re.IGNORECASE)
DECIMAL_RE = re.compile(r"[.,]")
YEAR_LIKE_RE = re.compile(r"(?:19|20)\d\d")
NEXT_NUMBER_RE = re.compile(r"[ \t]+\d")
TIGHT_DASH_RE = re.compile(r"[-–][$€£]?\Z")                 # 5k-6k, $425-$2,400 (no spaces)
# The gap between two numbers that reads them as one price replacing another or as a range: one regex
# for both (one call a pair), the group `arrow` telling which; they cannot both match (only an arrow has > → ➡ ⟶).
GAP_RE = re.compile(r"""
    (?P<arrow> \s* (?:→|➡️?|->|=>|>>|⟶) \s* (?:(?:now|maintenant)\s*:?\s*)? (?:[$€£]\s?)? ) \Z  # 4 800€ → 4 450€
  | \s? [-–] \s? (?:[$€£]\s?)? \Z                                  # a range: 5k-6k, $425 - $2,400
  | \s+ (?:et|and|to|à|-) \s+ (?:[$€£]\s?)? \Z                      # entre 18 et 22k
""", re.IGNORECASE | re.VERBOSE)
STRUCK_RE = re.compile(r"~~[^~]*~~")                        # ~~$450~~ $395

GOLD_NEAR_RE = re.compile(r"gold|carat|\bor\s+(?:jaune|rose|blanc|gris)", re.IGNORECASE)  # "18K Cal. 71 18k Gold"
GOLD_RE = re.compile(rf"{words(*GOLD_WORDS)}\s*(?:\d+\s*)?\Z", re.IGNORECASE)   # "or jaune 18k"
GOLD_AFTER_RE = re.compile(rf"\s*(?:ct\b|carats?|{words(*GOLD_WORDS)})", re.IGNORECASE)  # "18K white gold"


class Candidate(NamedTuple):
    """A number as read, before deciding whether it asks a price."""
    start: int                  # where the price starts (its currency or cue included)
    number_start: int
    end: int
    amount: float
    currency: str | None
    written: bool               # a currency is written next to it
    multiplied: bool            # k / m
    bare: bool                  # as PriceMatch.bare
    kept: bool                  # found as a price: not bare, or bare and round (is_round)
    discount: bool


# ── Reading one number ───────────────────────────────────────────────────────────────
@functools.lru_cache(maxsize=512)                           # a few dozen spellings, thirty patterns each
def currency_code(written: str | None) -> str | None:
    """ISO code of a written currency ("€" → EUR, "usdt" → USD); "$" stays "$"."""
    if not written:
        return None
    if written.lower() == "e":
        return "EUR"
    for pattern, code in _CODE_OF:
        if pattern.match(written.strip()):
            return code
    return None


# read_number takes NUMBER_RE's parts with one m.groups() (no name lookups): they must be its only groups, in order.
NUMBER_PARTS = ("number", "group", "cents", "thousand", "tail", "million", "post", "discount")
assert tuple(NUMBER_RE.groupindex) == NUMBER_PARTS and NUMBER_RE.groups == len(NUMBER_PARTS)


def number_value(number: str, group: str | None, cents: str | None, thousand: str | None, tail: str | None,
                 million: str | None, discount: str | None) -> float:
    """The amount NUMBER_RE's parts stand for, multipliers and discount applied."""
    multiplier = 1000 if thousand else 1_000_000 if million else 1
    if group:                                               # 8.200 / 12'500 / 2,000,000(.50)
        head = number[:len(number) - len(cents)]            # (cents: "" when none)
        value = float(head.replace(group, "") + "." + (cents[1:] or "0"))
    else:                                                   # 8,2k → 8.2 thousand; 1.006M
        value = float(number.replace(",", "."))
    value *= multiplier
    if tail:                                                # 8k2 → 8200, 12k25 → 12250
        value += int(tail) * 10 ** (3 - len(tail))
    if discount:                                            # retail minus a dealer discount
        value *= 1 - float(discount.replace(",", ".")) / 100
    return value if value.is_integer() else round(value, 2)    # (most are whole: round() costs)


def is_gold(text: str, m: re.Match, written: bool) -> bool:
    """`18k gold`, `or jaune 18k`: fineness, not thousands."""
    if not m.group("thousand") or m.group("number") not in GOLD_KARATS or written:
        return False
    return bool(GOLD_AFTER_RE.match(text, m.end()) or GOLD_RE.search(text, max(0, m.start() - 16), m.start())
                or GOLD_NEAR_RE.search(text, m.end(), m.end() + 30))


def is_round(amount: float) -> bool:
    """Dealers quote round figures (12500, 108000); catalogue numbers end anywhere. Below 1000 a
    bare number is as often a model (Doxa 200), a batch or gold (or 750) as a price."""
    return amount >= 1000 and amount % 100 == 0


def read_number(text: str, m: re.Match, taken: int, currency_at: dict, cue_at: dict) -> Candidate | None:
    """The number of match `m`; text before `taken` belongs to the number before it.
    currency_at / cue_at: {end: (start, value)} of the currencies and cue words in the text."""
    at = m.start()
    before = text[at - 1] if at else " "
    if before in "0123456789.'’/":
        return None                                         # inside a number or a date
    pre = None
    for end in (at, at - 1) if currency_at else ():         # "€8,200", "HKD 4,200,000", "$$220"
        if end > taken and end in currency_at and text[end:at] in PRE_GAP:
            pre = currency_at[end]
            break
    if pre is None and before.isalpha():
        return None                                         # inside a code (SKX007K2)
    number, group, cents, thousand, tail, million, post, discount = m.groups()
    multiplied = bool(thousand or (million and DECIMAL_RE.search(number)))
    if post and post[0].isalpha() and not multiplied and YEAR_LIKE_RE.fullmatch(number) \
            and NEXT_NUMBER_RE.match(text, m.end()):
        post = None                                         # "2025 HKD 108k": the code opens the price
    written = bool(pre or post)
    if million and not written and not multiplied:
        return None                                         # 300M: water resistance, not millions
    if thousand and is_gold(text, m, written):
        return None
    start = pre[0] if pre else at
    cue = None
    if cue_at and not written:
        for end in range(start, max(0, start - 4) - 1, -1):
            if end in cue_at and CUE_GAP_RE.match(text, end, start):
                cue = cue_at[end]
                break
    amount = number_value(number, group, cents, thousand, tail, million, discount)
    if amount <= 0:
        return None
    bare = not (written or multiplied or cue and cue[1] not in SOFT_CUES)
    return new_tuple(Candidate, (cue[0] if cue else start, at, m.end(), amount,
                                 pre[1] if pre else currency_code(post) if post else None, written, multiplied,
                                 bare, not bare or is_round(amount), bool(discount)))


# ── Reading a message ────────────────────────────────────────────────────────────────
def find_prices(text: str, said: Said | None = None, first_digit: int = 0) -> list[PriceMatch]:
    """Every number that is or may be a price, in order; see PriceMatch for the flags. Bare
    numbers are kept only when round (is_round), the only ones a listing line takes as a price.
    `said`: the price words of the text when the caller scanned them (see price_words);
    `first_digit`: where the text's first digit is, when the caller knows (numbers are read from there)."""
    if said is None:
        said = price_lexicon().scan(text)
    currency_at = {end: (start, code) for start, end, code in said["currency"]} if "currency" in said else {}
    cue_at = {end: (start, cue) for start, end, cue in said["price_cue"]} if "price_cue" in said else {}
    not_asking = said.get("not_asking", ())
    numbers, taken, kept_count = [], 0, 0
    for m in NUMBER_RE.finditer(text, first_digit):
        candidate = read_number(text, m, taken, currency_at, cue_at)
        taken = m.end()
        if candidate:
            numbers.append(candidate)
            kept_count += candidate.kept
    if not kept_count:
        return []                                           # (most messages: numbers, but no price)
    struck = [m.span() for m in STRUCK_RE.finditer(text)] if "~~" in text else []
    ranged_or_replaced = set()                              # (indexes of numbers; neither asks a price)
    for i in range(len(numbers) - 1):                       # $425-$2,400 / entre 18 et 22k
        a, b = numbers[i], numbers[i + 1]
        if not (a.kept or b.kept):
            continue                                        # (a pair marks only itself, asked only when kept)
        gap = GAP_RE.match(text, a.end, b.number_start)
        if not gap:
            continue
        if gap.lastindex:                                   # an arrow: "4 800€ → 4 450€", the new price stands
            if b.written or b.multiplied:
                ranged_or_replaced.add(i)
        elif not a.discount and (
                TIGHT_DASH_RE.match(text, a.end, b.number_start)
                or RANGE_START_RE.search(text, max(0, a.start - 12), a.start)
                or (a.written or a.multiplied) and (b.written or b.multiplied)):
            ranged_or_replaced.update((i, i + 1))
    found = []
    for i, (start, _at, end, amount, currency, _written, _multiplied, bare, kept, _discount) in enumerate(numbers):
        if not kept:
            continue
        asking = not (
            i in ranged_or_replaced
            or (struck and any(s <= start < e for s, e in struck))
            or (not_asking and any(e <= start and NOT_ASKING_GAP_RE.match(text, e, start)
                                   for _s, e, _v in not_asking)))
        found.append(new_tuple(PriceMatch, (start, end, amount, currency, bare, asking)))
    return found
