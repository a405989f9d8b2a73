"""EUR exchange rates: what one unit of a currency is worth in euros, and on which date.

The built-in table is approximate mid-market rates of its `as_of` date. Override it without code:
    WHATSRAG_EUR_RATES=/path/rates.json    {"as_of": "2026-01-05", "rates": {"USD": 0.91, ...}}
    WHATSRAG_EUR_RATES="as_of=2026-01-05,USD=0.91,GBP=1.16"
Currencies the override leaves out keep the built-in rate.
"""
import json
import logging
import os
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

ENV_VAR = "WHATSRAG_EUR_RATES"
BUILT_IN_AS_OF = "2025-11-20"
BUILT_IN = {
    "EUR": 1.0, "USD": 0.865, "GBP": 1.135, "CHF": 1.075, "JPY": 0.00555, "HKD": 0.111,
    "SGD": 0.664, "AED": 0.2355, "CAD": 0.615, "AUD": 0.561, "CNY": 0.1215,
}


class RatesError(ValueError):
    """The rate override could not be read."""


@dataclass(frozen=True)
class EurRates:
    as_of: str
    per_unit: dict = field(default_factory=dict)     # ISO code → euros for one unit

    def to_eur(self, amount: float | None, currency: str | None) -> float | None:
        rate = self.per_unit.get(currency) if currency else None
        if amount is None or rate is None:
            return None
        return round(amount * rate, 2)


def parse_override(spec: str) -> tuple[str | None, dict]:
    """Read an override: a JSON file path, or "as_of=DATE,USD=0.91,..."."""
    if os.path.isfile(spec):
        try:
            with open(spec, encoding="utf-8") as fh:
                doc = json.load(fh)
            return doc.get("as_of"), {k.upper(): float(v) for k, v in doc["rates"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RatesError(f"{ENV_VAR} file {spec!r}: {exc}") from exc
    as_of, rates = None, {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise RatesError(f"{ENV_VAR}: {item!r} is not CODE=RATE")
        if key.strip().lower() == "as_of":
            as_of = value.strip()
            continue
        try:
            rates[key.strip().upper()] = float(value)
        except ValueError as exc:
            raise RatesError(f"{ENV_VAR}: {item!r} is not CODE=RATE") from exc
    return as_of, rates


def load(environ=os.environ) -> EurRates:
    """The built-in table, with the environment's override applied."""
    spec = environ.get(ENV_VAR, "").strip()
    if not spec:
        return EurRates(BUILT_IN_AS_OF, dict(BUILT_IN))
    as_of, rates = parse_override(spec)
    log.info("EUR rates overridden for %s currencies (as of %s)", len(rates), as_of)
    return EurRates(as_of or BUILT_IN_AS_OF, {**BUILT_IN, **rates})
