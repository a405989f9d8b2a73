"""Shared test fixtures: real SQLite files in tmp dirs, the WSGI app called in-process, and the real
threaded server on a loopback port (port 0: a free one)."""
import io
import json
import threading
import time
from pathlib import Path

import pytest

import whatsrag

FIXTURES = Path(__file__).parent / "fixtures" / "meta-webhooks"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def make_config(tmp_path, **overrides) -> whatsrag.Config:
    """A Config like from_env() would build, on a database in tmp_path; overrides win."""
    values = {"db_path": str(tmp_path / "whatsrag.db"), "verify_token": VERIFY_TOKEN,
              "app_secret": APP_SECRET, "workers": 2, "retry_seconds": 0.0, "max_attempts": 3}
    values.update(overrides)
    return whatsrag.Config(**values)


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path)


@pytest.fixture
def service_factory(tmp_path):
    """open_service(...) that closes every service it opened at the end of the test."""
    opened = []

    def open_(config=None, start_workers=False, **overrides):
        service = whatsrag.open_service(config or make_config(tmp_path, **overrides), workers=start_workers)
        opened.append(service)
        return service
    yield open_
    for service in opened:
        try:
            service.close()
        except Exception:
            pass            # a test may have closed it already (a restart)


@pytest.fixture
def service(service_factory):
    """A service without workers: tests drive the pipeline with whatsrag.drain()."""
    return service_factory()


class WSGIClient:
    """Calls the WSGI app in-process the way a server would: environ in, (status, headers, body) out."""

    def __init__(self, app):
        self.app = app

    def request(self, method, path, body=b"", headers=None, query="", remote="127.0.0.1", length=True):
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                   "REMOTE_ADDR": remote, "SERVER_NAME": "test", "SERVER_PORT": "80",
                   "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
                   "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0), "wsgi.multithread": True,
                   "wsgi.multiprocess": False, "wsgi.run_once": False}
        if length:
            environ["CONTENT_LENGTH"] = str(len(body))
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_LENGTH", "CONTENT_TYPE") else "HTTP_" + key] = value
        seen = {}
        chunks = self.app(environ, lambda status, hdrs, exc_info=None: seen.update(status=status, headers=hdrs))
        return int(seen["status"][:3]), dict(seen["headers"]), b"".join(chunks)

    def post_webhook(self, body: bytes, secret=APP_SECRET, headers=None):
        signed = {"X-Hub-Signature-256": whatsrag.sign(secret, body)} if secret else {}
        return self.request("POST", "/webhook", body, {**signed, **(headers or {})})


@pytest.fixture
def wsgi(service):
    return WSGIClient(whatsrag.App(service))


class LiveServer:
    """The real threaded HTTP server of `python whatsrag.py`, on 127.0.0.1 and a free port."""

    def __init__(self, service):
        self.service = service
        self.server = whatsrag.make_http_server(service, "127.0.0.1", 0)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def live_server(service_factory):
    """Start a server for a service with workers: live_server(**config overrides) -> LiveServer."""
    started = []

    def start(**overrides):
        server = LiveServer(service_factory(start_workers=True, **overrides))
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


def wait_until(predicate, timeout=20.0, interval=0.02):
    """Poll until predicate() is true (work done by background workers); fails the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def webhook_body(*messages, statuses=(), phone_id="106540352242922") -> bytes:
    """A messages payload with the given message items (dicts), as Meta shapes it."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_id},
             "contacts": [{"profile": {"name": "Dealer One"}, "wa_id": "33612345678"}]}
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "WABA1", "changes": [{"value": value, "field": "messages"}]}]}).encode()


def text_message(message_id: str, text: str, sender="33612345678", timestamp=1760000000) -> dict:
    return {"from": sender, "id": message_id, "timestamp": str(timestamp), "type": "text", "text": {"body": text}}
