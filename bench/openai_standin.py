"""A loopback stand-in for OpenAI's embeddings endpoint (OpenAI cannot be reached from here).

It speaks the wire format of the API reference for POST /v1/embeddings: a JSON body with `input` (a string
or a list of strings), `model`, optional `dimensions` and `encoding_format` ("float", or "base64": the
little-endian float32 array, base64-encoded); the answer {"object": "list", "data": [{"object":
"embedding", "index": i, "embedding": ...}], "model": ..., "usage": {"prompt_tokens", "total_tokens"}};
a missing bearer key is answered 401 with OpenAI's error object. Each request takes `delay` seconds (the
latency the end-to-end benchmark asks for: 200 ms), however many inputs it carries, as the real API
roughly does for small batches. Vectors are deterministic per text (one of 256 fixed random vectors).

    with EmbeddingsStandin(delay=0.2, dim=512) as api:   # api.base_url -> give it to OPENAI_BASE_URL
        ...                                              # api.requests, api.inputs: what it served
"""
import base64
import json
import random
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VARIANTS = 256


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):       # quiet: the benchmark prints its own figures
        pass

    def _answer(self, status, document):
        body = json.dumps(document, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        api = self.server.api
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self._answer(401, {"error": {"message": "You didn't provide an API key.",
                                                "type": "invalid_request_error", "param": None,
                                                "code": "invalid_api_key"}})
        if self.path.rstrip("/") != "/v1/embeddings":
            return self._answer(404, {"error": {"message": f"Invalid URL (POST {self.path})",
                                                "type": "invalid_request_error", "param": None, "code": None}})
        inputs = request.get("input")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        if not inputs or any(not isinstance(text, str) or not text for text in inputs):
            return self._answer(400, {"error": {"message": "'$.input' is invalid.",
                                                "type": "invalid_request_error", "param": None, "code": None}})
        time.sleep(api.delay)
        dim = int(request.get("dimensions") or api.dim)
        as_base64 = request.get("encoding_format") == "base64"
        data = [{"object": "embedding", "index": i, "embedding": api.vector(text, dim, as_base64)}
                for i, text in enumerate(inputs)]
        tokens = sum(len(text.split()) for text in inputs)
        api.count(len(inputs))
        self._answer(200, {"object": "list", "data": data, "model": request.get("model"),
                           "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


class EmbeddingsStandin:
    def __init__(self, delay=0.2, dim=512, host="127.0.0.1"):
        self.delay, self.dim = delay, dim
        self.requests = self.inputs = 0
        self._lock = threading.Lock()
        self._vectors = {}
        self._server = ThreadingHTTPServer((host, 0), _Handler)
        self._server.daemon_threads = True
        self._server.api = self
        self.base_url = f"http://{host}:{self._server.server_address[1]}/v1"

    def vector(self, text, dim, as_base64):
        key = (zlib.crc32(text.encode("utf-8", "surrogatepass")) % VARIANTS, dim)
        if key not in self._vectors:
            rng = random.Random(key[0])
            floats = [rng.uniform(-1, 1) for _ in range(dim)]
            self._vectors[key] = (floats, base64.b64encode(struct.pack(f"<{dim}f", *floats)).decode())
        return self._vectors[key][1 if as_base64 else 0]

    def count(self, inputs):
        with self._lock:
            self.requests += 1
            self.inputs += inputs

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
