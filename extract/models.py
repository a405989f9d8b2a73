"""Model names and nicknames in a message: `find_models(text) -> list[ModelMatch]`.

One regex built at import from extract/models_data.py (MODELS, BRANDS). A match reports the brand the
model belongs to and its family as the market says it (`Hulk` -> Rolex Submariner, `BB58` -> Tudor
Black Bay 58, `Speedy Pro` -> Omega Speedmaster). `find_brands(text)` gives the brand names written in a
message (`AP` -> Audemars Piguet), used here to silence generic model words (`GMT` in a Grand Seiko
message) and by extract/references.py to accept reference shapes that need their brand named.
"""
import re
from dataclasses import dataclass

from extract.models_data import BRANDS, MODELS


@dataclass(frozen=True)
class ModelMatch:
    start: int
    end: int
    brand: str
    model: str


# ── building the regexes from the tables ─────────────────────────────────────────────────────────────
_BEFORE = r"(?<![^\W_])"                       # not inside a word
_AFTER = r"(?![^\W_]|-[^\W\d_])"              # not followed by a letter/digit, nor by `-word` (sub-dial)


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
            units.append("['’]?" if ch == "'" else re.escape(ch.lower() if fold else ch))
    return units


_SEP = r"[\s\-]?"                            # a space or a hyphen, or nothing (GMT-Master, GMTMaster)


def _trie_pattern(aliases, fold: bool = True) -> str:
    """One regex for many aliases, factored by common prefix (re tries alternatives one by one, so
    600 flat alternatives cost 600 tries at every word; a trie costs one per character)."""
    trie: dict = {}
    for alias in aliases:
        node = trie
        for unit in _units(alias, fold):
            node = node.setdefault(unit, {})
        node[""] = {}                              # an alias ends here

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [unit + emit(child) for unit, child in node.items() if unit]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:                                   # longest first: try going on, else stop here
            return "(?:" + body + ")?"
        return body if len(branches) == 1 else body
    return emit(trie)


def _parse_models(table: dict) -> list:
    """(alias, flags, brand, family) for every alias of every family; flags from the `= ^ ~` marks."""
    rows = []
    for brand, block in table.items():
        for line in re.split(r"\n(?=\s*[^\s;][^:;]*:\s)", block.strip()):
            if not line.strip():
                continue
            family, _, aliases = line.partition(":")
            family = family.strip()
            for alias in [a.strip() for a in aliases.replace("\n", " ").split(";")] + [family]:
                if not alias:
                    continue
                flags = ""
                while alias[0] in "=^~":
                    flags, alias = flags + alias[0], alias[1:]
                rows.append((alias, flags, brand, family))
    return rows


def _parse_brands(table: dict) -> list:
    """(alias, flags, brand) for every spelling of every brand."""
    rows = []
    for brand, spellings in table.items():
        for alias in spellings.split(";"):
            alias = alias.strip()
            flags = "=" if alias.startswith("=") else ""
            rows.append((alias.lstrip("="), flags, brand))
    return rows


def _alternation(aliases: list) -> str:
    """Case-insensitive aliases in one trie, then the case-sensitive (`=`) ones (`DJ`, `RO`)."""
    loose = _trie_pattern(a for a, f in aliases if "=" not in f)
    exact = _trie_pattern((a for a, f in aliases if "=" in f), fold=False)
    return f"{loose}|(?-i:{exact})" if exact else loose


_MODEL_ROWS = _parse_models(MODELS)
_BRAND_ROWS = _parse_brands(BRANDS)

# alias key -> {brand: (family, flags)} in table order: `Submariner` is Rolex's unless Tudor is named
MODEL_BY_KEY: dict = {}
for _alias, _flags, _brand, _family in _MODEL_ROWS:
    MODEL_BY_KEY.setdefault(_key(_alias), {}).setdefault(_brand, (_family, _flags))
BRAND_BY_KEY = {_key(alias): brand for alias, _flags, brand in _BRAND_ROWS}

_BRAND_ALT = _alternation([(a, f) for a, f, _b in _BRAND_ROWS])

MODEL_RE = re.compile(rf"""
    {_BEFORE}                                # the model starts a word
    (?: {_alternation([(a, f) for a, f, _b, _m in _MODEL_ROWS])} )
    {_AFTER}                                 # and ends one
""", re.IGNORECASE | re.VERBOSE)

BRAND_RE = re.compile(rf"""
    {_BEFORE}                                # a brand name starts a word
    (?: {_BRAND_ALT} )                       # one of the spellings in BRANDS
    {_AFTER}                                 # and ends one
""", re.IGNORECASE | re.VERBOSE)

BRAND_BEFORE_RE = re.compile(rf"""
    {_BEFORE}                                # a brand name starts a word
    (?: {_BRAND_ALT} )                       # one of the spellings in BRANDS
    [\s\-]* \Z                               # right before the model (`Omega AT`, `Tudor 1926`)
""", re.IGNORECASE | re.VERBOSE)


def _brand_before(text: str, start: int) -> str | None:
    """The brand written right before position `start`, if any."""
    m = BRAND_BEFORE_RE.search(text, max(0, start - 32), start)
    return m and BRAND_BY_KEY[_key(m.group().rstrip(" -\t\n"))]


# ── reading a message ────────────────────────────────────────────────────────────────────────────────
def find_brands(text: str) -> list:
    """The brands named in `text`, as (start, end, canonical brand), in order."""
    return [(m.start(), m.end(), BRAND_BY_KEY[_key(m.group())]) for m in BRAND_RE.finditer(text)]


def find_models(text: str) -> list:
    """Every model name or nickname in `text`, in order, as ModelMatch(start, end, brand, model)."""
    found, named = [], None
    for m in MODEL_RE.finditer(text):
        owners = MODEL_BY_KEY[_key(m.group())]
        before = _brand_before(text, m.start())
        if before not in owners and (len(owners) > 1 or "~" in next(iter(owners.values()))[1]):
            if named is None:
                named = {b for _s, _e, b in find_brands(text)}
            brand = next((b for b in owners if b in named), next(iter(owners)))
        else:
            brand = before if before in owners else next(iter(owners))
        family, flags = owners[brand]
        if "^" in flags and before != brand:
            continue                                     # `AT`, `1926`: only right after their brand
        if "~" in flags and before != brand and named - {brand}:
            continue                                     # `GMT` in a Grand Seiko message is no Rolex
        found.append(ModelMatch(m.start(), m.end(), brand, family))
    return found
