"""Watch references in a message, and what a reference says about the watch.

    find_references(text) -> list[RefMatch]          every maker's reference written in `text`, in order
    reference_info(ref, brand=None) -> (brand, model) the maker and family a reference belongs to

A reference is told apart from a price, a year, a size or a calibre by its shape (extract/references_data.py:
SHAPES, one per maker) and, for bare numbers, by what a dealer knows (Rolex's numbering, the famous Patek
numbers) or by what stands next to it (`ref`, a brand, `cal.`, a currency). The regexes are built once at
import from those tables.
"""
import functools
import re
from typing import NamedTuple

from extract import models, new_tuple
from extract.lexicon import first_chars, guarded, matched_chars
from extract.references_data import (
    CALIBRE_AFTER_WORDS, CALIBRE_NUMBERS, CALIBRE_WORDS, CARTIER_COLLECTIONS, CURRENCY_WORDS, FAMILY_PREFIXES,
    HAND_PREFIXES, NOT_REFERENCE_PREFIXES, NOT_REFERENCE_UNITS, OMEGA_VINTAGE, PATEK_FAMILY, PRICE_WORDS,
    REFERENCE_WORDS, ROLEX_CORE_FAMILY, ROLEX_EXACT, ROLEX_EXCEPTIONS, ROLEX_SERIES, ROLEX_SUFFIXES,
    SERIAL_WORDS, SHAPES, SPACED_SHAPES,
)


class RefMatch(NamedTuple):                    # (a tuple: built for every mention of every message)
    start: int
    end: int
    reference: str          # as written, spaces removed, case kept
    brand: str | None       # canonical brand (../shared/datasets/brands.txt) or None
    model: str | None       # family as the market says it, or None



# ── regexes built from the tables ────────────────────────────────────────────────────────────────────
def _words(words) -> str:
    """One alternative of many words, factored by common prefix: re tries the alternatives of a|b|c one
    by one, a trie one per character. Where a word ends inside a longer one the longer is tried first,
    as in an alternation sorted longest first."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}                                # a word ends here
    return _trie(trie)


def _trie(node: dict) -> str:
    branches = [re.escape(ch) + _trie(child) for ch, child in node.items() if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body    # where a word ends: go on if it can, else stop


# Candidate tokens: a run of letters and digits with a digit in it (found from the digit, then back).
DIGITS_RE = re.compile(r"""
    \d                                       # a reference has digits: the scan jumps from digit to digit
    [A-Za-z0-9]*+ (?: [./\-~] [A-Za-z0-9]+ )*+   # then letters, digits, and . / - ~ between them (a run
                                             # of one set is one quick loop in re, an alternation is not;
                                             # possessive: nothing to give back, and no repeat allocated)
    (?! [^\W_] | ~ )                         # not glued to a non-ASCII letter or digit, or to a ~ (from a
""", re.VERBOSE)                             # later digit of the run the match fails the same: its end)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
TOKEN_CHARS = frozenset(LETTERS + "0123456789")
SPACED_PREFIXES = "PAM RM IW SBG. SLG. SBD. SPB SKX SRP SRP. SAR.".split()   # `.`: any letter
SPACED_PREFIX_RE = re.compile(guarded(rf"""
    (?<![A-Za-z]) (?: {"|".join(p.replace(".", "[A-Z]") for p in SPACED_PREFIXES)} )
    [\ \-] \Z                                # a maker's prefix a space may split from its number
""", re.VERBOSE | re.IGNORECASE), re.VERBOSE | re.IGNORECASE)
# A prefix's letter before its last: most `word 123` fail this test, and are spared the search.
SPACED_PREFIX_SECOND_LAST = frozenset(matched_chars("".join({p[-2] for p in SPACED_PREFIXES}), re.IGNORECASE))
SUFFIX_APART_RE = re.compile(rf"""
    \ (?-i: {_words(sorted({x for x in ROLEX_SUFFIXES if len(x) > 1} | {"ST", "OR", "BA", "BC", "PT", "TI", "CE"}))} )
    (?![A-Za-z0-9])                          # a maker's letters a space keeps from their number (116610 LN)
""", re.VERBOSE)
DATE_BEFORE_RE = re.compile(r"""
    (?<!\d) \d{1,2} [/.] (?:19|20)?\d{2}    # a card date (07/2025, 5/24) ...
    [\ \t]+ \Z                               # ... right before: the number after it is the price column
""", re.VERBOSE)
REF_PREFIX = r"""
    (?: ref | réf | no | nr ) [.:]           # `Ref.16710`, `No.5513` glued to the number
"""
REF_PREFIX_RE = re.compile(REF_PREFIX, re.VERBOSE | re.IGNORECASE)
REF_PREFIX_FIRSTS = frozenset(matched_chars("".join(first_chars(REF_PREFIX, re.VERBOSE | re.IGNORECASE)),
                                            re.IGNORECASE))   # (a letter test spares most the match)

# Makers' shapes: one regex tells the first that fits; each alone, for the shapes after it.
SHAPE_RE = re.compile("|".join(                # first alternative that matches names the shape
    f"(?P<s{i}>{pattern})" for i, (_brand, pattern, _needs) in enumerate(SHAPES)), re.IGNORECASE)
SHAPE_RES = [re.compile(pattern, re.IGNORECASE) for _brand, pattern, _needs in SHAPES]
SPACED_RE = re.compile("|".join(              # references with spaces inside, by maker
    f"(?P<s{i}>{pattern})" for i, (_brand, pattern) in enumerate(SPACED_SHAPES)))

CALIBRE_WORD_SET = frozenset(CALIBRE_WORDS) | frozenset(SERIAL_WORDS)
PRICE_WORD_SET = frozenset(PRICE_WORDS) | {p.lower() for p in NOT_REFERENCE_PREFIXES if len(p) == 3}
REFERENCE_WORD_SET = frozenset(w.rstrip(".") for w in REFERENCE_WORDS)
CURRENCY_SIGNS = tuple("$€£¥")
REFERENCE_WORD_RE = re.compile(_words(REFERENCE_WORD_SET), re.IGNORECASE)   # anywhere in the chunk before
BEFORE = 14                                   # characters read before a token for the word there

CALIBRE_AFTER = rf"""
    \s? {guarded(_words(CALIBRE_AFTER_WORDS), re.IGNORECASE)}   # `ST1655 Movement`
    (?![^\W_]) (?! \.?\s?\d )                 # (not `166.003 cal.565`: there the calibre is the next number)
"""
CALIBRE_AFTER_RE = re.compile(CALIBRE_AFTER, re.VERBOSE | re.IGNORECASE)
NOT_AFTER_RE = re.compile(r"\ ?" + guarded(rf"""   # right after the number, a space at most
      [$€£¥%](?!\ ?\d)                       # a currency sign or percent (not the next price's: `16570 $6,250`)
      | (?:{_words(NOT_REFERENCE_UNITS)}) (?![^\W_])  # a unit (40 mm, 12 k)
      | (?:{_words(CURRENCY_WORDS)}) (?![^\W_]) (?!\ ?\d)   # a currency word (not the next price's)
      | [,.]\d{{3}}(?!\d)                      # the rest of a price (126,000)
      | ['’]\d                               # 12'500
""", re.VERBOSE | re.IGNORECASE) + "\n|" + CALIBRE_AFTER, re.VERBOSE | re.IGNORECASE)   # or a calibre word:
# (after a number both turn it away: one match instead of two)

NOT_REFERENCE_RE = re.compile(rf"""
    \d+ (?:[.,]\d+)? (?i: {_words(NOT_REFERENCE_UNITS + CURRENCY_WORDS)} )   # glued to a unit: 40mm, 12k, 2023y
    | \d{{1,3}} (?:[.,']\d{{3}})+ (?:[.,]\d{{1,2}})?   # a price with thousands separators: 10.400, 1.450
    | \d{{1,2}} / \d{{1,2}} (?: / \d{{2,4}})?        # a date: 24/4/24, 9/10
    | \d{{1,2}} [/.\-] (?:19|20)?\d{{2}}           # a month: 09/2023, 6/2025, 05-24
    | (?:19|20)\d{{2}} [-/] (?:19|20)?\d{{2}}       # a range of years: 1999-2005, 2006-07
    | \d+ (?:[.,]\d+)? [kKmM]                   # 12.5k, 1.2m
    | (?i: \d[A-Z]\d{{2}}[A-Z]? )                 # Seiko/Miyota calibres: 7S26, 4R36, 6R15, 9S65, 8L35
    | (?i: NH\d{{2}}[A-Z]? | NE\d{{2}} | VK\d{{2}} | VH\d{{2}} )   # Seiko/SII movements
    | (?i: [A-Z]?\d{{1,2}}[A-Z]? )                 # too short to be a reference: B01, H10, N3
""", re.VERBOSE)                              # (a token that is one of these is no reference, whatever is around)

NOT_PREFIX_RE = re.compile(rf"""
    (?:{_words(p for p in NOT_REFERENCE_PREFIXES if len(p) == 3)})   # HKD365K, USD12k: a currency
    | (?:{_words(NOT_REFERENCE_PREFIXES)}) (?=[\d\-./])             # ETA2824, N11/2025, x2, M3: shorthand
""", re.VERBOSE | re.IGNORECASE)

FOUR_DIGIT_BRANDS = frozenset(("Cartier", "Patek Philippe", "Rolex", "Omega"))   # makers with bare 4-digit refs
ROLEX_SUFFIX_SET = frozenset(ROLEX_SUFFIXES)
PATEK_BY_NUMBER = {n: fam for fam, numbers in PATEK_FAMILY.items() for n in numbers.split()}
PREFIX_TABLES = {brand: {("" if p == "*" else p): fam for fam, prefixes in table.items()
                         for p in prefixes.split()}
                 for brand, table in FAMILY_PREFIXES.items()}


# ── what a reference says ────────────────────────────────────────────────────────────────────────────
def _longest_prefix(table: dict, key: str):
    for end in range(len(key), -1, -1):
        if key[:end] in table:
            return table[key[:end]]
    return None


def _rolex_family(digits: str) -> str | None:
    gen, core = digits[:-4], digits[-4:-1]
    if digits in ROLEX_EXACT:
        return ROLEX_EXACT[digits]
    if f"{gen}|{core}" in ROLEX_EXCEPTIONS:
        return ROLEX_EXCEPTIONS[f"{gen}|{core}"]
    if core in ROLEX_CORE_FAMILY:
        return ROLEX_CORE_FAMILY[core]
    if f"{gen}|{core}" in ROLEX_SERIES:
        return _longest_prefix(PREFIX_TABLES["Rolex"], f"{digits[-4:]}|{gen}")
    return None


def _is_rolex_number(digits: str) -> bool:
    """Digits a Rolex reference could be: a known series, core or reference."""
    gen, core = digits[:-4], digits[-4:-1]
    return (digits in ROLEX_EXACT or f"{gen}|{core}" in ROLEX_SERIES or f"{gen}|{core}" in ROLEX_EXCEPTIONS
            or (len(digits) == 6 and core in ROLEX_CORE_FAMILY))


def _family(brand: str, ref: str) -> str | None:
    key = re.sub(r"[^0-9A-Z]", "", ref.upper())
    if brand == "Rolex":
        digits = re.match(r"M?(\d*)", ref, re.IGNORECASE).group(1)   # M126610LN, 279175-0016: digits only
        return _rolex_family(digits) if len(digits) >= 4 else None
    if brand == "Patek Philippe" and key[:4] in PATEK_BY_NUMBER:
        return PATEK_BY_NUMBER[key[:4]]
    if brand == "Cartier" and re.fullmatch(r"(?:CR)?W[A-Z0-9][A-Z]{2}\d{4}", key):
        collection = CARTIER_COLLECTIONS.get(key[-6:-4])
        if collection:
            return collection
    if brand == "Omega" and re.fullmatch(r"1\d{2}\.\d{3,4}(?:-\d{2})?", ref):
        return OMEGA_VINTAGE.get(ref[:3])
    hand = brand in HAND_PREFIXES and _longest_prefix(HAND_PREFIXES[brand], key)
    if hand:
        return hand
    if brand in ("Richard Mille", "Grand Seiko"):
        return None                                   # labels name these by reference only
    if brand == "Tudor":
        key = key.removeprefix("M")
    elif brand == "Panerai":
        key = key.removeprefix("PAM").lstrip("0")   # (the key has no hyphen: PAM-00111 -> 111)
    elif brand == "Jaeger-LeCoultre":
        key = key.removeprefix("Q")
    table = PREFIX_TABLES.get(brand)
    return _longest_prefix(table, key) if table else None


@functools.lru_cache(maxsize=8192)
def _shape(token: str):
    """(brand, claims) of the first maker's shape `token` has, or None. claims: (brand, needs) of each
    shape from that one on that `token` has (a Rolex shape's only with a number Rolex uses), up to the
    first that needs nothing from the text; found once per token, not once per mention."""
    m = SHAPE_RE.fullmatch(token)
    if not m:
        return None
    index = int(m.lastgroup[1:])
    claims = []
    for (brand, _pattern, needs), shape_re in zip(SHAPES[index:], SHAPE_RES[index:]):
        if shape_re.fullmatch(token) and (needs != "rolex" or _rolex_ok(token)):
            claims.append((brand, needs))
            if needs != "brand":
                break
    return SHAPES[index][0], tuple(claims)


def reference_info(ref: str, brand: str | None = None) -> tuple:
    """(brand, family) a reference belongs to; `brand`, when the text names one, wins over the shape."""
    token = "".join(ref.split())
    return _info(token, _shape(token), brand)


@functools.lru_cache(maxsize=8192)
def _info(token: str, shape, brand: str | None) -> tuple:
    if shape and not brand:
        brand = _brand_of_shape(shape)
    elif token.isdigit() and not brand:
        if _is_rolex_number(token):
            brand = "Rolex"
        elif len(token) == 4 and token in PATEK_BY_NUMBER:
            brand = "Patek Philippe"
    if not brand:
        return None, None
    return brand, _family(brand, token)


def _brand_of_shape(shape) -> str:
    """The maker of a shaped reference read alone: the first shape that needs nothing the text would
    say (`52506` is Rolex's, though it has Tudor's shape too), else the first shape's."""
    for brand, needs in shape[1]:
        if needs != "brand":
            return brand
    return shape[0]


# ── finding references in a message ──────────────────────────────────────────────────────────────────
def _brand_next_to(text: str, start: int) -> str | None:
    """A brand or model written just before `start` on the same line (`Rolex 76188`, `Invicta Disney 37813`)."""
    near = None
    spans = [(m.end, m.brand) for m in models.find_models(text)] + [(e, b) for _s, e, b in models.find_brands(text)]
    for b_end, brand in spans:
        if b_end <= start and start - b_end <= 40 and "\n" not in text[b_end:start]:
            if near is None or b_end > near[0]:
                near = (b_end, brand)
    return near and near[1]


def _model_right_before(text: str, start: int, token: str) -> str | None:
    """The brand of a model name written right before `start`, only spaces between (`Carrera 2447`),
    unless the number is a model's own (`50 Atmos 1521`) or a round one (`Seastar 1000`: a depth)."""
    if token.endswith("00") or models.is_model_name(token):
        return None
    for m in models.find_models(text):
        if m.end <= start and not text[m.end:start].strip(" \t"):
            return m.brand
    return None


def _context_before(text: str, start: int) -> tuple:
    """(word, sign) right before `start`: the word lower-cased without its dot, or a currency sign."""
    chunk = text[start - BEFORE if start > BEFORE else 0:start].rstrip(" \t:#°")   # (not max(): a call)
    if chunk.endswith(CURRENCY_SIGNS):
        return "", chunk[-1]
    words = chunk.rsplit(None, 1)                    # (none when the chunk is all spaces)
    return (words[-1].lstrip("([{\"'*-•").lower().rstrip(".") if words else ""), ""


def _named(text: str, context: dict) -> set:
    """Brands the message names, by brand name or by a model of theirs (asked once per message)."""
    if "named" not in context:
        context["named"] = ({b for _s, _e, b in models.find_brands(text)}
                            | {m.brand for m in models.find_models(text)})
    return context["named"]


def _rolex_ok(token: str) -> bool:
    """A Rolex shape is Rolex's with a Rolex model suffix (LN, BLRO) or a number Rolex uses."""
    digits = token[:len(token) - len(token.lstrip("0123456789"))]
    suffix = token[len(digits):].upper()
    suffix = suffix.split("-")[0]                   # 126710BLRO-0001, 116610LN-97200: the dial code
    return suffix in ROLEX_SUFFIX_SET if suffix else _is_rolex_number(digits)


def _accept(text: str, start: int, token: str, shape, context: dict):
    """(brand, ok) for a candidate token; context caches the brands the message names."""
    digits_only = token.isdigit()
    if digits_only and not 3 <= len(token) <= 6:
        return None, False                           # 1 or 2 digits, or a phone number
    if not (shape or digits_only) and _no_reference_alone(token):
        return None, False                           # 40mm, 10.400, HKD168k, ETA2824, BR03-92
    year_like = digits_only and (len(token) == 3 or len(token) == 4 and 1900 <= int(token) <= 2039)
    if year_like and not REFERENCE_WORD_RE.search(text, start - BEFORE, start):
        return None, False                           # (as below, without reading the context first)
    word, sign = _context_before(text, start)
    ref_word = word in REFERENCE_WORD_SET
    if year_like and not ref_word:
        return None, False                           # 3 digits only after `Ref` (`Ref 324`); a year
    if word in CALIBRE_WORD_SET:
        return None, False                           # cal. 3135, calibre 4130, serial R123456
    if token[0].isdigit():
        if sign or NOT_AFTER_RE.match(text, start + len(token)):
            return None, False                       # $12500, 8200€, 126000 HKD; 3135 movement
    elif CALIBRE_AFTER_RE.match(text, start + len(token)):
        return None, False                           # ST1655 Movement, SW200 calibre
    # (a card date right before the number is the word read before it, so that word ends in a digit)
    if digits_only and (word in PRICE_WORD_SET or token in CALIBRE_NUMBERS
                        or word[-1:].isdigit() and DATE_BEFORE_RE.search(text, start - 12, start)):
        return None, False                           # prix 5711, budget 126000, Speedy 3861, 07/2025 116000
    for brand, needs in shape[1] if shape else ():
        if needs is None or needs == "rolex":
            return brand, True
        if needs == "named":                         # letter-led shapes overlap (M13313 Breitling, not Tudor)
            return _one_named(text, context, brand), True
        if ref_word or brand in _named(text, context):
            return brand, True                       # Lange's 191.032 in a Lange message, not Omega's
    if digits_only:
        if token in ROLEX_EXACT:
            return "Rolex", True
        if len(token) == 4 and token in PATEK_BY_NUMBER:
            return "Patek Philippe", True
        near = _brand_next_to(text, start)
        if len(token) == 4 and near not in FOUR_DIGIT_BRANDS:
            near = _model_right_before(text, start, token)  # Montblanc 1858, Squale 1521: model numbers;
        return near, bool(near or ref_word)          # Carrera 2447, Fifty Fathoms 5015: references
    if shape and _no_reference_alone(token):
        return None, False                           # the same, for a shaped one no shape claimed
    if token[0].isalpha() and len(token) - len(token.lstrip(LETTERS)) <= 6:
        return None, True                            # FS4735, MK7248, SN021-G: someone's reference
    near = _brand_next_to(text, start)
    return near, bool(near or ref_word)              # 7050s, 02AR2: only next to a brand or `ref`


@functools.lru_cache(maxsize=8192)
def _no_reference_alone(token: str) -> bool:
    """Whether a token that is not all digits is no reference whatever stands around it: a size, price,
    date or calibre (40mm, 10.400, 09/2023, 7S26), a currency or calibre maker before it (HKD126000,
    N11/2025, ETA2824), fewer than 3 digits or 5 characters, a model's name (BR03-92, C60). Asked once
    per token, and before the context is read for a token no shape claims: all _accept does before these
    tests for it only turns it away too."""
    return bool(NOT_REFERENCE_RE.fullmatch(token) or NOT_PREFIX_RE.match(token)
                or sum(ch.isdigit() for ch in token) < 3 or len(token) < 5 or models.is_model_name(token))


def _one_named(text: str, context: dict, brand: str) -> str:
    """The shape's brand, unless the message names one other brand only (Breitling's M13313 is no Tudor)."""
    named = _named(text, context)
    if brand in named or len(named) != 1 or {brand, *named} == {"Seiko", "Grand Seiko"}:
        return brand
    return next(iter(named))


def _tokens(text: str, first_digit: int):
    """(start, end, token) of every run of letters and digits with a digit in it, spaces dropped
    (found from their digits: from the text's first digit on)."""
    for m in DIGITS_RE.finditer(text, first_digit):
        first, end = m.span()
        start = first
        while start and (text[start - 1] in TOKEN_CHARS
                         or (text[start - 1] in "./-" and start > 1 and text[start - 2] in TOKEN_CHARS)):
            start -= 1                               # back to the letters before the first digit
        if start and text[start - 1].isalnum():
            continue                                 # glued to a non-ASCII letter (年, é): no reference
        if first - start > 8:
            continue                                 # a long word before the digits: not a reference
        if start > 2 and text[start - 1] in " -" and text[start - 3] in SPACED_PREFIX_SECOND_LAST:
            spaced = SPACED_PREFIX_RE.search(text, start - 6, start)   # (re reads a negative start as 0)
            joined = spaced and text[spaced.start():start - 1] + text[start:end]
            if joined and _shape(joined):
                yield spaced.start(), end, joined    # PAM 1312, RM 67-02, SBGA 467
                continue
        if end - start <= 2:
            continue                                 # 4k, 12, A1: no maker's shape is that short
        if start < first:
            ref_word = text[start] in REF_PREFIX_FIRSTS and REF_PREFIX_RE.match(text, start, first)
            if ref_word:
                start = ref_word.end()               # `Ref.16710`: the word is context, not reference
        elif 5 <= end - start <= 6 and text[start:end].isdigit():
            apart = SUFFIX_APART_RE.match(text, end)
            if apart:                                # `116610 LN`, `15500 ST`: one reference
                yield start, apart.end(), text[start:apart.end()].replace(" ", "")
                continue
        yield start, end, text[start:end]


def _letters(ref: str) -> str:
    return ref[:len(ref) - len(ref.lstrip(LETTERS))].upper()


def _same_watch_elsewhere(first: str | None, other: str) -> bool:
    """`SSC813/SBDL085`: a second code with other letters names the same watch in another market
    (Seiko's domestic and export codes), not an alternative; the labels keep the first only."""
    return bool(first and _letters(first) and _letters(other) and _letters(first) != _letters(other))


def find_references(text: str, first_digit: int = 0) -> list:
    """Every reference written in `text`, in order of appearance; `first_digit`: where the text's first
    digit is, when the caller knows (a reference has digits: the scan for them starts there)."""
    found, context = [], {}
    one = SPACED_RE.search(text, first_digit)       # (rare: the list is built only after one is found)
    spaced = [(m.start(), m.end(), SPACED_SHAPES[int(m.lastgroup[1:])][0])
              for m in SPACED_RE.finditer(text, one.start())] if one else []
    for start, end, brand in spaced:
        reference = text[start:end].replace(" ", "")
        found.append(new_tuple(RefMatch, (start, end, reference, brand, _family(brand, reference))))
    for start, end, token in _tokens(text, first_digit):
        if spaced and any(s <= start < e for s, e, _b in spaced):
            continue
        shape = _shape(token)
        brand, ok = _accept(text, start, token, shape, context) if shape or "/" not in token else (None, False)
        if ok:
            found.append(new_tuple(RefMatch, (start, end, token, *_info(token, shape, brand))))
        elif "/" in token:                           # `15500ST/15510ST`: alternatives, each a reference
            offset, first = start, None
            for part in token.split("/"):
                shape = _shape(part)
                brand, ok = _accept(text, offset, part, shape, context)
                if ok and not _same_watch_elsewhere(first, part):
                    found.append(new_tuple(RefMatch, (offset, offset + len(part), part,
                                                       *_info(part, shape, brand))))
                    first = first or part
                offset += len(part) + 1
    return sorted(found, key=lambda r: r.start) if spaced else found
