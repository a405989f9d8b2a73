"""Watch references in a message, and what a reference says about the watch.

    find_references(text) -> list[RefMatch]          every maker's reference written in `text`, in order
    reference_info(ref, brand=None) -> (brand, model) the maker and family a reference belongs to

A reference is told apart from a price, a year, a size or a calibre by its shape (extract/references_data.py:
SHAPES, one per maker) and, for bare numbers, by what a dealer knows (Rolex's numbering, the famous Patek
numbers) or by what stands next to it (`ref`, a brand, `cal.`, a currency). The regexes are built once at
import from those tables.
"""
import re
from dataclasses import dataclass

from extract import models
from extract.references_data import (
    FAMILY_PREFIXES, NOT_REFERENCE_BEFORE, NOT_REFERENCE_PREFIXES, NOT_REFERENCE_UNITS, PATEK_FAMILY,
    REFERENCE_WORDS, ROLEX_CORE_FAMILY, ROLEX_EXACT, ROLEX_EXCEPTIONS, ROLEX_SERIES, ROLEX_SUFFIXES, SHAPES,
)


@dataclass(frozen=True)
class RefMatch:
    start: int
    end: int
    reference: str          # as written, spaces removed, case kept
    brand: str | None       # canonical brand (../shared/datasets/brands.txt) or None
    model: str | None       # family as the market says it, or None


# ── regexes built from the tables ────────────────────────────────────────────────────────────────────
def _words(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


CANDIDATE_RE = re.compile(r"""
    (?<![\w./\-~])                           # starts a token
    (?: (?:PAM|RM|IW)[\ \-](?=\d) )?         # PAM 1312, RM 67-02, IW 371605: a space may follow the prefix
    [A-Za-z]{0,6} [./\-]?                    # letters before the first digit (CRWSTA0041, L3.781...)
    \d                                       # a reference has digits
    (?: [A-Za-z0-9] | [./\-~](?=[A-Za-z0-9]) )*   # then letters, digits, and . / - ~ between them
    (?![\w~])                                # ends the token
""", re.VERBOSE | re.IGNORECASE)

SHAPE_RE = re.compile("|".join(                # first alternative that matches names the shape
    f"(?P<s{i}>{pattern})" for i, (_brand, pattern, _needs) in enumerate(SHAPES)), re.IGNORECASE)

NOT_BEFORE_RE = re.compile(rf"""
    (?: (?<![\w]) (?:{_words(NOT_REFERENCE_BEFORE)})    # cal., calibre, prix, budget...
      | [$€£¥]                               # a currency sign
      | (?<![\w]) (?:{_words(p for p in NOT_REFERENCE_PREFIXES if len(p) == 3)}) )  # HKD, USD...
    \s* [:.#]? \s* \Z                        # right before the number
""", re.VERBOSE | re.IGNORECASE)

NOT_AFTER_RE = re.compile(rf"""
    \s?                                      # right after the number
    (?: [$€£¥%]                              # a currency sign or percent
      | (?:{_words(NOT_REFERENCE_UNITS)}) (?![^\W_])  # a unit, a currency word (mm, k, eur...)
      | [,.]\d                               # the rest of a price (8.200, 12,500)
      | '\d | ’\d                            # 12'500
      | \s?(?:€|\$|eur|euros|chf|usd|hkd) )
""", re.VERBOSE | re.IGNORECASE)

REF_WORD_RE = re.compile(rf"""
    (?<![\w]) (?:{_words(REFERENCE_WORDS)})  # ref, réf., reference, #...
    \s* [:.]? \s* \Z                         # right before the number
""", re.VERBOSE | re.IGNORECASE)

UNIT_TOKEN_RE = re.compile(rf"""
    \d+ (?:[.,]\d+)?                         # a number
    (?:{_words(NOT_REFERENCE_UNITS)})        # glued to a unit: 40mm, 12k, 2023y, 3pcs
""", re.VERBOSE | re.IGNORECASE)

CALIBRE_RE = re.compile(r"""
    \d[A-Z]\d{2}[A-Z]?                       # Seiko/Miyota calibres: 7S26, 4R36, 6R15, 9S65, 8L35
    | NH\d{2}[A-Z]? | NE\d{2} | VK\d{2} | VH\d{2}   # Seiko/SII movements
    | [A-Z]?\d{1,2}[A-Z]?                    # too short to be a reference: B01, H10, N3
""", re.VERBOSE | re.IGNORECASE)

NOT_PREFIX_RE = re.compile(rf"(?:{_words(NOT_REFERENCE_PREFIXES)})(?=[\d\-./])", re.IGNORECASE)

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
    return (digits in ROLEX_EXACT or f"{gen}|{core}" in ROLEX_SERIES
            or (len(digits) == 6 and core in ROLEX_CORE_FAMILY))


def _family(brand: str, ref: str) -> str | None:
    key = re.sub(r"[^0-9A-Z]", "", ref.upper())
    if brand == "Rolex":
        digits = re.match(r"\d*", key).group()
        return _rolex_family(digits) if len(digits) >= 4 else None
    if brand == "Patek Philippe" and key[:4] in PATEK_BY_NUMBER:
        return PATEK_BY_NUMBER[key[:4]]
    if brand in ("Richard Mille", "Grand Seiko"):
        return None                                   # labels name these by reference only
    if brand == "Tudor":
        key = key.removeprefix("M")
    elif brand == "Panerai":
        key = key.removeprefix("PAM").lstrip("0")
    elif brand == "Jaeger-LeCoultre":
        key = key.removeprefix("Q")
    table = PREFIX_TABLES.get(brand)
    return _longest_prefix(table, key) if table else None


def _shape(token: str):
    """(brand, needs) of the first maker's shape `token` has, or None."""
    m = SHAPE_RE.fullmatch(token)
    if not m:
        return None
    _brand, _pattern, needs = SHAPES[int(m.lastgroup[1:])]
    return _brand, needs


def reference_info(ref: str, brand: str | None = None) -> tuple:
    """(brand, family) a reference belongs to; `brand`, when the text names one, wins over the shape."""
    token = re.sub(r"\s+", "", ref)
    shape = _shape(token)
    if shape:
        brand = brand or shape[0]
    elif token.isdigit() and not brand:
        if _is_rolex_number(token):
            brand = "Rolex"
        elif token[:4] in PATEK_BY_NUMBER and len(token) == 4:
            brand = "Patek Philippe"
    if not brand:
        return None, None
    return brand, _family(brand, token)


# ── finding references in a message ──────────────────────────────────────────────────────────────────
def _named_brands(text: str) -> set:
    """Brands the message names, by brand name or by a model of theirs."""
    return ({b for _s, _e, b in models.find_brands(text)}
            | {m.brand for m in models.find_models(text)})


def _brand_next_to(text: str, start: int) -> str | None:
    """A brand or model written just before `start` on the same line (`Rolex 76188`, `Invicta Disney 37813`)."""
    window = text[max(0, start - 40):start]
    window = window[window.rfind("\n") + 1:]
    near = [(e, b) for _s, e, b in models.find_brands(window)] + [(m.end, m.brand) for m in models.find_models(window)]
    near = [(e, b) for e, b in near if len(window) - e <= 24]
    return max(near)[1] if near else None


def _accept(text: str, start: int, token: str, context: dict):
    """(brand, ok) for a candidate token; context caches the brands the message names."""
    before = text[max(0, start - 16):start]
    if NOT_BEFORE_RE.search(before):
        return None, False                           # cal. 3135, prix 5711, $12500, HKD 126000
    shape = _shape(token)
    digits_only = token.isdigit()
    if digits_only and NOT_AFTER_RE.match(text, start + len(token)):
        return None, False                           # 8200€, 126000 HKD, 5711.50
    ref_word = bool(REF_WORD_RE.search(before))
    if shape:
        brand, needs = shape
        if needs is None:
            return brand, True
        if needs == "rolex":
            digits = re.match(r"\d+", token).group()
            suffix = re.sub(r"-\d{4}$", "", token[len(digits):]).upper()
            if suffix:
                return ("Rolex", True) if suffix in ROLEX_SUFFIX_SET else (None, False)
            if _is_rolex_number(digits):
                return "Rolex", True
        else:
            if "named" not in context:
                context["named"] = _named_brands(text)
            if brand in context["named"] or ref_word:
                return brand, True
    if CALIBRE_RE.fullmatch(token) or UNIT_TOKEN_RE.fullmatch(token):
        return None, False
    if digits_only:
        if len(token) < 4 or len(token) > 6:
            return None, False
        if len(token) == 4 and 1900 <= int(token) <= 2039 and not ref_word:
            return None, False                       # a year
        if token in ROLEX_EXACT:
            return "Rolex", True
        if token in PATEK_BY_NUMBER and len(token) == 4:
            return "Patek Philippe", True
        near = _brand_next_to(text, start)
        if near or ref_word:
            return near, True
        return None, False
    if NOT_PREFIX_RE.match(token):
        return None, False                           # HKD126000, N11/2025, ETA2824
    letters = sum(ch.isalpha() for ch in token)
    digits = sum(ch.isdigit() for ch in token)
    if digits < 3 or len(token) < 5:
        return None, False
    if token[0].isalpha() and letters <= 6:
        return None, True                            # FS4735, MK7248, SN021-G: someone's reference
    near = _brand_next_to(text, start)
    return near, bool(near or ref_word)              # 7050s, 02AR2: only next to a brand or `ref`


def find_references(text: str) -> list:
    """Every reference written in `text`, in order of appearance."""
    found, context = [], {}
    for m in CANDIDATE_RE.finditer(text):
        token = re.sub(r"[\s]", "", m.group())
        brand, ok = _accept(text, m.start(), token, context)
        if not ok and "/" in token:                  # `15500ST/15510ST`, `SSC813/SBDL085`
            offset = m.start()
            for part in token.split("/"):
                pb, pok = _accept(text, offset, part, context)
                if pok:
                    found.append(_match(offset, offset + len(part), part, pb))
                offset += len(part) + 1
            continue
        if ok:
            found.append(_match(m.start(), m.end(), token, brand))
    return found


def _match(start: int, end: int, token: str, brand: str | None) -> RefMatch:
    brand, model = reference_info(token, brand) if brand else reference_info(token)
    return RefMatch(start, end, token, brand, model)
