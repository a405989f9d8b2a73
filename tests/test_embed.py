"""Embedders: the local one (deterministic, folded, normalised) and the OpenAI one over HTTP.

The OpenAI embeddings API cannot run here, so `EmbeddingsAPI` below is a stand-in on a loopback port
that speaks its wire format as documented (POST /v1/embeddings with {"model", "input", "dimensions",
"encoding_format"}; answers {"object": "list", "data": [{"object": "embedding", "embedding", "index"}],
"model", "usage"}; 400 for an empty input or more than 2048 inputs; 401 for a bad key; 429 with
Retry-After when rate limited). The real `openai` client talks to it, retries included.
"""
import base64
import json
import math
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from store import EmbedError, StoreError, open_embedder
from store.embed import LocalEmbedder, OpenAIEmbedder, batches, terms

# ---------------------------------------------------------------------------------------------
# Local embedder
# ---------------------------------------------------------------------------------------------


def cosine(a, b):
    return sum(x * y for x, y in zip(a, b))


def test_local_vectors_are_deterministic_normalised_and_dim_long():
    embedder = LocalEmbedder(512)
    first, again = embedder.embed(["Rolex Submariner 126610LN"]), LocalEmbedder(512).embed(["Rolex Submariner 126610LN"])
    assert first == again
    assert len(first[0]) == 512 and math.isclose(sum(x * x for x in first[0]), 1.0, rel_tol=1e-9)
    assert embedder.name == "local-hash-512" and embedder.dim == 512


def test_local_embedding_is_accent_and_case_folded():
    embedder = LocalEmbedder()
    a, b = embedder.embed(["Montre ÉTAT neuf Genève", "montre etat neuf geneve"])
    assert a == b


def test_local_embedding_puts_near_texts_nearer():
    embedder = LocalEmbedder()
    query, near, far = embedder.embed(["speedmaster moonwatch", "Omega Speedmaster Professional",
                                       "Cartier Santos Large"])
    assert cosine(query, near) > cosine(query, far) + 0.2


def test_empty_text_is_the_zero_vector():
    assert LocalEmbedder(16).embed(["", "   ", "de la"]) == [[0.0] * 16] * 3


def test_dimension_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("EMBEDDING_DIM", "256")
    assert open_embedder().dim == 256
    assert open_embedder(dim=64).dim == 64
    monkeypatch.setenv("EMBEDDING_DIM", "big")
    with pytest.raises(StoreError, match="EMBEDDING_DIM"):
        open_embedder()


def test_references_give_their_joined_form_and_parts():
    assert terms("Réf 5711/1A-010 à vendre, neuve") == ("ref", "57111a010", "5711", "1a", "010", "neuve")
    assert terms("Rolex勞力士 ÉTAT_neuf") == ("rolex勞力士", "etat", "neuf")

# ---------------------------------------------------------------------------------------------
# Batching within the API's limits
# ---------------------------------------------------------------------------------------------


def test_batches_respect_input_count_and_token_budget():
    assert [len(b) for b in batches(["x"] * 5000)] == [2048, 2048, 904]
    heavy = ["é" * 4000] * 50           # 8,000 bytes each: at most 37 fit in 300,000
    assert [len(b) for b in batches(heavy)] == [37, 13]
    assert sum(batches(heavy), []) == list(range(50))

# ---------------------------------------------------------------------------------------------
# OpenAI embedder against the loopback stand-in
# ---------------------------------------------------------------------------------------------


class EmbeddingsAPI(ThreadingHTTPServer):
    """Loopback stand-in for POST /v1/embeddings (see the module docstring)."""

    def __init__(self, failures=()):
        super().__init__(("127.0.0.1", 0), EmbeddingsHandler)
        self.failures = list(failures)      # (status, headers) answered before succeeding
        self.requests = []                  # (time, body) of every POST
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


def fake_vector(text: str, dim: int) -> list[float]:
    seed = sum(map(ord, text))
    raw = [(seed * (i + 1)) % 97 - 48.0 for i in range(dim)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


class EmbeddingsHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((time.monotonic(), body))
        if self.path != "/v1/embeddings":
            return self.answer(404, {"error": {"message": "Not found", "type": "invalid_request_error"}})
        if self.headers.get("Authorization") != "Bearer sk-test":
            return self.answer(401, {"error": {"message": "Incorrect API key provided", "type":
                                               "invalid_request_error", "code": "invalid_api_key"}})
        if self.server.failures:
            status, headers = self.server.failures.pop(0)
            return self.answer(status, {"error": {"message": "Rate limit reached", "type": "requests"}}, headers)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        if len(inputs) > 2048 or any(text == "" for text in inputs):
            return self.answer(400, {"error": {"message": "'$.input' is invalid.", "type": "invalid_request_error"}})
        dim = body.get("dimensions", 1536)
        data = []
        for i, text in enumerate(inputs):
            vector = fake_vector(text, dim)
            if body.get("encoding_format") == "base64":
                vector = base64.b64encode(struct.pack(f"<{dim}f", *vector)).decode()
            data.append({"object": "embedding", "embedding": vector, "index": i})
        tokens = sum(len(text.split()) for text in inputs)
        self.answer(200, {"object": "list", "data": data, "model": body["model"],
                          "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    def answer(self, status, payload, headers=()):
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in dict(headers).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def api():
    servers = []

    def start(failures=()):
        servers.append(EmbeddingsAPI(failures))
        return servers[-1]
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_one_request_per_batch_with_dimensions_and_vectors_in_order(api):
    server = api()
    embedder = open_embedder("sk-test", base_url=server.base_url, timeout=5, dim=16)
    texts = [f"Rolex Submariner {i}" for i in range(2100)]
    vectors = embedder.embed(texts)
    assert [len(body["input"]) for _, body in server.requests] == [2048, 52]
    assert {body["dimensions"] for _, body in server.requests} == {16}
    assert {body["model"] for _, body in server.requests} == {"text-embedding-3-small"}
    assert len(vectors) == 2100 and all(len(v) == 16 for v in vectors)
    assert vectors[7] == pytest.approx(fake_vector("Rolex Submariner 7", 16), abs=1e-6)
    assert isinstance(embedder, OpenAIEmbedder) and embedder.name == "openai-text-embedding-3-small-16"


def test_empty_texts_are_not_sent_and_embed_to_zero(api):
    server = api()
    embedder = open_embedder("sk-test", base_url=server.base_url, timeout=5)
    vectors = embedder.embed(["", "Omega", "  "])
    assert [body["input"] for _, body in server.requests] == [["Omega"]]
    assert vectors[0] == [0.0] * 512 and vectors[2] == [0.0] * 512 and any(vectors[1])
    assert embedder.embed([]) == [] and len(server.requests) == 1


def test_429_with_retry_after_is_waited_out_then_retried(api):
    server = api(failures=[(429, {"Retry-After": "1"})])
    embedder = open_embedder("sk-test", base_url=server.base_url, timeout=5)
    assert len(embedder.embed(["Daytona"])[0]) == 512
    (first, _), (second, _) = server.requests
    assert second - first >= 0.95          # the client slept what Retry-After said (1 s), not its 0.5 s default


def test_5xx_is_retried(api):
    server = api(failures=[(503, {}), (500, {})])
    embedder = open_embedder("sk-test", base_url=server.base_url, timeout=5)
    assert len(embedder.embed(["Nautilus"])[0]) == 512
    assert len(server.requests) == 3


def test_persistent_failure_is_an_embed_error_after_the_retries(api):
    server = api(failures=[(503, {"Retry-After": "0"})] * 10)
    embedder = open_embedder("sk-test", base_url=server.base_url, timeout=5, max_retries=2)
    with pytest.raises(EmbedError, match="HTTP 503"):
        embedder.embed(["Nautilus"])
    assert len(server.requests) == 3


def test_a_bad_key_says_so_without_retrying(api):
    server = api()
    embedder = open_embedder("sk-wrong", base_url=server.base_url, timeout=5)
    with pytest.raises(EmbedError, match="OPENAI_API_KEY"):
        embedder.embed(["Nautilus"])
    assert len(server.requests) == 1


def test_an_unreachable_service_is_an_embed_error(api):
    server = api()
    url = server.base_url
    server.shutdown()
    server.server_close()
    embedder = open_embedder("sk-test", base_url=url, timeout=1, max_retries=0)
    with pytest.raises(EmbedError, match="unreachable"):
        embedder.embed(["Nautilus"])


def test_a_short_answer_is_refused():
    class Answer:
        data = []

    class Client:
        class embeddings:
            @staticmethod
            def create(**kwargs):
                return Answer()

    with pytest.raises(EmbedError, match="0 vectors for 1 inputs"):
        OpenAIEmbedder(Client()).embed(["Nautilus"])


def test_listings_indexed_and_searched_through_the_api(api):
    from extract import Extraction, Listing
    from store import SearchFilters, StoredMessage, index, open_store, search

    server = api()
    embedder = open_embedder("sk-test", base_url=server.base_url, timeout=5)
    store = open_store(":memory:")
    sub = StoredMessage("m1", "Vends Submariner 126610LN 12k", 1, None, None, None, "webhook",
                        Extraction("sale", (Listing("Rolex", "Submariner", "126610LN", 12000, "EUR",
                                                    price_eur=12000),)))
    assert index(store, embedder, [sub]) == 1
    hits = search(store, embedder, "126610LN", SearchFilters(max_price=13000))
    assert [hit.message_id for hit in hits] == ["m1"]
    assert len(server.requests) == 2                       # one batch indexed, one query embedded
