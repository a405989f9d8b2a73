"""Embedders: text in, `dim`-dimensional L2-normalised vectors out.

    LocalEmbedder    stdlib, deterministic, no network: hashed words and character trigrams
    OpenAIEmbedder   the embeddings API through the `openai` package, one request per batch

Both share `terms()` (accent- and case-folded words, references joined) with the SQLite store, so
what a vector sees and what the word index sees are the same words.  An empty text embeds to the
zero vector (the API refuses empty inputs; a zero vector scores 0 against anything).
"""
import base64
import math
import re
import sys
import unicodedata
import zlib
from array import array
from functools import lru_cache
from typing import Sequence

from store import StoreError


class EmbedError(StoreError):
    """Raised when texts cannot be embedded (bad key, service down after retries, bad answer)."""


# ---------------------------------------------------------------------------------------------
# Words: folding and terms (shared with the SQLite store's word index)
# ---------------------------------------------------------------------------------------------

WORD_RE = re.compile(r"""
    [^\W_]+               # a run of letters/digits, any script (text is folded first)
    (?:[./-][^\W_]+)*     # joined by . / - as references are: 5711/1a-010, 311.30.42.30.01.005
""", re.VERBOSE)

SEPARATOR_RE = re.compile(r"[./-]")     # the joints inside a reference

# Words that say nothing about which watch: function words and trading verbs, French and English.
STOPWORDS = frozenset("""
    a an and the of for to in on with at by or is it my me i you we this that from as be are
    le la les de des du un une et ou en au aux pour par sur avec sans ma mon mes ton ta je tu il
    est qui que ce cet cette se sa son ses dans pas plus tres tout tous
    vends vend vendre vente dispo disponible sell selling sale wts cherche recherche cherchons
    looking wtb iso want wanted buy achete achat prix price
""".split())


@lru_cache(maxsize=1)
def combining_marks() -> dict[int, None]:
    """Every combining mark of the Basic Multilingual Plane, deleted by str.translate (C speed); built at
    the first accented text, not at import (~10 ms of every start)."""
    return {cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))}


def fold(text: str) -> str:
    """Case- and accent-folded text: 'Réf. ÉTAT' -> 'ref. etat'."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(combining_marks()).casefold()


@lru_cache(maxsize=4096)      # index() embeds a batch, then the store indexes the same texts' words
def terms(text: str) -> tuple[str, ...]:
    """Folded words minus stopwords; a reference gives its joined form and its parts.

    '5711/1A-010' -> ('57111a010', '5711', '1a', '010'): a query for '5711' finds it too.
    """
    out = []
    for word in WORD_RE.findall(fold(text)):
        if word.isalnum():
            if word not in STOPWORDS:
                out.append(word)
            continue
        parts = SEPARATOR_RE.split(word)
        out.append("".join(parts))
        out.extend(p for p in parts if p not in STOPWORDS)
    return tuple(out)


def normalise(vector: Sequence[float]) -> list[float]:
    """L2-normalised copy; the zero vector stays zero. OpenAI's vectors come normalised: copied as they are."""
    norm = math.hypot(*vector)
    if abs(norm - 1.0) < 1e-6 or not norm:
        return list(vector)
    scale = 1.0 / norm
    return [x * scale for x in vector]


def decode(embedding) -> Sequence[float]:
    """An embedding as the API sends it: base64 of little-endian float32 (asked for: a quarter of the JSON
    and no float parsing), or a list of numbers from a server that ignores encoding_format."""
    if not isinstance(embedding, str):
        return embedding
    vector = array("f", base64.b64decode(embedding))
    if sys.byteorder == "big":
        vector.byteswap()
    return vector


# ---------------------------------------------------------------------------------------------
# Local embedder: hashed words + character trigrams
# ---------------------------------------------------------------------------------------------

WORD_WEIGHT = 1.0        # a whole word is strong evidence
TRIGRAM_WEIGHT = 0.25    # trigrams make 'speedy' near 'speedmaster', 'sub' near 'submariner'


class LocalEmbedder:
    """Deterministic feature hashing (crc32, not hash(): that one is salted per process)."""

    def __init__(self, dim: int = 512):
        if dim < 8:
            raise EmbedError(f"embedding dimension {dim} is too small (at least 8)")
        self.dim = dim
        self.name = f"local-hash-{dim}"
        self._words: dict[str, tuple[tuple[int, float], ...]] = {}    # word -> its features' slots

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._embed_one(text) for text in texts]

    def _embed_one(self, text: str) -> list[float]:
        touched: dict[int, float] = {}       # sparse first: a text touches ~100 of the slots
        cache = self._words
        for word in terms(text or ""):
            for slot, weight in cache.get(word) or self._slots(word):
                touched[slot] = touched.get(slot, 0.0) + weight
        vector = [0.0] * self.dim
        norm = math.sqrt(sum(x * x for x in touched.values()))
        if norm:
            scale = 1.0 / norm
            for slot, value in touched.items():
                vector[slot] = value * scale
        return vector

    def _slots(self, word: str) -> tuple[tuple[int, float], ...]:
        """(slot, signed weight) of a word's features: the word itself and its character trigrams."""
        if len(self._words) > 200_000:          # bound memory on endless new words
            self._words.clear()
        padded = f" {word} "
        features = [("w" + word, WORD_WEIGHT)]
        if not any(c.isdigit() for c in word):     # numbers: '2021' is not near '2022' (FTS prefixes serve refs)
            features += [("c" + padded[i:i + 3], TRIGRAM_WEIGHT) for i in range(len(padded) - 2)]
        slots = []
        for feature, weight in features:
            h = zlib.crc32(feature.encode())
            slots.append((h % self.dim, weight if (h >> 31) & 1 else -weight))
        self._words[word] = tuple(slots)
        return self._words[word]


# ---------------------------------------------------------------------------------------------
# OpenAI embedder: one request per batch, within the API's limits
# ---------------------------------------------------------------------------------------------

MAX_INPUTS_PER_REQUEST = 2048        # the API refuses more inputs in one request
MAX_TOKENS_PER_REQUEST = 300_000     # summed over a request's inputs
MAX_TOKENS_PER_INPUT = 8192          # per input, for every embedding model
# Without a tokenizer we count UTF-8 bytes: a BPE token covers at least one byte, so bytes >= tokens.


def batches(texts: Sequence[str], max_inputs: int = MAX_INPUTS_PER_REQUEST,
            max_tokens: int = MAX_TOKENS_PER_REQUEST) -> list[list[int]]:
    """Indices of `texts` grouped into requests that stay within the input and token limits."""
    groups, current, budget = [], [], 0
    for i, text in enumerate(texts):
        cost = min(len(text.encode()), MAX_TOKENS_PER_INPUT)
        if current and (len(current) == max_inputs or budget + cost > max_tokens):
            groups.append(current)
            current, budget = [], 0
        current.append(i)
        budget += cost
    if current:
        groups.append(current)
    return groups


def clip(text: str) -> str:
    """Cut a text to the per-input limit (counted in bytes, cut on a character boundary)."""
    raw = text.encode()
    return raw[:MAX_TOKENS_PER_INPUT].decode(errors="ignore") if len(raw) > MAX_TOKENS_PER_INPUT else text


class OpenAIEmbedder:
    """Embeddings through `openai`; its client retries 429/5xx and honours Retry-After (<= 120 s)."""

    def __init__(self, client, model: str = "text-embedding-3-small", dim: int = 512):
        self.client = client
        self.model = model
        self.dim = dim
        self.name = f"openai-{model}-{dim}"
        # Only text-embedding-3 and later models can shorten their vectors.
        self._dimensions = {"dimensions": dim} if not model.startswith("text-embedding-ada") else {}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = [[0.0] * self.dim for _ in texts]
        wanted = [i for i, text in enumerate(texts) if text and text.strip()]
        for group in batches([texts[i] for i in wanted]):
            indices = [wanted[j] for j in group]
            for i, vector in zip(indices, self._request([clip(texts[i]) for i in indices])):
                vectors[i] = vector
        return vectors

    def _request(self, inputs: list[str]) -> list[list[float]]:
        import openai
        try:
            answer = self.client.embeddings.create(model=self.model, input=inputs, encoding_format="base64",
                                                   **self._dimensions)
        except openai.AuthenticationError as exc:
            raise EmbedError("OpenAI refused the API key (401): check OPENAI_API_KEY") from exc
        except openai.APIStatusError as exc:
            raise EmbedError(f"OpenAI embeddings failed with HTTP {exc.status_code}: {exc.message}") from exc
        except openai.APIError as exc:      # connection errors and timeouts, after the client's retries
            raise EmbedError(f"OpenAI embeddings unreachable: {exc}") from exc
        try:
            vectors = [decode(row.embedding) for row in sorted(answer.data, key=lambda row: row.index)]
        except ValueError as exc:       # not base64, or not a whole number of float32
            raise EmbedError(f"OpenAI answered an embedding that cannot be read: {exc}") from exc
        if len(vectors) != len(inputs) or any(len(vector) != self.dim for vector in vectors):
            raise EmbedError(f"OpenAI answered {len(vectors)} vectors for {len(inputs)} inputs "
                             f"(expected dimension {self.dim})")
        return [normalise(vector) for vector in vectors]


def make_openai_client(api_key: str, base_url: str | None, timeout: float, max_retries: int):
    import openai
    return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries)
