"""Pure-regex reading of watch-trading messages: text in, Extraction out.

Contract (other packages rely on it; keep it stable):
    extract(text: str) -> Extraction
    Extraction(type, listings: tuple[Listing, ...], confidence: float, language: 'fr'|'en'|None)
    Listing(brand, model, reference, price, currency, condition, year, size_mm, movement, box, papers,
            price_eur, span)   # span = (start, end) offsets in the text, or None
    Extraction.to_dict() / Listing.to_dict(): the JSON shape of ../shared/datasets/SCHEMA.md
"""
from dataclasses import dataclass, field

LISTING_FIELDS = ("brand", "model", "reference", "price", "currency", "condition",
                  "year", "size_mm", "movement", "box", "papers")
MESSAGE_TYPES = ("sale", "wanted", "trade", "question", "other")


@dataclass(frozen=True)
class Listing:
    brand: str | None = None
    model: str | None = None
    reference: str | None = None
    price: float | None = None
    currency: str | None = None
    condition: str | None = None
    year: int | None = None
    size_mm: float | None = None
    movement: str | None = None
    box: bool | None = None
    papers: bool | None = None
    price_eur: float | None = None
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict:
        out = {name: getattr(self, name) for name in LISTING_FIELDS}
        out["price_eur"] = self.price_eur
        return out


@dataclass(frozen=True)
class Extraction:
    type: str = "other"
    listings: tuple[Listing, ...] = field(default_factory=tuple)
    confidence: float = 0.0
    language: str | None = None

    def to_dict(self) -> dict:
        return {"type": self.type, "listings": [l.to_dict() for l in self.listings],
                "confidence": round(self.confidence, 3), "language": self.language}


def built(cls, values: dict):
    """An instance of the frozen dataclass `cls` from a dict of all its fields, as cls(**values) makes
    it: the generated __init__ sets each field through object.__setattr__ (~1.5k machine instructions
    a field, 26k for a Listing), which is a tenth of reading a short message."""
    made = object.__new__(cls)
    made.__dict__.update(values)
    return made


# The NamedTuple records of a read (mentions, prices, model and reference matches) are built by the dozen
# a message: new_tuple(Cls, (every field, in order)) makes what Cls(...) makes without its Python __new__
# (a frame, ~1k machine instructions a record).
new_tuple = tuple.__new__


_read = None            # extract.parse.read once imported (a from-import statement at every call costs)


def loaded() -> bool:
    """Whether this process has compiled the vocabulary yet (the first extract() does, ~0.2 s)."""
    return _read is not None


def extract(text: str) -> Extraction:
    """Read one message the way a dealer does (extract/parse.py has the flow)."""
    global _read
    if not isinstance(text, str):
        raise TypeError(f"extract() reads a message's text (str), not {type(text).__name__}")
    if _read is None:
        from extract import parse   # at first use: importing it compiles the vocabulary (~0.2 s), which a
        _read = parse.read          # server's start and first webhook ack need not wait for
    return _read(text)
