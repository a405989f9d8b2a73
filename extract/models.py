"""Model names and nicknames in a message: `find_models(text) -> tuple[ModelMatch, ...]`.

Regexes built at import from extract/models_data.py (MODELS) and the extractor's brand table
(extract/vocab.py: BRANDS, BRAND_ABBREVIATIONS). A match reports the brand the
model belongs to and its family as the market says it (`Hulk` -> Rolex Submariner, `BB58` -> Tudor
Black Bay 58, `Speedy Pro` -> Omega Speedmaster). `find_brands(text)` gives the brand names written in a
message (`AP` -> Audemars Piguet), used here to silence generic model words (`GMT` in a Grand Seiko
message) and by extract/references.py to accept reference shapes that need their brand named.
"""
import functools
import re
import unicodedata
from typing import NamedTuple

from extract import new_tuple
from extract.models_data import MODELS
from extract.vocab import BRAND_ABBREVIATIONS, BRANDS


class ModelMatch(NamedTuple):                    # (a tuple: built for every mention of every message)
    start: int
    end: int
    brand: str
    model: str


# ── building the regexes from the tables ─────────────────────────────────────────────────────────────
_SEPARATOR = r"[\W_]"                           # before a name: no letter or digit (a space is put first)
_BEFORE_SECOND = r"(?<![^\W_]..)"                # after two characters: no letter or digit before them
_AFTER = r"(?![^\W_]|-[^\W\d_])"              # not followed by a letter/digit, nor by `-word` (sub-dial)
_SEP = r"[\s\-]?"                               # a space or a hyphen, or nothing (GMT-Master, GMTMaster)
_APOSTROPHE = "['’]?"                            # either apostrophe, or none (Pilot's, Pilots)


@functools.lru_cache(maxsize=4096)
def _key(phrase: str) -> str:
    """What two spellings of one name share: lower case, letters and digits only."""
    return "".join(ch for ch in phrase.lower() if ch.isalnum())


def _units(alias: str, fold: bool) -> list:
    """An alias as regex pieces: one per character, a space or hyphen as an optional separator."""
    units = []
    for ch in alias.strip():
        if ch in " -":
            if units and units[-1] != _SEP:
                units.append(_SEP)
        else:
            units.append(_APOSTROPHE if ch == "'" else re.escape(ch.lower() if fold else ch))
    return units



def _trie_pattern(aliases, fold: bool = True) -> str:
    """One regex for many aliases, factored by common prefix (re tries alternatives one by one, so
    600 flat alternatives cost 600 tries at every word; a trie costs one per character)."""
    trie: dict = {}
    for alias in aliases:
        node = trie
        units = _units(alias, fold)
        if not fold and (len(units) < 2 or {_SEP, _APOSTROPHE} & set(units[:2])):
            raise ValueError(f"{alias!r}: a case-sensitive alias must begin with two plain characters")
        for unit in units:
            node = node.setdefault(unit, {})
        node[""] = {}                              # an alias ends here

    def merge(into: dict, other: dict) -> dict:
        for unit, child in other.items():
            merge(into.setdefault(unit, {}), child)
        return into

    def emit(node: dict, checks: tuple = ()) -> str:
        ends = "" in node
        check = checks[0] if checks else ""        # (a look-behind, after the characters it reads)
        sep = node.pop(_SEP, None)
        if sep is not None:                        # `Sea Dweller` and `Seamaster` share one path: a
            merge(node, sep)                       # separator is optional anywhere one alias has it,
        branches = [unit + check + emit(child, checks[1:]) for unit, child in node.items() if unit]
        if not branches:                           # so re's first-match order cannot cut a name short
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        body = _SEP + body if sep is not None else body
        return "(?:" + body + ")?" if ends else body   # where an alias ends: go on if it can, else stop
    if fold:                                       # lower-case aliases: most letters may start one,
        return emit(trie)                          # _Scanner reads the separator before them
    # Capitals: the word-start check goes after the second character, so the regex begins with a plain
    # set of first letters (re's scanner skips every other position without entering the pattern) and
    # a capital followed by a small letter fails before the look-behind runs. The look-behind reads the
    # character before the first, so the first two must be one character each (`DJ`, `B&R`).
    return emit(trie, ("", _BEFORE_SECOND))


def _parse_models(table: dict) -> list:
    """(alias, flags, brand, family) for every alias of every family; flags from the `= ^ @ ~ *` marks."""
    rows = []
    for brand, block in table.items():
        for line in re.split(r"\n(?=\s*[^\s;][^:;]*:\s)", block.strip()):
            if not line.strip():
                continue
            family, _, aliases = line.partition(":")
            family = family.strip()
            for alias in [a.strip() for a in aliases.replace("\n", " ").split(";")]:
                if not alias:
                    continue
                flags = ""
                while alias[0] in "=^~@*":
                    flags, alias = flags + alias[0], alias[1:]
                rows.append((alias, flags, brand, family))
    return rows


def _brand_rows() -> list:
    """(spelling, flags, brand) from the extractor's brand table (extract/vocab.py): one list of brands.
    Short forms (`AP`, `Tag`) are case-sensitive there and here; accented spellings also read plain."""
    rows = []
    for brand, spellings in BRANDS.items():
        for spelling in spellings or (() if brand in BRAND_ABBREVIATIONS else (brand,)):
            rows.append((spelling, "", brand))
            plain = "".join(ch for ch in unicodedata.normalize("NFKD", spelling) if not unicodedata.combining(ch))
            if plain != spelling:
                rows.append((plain, "", brand))
    rows += [(short, "=", brand) for short, brand in BRAND_ABBREVIATIONS.items()]
    return rows


class _Scanner:
    """Finds the aliases of a table in a text: the case-insensitive ones by one trie regex run over the
    lower-cased text (cheaper than re.IGNORECASE), the case-sensitive ones (`DJ`, `RO`) by a second.
    The first regex starts at the separator before a name (the text is read with a space in front, so
    the separator's place there is the name's start in the text; no group to capture): re skips in C
    to the next such character, where a look-behind first ran at every position."""

    def __init__(self, aliases):
        aliases = list(aliases)
        self.trie = rf"{_SEPARATOR} {_trie_pattern(a for a, f in aliases if '=' not in f)}"
        self.loose = self._compile(self.trie, 0)
        self.exact = self._compile(_trie_pattern((a for a, f in aliases if "=" in f), fold=False), 0)

    @functools.cached_property
    def folded(self):
        """The loose aliases under re.IGNORECASE, for the rare text that lower() changes in length
        (`İ` becomes two characters); compiled the first time one comes."""
        return self._compile(self.trie, re.IGNORECASE)

    @staticmethod
    def _compile(trie: str, flags: int):
        return re.compile(rf"""
            (?: {trie} )                     # one of the aliases, longest first, starting a word
            {_AFTER}                         # ends a word
        """, re.VERBOSE | flags)

    def scan(self, text: str) -> list:
        """(start, end) of every alias in `text`, in order, the longest where two start together."""
        lower = text.lower()
        loose = self.loose if len(lower) == len(text) else self.folded   # `İ` lower-cases to two chars
        spaced = " " + (lower if loose is self.loose else text)
        spans = [(m.start(), m.end() - 1) for m in loose.finditer(spaced)]
        first = self.exact.search(text)           # (most messages have none: no list to build)
        if not first:
            return spans                           # one finditer's spans: in order, none overlapping
        spans += [m.span() for m in self.exact.finditer(text, first.start())]
        spans.sort(key=lambda span: (span[0], -span[1]))   # the longest of two starting together
        kept, last_end = [], -1
        for span in spans:
            if span[0] >= last_end:
                kept.append(span)
                last_end = span[1]
        return kept


_MODEL_ROWS = _parse_models(MODELS)
_BRAND_ROWS = _brand_rows()

# alias key -> {brand: (family, flags)} in table order: `Submariner` is Rolex's unless Tudor is named
MODEL_BY_KEY: dict = {}
for _alias, _flags, _brand, _family in _MODEL_ROWS:
    MODEL_BY_KEY.setdefault(_key(_alias), {}).setdefault(_brand, (_family, _flags))
# keys whose brand depends on the message: shared by two makers, or marked ^ @ ~ * in the table
NEEDS_CONTEXT = frozenset(key for key, owners in MODEL_BY_KEY.items()
                          if len(owners) > 1 or any(set(flags) & set("^@~*") for _f, flags in owners.values()))
SHARED = set("~*")                                  # marks of names that yield to another named maker
BRAND_BY_KEY = {_key(alias): brand for alias, _flags, brand in _BRAND_ROWS}

MODELS_SCANNER = _Scanner((a, f) for a, f, _b, _m in _MODEL_ROWS)
BRANDS_SCANNER = _Scanner((a, f) for a, f, _b in _BRAND_ROWS)


def _brand_before(text: str, start: int, brands: list) -> str | None:
    """The brand written right before position `start` (only spaces or a hyphen between), if any."""
    for b_start, b_end, brand in reversed(brands):
        if b_end <= start:
            return brand if not text[b_end:start].strip(" -\t") else None
    return None


def is_model_name(word: str) -> bool:
    """Whether `word` is itself one of the table's model names or aliases (BR03-92, C60, DJ41)."""
    return _key(word) in MODEL_BY_KEY


# ── reading a message ────────────────────────────────────────────────────────────────────────────────
# Both cached, and answered as they are kept (tuples: no caller may change them): the extractor and
# extract/references.py ask about the same message.
@functools.lru_cache(maxsize=256)
def find_brands(text: str) -> tuple:
    """The brands named in `text`, as (start, end, canonical brand), in order."""
    return tuple((s, e, BRAND_BY_KEY[_key(text[s:e])]) for s, e in BRANDS_SCANNER.scan(text))


@functools.lru_cache(maxsize=256)
def find_models(text: str) -> tuple:
    """Every model name or nickname in `text`, in order, as ModelMatch(start, end, brand, model)."""
    spans = MODELS_SCANNER.scan(text)
    found, named = [], None
    for start, end in spans:
        key = _key(text[start:end])
        owners = MODEL_BY_KEY[key]
        brand = next(iter(owners))
        if key in NEEDS_CONTEXT:                          # only then does the brand around matter
            if named is None:                             # (asked once, at the first such name)
                brands = find_brands(text)
                # named: by name, or by a model only one maker has (`Explorer II ... polar`)
                keys = [_key(text[s:e]) for s, e in spans]
                named = ({b for _s, _e, b in brands}
                         | {next(iter(MODEL_BY_KEY[k])) for k in keys if k not in NEEDS_CONTEXT})
            before = _brand_before(text, start, brands)
            brand = before if before in owners else next((b for b in owners if b in named), brand)
            flags = owners[brand][1]
            if "^" in flags and before != brand:
                continue                                 # `AT`, `1926`: only right after their brand
            if "@" in flags and brand not in named:
                continue                                 # `Grant`, `Bold`: only where Fossil, Movado is named
            if SHARED.intersection(flags) and before != brand and named - {brand}:
                continue                                 # `GMT` in a Grand Seiko message is no Rolex
            if "*" in flags and brand not in named and text[start].islower():
                continue                                 # `tank`, `pilot` in lower case need their brand
        found.append(new_tuple(ModelMatch, (start, end, brand, owners[brand][0])))
    return tuple(found)

