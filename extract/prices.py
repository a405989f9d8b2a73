"""Prices as dealers write them: `find_prices(text) -> list[PriceMatch]`.

Reads `8200€`, `8.200 €`, `8 200 €` (also with a no-break space), `€8,200`, `8,2k€`, `8k2`,
`12'500 CHF`, `CHF 12’500`, `£6,750`, `$12.9k`, `HKD1.26m`, `1.1M HKD`, `prix : 4500`, `budget 7k`,
`HKD 59500-31%` (retail minus a discount), and marks what is not an asking price: a struck-out or
former price (`~~$450~~`, `was 5k`), a retail or shipping price, a range (`$425-$2,400`,
`entre 18 et 22k`), gold fineness (`18k gold`). Which bare number is a price in a listing line is
parse.py's call (`bare=True` candidates); this module knows numbers, not listings.
"""
import re
from dataclasses import dataclass

from extract.vocab import (CURRENCIES, CURRENCY_SYMBOLS, CURRENCY_WORDS, GOLD_KARATS, GOLD_WORDS, LB,
                           NOT_ASKING_CUES, PRICE_CUES, words)


@dataclass(frozen=True)
class PriceMatch:
    start: int
    end: int
    amount: float
    currency: str | None        # ISO code, "$" (resolved by the caller), or None when not written
    bare: bool                  # no currency, multiplier or cue: a price only by its place in a line
    asking: bool = True         # False: struck out, former, retail, shipping, a range, gold fineness


# ── Grammar ──────────────────────────────────────────────────────────────────────────
_SYMBOL = "|".join(f"(?:{pattern})" for pattern, _code in CURRENCY_SYMBOLS)
_WORD = "|".join(f"(?:{pattern})" for pattern, _code in CURRENCY_WORDS)
_CODE_OF = [(re.compile(f"(?:{pattern})\\Z", re.IGNORECASE), code) for pattern, code in CURRENCIES]

PRICE_RE = re.compile(rf"""
    (?: (?P<cue> {words(*PRICE_CUES)} ) \s* [:=]? \s* )?     # prix : / budget / 💰 / asking
    (?: (?P<pre> (?:{_SYMBOL}) | (?<![A-Za-z]) (?:{_WORD}) ) \s? (?:\$\s?)? )?  # € / CHF / HKD / $$ before
    (?(pre) | (?<![A-Za-z]) )                               # SKX007K2 is no 7k2
    (?<![\d.'’/])                                           # not inside a longer number or a date
    (?P<number>
        \d+ [.,] \d{{1,3}} (?=[kKmM])                               # 8,2k / 46.5K / 1.006M
      | \d{{1,3}} (?: (?P<group>[ \u00a0\u202f.,'’]) \d{{3}} )   # 8.200 / 8 200 / 12'500 / 2,000
                  (?: (?P=group) \d{{3}} )*                     # ... ,000,000
                  (?: [.,] \d{{1,2}} )?                          # cents: 150,00
        (?! \d | [kKmM](?![A-Za-z]) )                           # "330 910k" is two numbers
      | \d+ (?: [.,] \d{{1,2}} )? (?![\d])                      # 8200 / 150,5 / 12.9
    )
    (?:
        (?P<thousand> [kK] ) (?P<tail> \d{{1,3}} )? (?![A-Za-z])  # 8,2k / 8k2 / 46.5K
      | (?P<million> [mM] ) (?![mM]) (?![A-Za-z])                 # 1.26m / 1.1M (not mm)
    )?
    (?: \s? (?P<post> (?:{_SYMBOL}) (?!\d)                   # € / $ after (not "16570 $6,250")
                   | (?:{_WORD}) (?![A-Za-z]) (?!\d)           # euros / HKD after, unless it opens
                     (?!\s\d{{1,3}}[,.'’\s]\d{{3}}) ) )?        # the next number (HKD235k, HKD 2,000,000)
    (?: \s? - \s? (?P<discount> \d{{1,2}} (?:[.,]\d)? ) \s? % )?  # HKD 59500-31%: retail minus 31 %
""", re.IGNORECASE | re.VERBOSE)

NOT_ASKING_RE = re.compile(rf"""
    {words(*NOT_ASKING_CUES)} \s* [:=]? \s* (?:de\s|of\s|à\s|at\s|for\s)? \s* \Z   # retail / was / fdp
""", re.IGNORECASE | re.VERBOSE)

RANGE_RE = re.compile(rf"""
    {LB} (?:entre|between|from|de) \s+ [^\s]+ \s+ (?:et|and|to|à|-) \s+ [^\s]+     # entre 18 et 22k
  | (?<![\w.]) [^\s]*\d[^\s]* [-–] [^\s]*\d[^\s]* (?=\s|$|\)|,)                   # $425-$2,400
  | (?<![\w.]) [$€£]\S*\d\S* \s [-–] \s [$€£]?\S*\d\S*                           # $425 - $2,400
""", re.IGNORECASE | re.VERBOSE)

STRUCK_RE = re.compile(r"~~[^~]*~~")                        # ~~$450~~ $395

GOLD_RE = re.compile(rf"""
    {words(*GOLD_WORDS)} \s* (?:\d+\s*)?\Z                  # "or jaune 18k", "gold 18k"
""", re.IGNORECASE | re.VERBOSE)
GOLD_NEAR_RE = re.compile(r"gold|carat|\bor\s+(?:jaune|rose|blanc|gris)", re.IGNORECASE)  # "18K Cal. 71 18k Gold"
GOLD_AFTER_RE = re.compile(rf"""
    \s* (?:ct\b|carats?|{words(*GOLD_WORDS)})                # "18k gold", "18K white gold"
""", re.IGNORECASE | re.VERBOSE)


# ── Reading one match ────────────────────────────────────────────────────────────────
def currency_code(written: str | None) -> str | None:
    """ISO code of a written currency ("€" → EUR, "usdt" → USD); "$" stays "$"."""
    if not written:
        return None
    for pattern, code in _CODE_OF:
        if pattern.match(written.strip()):
            return code
    return None


def number_value(m: re.Match) -> float:
    """The amount a match stands for, multipliers and discount applied."""
    digits = m.group("number")
    multiplier = 1000 if m.group("thousand") else 1_000_000 if m.group("million") else 1
    if m.group("group"):                                    # 8.200 / 12'500 / 2,000,000(.50)
        head, _, cents = digits.rpartition(",") if re.search(r",\d{1,2}\Z", digits) else (digits, "", "")
        head, _, cents2 = head.rpartition(".") if not cents and re.search(r"\.\d{1,2}\Z", head) else (head, "", cents)
        value = float(re.sub(r"\D", "", head) + "." + (cents or cents2 or "0"))
    else:                                                   # 8,2k → 8.2 thousand; 1.006M
        value = float(re.sub(r"[ \u00a0\u202f'’]", "", digits).replace(",", "."))
    value *= multiplier
    if m.group("tail"):                                     # 8k2 → 8200, 12k25 → 12250
        tail = m.group("tail")
        value += int(tail) * 10 ** (3 - len(tail))
    if m.group("discount"):                                 # retail minus a dealer discount
        value *= 1 - float(m.group("discount").replace(",", ".")) / 100
    return round(value, 2)


def is_gold(text: str, m: re.Match) -> bool:
    """`18k gold`, `or jaune 18k`: fineness, not thousands."""
    if not m.group("thousand") or m.group("number") not in GOLD_KARATS or m.group("pre") or m.group("post"):
        return False
    return bool(GOLD_AFTER_RE.match(text, m.end()) or GOLD_RE.search(text[max(0, m.start() - 16):m.start()])
                or GOLD_NEAR_RE.search(text, m.end(), m.end() + 30))


# ── Reading a message ────────────────────────────────────────────────────────────────
def find_prices(text: str) -> list[PriceMatch]:
    """Every number that is or may be a price, in order; see PriceMatch for the flags."""
    struck = [m.span() for m in STRUCK_RE.finditer(text)] if "~~" in text else []
    ranges = [m.span() for m in RANGE_RE.finditer(text)]
    found = []
    for m in PRICE_RE.finditer(text):
        pre, post, cue = m.group("pre"), m.group("post"), m.group("cue")
        multiplied = m.group("thousand") or (m.group("million") and re.search(r"[.,]", m.group("number")))
        written = pre or post
        if m.group("million") and not written and not multiplied:
            continue                                        # 300M: water resistance, not millions
        if is_gold(text, m):
            continue
        amount = number_value(m)
        if amount <= 0:
            continue
        start = m.start("pre") if pre else m.start("number")
        end = m.end()
        soft_cue = cue and cue.lower() in ("à", "a", "at", "now", "maintenant")
        asking = not (
            any(s <= start < e for s, e in struck)
            or NOT_ASKING_RE.search(text[max(0, start - 24):start])
            or (any(s <= start < e for s, e in ranges) and not m.group("discount")))
        bare = not (written or multiplied or (cue and not soft_cue))
        found.append(PriceMatch(start, end, amount, currency_code(written), bare, asking))
    return found
