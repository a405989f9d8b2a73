"""Phrase lists as fast scanners: many regex alternatives, each tried only where it can start.

Python's re tries the alternatives of `a|b|c|...` one by one at every position, so 200 brand
spellings cost 200 attempts at every word. A Lexicon works out, from each alternative's parse tree,
which four characters it can start with, and at each candidate position runs one small regex made
of only the alternatives that can start with the four characters found there ("full" → `full set`,
`full`, not `fdp` or `fuseau`). Those small regexes are compiled the first time four characters
ask for them (a few hundred make up most messages), and plain phrases are read without re's
parser, so importing costs little more than building the tables.
"""
import functools
import itertools
import re
import re._constants as sre
import re._parser as sre_parse

from extract.vocab import LATIN, LB, RB

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
ANY = "\0"                                     # in a head: any character, or none, may come next
SPREAD = 8                                     # a head ends (in ANY) at a set of more characters, after
                                               # it if it is short (whitespace, 30 characters a turn,
                                               # would multiply the heads by 30 at each)
WIDTH = 4                                      # heads are the first four characters (three let
                                               # through half as many doomed attempts again: "wat" is
                                               # "watch only" and every "watch", "bla" Blancpain and
                                               # every "black"; two, twice as many: "ro" is Rolex...)


# ── Where an alternative can start ───────────────────────────────────────────────────
def _chars(op, av) -> set | None:
    """The characters one LITERAL or IN item matches, or None when it cannot be listed."""
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.IN:
        found = set()
        for kind, value in av:
            if kind is sre.LITERAL:
                found.add(chr(value))
            elif kind is sre.RANGE:
                found.update(chr(c) for c in range(value[0], value[1] + 1))
            elif kind is sre.CATEGORY and value is sre.CATEGORY_SPACE:
                found.update(_spaces())             # \s ("E. Howard", "G-Shock": every "e", "g" word else)
            else:                                   # negated sets, \d, \w: anything
                return None
        return found
    return None


def _heads(items, heads: set) -> set:
    """Extend each head (the text read so far, up to WIDTH characters) by the sequence `items`.
    A head that meets something it cannot list ends in ANY."""
    for op, av in items:
        if all(len(h) >= WIDTH or h.endswith(ANY) for h in heads):
            break
        if op in _ZERO_WIDTH:
            continue
        if op is sre.SUBPATTERN or op is sre.ATOMIC_GROUP:
            heads = _heads(list(av[-1] if op is sre.SUBPATTERN else av), heads)
        elif op is sre.BRANCH:
            heads = set().union(*(_heads(list(branch), heads) for branch in av[1]))
        elif op in _REPEATS:
            low, high, body = av
            for _ in range(low):
                heads = _heads(list(body), heads)
            grown = heads
            for _ in range(min(high - low, WIDTH + 1)):  # each optional turn may add a character
                grown = _heads(list(body), grown)
                heads = heads | grown
        else:
            chars, grown = _chars(op, av), set()
            for h in heads:
                if len(h) >= WIDTH or h.endswith(ANY):
                    grown.add(h)
                elif chars is None or len(chars) > SPREAD and len(h) + 1 == WIDTH:
                    grown.add(h + ANY)
                elif len(chars) > SPREAD:
                    grown.update(h + c + ANY for c in chars)
                else:
                    grown.update(h + c for c in chars)
            heads = grown
    return heads


@functools.cache
def _spaces() -> list[str]:
    return re.findall(r"\s", _bmp())                # (every whitespace character is in the BMP)


def heads(pattern: str, flags: int, tree=None) -> set:
    """The first WIDTH characters `pattern` can start with ("full"), the first ones followed by ANY
    when the next cannot be told or the phrase may end there; lower case under re.IGNORECASE.
    `tree`: the pattern's parse when the caller has it."""
    found = _heads(list(tree if tree is not None else sre_parse.parse(pattern, flags)), {""})
    found = {h if len(h) == WIDTH or h.endswith(ANY) else h + ANY for h in found}
    if any(h.startswith(ANY) for h in found):
        raise ValueError(f"cannot tell where {pattern!r} starts")
    if flags & re.IGNORECASE:
        found = {"".join(map(_folded, h)) for h in found}
    return found


def _folded(c: str) -> str:
    """A character of a head as heads are kept under re.IGNORECASE: lower case, unless that is two."""
    low = c.lower()
    return low if len(low) == 1 else c


def first_chars(pattern: str, flags: int) -> set:
    return {h[0] for h in heads(pattern, flags)}


def guarded(pattern: str, flags: int) -> str:
    """`pattern` behind a look-ahead at the characters it can start with. re tries every alternative of
    a word list at each position it searches or matches from; one set in a look-ahead turns most
    positions away at once. (A re.VERBOSE pattern may end in a comment: its group closes on a new line.)"""
    firsts = "".join(map(re.escape, sorted(first_chars(pattern, flags))))
    return f"(?=[{firsts}])(?:{pattern}" + ("\n)" if flags & re.VERBOSE else ")")


def bounded(phrase: str) -> str:
    """A phrase between Latin-letter boundaries (see vocab.LB)."""
    return f"{LB}(?:{phrase}){RB}"


def matched_chars(chars: str, flags: int) -> list[str]:
    """Every character the set [chars] matches under `flags` (under re.IGNORECASE "k" also matches "K"
    and the Kelvin sign). Case folding keeps characters outside the Basic Multilingual Plane outside
    it: the BMP is searched and the set's own other characters added (a test compares every character)."""
    if not chars:
        return []
    return re.findall(f"[{chars}]", _bmp(), flags) + [ch for ch in chars if ord(ch) > 0xFFFF]


@functools.cache
def _bmp() -> str:
    return "".join(map(chr, range(0x10000)))


def char_set(chars) -> str:
    return "[" + "".join(map(re.escape, chars)) + "]"


def _starts(letters: str, others: str, flags: int, heads) -> re.Pattern:
    """Where a phrase may start: one of its first characters, a letter only with no Latin letter before
    it, another character only where one of `heads` goes on from it. The first character comes first,
    in a case-sensitive set, so that re skips in C to the next position that has one; a match then
    takes in the rest of the word, so that re enters the pattern once a word rather than at each of its
    letters (scan() reads only where a match starts). Letters, the most starts, are tried first: each
    branch re enters costs it a jump (a letter is told by a look-behind at it and the one before, or
    at the start of the text; an `other` never passes for one)."""
    starters = matched_chars(letters + others, flags)
    if not starters:
        return re.compile("(?!)")
    other = set(matched_chars(others, flags))        # (a character of both sets starts a phrase anywhere)
    letter_chars = matched_chars(letters, flags)
    word_letters = [ch for ch in letter_chars if ch not in other]
    if other.isdisjoint(letter_chars):               # (heads in letters cannot go on from an `other`)
        heads = [h for h in heads if h[0] not in letters]
    goes_on = _goes_on(heads, other, flags)
    if not word_letters:
        return re.compile(char_set(starters) + goes_on)
    latin = matched_chars(LATIN, flags)
    not_latin = "[^" + char_set(latin)[1:]
    rest = char_set([ch for ch in latin if ch not in other]) + "*"
    anywhere = f"(?<={char_set(sorted(other))})" if other else "(?!)"
    return re.compile(rf"""
        {char_set(starters)}                           # a character a phrase can start with:
        (?: (?<= {not_latin} {char_set(word_letters)} )   # a letter with no Latin letter before it
            {rest}                                     #   then the rest of its word (no phrase starts
          | (?<= \A {char_set(word_letters)} ) {rest}  #   inside a word but at an `other`), or the same at
          | {anywhere} {goes_on}                       #   the start of the text; or one that starts a
        )                                              #   phrase anywhere, where a head goes on from it
    """, re.VERBOSE)


def _goes_on(heads, other: set, flags: int) -> str:
    """A look-behind at the `other` character just read, for a look-ahead at whether the text from it goes
    on as a head does. Where none does no alternative can match ("900", "7 ans" against "9/10", "7,5"):
    re moves on in C instead of handing scan() a start. (Not after letters: a look-ahead over their
    hundreds of heads cost more than the starts it turned away.)"""
    chars = sorted({c for h in heads for c in h if c != ANY})
    pool = "".join(matched_chars("".join(map(re.escape, chars)), flags))
    matched = {c: re.findall(f"[{re.escape(c)}]", pool, flags) for c in chars}   # each as re reads it
    heads = [h for h in heads if other.intersection(matched[h[0]])]
    if all(h[1] == ANY for h in heads):              # (any text goes on from "$" as "$\0" does)
        return ""
    return f"(?<=(?={_trie(heads, matched)}).)"


def _trie(heads, matched: dict) -> str:
    """A regex for where the text starts as one of `heads` (ANY: anything, or the end, from there):
    a branch a first character, the characters of branches that go on alike sharing a set."""
    if any(not h or h[0] == ANY for h in heads):
        return ""
    rests: dict[str, list] = {}
    for h in heads:
        rests.setdefault(h[0], []).append(h[1:])
    chars_of: dict[str, set] = {}                     # the rest of the trie → the characters that lead there
    for c, rest in rests.items():
        chars_of.setdefault(_trie(sorted(rest), matched), set()).update(matched[c])
    return "(?:" + "|".join(char_set(sorted(chars)) + rest for rest, chars in chars_of.items()) + ")"


# ── One regex for the alternatives of a head ─────────────────────────────────────────
BEFORE_RE = re.compile(r"\A\(\?<!\[(?:\\.|[^\]\\])*\]\)")        # a leading (?<![...])
AFTER_RE = re.compile(r"\(\?!\[(?:\\.|[^\]\\])*\]\)\Z")         # a trailing (?![...])


def _frame(pattern: str, tree) -> tuple[str, str, str]:
    """(boundary before, phrase, boundary after): alternatives in a row that share their boundaries
    are compiled as one `before(?:a|b|c)after`, each boundary set compiled once instead of per phrase
    (the same matches: re backtracks into the next alternative when `after` fails)."""
    before = after = ""
    if len(tree) > 1 and tree[0][0] is sre.ASSERT_NOT and tree[0][1][0] == -1:
        m = BEFORE_RE.match(pattern)
        before = m.group() if m else ""
    if len(tree) > 1 and tree[-1][0] is sre.ASSERT_NOT and tree[-1][1][0] == 1:
        m = AFTER_RE.search(pattern, len(before))
        after = m.group() if m else ""
    return before, pattern[len(before):len(pattern) - len(after)], after


# Most phrases are plain: a word with a set of accents ("r[ée]vis[ée]e?"). Their frame and heads are
# read from the text of the pattern, without re's parser (parsing 476 phrases was a third of the import);
# a test checks that this reading agrees with the parse for every phrase of the tables.
ATOM_RE = re.compile(r"""
    \\ [^A-Za-z0-9]                                # an escaped space or punctuation: itself
  | [^\\\[\]()|?*+{}.^$]                            # a plain character
  | \[ (?: \\[^A-Za-z0-9] | [^\\\]\-^] )+ \]       # a set of plain characters (no range, no negation)
""", re.VERBOSE)
QUANTIFIER = "?*+{"
ESCAPED_RE = re.compile(r"\\(.)")


def _top_level(pattern: str) -> tuple[int, bool]:
    """(where the group opened at 0 closes, or -1; whether a `|` stands outside every group)."""
    depth, i, close, bar = 0, 0, -1, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":                                # a set: skip to its end (a first "]" is literal)
            i = pattern.index("]", i + 2 if pattern[i + 1:i + 2] in "]^" else i + 1)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and close < 0 and pattern.startswith("(?:"):
                close = i
        elif ch == "|" and depth == 0:
            bar = True
        i += 1
    return close, bar


def _atom_chars(atom: str) -> set:
    if atom[0] == "[":
        return set(ESCAPED_RE.sub(r"\1", atom[1:-1]))
    return {atom[-1]}


def quick_frame_heads(pattern: str, flags: int):
    """(frame, heads) of a plain phrase read from its text, or None when the parse must tell."""
    m = BEFORE_RE.match(pattern)
    before = m.group() if m else ""
    m = AFTER_RE.search(pattern, len(before))
    after = m.group() if m else ""
    phrase = pattern[len(before):len(pattern) - len(after)]
    close, bar = _top_level(phrase)
    if bar or not phrase:
        return None
    inner = phrase[3:close] if close == len(phrase) - 1 else phrase
    if _top_level(inner)[1]:
        return None                                  # "(?:a|b)": alternatives, the parse tells
    atoms, at = [], 0
    while len(atoms) < WIDTH and at < len(inner):
        m = ATOM_RE.match(inner, at)
        if not m or inner[m.end():m.end() + 1] in tuple(QUANTIFIER):
            return None
        atoms.append(_atom_chars(m.group()))
        at = m.end()
    if not atoms:
        return None
    if flags & re.IGNORECASE:                        # (atom by atom: fewer than the heads they make)
        atoms = [set(map(_folded, chars)) for chars in atoms]
    found = {"".join(chars) for chars in itertools.product(*atoms)}
    if len(atoms) < WIDTH:
        found = {h + ANY for h in found}
    return (before, phrase, after), found


class Lexicon:
    """`scan(text)` → [(start, end, payload)], leftmost, non-overlapping, first alternative wins
    at a position (list longer phrases first). With `by_kind`, payloads are (kind, value) pairs and
    scan gives {kind: [(start, end, value), ...]} (grouped as it goes: a second pass over the list
    cost most of what a match does)."""

    def __init__(self, alternatives: list[tuple[str, object]], flags: int = re.IGNORECASE, by_kind=False):
        self.by_kind = by_kind
        self.payloads = [payload for _pattern, payload in alternatives]
        self.payload_of = {f"a{i}": payload for i, payload in enumerate(self.payloads)}   # by group name
        self.flags = flags
        self.fold = bool(flags & re.IGNORECASE)
        self.frames, self.by_head = [], {}
        self.patterns = [pattern for pattern, _payload in alternatives]
        for index, pattern in enumerate(self.patterns):
            quick = quick_frame_heads(pattern, flags)
            if quick is None:
                tree = sre_parse.parse(pattern, flags)
                quick = _frame(pattern, tree), heads(pattern, flags, tree)
            self.frames.append(quick[0])
            for head in quick[1]:
                self.by_head.setdefault(head, []).append(index)
        self.regex_of_key: dict = {}                # WIDTH characters as written → regex or None
        self.regex_of_set: dict = {}                # alternatives (indexes) → compiled regex
        first = {h[0] for h in self.by_head}
        if self.fold:
            first |= {c.upper() for c in first if len(c.upper()) == 1}
        letters = "".join(sorted(re.escape(c) for c in first if re.match(f"[{LATIN}]", c)))
        others = "".join(sorted(re.escape(c) for c in first if not re.match(f"[{LATIN}]", c)))
        self.word_start = re.compile(f"[{letters}]", flags) if letters else None
        self.starts = _starts(letters, others, flags, self.by_head)

    def _alternatives(self, key: str) -> list[int]:
        """The alternatives that can start with `key` (up to WIDTH characters), in table order."""
        low = key.lower() if self.fold else key
        if len(low) != len(key):                    # a letter that lower-cases to two: try them all
            return list(range(len(self.payloads)))
        chosen = set(self.by_head.get(low, ())) if len(low) == WIDTH else set()
        for n in range(1, min(len(low), WIDTH - 1) + 1):     # shorter heads that end in ANY
            chosen.update(self.by_head.get(low[:n] + ANY, ()))
        return sorted(chosen)

    def _regex(self, key: str):
        indexes = tuple(self._alternatives(key))
        # At a letter, `starts` has already seen no letter before it: LB need not be compiled again
        # (each boundary set costs re a case-folding of 180 letters to compile).
        word_start = bool(self.word_start and self.word_start.match(key))
        rx = self.regex_of_set.get((indexes, word_start))
        if rx is None and indexes:
            runs: list[tuple[str, str, list]] = []  # consecutive alternatives with the same boundaries
            for i in indexes:
                before, phrase, after = self.frames[i]
                before = "" if word_start and before == LB else before
                if not runs or runs[-1][:2] != (before, after):
                    runs.append((before, after, []))
                runs[-1][2].append(f"(?P<a{i}>{phrase})")
            rx = self.regex_of_set[indexes, word_start] = re.compile(
                "|".join(f"(?:{before}(?:{'|'.join(run)}){after})" for before, after, run in runs), self.flags)
        if len(self.regex_of_key) < 65536:          # keys come from the text: keep the table bounded
            self.regex_of_key[key] = rx
        return rx

    def scan(self, text: str) -> list[tuple[int, int, object]] | dict[str, list]:
        by_kind, reached = self.by_kind, 0
        found = {} if by_kind else []
        regex_of_key, payload_of = self.regex_of_key, self.payload_of
        for m in self.starts.finditer(text):
            at = m.start()
            if at < reached:
                continue
            key = text[at:at + WIDTH]
            rx = regex_of_key.get(key, False)
            if rx is False:
                rx = self._regex(key)
            if rx is None:
                continue
            hit = rx.match(text, at)
            if hit:
                reached = hit.end()
                if not by_kind:
                    found.append((at, reached, payload_of[hit.lastgroup]))
                    continue
                for kind, value in payload_of[hit.lastgroup]:
                    if kind in found:
                        found[kind].append((at, reached, value))
                    else:
                        found[kind] = [(at, reached, value)]
        return found
