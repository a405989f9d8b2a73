"""Phrase lists as fast scanners: many regex alternatives, each tried only where it can start.

Python's re tries the alternatives of `a|b|c|...` one by one at every position, so 200 brand
spellings cost 200 attempts at every word. A Lexicon works out, from each alternative's parse tree,
which characters it can start with, compiles one small regex per first character, and at each
candidate position runs only the regex for the character found there.
"""
import re
import re._constants as sre
import re._parser as sre_parse

from extract.vocab import LATIN, LB, RB

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _first(items) -> tuple[set | None, bool]:
    """(characters the sequence can start with or None for any, whether it can match empty)."""
    chars: set = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return chars | {chr(av)}, False
        if op is sre.IN:
            found = set()
            for kind, value in av:
                if kind is sre.LITERAL:
                    found.add(chr(value))
                elif kind is sre.RANGE:
                    found.update(chr(c) for c in range(value[0], value[1] + 1))
                else:                                   # negated sets, \d, \w: anything
                    return None, False
            return chars | found, False
        if op is sre.SUBPATTERN:
            sub, nullable = _first(list(av[-1]))
        elif op is sre.BRANCH:
            parts = [_first(list(branch)) for branch in av[1]]
            if any(p[0] is None for p in parts):
                return None, False
            sub, nullable = set().union(*(p[0] for p in parts)), any(p[1] for p in parts)
        elif op in _REPEATS:
            low, _high, body = av
            sub, nullable = _first(list(body))
            nullable = nullable or low == 0
        else:                                           # ANY, CATEGORY, group references
            return None, False
        if sub is None:
            return None, False
        chars |= sub
        if not nullable:
            return chars, False
    return chars, True


def first_chars(pattern: str, flags: int) -> set:
    chars, nullable = _first(list(sre_parse.parse(pattern, flags)))
    if chars is None or nullable:
        raise ValueError(f"cannot tell where {pattern!r} starts")
    if flags & re.IGNORECASE:
        chars = {c.lower() for c in chars}
    return chars


def bounded(phrase: str) -> str:
    """A phrase between Latin-letter boundaries (see vocab.LB)."""
    return f"{LB}(?:{phrase}){RB}"


class Lexicon:
    """`scan(text)` → [(start, end, payload)], leftmost, non-overlapping, first alternative wins
    at a position (list longer phrases first)."""

    def __init__(self, alternatives: list[tuple[str, object]], flags: int = re.IGNORECASE):
        self.payloads = [payload for _pattern, payload in alternatives]
        self.fold = bool(flags & re.IGNORECASE)
        buckets: dict[str, list[int]] = {}
        for index, (pattern, _payload) in enumerate(alternatives):
            for ch in first_chars(pattern, flags):
                buckets.setdefault(ch, []).append(index)
        self.by_char = {ch: re.compile("|".join(f"(?P<a{i}>{alternatives[i][0]})" for i in indexes), flags)
                        for ch, indexes in buckets.items()}
        if self.fold:                                   # look up "A" and "a" alike without lower()
            self.by_char.update({ch.upper(): rx for ch, rx in list(self.by_char.items())
                                 if len(ch.upper()) == 1 and ch.upper() not in self.by_char})
        letters = "".join(sorted(re.escape(c) for c in self.by_char if re.match(f"[{LATIN}]", c)))
        others = "".join(sorted(re.escape(c) for c in self.by_char if not re.match(f"[{LATIN}]", c)))
        parts = [f"(?<![{LATIN}])[{letters}]"] if letters else []   # a word starts with a letter
        parts += [f"[{others}]"] if others else []
        self.starts = re.compile("|".join(parts) or "(?!)", flags)

    def scan(self, text: str) -> list[tuple[int, int, object]]:
        found, reached = [], 0
        by_char, payloads = self.by_char, self.payloads
        for m in self.starts.finditer(text):
            at = m.start()
            if at < reached:
                continue
            ch = text[at]
            rx = by_char.get(ch) or by_char[ch.lower()]
            hit = rx.match(text, at)
            if hit:
                found.append((at, hit.end(), payloads[int(hit.lastgroup[1:])]))
                reached = hit.end()
        return found
