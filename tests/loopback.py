"""What the loopback stand-ins (tests/graph_api.py, tests/openai_chat.py) share: a threaded JSON-over-POST
server on 127.0.0.1, port 0, used as `with StandIn() as api:`, with queued failures and a request log.

A subclass defines `answer(path, token, body) -> (status, headers, json)`; the handler only translates
HTTP to that call (the bearer token and the parsed body, or None when the body is not JSON).
"""
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JSONStandIn:
    def __init__(self):
        self.received: list = []                 # every request, in arrival order (the subclass says what)
        self._failures: list = []                # failures to answer next, one per request
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, failure: int, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([failure] * times)

    def _record(self, entry):
        """Log one request and take the failure queued for it, if any."""
        with self._lock:
            self.received.append(entry)
            return self._failures.pop(0) if self._failures else None

    def answer(self, path: str, token: str | None, body) -> tuple[int, dict, dict]:
        raise NotImplementedError

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


def _handler(standin: JSONStandIn):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            auth = self.headers.get("Authorization", "")
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            status, headers, reply = standin.answer(self.path, auth.removeprefix("Bearer ") or None, body)
            data = json.dumps(reply).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers,
                                "Content-Length": str(len(data))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):         # keep test output clean
            pass

    return Handler
