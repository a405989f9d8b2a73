#!/usr/bin/env python3
"""whatsrag: WhatsApp watch-market webhooks in, searchable listings out.

One file, in the order data flows:
    config -> records -> webhook core -> service & pipeline -> chat import -> health & search
    -> answers -> WhatsApp replies -> HTTP -> CLI
A POST /webhook is checked (size, signature, JSON), its raw bytes committed to the SQLite journal, and
answered 200; a pool of workers then parses each journalled body into frozen records, skips message ids
already seen, reads every text with `extract`, and hands the messages to `store.index`. The same
functions serve the HTTP routes, the CLI (`replay`, `stats`, `search`, `import`, `ask`) and the tests.
"""
import argparse
import contextlib
import functools
import hashlib
import hmac
import ipaddress
import json
import logging
import itertools
import os
import re
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, fields, replace
from datetime import timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from typing import Callable, Mapping
from urllib.parse import parse_qs


from extract import Extraction, extract, loaded as extractor_loaded
import store as listings
from store import StoredMessage, StoreError
from store.journal import Journal, JournalError, Outcome

__version__ = "0.1.0"
log = logging.getLogger("whatsrag")


# =============================================================================================
# Config: read once from the environment into a frozen record, passed down
# =============================================================================================

class ConfigError(ValueError):
    """A variable holds a value whatsrag cannot use; the message names it."""


MiB = 1024 * 1024


@dataclass(frozen=True)
class Config:
    verify_token: str | None = None         # WHATSAPP_VERIFY_TOKEN: GET /webhook handshake; unset = refused
    app_secret: str | None = None           # WHATSAPP_APP_SECRET: X-Hub-Signature-256 check; unset = off
    access_token: str | None = None         # WHATSAPP_ACCESS_TOKEN: Graph API (replies, mark-read)
    phone_number_id: str | None = None      # WHATSAPP_PHONE_NUMBER_ID: the business number replies come from
    openai_api_key: str | None = None       # OPENAI_API_KEY: OpenAI embeddings instead of the local embedder
    embedding_model: str = "text-embedding-3-small"     # EMBEDDING_MODEL
    embedding_dim: int = 512                # EMBEDDING_DIM: vector size; Supabase's schema.sql must match
    supabase_url: str | None = None         # SUPABASE_URL: listings in Supabase instead of local SQLite
    supabase_key: str | None = None         # SUPABASE_SERVICE_ROLE_KEY, else SUPABASE_ANON_KEY
    supabase_key_is_anon: bool = False
    host: str = "0.0.0.0"                   # WHATSRAG_HOST
    port: int = 8000                        # PORT
    db_path: str = "whatsrag.db"            # WHATSRAG_DB: journal and stats; local listings in listings_path
    workers: int = 2                        # WHATSRAG_WORKERS
    worker_idle: float = 60.0               # WHATSRAG_WORKER_IDLE: serve's worker process exits after this idle
    max_body: int = 3 * MiB + 64 * 1024     # WHATSRAG_MAX_BODY bytes: Meta's maximum is 3 MB
    api_key: str | None = None              # WHATSRAG_API_KEY: Bearer key of /search; unset = loopback only
    request_timeout: float = 30.0           # WHATSRAG_REQUEST_TIMEOUT: whole-request deadline, seconds
    outbound_timeout: float = 20.0          # WHATSRAG_OUTBOUND_TIMEOUT: OpenAI / Supabase / Graph calls
    max_attempts: int = 15                  # WHATSRAG_MAX_ATTEMPTS: parked after this many (~5 h of back-off)
    retry_seconds: float = 5.0              # WHATSRAG_RETRY_SECONDS: first back-off, doubled each failure
    lease_seconds: float = 300.0            # WHATSRAG_LEASE_SECONDS: a claimed body is retaken after this
    keep_days: float = 0.0                  # WHATSRAG_KEEP_DAYS: raw bodies done this long ago are deleted; 0 keeps all
    log_level: str = "INFO"                 # LOG_LEVEL
    answer_model: str = "gpt-4o-mini"       # WHATSRAG_ANSWER_MODEL: chat model of /ask when OPENAI_API_KEY is set
    mark_read: bool = False                 # WHATSRAG_MARK_READ=1: mark inbound messages read
    auto_reply: bool = False                # WHATSRAG_AUTO_REPLY=1: answer wanted/question messages
    graph_url: str = "https://graph.facebook.com"   # WHATSAPP_API_URL
    graph_version: str = "v21.0"            # WHATSAPP_API_VERSION

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Config":
        def text(name, default=None):
            value = (env.get(name) or "").strip()
            return value or default

        def number(name, kind, default, low, high=10 ** 12):
            raw = text(name)
            if raw is None:
                return default
            try:
                value = kind(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a {kind.__name__}") from None
            if not low <= value <= high:            # also refuses nan
                raise ConfigError(f"{name}={raw!r} must be between {low} and {high}")
            return value

        def flag(name):
            raw = (text(name) or "0").lower()
            if raw not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
                raise ConfigError(f"{name}={raw!r} is not a switch (1 or 0)")
            return raw in ("1", "true", "yes", "on")

        service_key = text("SUPABASE_SERVICE_ROLE_KEY")
        level = text("LOG_LEVEL", "INFO").upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ConfigError(f"LOG_LEVEL={level!r} is not a logging level (DEBUG, INFO, WARNING, ERROR)")
        return cls(
            verify_token=text("WHATSAPP_VERIFY_TOKEN"), app_secret=text("WHATSAPP_APP_SECRET"),
            access_token=text("WHATSAPP_ACCESS_TOKEN"), phone_number_id=text("WHATSAPP_PHONE_NUMBER_ID"),
            openai_api_key=text("OPENAI_API_KEY"),
            embedding_model=text("EMBEDDING_MODEL", cls.embedding_model),
            embedding_dim=number("EMBEDDING_DIM", int, cls.embedding_dim, 8, 4096),
            supabase_url=text("SUPABASE_URL"),
            supabase_key=service_key or text("SUPABASE_ANON_KEY"),
            supabase_key_is_anon=not service_key and bool(text("SUPABASE_ANON_KEY")),
            host=text("WHATSRAG_HOST", cls.host), port=number("PORT", int, cls.port, 0, 65535),
            db_path=text("WHATSRAG_DB", cls.db_path),
            workers=number("WHATSRAG_WORKERS", int, cls.workers, 1),
            worker_idle=number("WHATSRAG_WORKER_IDLE", float, cls.worker_idle, 0.0),
            max_body=number("WHATSRAG_MAX_BODY", int, cls.max_body, 1024),
            api_key=text("WHATSRAG_API_KEY"),
            request_timeout=number("WHATSRAG_REQUEST_TIMEOUT", float, cls.request_timeout, 0.1),
            outbound_timeout=number("WHATSRAG_OUTBOUND_TIMEOUT", float, cls.outbound_timeout, 0.1),
            max_attempts=number("WHATSRAG_MAX_ATTEMPTS", int, cls.max_attempts, 1),
            retry_seconds=number("WHATSRAG_RETRY_SECONDS", float, cls.retry_seconds, 0.0),
            lease_seconds=number("WHATSRAG_LEASE_SECONDS", float, cls.lease_seconds, 1.0),
            keep_days=number("WHATSRAG_KEEP_DAYS", float, cls.keep_days, 0.0),
            log_level=level,
            answer_model=text("WHATSRAG_ANSWER_MODEL", cls.answer_model),
            mark_read=flag("WHATSRAG_MARK_READ"), auto_reply=flag("WHATSRAG_AUTO_REPLY"),
            graph_url=text("WHATSAPP_API_URL", cls.graph_url),
            graph_version=text("WHATSAPP_API_VERSION", cls.graph_version))

    @property
    def supabase_on(self) -> bool:
        return bool(self.supabase_url and self.supabase_key)

    @property
    def listings_path(self) -> str:
        """The local listings' own SQLite file beside the journal (whatsrag.db -> whatsrag-listings.db):
        the workers' store writes then never hold the write lock an ack's commit is waiting for."""
        if self.db_path == ":memory:":
            return self.db_path
        root, ext = os.path.splitext(self.db_path)
        return f"{root}-listings{ext}"

    @property
    def whatsapp_api_on(self) -> bool:
        return bool(self.access_token and self.phone_number_id)

    def __repr__(self) -> str:
        """Secrets never reach a log line or a traceback through repr()."""
        secret = {"verify_token", "app_secret", "access_token", "openai_api_key", "supabase_key", "api_key"}
        shown = ", ".join(f"{f.name}={'***' if f.name in secret and getattr(self, f.name) else getattr(self, f.name)!r}"
                          for f in fields(self))
        return f"Config({shown})"


def describe(config: Config) -> list[tuple[int, str]]:
    """The start-up log: which parts are on, as (level, line); never a secret's value."""
    on = {True: "on", False: "off"}
    lines = [(logging.INFO, f"whatsrag {__version__}: journal {config.db_path}, {config.workers} workers; "
                            f"signature check {on[bool(config.app_secret)]}, "
                            f"OpenAI embeddings {on[bool(config.openai_api_key)]}, "
                            f"Supabase {on[config.supabase_on]}, WhatsApp API {on[config.whatsapp_api_on]}, "
                            f"/search key {on[bool(config.api_key)]}; answers by "
                            f"{config.answer_model if config.openai_api_key else 'the listings'}, "
                            f"mark-read {on[config.mark_read]}, auto-reply {on[config.auto_reply]}")]
    if not config.app_secret:
        lines.append((logging.WARNING, "WHATSAPP_APP_SECRET is not set: webhook signatures are NOT checked, "
                                       "anyone who can reach /webhook can post messages"))
    if not config.verify_token:
        lines.append((logging.WARNING, "WHATSAPP_VERIFY_TOKEN is not set: every webhook verification "
                                       "(GET /webhook) will be refused"))
    if config.supabase_key_is_anon:
        lines.append((logging.WARNING, "Supabase uses SUPABASE_ANON_KEY: row level security must allow "
                                       "it to write; SUPABASE_SERVICE_ROLE_KEY is the intended key"))
    if bool(config.supabase_url) != bool(config.supabase_key):
        lines.append((logging.WARNING, "Supabase needs both SUPABASE_URL and a key: using local SQLite"))
    return lines


# =============================================================================================
# Records: a webhook payload read once into frozen records; nothing downstream digs in dicts
# =============================================================================================

def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str | None:
    """A non-empty string, lone surrogates (JSON "\\ud800") replaced: it must encode as UTF-8 to be stored."""
    if not isinstance(value, str) or not value:
        return None
    return value.encode("utf-8", "replace").decode("utf-8")


def _dig(item: dict, path: tuple[str, ...]):
    for key in path:
        item = _dict(item).get(key)
    return item


MAX_TIMESTAMP = 2 ** 53           # SQLite and JSON both hold it exactly


def _int(value, default: int = 0) -> int:
    try:
        return min(max(int(value), 0), MAX_TIMESTAMP)
    except (TypeError, ValueError, OverflowError):      # OverflowError: int(float("inf"))
        return default


# Where each message type keeps its text, first non-empty wins. Other types (audio, sticker,
# location, contacts, reaction, system, unsupported, ...) carry no text.
TEXT_PATHS = {
    "text": (("text", "body"),),
    "image": (("image", "caption"),),
    "video": (("video", "caption"),),
    "document": (("document", "caption"),),
    "interactive": (("interactive", "button_reply", "title"), ("interactive", "list_reply", "title")),
    "button": (("button", "text"),),                    # template quick-reply button
    "order": (("order", "text"),),
}


def text_of(item: dict) -> str | None:
    if item.get("type") == "edit":                      # the edited message carries the new text
        return text_of(_dict(_dig(item, ("edit", "message"))))
    for path in TEXT_PATHS.get(_str(item.get("type")), ()):
        text = _str(_dig(item, path))
        if text and text.strip():
            return text
    return None


@dataclass(frozen=True)
class WebhookError:
    code: int | None
    title: str | None
    details: str | None

    @classmethod
    def from_payload(cls, item) -> "WebhookError":
        item = _dict(item)
        code = item.get("code")
        return cls(code if isinstance(code, int) else None, _str(item.get("title")),
                   _str(_dig(item, ("error_data", "details"))))


def _errors(items) -> tuple[WebhookError, ...]:
    return tuple(WebhookError.from_payload(item) for item in _list(items))


@dataclass(frozen=True)
class Message:
    message_id: str
    sender_id: str | None           # wa_id: personal data, never logged at INFO
    contact_name: str | None
    timestamp: int
    type: str
    text: str | None
    reply_to: str | None            # id of the message this one answers
    forwarded: bool
    edits: str | None               # for type "edit": the id of the message whose text it replaces
    group_id: str | None
    business_phone_id: str | None   # metadata.phone_number_id: the number that received it
    errors: tuple[WebhookError, ...]
    revokes: str | None = None      # for type "revoke": the id of the message its sender deleted

    @property
    def key(self) -> str:
        return f"msg:{self.message_id}"

    @property
    def target(self) -> str:
        """The id the store keeps this message's text under (an edit replaces the text it edits)."""
        return self.edits or self.message_id

    @classmethod
    def from_payload(cls, item: dict, contacts: list, metadata: dict) -> "Message":
        sender = _str(item.get("from"))
        names = {_str(c.get("wa_id")): _str(_dig(c, ("profile", "name"))) for c in map(_dict, contacts)}
        context = _dict(item.get("context"))
        return cls(
            message_id=_str(item.get("id")), sender_id=sender,
            contact_name=names.get(sender) or (next(iter(names.values())) if len(names) == 1 else None),
            timestamp=_int(item.get("timestamp")), type=_str(item.get("type")) or "unknown",
            text=text_of(item),
            reply_to=None if context.get("forwarded") else _str(context.get("id")),
            forwarded=bool(context.get("forwarded") or context.get("frequently_forwarded")),
            edits=_str(_dig(item, ("edit", "original_message_id"))),
            group_id=_str(item.get("group_id")), business_phone_id=_str(metadata.get("phone_number_id")),
            errors=_errors(item.get("errors")),
            revokes=_str(_dig(item, ("revoke", "original_message_id"))))


def revoke_key(message_id: str) -> str:
    """The journal's seen-key of a deleted message: kept for good, so a late original is never stored."""
    return f"revoked:{message_id}"


def revoked_among(journal: Journal, message_ids) -> set[str]:
    """Which of these message ids a recorded revoke deleted."""
    unrevoked = journal.unseen([revoke_key(m) for m in message_ids])
    return {m for m in message_ids if revoke_key(m) not in unrevoked}


@dataclass(frozen=True)
class Status:
    message_id: str                 # the business's own outgoing message
    status: str                     # sent, delivered, read, played, failed, ...
    timestamp: int
    errors: tuple[WebhookError, ...]

    @property
    def key(self) -> str:
        return f"status:{self.message_id}:{self.status}"

    @classmethod
    def from_payload(cls, item: dict) -> "Status":
        return cls(_str(item.get("id")), _str(item.get("status")) or "unknown", _int(item.get("timestamp")),
                   _errors(item.get("errors")))


@dataclass(frozen=True)
class Delivery:
    """Everything one webhook body carries, across its entries and changes."""
    messages: tuple[Message, ...] = ()
    statuses: tuple[Status, ...] = ()
    errors: tuple[WebhookError, ...] = ()        # value.errors: app- or system-level problems
    skipped: int = 0                             # items without an id: cannot be deduplicated, counted
    source: str = "webhook"                      # "import": a chat export's messages (see import_body)

    @classmethod
    def from_payload(cls, payload: dict) -> "Delivery":
        messages, statuses, errors, skipped = [], [], [], 0
        for entry in map(_dict, _list(payload.get("entry"))):
            for change in map(_dict, _list(entry.get("changes"))):
                if change.get("field") != "messages":
                    continue
                value = _dict(change.get("value"))
                contacts, metadata = _list(value.get("contacts")), _dict(value.get("metadata"))
                for item in map(_dict, _list(value.get("messages"))):
                    if _str(item.get("id")):
                        messages.append(Message.from_payload(item, contacts, metadata))
                    else:
                        skipped += 1
                for item in map(_dict, _list(value.get("statuses"))):
                    if _str(item.get("id")):
                        statuses.append(Status.from_payload(item))
                    else:
                        skipped += 1
                errors.extend(_errors(value.get("errors")))
        return cls(tuple(messages), tuple(statuses), tuple(errors), skipped,
                   "import" if payload.get("source") == "import" else "webhook")


def ignore_reason(payload: dict) -> str | None:
    """Why a valid JSON body is not for the workers (recorded as ignored), or None when it is."""
    if payload.get("object") != "whatsapp_business_account":
        return f"object is {str(payload.get('object'))[:60]!r}, not 'whatsapp_business_account'"
    changes = [_dict(c) for e in map(_dict, _list(payload.get("entry"))) for c in _list(e.get("changes"))]
    if not any(c.get("field") == "messages" for c in changes):
        fields_seen = sorted({str(c.get("field"))[:40] for c in changes})
        return f"no 'messages' change (fields: {', '.join(fields_seen) or 'none'})"
    return None


# =============================================================================================
# Webhook core: plain functions from a request to a response; no HTTP server in sight
# =============================================================================================

@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]        # first value of each parameter
    headers: Mapping[str, str]      # lower-case names: content-length, x-hub-signature-256, ...
    remote_addr: str
    body: object                    # a file-like with .read(n); read at most Content-Length bytes

    @classmethod
    def from_environ(cls, environ: dict) -> "Request":
        """The request of a WSGI server (gunicorn)."""
        headers = {key[5:].replace("_", "-").lower(): value
                   for key, value in environ.items() if key.startswith("HTTP_")}
        for key in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            if environ.get(key):
                headers[key.replace("_", "-").lower()] = environ[key]
        return cls(environ.get("REQUEST_METHOD", "GET").upper(), environ.get("PATH_INFO") or "/",
                   first_values(environ.get("QUERY_STRING", "")), headers, environ.get("REMOTE_ADDR", ""),
                   environ.get("wsgi.input"))


def first_values(query_string: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(query_string, keep_blank_values=True).items()}


@dataclass(frozen=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def json_response(status: int, payload, headers: tuple = ()) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return Response(status, (("Content-Type", "application/json; charset=utf-8"), *headers), body)


def error_response(status: int, message: str, headers: tuple = ()) -> Response:
    return json_response(status, {"error": message}, headers)


def same_secret(given: str, expected: str) -> bool:
    """Constant time whatever the lengths: compare_digest alone leaks a length mismatch, digests cannot."""
    digest = lambda text: hashlib.sha256(text.encode("utf-8", "replace")).digest()    # noqa: E731
    return hmac.compare_digest(digest(given), digest(expected))


def verify_subscription(config: Config, query: Mapping[str, str]) -> Response:
    """Meta's GET handshake: echo hub.challenge when the mode and the token are right, else 403."""
    if not config.verify_token:
        log.warning("webhook verification refused: WHATSAPP_VERIFY_TOKEN is not set")
        return error_response(403, "verification refused")
    token = query.get("hub.verify_token", "")
    if query.get("hub.mode") == "subscribe" and same_secret(token, config.verify_token):
        return Response(200, (("Content-Type", "text/plain; charset=utf-8"),),
                        query.get("hub.challenge", "").encode())
    log.warning("webhook verification refused: wrong mode or token")
    return error_response(403, "verification refused")


def read_body(request: Request, limit: int) -> bytes | Response:
    """The raw body, or the response that refuses it; an oversized body is refused unread."""
    if "chunked" in request.headers.get("transfer-encoding", "").lower():
        return error_response(411, "Content-Length required (chunked bodies are not accepted)")
    raw = request.headers.get("content-length")
    if raw is None:
        return error_response(411, "Content-Length required")
    if not (raw.strip().isascii() and raw.strip().isdigit()):      # isdigit alone takes '²'
        return error_response(400, "invalid Content-Length")
    length = int(raw)
    if length > limit:
        return error_response(413, f"body over {limit} bytes")
    parts, remaining = [], length
    while remaining:
        part = request.body.read(remaining) if request.body else b""
        if not part:
            return error_response(400, f"body shorter than its Content-Length ({length} bytes)")
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def signature_problem(secret: str | None, headers: Mapping[str, str], body: bytes) -> Response | None:
    """X-Hub-Signature-256 = sha256=HMAC(app secret, the raw bytes): 401 if absent, 403 if wrong."""
    if not secret:
        return None
    given = headers.get("x-hub-signature-256")
    if not given:
        return error_response(401, "X-Hub-Signature-256 missing")
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.strip().lower().encode(), expected.encode()):
        return error_response(403, "X-Hub-Signature-256 does not match the body")
    return None


def sign(secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 value Meta sends for `body` (replay and tests sign what they post)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


RECEIVED = json_response(200, {"status": "received"})


def receive_webhook(service: "Service", request: Request) -> Response:
    """POST /webhook: size, signature, JSON, then the raw bytes committed to the journal, then 200."""
    body = read_body(request, service.config.max_body)
    if isinstance(body, Response):
        return body
    refused = signature_problem(service.config.app_secret, request.headers, body)
    if refused:
        log.warning("webhook refused: %s", json.loads(refused.body)["error"])
        return refused
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:     # UnicodeDecodeError is a ValueError
        return error_response(400, f"body is not JSON: {str(exc)[:120]}")
    if not isinstance(payload, dict):
        return error_response(400, f"body is JSON {type(payload).__name__}, not an object")
    reason = ignore_reason(payload)
    try:
        body_id = service.journal.append(body, ignored=reason)
    except JournalError as exc:
        log.error("webhook NOT acknowledged, the journal cannot be written: %s", exc)
        return error_response(503, "journal unavailable, retry later")
    if reason:      # the reason quotes the payload: kept in the journal, logged only at DEBUG
        log.info("webhook body %d recorded as ignored: not a WhatsApp messages payload", body_id)
        log.debug("webhook body %d ignored: %s", body_id, reason)
    else:
        service.wake()
    return RECEIVED


# =============================================================================================
# Service & pipeline: journal -> claim -> parse -> skip seen -> extract -> store.index -> done
# =============================================================================================

@dataclass
class Service:
    """What the routes and the workers share. Other sections extend it (answers, WhatsApp replies):
    `followups` run once per newly stored message, `health_checks` add components to /health."""
    config: Config
    journal: Journal
    store: object
    embedder: object
    started_at: float = field(default_factory=time.time)
    pool: "WorkerPool | None" = None
    followups: list = field(default_factory=list)       # fn(service, [(Message, StoredMessage)])
    health_checks: dict = field(default_factory=dict)   # component name -> fn() -> (ok, detail)
    answerer: "ChatAnswerer | None" = None              # the chat model of /ask; None: the listings answer

    def wake(self):
        if self.pool:
            self.pool.wake()

    def close(self):
        if self.pool:
            self.pool.stop()
        self.store.close()
        self.journal.close()


def open_service(config: Config, *, workers: bool = True) -> Service:
    journal = Journal(config.db_path, lease_seconds=config.lease_seconds)
    released = journal.release_dead_claims()
    if released:
        log.info("resuming %d bodies left claimed by a process that stopped", released)
    service = Service(config, journal,
                      listings.open_store(config.listings_path, config.supabase_url, config.supabase_key,
                                          timeout=config.outbound_timeout),
                      listings.open_embedder(config.openai_api_key, config.embedding_model,
                                             timeout=config.outbound_timeout, dim=config.embedding_dim))
    service.answerer = open_answerer(config)
    install_replies(service)
    if workers:
        service.pool = WorkerPool(service, config.workers)
        service.pool.start()
    return service


def stored_message(message: Message, extraction: Extraction, source: str = "webhook") -> StoredMessage:
    """An edit is stored under the id of the message it edits: the upsert replaces the old text."""
    return StoredMessage(message.target, message.text, message.timestamp,
                         message.sender_id, message.contact_name, message.group_id, source, extraction)


EXTRACTION_COUNTERS = {"sale": "sales_detected", "wanted": "wanted_detected",
                       "question": "questions_detected", "trade": "trades_detected"}


def message_counts(message: Message, extraction: Extraction | None) -> dict[str, int]:
    """What one new message adds to the stats; money in EUR cents (exact integers, never mixed currencies)."""
    counts = {"messages_received": 1, "errors": len(message.errors)}
    if extraction is not None:
        counts["messages_processed"] = 1
    if extraction is not None and not message.edits:   # an edit's message was counted when it came
        prices = [listing.price_eur for listing in extraction.listings if listing.price_eur is not None]
        counts.update({"watch_messages_detected": int(bool(extraction.listings)),
                       "total_value_cents": round(sum(prices) * 100)})
        if extraction.type in EXTRACTION_COUNTERS:
            counts[EXTRACTION_COUNTERS[extraction.type]] = 1
    return counts


def status_counts(status: Status) -> dict[str, int]:
    return {"statuses": 1, "statuses_failed": int(status.status == "failed"), "errors": len(status.errors)}


def log_problems(delivery: Delivery):
    """Failed statuses and Meta's error codes are worth a look; codes and titles only, no ids or numbers."""
    for status in delivery.statuses:
        if status.status == "failed":
            log.warning("an outgoing message failed: %s", ", ".join(
                f"{e.code} {e.title or ''}".strip() for e in status.errors) or "no error given")
    for error in [*delivery.errors, *(e for m in delivery.messages for e in m.errors)]:
        log.warning("WhatsApp reported error %s: %s", error.code, error.title or "no title")


CLAIM_BODIES = 512                  # bodies a worker takes at once: one unseen check, one embedding request, one commit
CLAIM_BYTES = 4 * 1024 * 1024       # ... as long as they fit in this (a single body may be larger)
GATHER = 0.05       # seconds a worker lets bodies gather after a partial batch: each claim and each finish
                    # holds the journal's write lock every ack needs, so ~20 a second, not one a message


def process(service: Service, claims: list) -> None:
    """Journalled bodies through the pipeline together: one unseen-check, one embedding batch, one upsert,
    then every body marked done with its counts in one commit. A failure to parse, extract or store
    raises before any body is marked done."""
    deliveries = [(claim, Delivery.from_payload(json.loads(claim.body))) for claim in claims]
    messages = [m for _, delivery in deliveries for m in delivery.messages]
    revoking = {m.revokes for m in messages if m.revokes}
    new = service.journal.unseen([m.key for m in messages])
    # Deliveries are unordered: a message revoked in this batch or in any earlier one is never stored.
    revoked = revoking | revoked_among(service.journal, {m.target for m in messages})
    batch = {}                      # key -> (message, source): one per id, the oldest body's
    for _, delivery in deliveries:
        for message in delivery.messages:
            if message.key in new and message.target not in revoked:
                batch.setdefault(message.key, (message, delivery.source))
    if revoking:                    # idempotent: a retried body deletes nothing more
        service.store.delete(sorted(revoking))
    extracted = {key: extract(message.text) for key, (message, _) in batch.items() if message.text}
    stored = {key: (batch[key][0], stored_message(batch[key][0], x, batch[key][1])) for key, x in extracted.items()}
    if stored:
        listings.index(service.store, service.embedder, [record for _, record in stored.values()])
        # A revoke finished by another worker while these were indexed: it deleted before they landed.
        late = revoked_among(service.journal, {record.message_id for _, record in stored.values()})
        if late:
            service.store.delete(sorted(late))
            stored = {key: pair for key, pair in stored.items() if pair[1].message_id not in late}
    finish_bodies(service, deliveries, extracted, stored)
    if revoking:                    # again once recorded: a worker that checked before now sees it (above)
        try:
            service.store.delete(sorted(revoking))
        except StoreError as exc:   # the delete before finishing went through; this one is for the race
            log.warning("second delete of revoked messages failed: %s", exc)


def finish_bodies(service: Service, deliveries: list, extracted: dict, stored: dict) -> None:
    """Count each body's items and mark the bodies done in one transaction, then run the follow-ups of
    the messages each body recorded first. `stored`: key -> (Message, StoredMessage) of the whole batch."""
    finished = service.journal.finish_all([
        (claim, [*(Outcome(m.key, message_counts(m, extracted.get(m.key))) for m in delivery.messages),
                 *(Outcome(revoke_key(m.revokes), {"deleted": 1}, "duplicate_revokes")
                   for m in delivery.messages if m.revokes),
                 *(Outcome(s.key, status_counts(s), "duplicate_statuses") for s in delivery.statuses)],
         {"errors": len(delivery.errors) + delivery.skipped})
        for claim, delivery in deliveries])
    for (claim, delivery), fresh in zip(deliveries, finished):
        if fresh is None:
            log.info("body %d was taken over by another worker after its lease ran out", claim.body_id)
            continue
        fresh = set(fresh)
        log_problems(delivery)
        log.debug("body %d done: %d messages (%d new), %d statuses", claim.body_id, len(delivery.messages),
                  len(fresh - {s.key for s in delivery.statuses}), len(delivery.statuses))
        follow_up(service, [stored[key] for key in dict.fromkeys(m.key for m in delivery.messages)
                            if key in fresh and key in stored])


def follow_up(service: Service, fresh: list) -> None:
    """The one place for per-message work after storing (auto-replies, mark-read: see `followups`).

    Runs after the body is marked done and only for messages this body recorded first, so a retry or a
    duplicate delivery never repeats it; a failure is logged and does not undo the stored message."""
    for hook in service.followups:
        try:
            hook(service, fresh)
        except Exception as exc:    # a follow-up is best effort: the message itself is safe
            log.warning("follow-up %s failed: %s", getattr(hook, "__name__", hook), type(exc).__name__)
            log.debug("follow-up failure", exc_info=True)


def work_once(service: Service, limit: int = CLAIM_BODIES) -> int:
    """Claim the due bodies (up to `limit`) and process them; returns how many were taken, 0 if none."""
    claims = service.journal.claim_batch(limit, CLAIM_BYTES)
    if claims:
        settle(service, claims)
    return len(claims)


def attempt(service: Service, claims: list) -> Exception | None:
    """process(), its failure counted and returned; the journal's own failures propagate (the pool
    waits, leases keep the bodies)."""
    try:
        process(service, claims)
    except JournalError:
        raise
    except Exception as exc:        # parsing, extracting, storing: nothing was marked done
        service.journal.add_counts({"processing_failures": 1})
        return exc
    return None


def settle(service: Service, claims: list, failure: Exception | None = None) -> None:
    """Process a batch; if it fails, halve it so that one bad body fails alone and the others go on.
    Both halves failing alike (same exception type) is a cause they share, a dependency down: each body
    then records the failure and waits for its back-off, without an attempt per body. (Two bad bodies
    failing alike, one in each half, cost the batch one attempt.)"""
    failure = failure or attempt(service, claims)
    if failure is None:
        return
    if len(claims) == 1:
        record_failure(service, claims[0], failure)
        return
    halves = claims[:len(claims) // 2], claims[len(claims) // 2:]
    failures = [attempt(service, half) for half in halves]
    if all(failures) and len({type(failure) for failure in failures}) == 1:
        for half, exc in zip(halves, failures):
            for claim in half:
                record_failure(service, claim, exc)
        return
    for half, exc in zip(halves, failures):
        if exc:
            settle(service, half, exc)


def record_failure(service: Service, claim, exc: Exception) -> None:
    config = service.config
    parked = service.journal.fail(claim, f"{type(exc).__name__}: {exc}", max_attempts=config.max_attempts,
                                  backoff_seconds=config.retry_seconds)
    if parked:
        log.error("body %d parked after %d failed attempts (last: %s)", claim.body_id, claim.attempts + 1,
                  type(exc).__name__)
    else:
        log.warning("body %d failed (attempt %d, %s), retrying later", claim.body_id, claim.attempts + 1,
                    type(exc).__name__)
    log.debug("body %d failure", claim.body_id, exc_info=exc)


def drain(service: Service) -> int:
    """Process every body that is due now (replay, tests); returns how many were taken."""
    taken = 0
    while batch := work_once(service):
        taken += batch
    return taken


PRUNE_EVERY = 3600.0        # seconds between two prunings of the journal (WHATSRAG_KEEP_DAYS)


class WorkerPool:
    """Threads that drain the journal; woken by each new body, else polling for retries and other
    instances' work at least every `poll` seconds."""

    def __init__(self, service: Service, size: int, poll: float = 1.0):
        self.service, self.size, self.poll = service, size, poll
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._prune_lock, self._pruned_at = threading.Lock(), 0.0
        self._threads: list[threading.Thread] = []

    def start(self):
        for n in range(self.size):
            thread = threading.Thread(target=self._run, name=f"whatsrag-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wake(self):
        self._wakeup.set()

    def healthy(self) -> bool:
        return all(thread.is_alive() for thread in self._threads)

    def stop(self, timeout: float = 30.0):
        """Let each worker finish the body in hand; a body still claimed is resumed at the next start."""
        self._stopping.set()
        self._wakeup.set()
        for thread in self._threads:
            thread.join(timeout)

    def _run(self):
        while not self._stopping.is_set():
            try:
                taken = work_once(self.service)
            except JournalError as exc:     # the journal is unwritable for now: wait, then try again
                log.error("worker cannot use the journal: %s", exc)
                taken = 0
            if 0 < taken < CLAIM_BODIES:
                self._stopping.wait(GATHER)
            elif not taken:
                self._prune_if_due()
                self._wakeup.wait(self._idle_seconds())
                self._wakeup.clear()

    def _prune_if_due(self):
        """With WHATSRAG_KEEP_DAYS set, delete old finished bodies, at most once an hour, by one worker."""
        keep_days = self.service.config.keep_days
        if not keep_days or not self._prune_lock.acquire(blocking=False):
            return
        try:
            if time.time() - self._pruned_at >= PRUNE_EVERY:
                self._pruned_at = time.time()
                deleted = self.service.journal.prune(time.time() - keep_days * 86400)
                if deleted:
                    log.info("deleted %d journal bodies finished over %g days ago", deleted, keep_days)
        except JournalError as exc:
            log.error("journal pruning failed: %s", exc)
        finally:
            self._prune_lock.release()

    def _idle_seconds(self) -> float:
        """Until the next retry is due (a back-off shorter than the poll), at most `poll`."""
        try:
            due = self.service.journal.next_due()
        except JournalError:
            return self.poll
        return self.poll if due is None else min(self.poll, max(due - time.time(), 0.05))


# =============================================================================================
# Chat import: a WhatsApp "Export chat" file through the same journal and workers as a webhook
# =============================================================================================

IMPORT_BATCH = 500          # messages per journalled body: one commit each, bounded memory
IMPORT_CLAIM = 1            # bodies a process of a parallel import takes at once: the work spreads evenly


@dataclass(frozen=True)
class ImportSummary:
    group: str
    report: dict                # the parser's counts: lines, messages, system, media, deleted, malformed...
    new: int                    # messages this run journalled
    already: int                # messages an earlier (or interrupted) import had recorded already
    listings: int               # listings the extractor found in the messages stored by this run
    seconds: float

    def lines(self) -> list[str]:
        report = self.report
        bad = ""
        if report["malformed"]:
            more = ", ..." if report["malformed"] > len(report["malformed_lines"]) else ""
            bad = f" (lines {', '.join(map(str, report['malformed_lines']))}{more})"
        return [f"group {self.group!r}: {report['lines']:,} lines, {report['messages']:,} messages "
                f"({self.new:,} new, {self.already:,} already imported), {self.listings:,} listings found",
                f"skipped: {report['system']:,} system lines, {report['deleted']:,} deleted messages; "
                f"{report['media']:,} media kept with their captions, {report['edited']:,} edited",
                f"malformed lines: {report['malformed']:,}{bad}; dates read {report['date_order']}",
                f"{self.seconds:.1f} s, {report['lines'] / max(self.seconds, 1e-9):,.0f} lines/s"]


def import_body(messages) -> bytes:
    """Chat messages as a webhook-shaped body marked source "import": the workers treat it like any other."""
    changes = [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {},
        "contacts": [{"profile": {"name": m.sender}, "wa_id": m.sender_phone}],
        "messages": [{"id": m.message_id, "from": m.sender_phone, "timestamp": str(m.timestamp),
                      "type": "text", "text": {"body": m.text}, "group_id": m.group}]}} for m in messages]
    return json.dumps({"object": "whatsapp_business_account", "source": "import",
                       "entry": [{"id": "import", "changes": changes}]}, ensure_ascii=False).encode()


def _batches(items, size: int):
    items = iter(items)
    while batch := list(itertools.islice(items, size)):
        yield batch


def listing_counter(found):
    """A follow-up hook adding the listings of newly stored messages to a shared multiprocessing.Value."""
    def count_listings(_service, fresh):
        with found.get_lock():
            found.value += sum(len(stored.extraction.listings) for _, stored in fresh)
    return count_listings


def import_helper(config: Config, done, found) -> None:
    """A helper process of a parallel import: processes journalled bodies until the importer is done."""
    service = open_service(config, workers=False)
    service.followups.append(listing_counter(found))
    try:
        while not done.is_set():
            if not work_once(service, IMPORT_CLAIM):
                done.wait(0.05)
        take_share(service)
    finally:
        service.close()


def take_share(service: Service, leave: int = 0) -> None:
    """Bodies of a parallel import, one at a time, while more than `leave` are due: the importer leaves
    one a helper, so that each finds one waiting when it is done with its own."""
    while service.journal.due() > leave and work_once(service, IMPORT_CLAIM):
        pass


def import_chat(service: Service, path, group: str | None = None, tz=timezone.utc,
                progress: Callable | None = None, jobs: int = 1) -> ImportSummary:
    """Journal an export's messages in batches and process them; ids already seen are not journalled again,
    so re-importing adds nothing and an interrupted import resumes (its journalled bodies first).
    With jobs > 1, helper processes take bodies from the journal too: extraction is CPU-bound, and
    threads would share one core."""
    import multiprocessing
    from extract.chat import ChatReport, group_from_filename, open_export, parse_lines   # import's alone
    group = group or group_from_filename(path)
    report, new, already = ChatReport(), 0, 0
    context = multiprocessing.get_context("spawn")      # no SQLite connection crosses a fork
    found, done = context.Value("q", 0), context.Event()
    helpers = [context.Process(target=import_helper, args=(service.config, done, found), daemon=True)
               for _ in range(jobs - 1)]
    started, counter = time.monotonic(), listing_counter(found)
    service.followups.append(counter)
    try:
        for helper in helpers:
            helper.start()
        take_share(service) if helpers else drain(service)     # an interrupted import's bodies first
        with open_export(path) as lines:
            for batch in _batches(parse_lines(lines, group, tz=tz, report=report), IMPORT_BATCH):
                unseen = service.journal.unseen([f"msg:{m.message_id}" for m in batch])
                todo = [m for m in batch if f"msg:{m.message_id}" in unseen]
                new, already = new + len(todo), already + len(batch) - len(todo)
                if todo:
                    service.journal.append(import_body(todo))
                    take_share(service, len(helpers)) if helpers else drain(service)
                if progress:
                    progress(report, found.value, time.monotonic() - started)
        done.set()
        take_share(service) if helpers else drain(service)
        for helper in helpers:
            helper.join()
    finally:
        done.set()
        service.followups.remove(counter)
        for helper in helpers:
            helper.join(timeout=30)
    return ImportSummary(group, report.to_dict(), new, already, found.value, time.monotonic() - started)


# =============================================================================================
# Health & search: the routes' logic, shared with the CLI
# =============================================================================================

def stats_report(journal: Journal, db_path=None) -> dict:
    """The counters in the original service's shape, plus what a user needs to see; with `db_path`
    (the service's SQLite file) also the WhatsApp replies journalled there."""
    stats, counts = journal.stats(), journal.counts()
    value = stats.get("total_value_cents", 0) / 100
    return {
        "runtime_stats": {
            "messages_received": stats.get("messages_received", 0),
            "messages_processed": stats.get("messages_processed", 0),
            "errors": stats.get("errors", 0) + stats.get("processing_failures", 0),
            "watch_messages_detected": stats.get("watch_messages_detected", 0),
            "sales_detected": stats.get("sales_detected", 0),
            "wanted_detected": stats.get("wanted_detected", 0),
            "questions_detected": stats.get("questions_detected", 0),
            "total_value_detected": round(value, 2)},
        "watch_stats": {
            "messages_analyzed": stats.get("messages_processed", 0),
            "sales_found": stats.get("sales_detected", 0),
            "wanted_found": stats.get("wanted_detected", 0),
            "questions_found": stats.get("questions_detected", 0),
            "total_value_eur": f"{value:.2f}€"},
        "duplicates": stats.get("duplicates", 0),
        "statuses": stats.get("statuses", 0),
        "statuses_failed": stats.get("statuses_failed", 0),
        "processing_failures": stats.get("processing_failures", 0),
        "bodies_received": stats.get("bodies_received", 0),
        "deleted": stats.get("deleted", 0),
        "ignored": counts["ignored"],
        "pending": counts["pending"] + counts["claimed"],
        "parked": counts["parked"],
        **(ReplyJournal.totals(db_path) if db_path is not None else {}),
    }


EXTRACTOR_PROBE = "Rolex Submariner 9000€"


def _check(probe: Callable[[], tuple[bool, str]]) -> tuple[bool, str]:
    try:
        return probe()
    except Exception as exc:
        return False, type(exc).__name__


def health(service: Service) -> Response:
    """GET /health: 200 healthy or degraded (a configured part failing), 503 if the journal is unwritable."""
    config = service.config
    try:
        service.journal.check_writable()
        journal_ok = True
    except JournalError as exc:
        log.error("health: the journal cannot be written: %s", exc)
        journal_ok = False
    store_ok, _ = _check(service.store.health)
    # serve's process loads the extractor (~0.2 s of CPU, ~3 MB) for its first search or question only;
    # the worker process reads messages with its own. Until then there is nothing here to probe.
    extractor_ok = (_check(lambda: (isinstance(extract(EXTRACTOR_PROBE), Extraction), ""))[0]
                    if extractor_loaded() else "not loaded")
    workers_ok = service.pool is None or service.pool.healthy()
    checks = {
        "webhook": journal_ok,
        "whatsapp_api": True if config.whatsapp_api_on else None,
        "embedding_processor": workers_ok,
        "rag_searcher": store_ok,
        "supabase": store_ok if config.supabase_on else None,
        "openai": True if config.openai_api_key else None,
        "watch_extractor": extractor_ok,
    }
    for name, probe in service.health_checks.items():      # registered by other sections
        checks[name] = _check(probe)[0]
    components = {name: "disabled" if ok is None else ok if isinstance(ok, str) else "healthy" if ok else "unhealthy"
                  for name, ok in checks.items()}
    status = "unhealthy" if not journal_ok else "degraded" if False in checks.values() else "healthy"
    body = {"status": status, "components": components}
    try:
        body.update(stats_report(service.journal, config.db_path))
    except JournalError:
        pass                       # unreadable journal: the 503 says it, the counters cannot
    body.update({"signature_check": "on" if config.app_secret else "off",
                 "uptime": round(time.time() - service.started_at), "version": __version__})
    return json_response(200 if journal_ok else 503, body)


LOOPBACK_NETS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return any(ip in net for net in LOOPBACK_NETS)


def search_refusal(config: Config, request: Request) -> Response | None:
    """WHATSRAG_API_KEY set: a Bearer key is required (401); unset: loopback clients only (403)."""
    if config.api_key:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and same_secret(given.strip(), config.api_key):
            return None
        return error_response(401, "Authorization: Bearer <WHATSRAG_API_KEY> required",
                              (("WWW-Authenticate", 'Bearer realm="whatsrag"'),))
    if is_loopback(request.remote_addr):
        return None
    return error_response(403, "search is open to loopback clients only until WHATSRAG_API_KEY is set")


FILTER_FIELDS = {"brand": str, "model": str, "type": str, "currency": str, "min_price": float, "max_price": float}


def search_params(request: Request, max_body: int, text_key: str = "query"
                  ) -> tuple[str, int, "listings.SearchFilters"] | Response:
    """The query, limit and filters of GET ?q=&limit=&brand=... or POST {"query", "limit", "filters"}."""
    if request.method == "POST":
        body = read_body(request, max_body)
        if isinstance(body, Response):
            return body
        try:
            payload = json.loads(body)
        except ValueError:
            return error_response(400, "body is not JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("filters", {}), (dict, type(None))):
            return error_response(400, f'expected {{"{text_key}": ..., "limit": ..., "filters": {{...}}}}')
        query, limit, raw_filters = payload.get(text_key), payload.get("limit", 10), payload.get("filters") or {}
    else:
        query, limit = request.query.get("q"), request.query.get("limit", "10")
        raw_filters = {name: request.query[name] for name in FILTER_FIELDS if request.query.get(name)}
    if not isinstance(query, str) or not query.strip():
        return error_response(400, f'a non-empty {text_key} is required (q= or "{text_key}")')
    unknown = set(raw_filters) - set(FILTER_FIELDS)
    if unknown:
        return error_response(400, f"unknown filters: {', '.join(sorted(map(str, unknown)))}")
    try:
        limit = int(limit)
        if not 1 <= limit <= listings.MAX_LIMIT:
            raise ValueError
        filters = listings.SearchFilters(**{name: None if value in (None, "") else FILTER_FIELDS[name](value)
                                            for name, value in raw_filters.items()})
    except (TypeError, ValueError):
        return error_response(400, f"limit must be 1..{listings.MAX_LIMIT}, prices numbers, the rest text")
    return query.strip(), limit, filters


def search(service: Service, request: Request) -> Response:
    refused = search_refusal(service.config, request)
    if refused:
        return refused
    params = search_params(request, service.config.max_body)
    if isinstance(params, Response):
        return params
    query, limit, filters = params
    try:
        hits = listings.search(service.store, service.embedder, query, filters, limit)
    except StoreError as exc:
        log.error("search failed: %s", type(exc).__name__)
        return error_response(503, f"search unavailable: {exc}")
    return json_response(200, {"query": query, "results": [hit.to_dict() for hit in hits]})


# =============================================================================================
# Answers: retrieve with search, then answer from the retrieved listings only, citing them
# =============================================================================================

ANSWER_LIMIT = 5
CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "HKD": "HK$", "JPY": "¥", "AED": "AED"}
# The composed answer's words, per language of the question (extract() tells it).
ANSWER_WORDS = {
    "en": {"sale": "for sale", "wanted": "wanted", "trade": "for trade", "question": "asked about",
           "other": "mentioned", "none": "No listing matches that yet.", "no_price": "price not given",
           "full_set": "full set", "box": "box only", "papers": "papers only", "watch": "watch",
           "thousands": ",", "messages": "matching messages"},
    "fr": {"sale": "à vendre", "wanted": "recherché", "trade": "à échanger", "question": "en question",
           "other": "mentionné", "none": "Aucune annonce ne correspond pour l'instant.",
           "no_price": "prix non indiqué", "full_set": "full set", "box": "boîte seule",
           "papers": "papiers seuls", "watch": "montre", "thousands": " ",
           "messages": "messages correspondants"},
}
ANSWER_INSTRUCTIONS = (
    "You help watch dealers find what their WhatsApp groups have offered or asked for. Answer the "
    "question using ONLY the listings given, briefly, in the language of the question. Cite every listing "
    "you mention by its id in square brackets, like [id]. Never mention a watch, price, seller or listing "
    "that is not given; if none of the listings answers the question, say so.")
CITATION = re.compile(r"\[([^\[\]\n]{1,400})\]")        # [id] or [id1, id2]


class AnswerError(Exception):
    """The chat model could not answer (network, quota, refusal): the listings answer instead."""


@dataclass(frozen=True)
class Answer:
    answer: str
    citations: tuple[str, ...]      # message ids of retrieved results, in the order the answer uses them
    results: tuple                  # store.SearchHit, best first

    def to_dict(self) -> dict:
        return {"answer": self.answer, "citations": list(self.citations),
                "results": [hit.to_dict() for hit in self.results]}


def price_text(listing, words: dict) -> str:
    if listing.price is None:
        return words["no_price"]
    amount = f"{listing.price:,.0f}" if float(listing.price).is_integer() else f"{listing.price:,.2f}"
    sign = CURRENCY_SIGNS.get(listing.currency or "", listing.currency or "")
    return f"{amount.replace(',', words['thousands'])} {sign}".strip()


def listing_details(listing, words: dict) -> str:
    kit = words["full_set"] if listing.box and listing.papers else \
        words["box"] if listing.box else words["papers"] if listing.papers else None
    parts = (listing.reference, str(listing.year) if listing.year else None, listing.condition, kit)
    return ", ".join(part for part in parts if part)


def compose_answer(hits, language: str | None) -> str:
    """'3 Rolex Submariner for sale: 12,900 € (2021, full set), ...' from the hits alone, nothing else."""
    words = ANSWER_WORDS.get(language or "en", ANSWER_WORDS["en"])
    if not hits:
        return words["none"]
    groups: dict[tuple[str, str], list[str]] = {}
    for hit in hits:
        listing = hit.listing
        if listing is None:                         # a message with no listing read in it: quoted
            kind, label = "", words["messages"]
            description = f"“{' '.join((hit.text or '').split())[:80]}”"
        else:
            kind = hit.type
            label = " ".join(p for p in (listing.brand, listing.model) if p) or listing.reference or words["watch"]
            details = listing_details(listing, words)
            description = price_text(listing, words) + (f" ({details})" if details else "")
        groups.setdefault((kind, label), []).append(description)
    return "; ".join(f"{len(found)} {label}{' ' + words.get(kind, kind) if kind else ''}: {', '.join(found)}"
                     for (kind, label), found in groups.items()) + "."


def listings_context(hits) -> str:
    """The retrieved listings as the model sees them: id, type, extracted fields, date, text."""
    lines = []
    for hit in hits:
        fields_ = {k: v for k, v in (hit.listing.to_dict() if hit.listing else {}).items() if v is not None}
        when = time.strftime("%Y-%m-%d", time.gmtime(hit.timestamp))
        lines.append(f"[{hit.message_id}] {hit.type}, {when}, {json.dumps(fields_, ensure_ascii=False)}\n"
                     f"    {' '.join((hit.text or '').split())[:500]}")
    return "\n".join(lines)


class ChatAnswerer:
    """Answers with an OpenAI chat completion; the client is injected (the `openai` package's, or a test's)."""

    def __init__(self, client, model: str, errors: tuple = ()):
        self.client, self.model, self.errors = client, model, errors

    def __call__(self, question: str, hits) -> str:
        try:
            response = self.client.chat.completions.create(
                model=self.model, temperature=0, max_tokens=600,
                messages=[{"role": "system", "content": ANSWER_INSTRUCTIONS},
                          {"role": "user", "content": f"Question: {question}\n\nListings:\n{listings_context(hits)}"}])
        except self.errors as exc:
            raise AnswerError(type(exc).__name__) from exc
        return (response.choices[0].message.content or "").strip()


def open_answerer(config: Config) -> ChatAnswerer | None:
    if not config.openai_api_key:
        return None
    import openai       # only when a key asks for it
    client = openai.OpenAI(api_key=config.openai_api_key, timeout=config.outbound_timeout, max_retries=2)
    return ChatAnswerer(client, config.answer_model, (openai.OpenAIError,))


def cited(text: str, hits) -> tuple[list[str], list[str]]:
    """(ids cited that were retrieved, in order; ids cited that were not)."""
    retrieved = {hit.message_id for hit in hits}
    ids = [part for group in CITATION.findall(text) for part in re.split(r"[,;\s]+", group) if part]
    return list(dict.fromkeys(i for i in ids if i in retrieved)), [i for i in ids if i not in retrieved]


def answer(service: Service, question: str, filters=None, limit: int = ANSWER_LIMIT,
           exclude: frozenset = frozenset()) -> Answer:
    """Search, then answer only from what was found: the chat model if configured, else the listings
    themselves. A model answer citing anything not retrieved is discarded for the listings' own."""
    hits = [hit for hit in listings.search(service.store, service.embedder, question, filters,
                                           limit + len(exclude)) if hit.message_id not in exclude][:limit]
    if hits and service.answerer:
        try:
            text = service.answerer(question, hits)
            good, invented = cited(text, hits)
            if text and not invented:
                return Answer(text, tuple(good), tuple(hits))
            log.warning("chat model answer discarded: %d citations of nothing retrieved", len(invented))
        except AnswerError as exc:
            log.warning("chat model failed (%s): answering from the listings", exc)
    language = extract(question).language
    return Answer(compose_answer(hits, language), tuple(dict.fromkeys(h.message_id for h in hits)), tuple(hits))


def ask(service: Service, request: Request) -> Response:
    """POST /ask {"question", "limit", "filters"} or GET /ask?q=: same authorisation as /search."""
    refused = search_refusal(service.config, request)
    if refused:
        return refused
    params = search_params(request, service.config.max_body, text_key="question")
    if isinstance(params, Response):
        return params
    question, limit, filters = params
    try:
        return json_response(200, answer(service, question, filters, min(limit, 20)).to_dict())
    except StoreError as exc:
        log.error("ask failed: %s", type(exc).__name__)
        return error_response(503, f"search unavailable: {exc}")


# =============================================================================================
# WhatsApp replies: mark-read and opt-in answers through the Graph API, journaled, sent once
# =============================================================================================

GRAPH_RETRIED = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056})   # passing: back off, retry
GRAPH_FINAL = {             # retrying cannot help: logged and counted
    131026: "message undeliverable", 131047: "more than 24 hours since the customer wrote",
    131049: "not delivered by Meta to protect the ecosystem", 131050: "user stopped marketing messages",
    131051: "unsupported message type", 368: "temporarily blocked for policy violations",
    131031: "business account locked", 190: "access token expired or invalid"}
BROKEN_CODES = frozenset({190, 131031, 368})     # the WhatsApp component is failing until someone acts
REPLY_WINDOW = 24 * 3600 - 300       # customer-service window, less a margin for our own delay
REPLY_TO = {"wanted": "sale", "question": None}  # message type answered -> listing type offered
MAX_REPLY = 4096                     # Meta's limit on text.body


class GraphError(Exception):
    def __init__(self, code: int | None, reason: str, retryable: bool):
        super().__init__(f"{code}: {reason}")
        self.code, self.reason, self.retryable = code, reason, retryable


def graph_error(response) -> GraphError:
    """Meta's {"error": {"code", "message", ...}} read once; the code decides whether to retry."""
    try:
        error = _dict(response.json().get("error"))
    except ValueError:
        error = {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    retryable = code in GRAPH_RETRIED or (code not in GRAPH_FINAL and response.status_code >= 500)
    return GraphError(code, GRAPH_FINAL.get(code) or f"HTTP {response.status_code}", retryable)


class GraphClient:
    """POST /{phone-number-id}/messages through one requests.Session, with back-off on passing errors.
    A send whose answer never came is not repeated (Meta may have delivered it); a mark-read is."""

    def __init__(self, session, base_url: str, version: str, phone_number_id: str, access_token: str,
                 timeout: float, attempts: int = 4, backoff: float = 1.0, sleep=time.sleep):
        self.session, self.timeout, self.attempts, self.backoff, self.sleep = session, timeout, attempts, backoff, sleep
        self.url = f"{base_url.rstrip('/')}/{version}/{phone_number_id}/messages"
        self.headers = {"Authorization": f"Bearer {access_token}"}

    def post(self, payload: dict, idempotent: bool = False) -> dict:
        import requests     # here, not at the top: ~15 MB and 0.16 s at start for a service without replies
        for attempt in itertools.count(1):
            try:
                response = self.session.post(self.url, json=payload, headers=self.headers, timeout=self.timeout)
            except requests.RequestException as exc:
                error = GraphError(None, type(exc).__name__, idempotent)
            else:
                if response.ok:
                    return response.json()
                error = graph_error(response)
            if not error.retryable or attempt == self.attempts:
                raise error
            delay = self.backoff * 2 ** (attempt - 1)
            log.warning("Graph API error %s (%s), retry %d in %.1f s", error.code, error.reason, attempt, delay)
            self.sleep(delay)

    def mark_read(self, message_id: str) -> dict:
        return self.post({"messaging_product": "whatsapp", "status": "read", "message_id": message_id},
                         idempotent=True)

    def send_text(self, to: str, body: str, reply_to: str | None = None) -> dict:
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
                   "text": {"preview_url": False, "body": body[:MAX_REPLY]}}
        if reply_to:
            payload["context"] = {"message_id": reply_to}
        return self.post(payload)


class ReplyJournal:
    """One row per (inbound message id, kind) in the service's SQLite file, written durably BEFORE the
    call: a row means "done or being done", so a retried body or a restart never sends twice."""
    SCHEMA = """CREATE TABLE IF NOT EXISTS outbound (
        inbound_id TEXT NOT NULL, kind TEXT NOT NULL,          -- kind: read, reply
        state TEXT NOT NULL,                                   -- sending, sent, failed
        wamid TEXT, error_code INTEGER, updated_at REAL NOT NULL,
        PRIMARY KEY (inbound_id, kind))"""

    def __init__(self, path):
        self.path = path
        with self._db() as db:
            db.execute(self.SCHEMA)

    @contextlib.contextmanager
    def _db(self):
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=FULL")
            yield db
        finally:
            db.close()

    def reserve(self, inbound_id: str, kind: str) -> bool:
        with self._db() as db:
            return db.execute("INSERT OR IGNORE INTO outbound (inbound_id, kind, state, updated_at) "
                              "VALUES (?, ?, 'sending', ?)", (inbound_id, kind, time.time())).rowcount == 1

    def settle(self, inbound_id: str, kind: str, state: str, wamid: str | None = None, code: int | None = None):
        with self._db() as db:
            db.execute("UPDATE outbound SET state = ?, wamid = ?, error_code = ?, updated_at = ? "
                       "WHERE inbound_id = ? AND kind = ?", (state, wamid, code, time.time(), inbound_id, kind))

    def counts(self) -> dict:
        """{"read_sent": n, "reply_failed": n, "error_131047": n, ...}"""
        with self._db() as db:
            rows = db.execute("SELECT kind || '_' || state, count(*) FROM outbound GROUP BY 1").fetchall()
            rows += db.execute("SELECT 'error_' || error_code, count(*) FROM outbound "
                               "WHERE error_code IS NOT NULL GROUP BY 1").fetchall()
        return dict(rows)

    REPORTED = {"replies_sent": "reply_sent", "replies_failed": "reply_failed",
                "read_receipts_sent": "read_sent", "read_receipts_failed": "read_failed"}

    @classmethod
    def totals(cls, path) -> dict:
        """The REPORTED counters, read without creating anything: all 0 before the first reply."""
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:
            return dict.fromkeys(cls.REPORTED, 0)
        try:
            rows = dict(db.execute("SELECT kind || '_' || state, count(*) FROM outbound GROUP BY 1").fetchall())
        except sqlite3.Error:          # no outbound table yet: replies never turned on
            rows = {}
        finally:
            db.close()
        return {name: rows.get(row, 0) for name, row in cls.REPORTED.items()}

    def health(self) -> tuple[bool, str]:
        with self._db() as db:
            last = db.execute("SELECT state, error_code FROM outbound WHERE state != 'sending' "
                              "ORDER BY updated_at DESC LIMIT 1").fetchone()
        broken = bool(last) and last[1] in BROKEN_CODES
        return not broken, f"last error {last[1]}" if broken else "ok"


class Replies:
    """The follow-up hook: mark each new webhook message read, and answer wanted/question messages with
    the best matches (opt-in), quoting them, inside the 24-hour window, 1:1 chats only."""

    def __init__(self, client: GraphClient, journal: ReplyJournal, mark_read: bool, auto_reply: bool,
                 clock=time.time):
        self.client, self.journal, self.mark_read, self.auto_reply, self.clock = \
            client, journal, mark_read, auto_reply, clock

    def __call__(self, service: Service, fresh: list) -> None:
        for message, stored in fresh:
            if stored.source != "webhook":          # imported history is never answered
                continue
            if self.mark_read:
                self.once(message.message_id, "read", lambda: self.client.mark_read(message.message_id))
            if self.auto_reply and stored.extraction.type in REPLY_TO and message.sender_id and not message.group_id:
                if self.clock() - message.timestamp > REPLY_WINDOW:
                    log.info("no reply: the message is older than WhatsApp's 24-hour window")
                    continue
                text = self.reply_text(service, message, stored)
                if text:
                    self.once(message.message_id, "reply",
                              lambda: self.client.send_text(message.sender_id, text, message.message_id))

    @staticmethod
    def reply_text(service: Service, message, stored) -> str | None:
        wanted = REPLY_TO[stored.extraction.type]
        found = answer(service, message.text, listings.SearchFilters(type=wanted) if wanted else None,
                       limit=3, exclude=frozenset({stored.message_id}))
        return found.answer if found.citations else None

    def once(self, inbound_id: str, kind: str, call: Callable[[], dict]) -> None:
        if not self.journal.reserve(inbound_id, kind):
            log.debug("%s for this message was sent before: not again", kind)
            return
        try:
            result = call()
        except GraphError as exc:
            self.journal.settle(inbound_id, kind, "failed", code=exc.code)
            log.warning("WhatsApp %s not sent: error %s (%s)", kind, exc.code, exc.reason)
            return
        wamid = next((m.get("id") for m in _list(result.get("messages")) if isinstance(m, dict)), None)
        self.journal.settle(inbound_id, kind, "sent", wamid=wamid)


def install_replies(service: Service) -> None:
    """Add the Replies hook when WHATSRAG_MARK_READ or WHATSRAG_AUTO_REPLY asks for it."""
    config = service.config
    if not (config.mark_read or config.auto_reply):
        return
    if not config.whatsapp_api_on:
        log.warning("WHATSRAG_MARK_READ / WHATSRAG_AUTO_REPLY need WHATSAPP_ACCESS_TOKEN and "
                    "WHATSAPP_PHONE_NUMBER_ID: WhatsApp replies stay off")
        return
    import requests     # only when replies are on (see GraphClient.post)
    client = GraphClient(requests.Session(), config.graph_url, config.graph_version, config.phone_number_id,
                         config.access_token, config.outbound_timeout)
    replies = Replies(client, ReplyJournal(config.db_path), config.mark_read, config.auto_reply)
    service.followups.append(replies)
    service.health_checks["whatsapp_replies"] = replies.journal.health


# =============================================================================================
# HTTP: a plain WSGI callable (gunicorn), and http.server threaded with keep-alive calling the app directly
# =============================================================================================

ROUTES = {      # (method, path) -> fn(service, request) -> Response; other sections add theirs
    ("GET", "/webhook"): lambda service, request: verify_subscription(service.config, request.query),
    ("POST", "/webhook"): receive_webhook,
    ("GET", "/health"): lambda service, request: health(service),
    ("GET", "/search"): search,
    ("POST", "/search"): search,
    ("GET", "/ask"): ask,
    ("POST", "/ask"): ask,
}


class App:
    """The WSGI application. Given no service, it builds one from the environment on its first request,
    so `import whatsrag` has no side effect and `gunicorn whatsrag:app` works."""

    def __init__(self, service: Service | None = None, factory: Callable[[], Service] | None = None):
        self._service, self._factory = service, factory
        self._lock = threading.Lock()

    @property
    def service(self) -> Service:
        if self._service is None:
            with self._lock:
                if self._service is None:
                    self._service = self._factory()
        return self._service

    def respond(self, request: Request) -> Response:
        """The response to a request; HEAD (uptime monitors) gets a GET's, whose body is not sent."""
        method = "GET" if request.method == "HEAD" else request.method
        route = ROUTES.get((method, request.path))
        if route is None:
            allowed = [method for method, path in ROUTES if path == request.path]
            if allowed:
                return error_response(405, "method not allowed", (("Allow", ", ".join(allowed)),))
            return error_response(404, "not found")
        try:
            return route(self.service, replace(request, method=method) if method != request.method else request)
        except Exception as exc:
            log.error("%s %s failed: %s", request.method, request.path, type(exc).__name__)
            log.debug("route failure", exc_info=True)
            return error_response(500, "internal error")

    def __call__(self, environ, start_response):
        request = Request.from_environ(environ)
        response = self.respond(request)
        start_response(status_line(response.status), [*response.headers, content_length(response)])
        return [b"" if request.method == "HEAD" else response.body]


@functools.cache        # a handful of statuses; HTTPStatus(status) is an Enum lookup per response
def status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


def content_length(response: Response) -> tuple[str, str]:
    return ("Content-Length", str(len(response.body)))


def _service_from_env() -> Service:
    """The service of `gunicorn whatsrag:app`, built in each worker process at its first request."""
    config = Config.from_env()
    setup_logging(config.log_level)         # a no-op when the host application configured logging
    for level, line in describe(config):
        log.log(level, line)
    return open_service(config)


app = App(factory=_service_from_env)


class Deadlines:
    """One watchdog thread that cuts connections whose current request outlived its deadline, so a
    client sending a byte a second cannot hold a server thread (a socket timeout alone would not stop it)."""

    def __init__(self, tick: float = 0.25):
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._tick = tick
        self._stopped = threading.Event()
        threading.Thread(target=self._watch, name="whatsrag-deadlines", daemon=True).start()

    def stop(self):
        self._stopped.set()

    def arm(self, conn: socket.socket, seconds: float):
        with self._lock:
            self._deadlines[conn] = time.monotonic() + seconds

    def disarm(self, conn: socket.socket):
        with self._lock:
            self._deadlines.pop(conn, None)

    def _watch(self):
        while not self._stopped.wait(self._tick):
            now = time.monotonic()
            with self._lock:
                expired = [conn for conn, deadline in self._deadlines.items() if deadline < now]
                for conn in expired:
                    del self._deadlines[conn]
            for conn in expired:
                try:
                    conn.shutdown(socket.SHUT_RDWR)     # the handler's read or write fails at once
                except OSError:
                    pass


MAX_CONNECTIONS = 256       # connection threads at once; a keep-alive connection holds one until idle
BUSY = b"".join((b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n",
                 b"Content-Length: 26\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
                 b'{"error": "server busy"}\r\n'))


class ThreadingServer(ThreadingMixIn, HTTPServer):
    """A thread per connection, at most as many at once as `slots` allows: beyond that a 503 at once
    (Meta retries it) rather than threads without bound. Its handler calls `app` with a Request."""
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128    # listen backlog; socketserver's 5 drops SYNs of a burst: 1 s retransmits
    request_timeout = 30.0
    max_body = Config.max_body

    def __init__(self, *args, **kwargs):
        self.deadlines = Deadlines()                # before binding: a failed bind calls server_close
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            try:
                request.sendall(BUSY)               # a few bytes into an empty send buffer: never blocks
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:                       # no thread started: give the slot back
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def server_close(self):
        super().server_close()
        self.deadlines.stop()


class BodyReader:
    """A request body: at most Content-Length bytes, and whether the app left some unread."""

    def __init__(self, stream, length: int):
        self._stream, self.remaining = stream, length

    def read(self, size: int = -1) -> bytes:
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        try:
            data = self._stream.read(size) if size else b""
        except OSError:             # reset or timed out mid-body: a body cut short (400), not a failure (500)
            data = b""
        self.remaining -= len(data)
        return data


HEADER_LINES = 100          # header fields a request may have, as http.client allows; more is a 431
LINE_BYTES = 65536          # the longest request or header line, as http.client allows
HTTP_VERSION = re.compile(r"HTTP/(\d{1,10})\.(\d{1,10})")
FIELD_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")     # RFC 9110 5.6.2 token


class RequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive; each response goes out in one write with TCP_NODELAY (no Nagle delay).
    It reads the request line and header fields itself and hands the app a Request directly."""
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"    # an error before the version is read still gets a status line

    def setup(self):
        self.timeout = self.server.request_timeout      # also bounds each single recv
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        self.close_connection = False
        try:
            while not self.close_connection:
                self.handle_one_request()
        except OSError as exc:      # the client left, timed out, or was cut by the deadline watchdog
            log.debug("connection closed: %s", type(exc).__name__)

    def handle_one_request(self):
        self.server.deadlines.arm(self.connection, self.server.request_timeout)
        self.raw_requestline = self.rfile.readline(LINE_BYTES + 1)
        if self.raw_requestline in (b"\r\n", b"\n"):    # RFC 9112 2.2: an empty line before a request is skipped
            self.raw_requestline = self.rfile.readline(LINE_BYTES + 1)
        if not self.raw_requestline or len(self.raw_requestline) > LINE_BYTES:
            self.close_connection = True
            return
        if not self.parse_request():        # it has sent the error already
            self.close_connection = True
            return
        request = self.request_of()
        response = self.server.app.respond(request)
        # bytes left unread (a refused body, a body of unknown length) would be read as the next request
        if request.body.remaining or "transfer-encoding" in self.headers or self.body_length() is None:
            self.close_connection = True
        head = [f"{self.protocol_version} {status_line(response.status)}",
                *(f"{k}: {v}" for k, v in (*response.headers, content_length(response)))]
        if self.close_connection:
            head.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            head.append("Connection: keep-alive")
        body = b"" if request.method == "HEAD" else response.body
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        log.debug("%s %s -> %d", self.command, self.path.split("?")[0], response.status)

    def parse_request(self) -> bool:
        """The request line and header fields (RFC 9112), read here rather than by http.server, whose
        parse_request builds an email.message.Message from them: ~300 Python calls, the largest share of
        an ack's CPU. The same limits and answers, and stricter where it was lenient: a field line with no
        colon, a space before the colon or a folded continuation is a 400 (RFC 9112 5.1, 5.2), where the
        email parser dropped it and every field after it. False once the error is sent."""
        self.command, self.request_version, self.close_connection = None, self.default_request_version, True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        version = HTTP_VERSION.fullmatch(words[-1]) if len(words) == 3 else None
        if version is None:                 # HTTP/0.9 requests included: nobody sends them any more
            self.send_error(400, "Bad request line")
            return False
        if (int(version[1]), int(version[2])) >= (2, 0):
            self.send_error(505, "HTTP version not supported")
            return False
        self.command, self.path, self.request_version = words
        self.close_connection = (int(version[1]), int(version[2])) < (1, 1)
        if self.path.startswith("//"):      # as http.server: //host/path is an absolute URI to clients
            self.path = "/" + self.path.lstrip("/")
        fields = self.read_fields()
        if isinstance(fields, tuple):
            self.send_error(*fields)
            return False
        self.headers = fields
        connection = self.headers.get("connection", "").lower()
        if connection in ("close", "keep-alive"):
            self.close_connection = connection == "close"
        if (self.headers.get("expect", "").lower() == "100-continue" and self.request_version >= "HTTP/1.1"
                and not self.handle_expect_100()):
            return False
        return True

    def read_fields(self) -> dict[str, str] | tuple[int, str]:
        """The header fields by lower-case name, repeated ones joined by commas as in a WSGI environ (two
        Content-Length fields are then no number: a 400); or the (status, reason) that refuses them."""
        fields: dict[str, str] = {}
        for _ in range(HEADER_LINES + 1):
            line = self.rfile.readline(LINE_BYTES + 1)
            if len(line) > LINE_BYTES:
                return 431, "Header line too long"
            if line in (b"\r\n", b"\n", b""):
                return fields
            name, colon, value = str(line, "iso-8859-1").partition(":")
            if not colon or not FIELD_NAME.fullmatch(name):
                return 400, "Malformed header field line"
            name, value = name.lower(), value.strip(" \t\r\n")
            fields[name] = f"{fields[name]},{value}" if name in fields else value
        return 431, "Too many header fields"

    def body_length(self) -> int | None:
        """Content-Length: 0 when absent, None when it is no number (then where the body ends is unknown)."""
        length = self.headers.get("content-length", "0")
        return int(length) if length.isascii() and length.isdigit() else None     # isdigit alone takes '²'

    def request_of(self) -> Request:
        path, _, query = self.path.partition("?")
        reader = BodyReader(self.rfile, self.body_length() or 0)
        return Request(self.command.upper(), path or "/", first_values(query) if query else {}, self.headers,
                       self.client_address[0], reader)

    def handle_expect_100(self):
        """An oversized body is refused before the client sends it: no 100 Continue, the 413 at once."""
        if (self.body_length() or 0) > self.server.max_body:
            return True
        return super().handle_expect_100()

    def finish(self):
        self.server.deadlines.disarm(self.connection)
        super().finish()

    def log_message(self, format, *args):
        """Request lines carry query strings (verify tokens, searches): only the path, at DEBUG."""
        log.debug("http: %s", self.path.split("?")[0] if hasattr(self, "path") else "")


def make_http_server(service: Service, host: str, port: int, max_connections: int = MAX_CONNECTIONS,
                     server_class=ThreadingServer, handler_class=RequestHandler) -> ThreadingServer:
    server = server_class((host, port), handler_class)
    server.app = App(service)
    server.slots = threading.BoundedSemaphore(max_connections)
    server.request_timeout = service.config.request_timeout
    server.max_body = service.config.max_body
    return server


# =============================================================================================
# CLI: serve (default), replay, stats, extract, search, import, ask
# =============================================================================================

def setup_logging(level: str = "INFO"):
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


class WorkerProcess:
    """`serve`'s pipeline in a process of its own (`whatsrag.py work`, claiming from the shared journal
    with leases, as import --jobs' helpers do), so extraction's CPU never holds the GIL an ack waits for.
    It runs while there is work: the first body journalled starts it, and it exits once the journal has
    had nothing unfinished for WHATSRAG_WORKER_IDLE seconds, so an idle service is one process.
    Woken by a byte on its stdin, not by a shared lock a kill -9 could leave held; stdin closing (the
    server stopping or dying) is its signal to finish the bodies in hand and exit. A write that finds
    the pipe closed means it has exited: the next one is started. Stands in for the service's pool."""
    RESTART_PAUSE = 5.0         # after a worker died: no new one sooner, so a crash at start cannot loop

    def __init__(self, argv: tuple[str, ...] = (sys.executable, "-m", "whatsrag", "work")):
        self.argv = argv                        # -m: whatsrag.py from the bytecode cache, not compiled again
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._died_at = float("-inf")
        self._stopped = False

    def wake(self):
        process = self._process
        if process is not None and self._nudge(process):
            return
        with self._lock:
            if self._process is process and not self._stopped:     # no other ack thread started one
                self._process = self._start(process)
        if self._process is not None:
            self._nudge(self._process)

    @staticmethod
    def _nudge(process) -> bool:
        try:
            os.write(process.stdin.fileno(), b"w")
        except BlockingIOError:
            pass                                # a full pipe: a wake-up is pending already
        except (OSError, ValueError):           # the worker closed its end (it exited), or we did ours
            return False
        return True

    def _start(self, previous: "subprocess.Popen | None") -> "subprocess.Popen | None":
        if previous is not None:
            previous.stdin.close()
        if not self.healthy():
            return None                         # the dead worker's reaper starts the next one
        here = os.path.dirname(os.path.abspath(__file__))    # -m finds whatsrag from any working directory
        path = os.pathsep.join(filter(None, (here, os.environ.get("PYTHONPATH"))))
        try:
            process = subprocess.Popen(self.argv, stdin=subprocess.PIPE, env={**os.environ, "PYTHONPATH": path})
        except OSError as exc:                  # the body stays journalled: the next wake-up tries again
            log.error("cannot start the worker process: %s", exc)
            return None
        os.set_blocking(process.stdin.fileno(), False)
        threading.Thread(target=self._reap, args=(process,), name="whatsrag-reaper", daemon=True).start()
        log.info("worker process %d started", process.pid)
        return process

    def _reap(self, process: "subprocess.Popen"):
        """Collect the worker's exit at once (no zombie); after a death, /health says so for a pause and
        then a new worker starts, bodies waiting or not."""
        if process.wait() != 0:
            self._died_at = time.monotonic()
            log.error("the worker process stopped with exit code %s", process.returncode)
            time.sleep(self.RESTART_PAUSE)
            self.wake()

    def healthy(self) -> bool:
        """False for a pause after a worker died, until the next one starts."""
        return time.monotonic() - self._died_at >= self.RESTART_PAUSE

    def stop(self, timeout: float = 30.0):
        """Close the worker's stdin (it finishes the bodies in hand) and wait for it; start no other."""
        with self._lock:
            process, self._process, self._stopped = self._process, None, True
        if process is not None:
            process.stdin.close()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()


def cli_work(args) -> int:
    """The worker process of serve: a WorkerPool woken by each byte on stdin, until stdin closes or the
    journal has had nothing unfinished for WHATSRAG_WORKER_IDLE seconds."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # Ctrl-C reaches the group: the server decides
    os.nice(10)         # acks first when the cores are short: the journal holds the backlog meanwhile
    config = Config.from_env()
    setup_logging(config.log_level)
    service = open_service(config)
    wakeups = sys.stdin.fileno()
    idle_since = time.monotonic()
    try:
        while True:
            if select.select([wakeups], [], [], 1.0)[0]:
                if not os.read(wakeups, 4096):
                    break                       # the server stopped or died
                service.wake()
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since >= config.worker_idle and service.journal.next_due() is None:
                os.close(wakeups)               # from now on the server's wake-ups fail: it starts another
                service.pool.stop()
                drain(service)                  # what was journalled before the close
                log.info("worker process %d: nothing to do for %gs, exiting", os.getpid(), config.worker_idle)
                break
    finally:
        service.close()
    return 0


def cli_serve(args) -> int:
    config = Config.from_env()
    setup_logging(config.log_level)
    for level, line in describe(config):
        log.log(level, line)
    service = open_service(config, workers=False)
    server = make_http_server(service, config.host, config.port)
    service.pool = WorkerProcess()
    if service.journal.next_due() is not None:      # bodies left unfinished by the last run
        service.pool.wake()
    stop = lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()   # noqa: E731
    signal.signal(signal.SIGTERM, stop)
    log.info("serving on http://%s:%d", config.host, server.server_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        service.close()
    return 0


def cli_replay(args) -> int:
    """Each file through the webhook core as Meta would post it (signed if a secret is set), then processed."""
    config = Config.from_env()
    setup_logging(config.log_level)
    service = open_service(config, workers=False)
    failed = 0
    try:
        for path in args.files:
            with open(path, "rb") as handle:
                body = handle.read()
            headers = {"content-length": str(len(body)), "content-type": "application/json"}
            if config.app_secret:
                headers["x-hub-signature-256"] = sign(config.app_secret, body)
            response = receive_webhook(service, Request("POST", "/webhook", {}, headers, "replay",
                                                        _BytesBody(body)))
            failed += response.status != 200
            print(f"{path}: {response.status} {response.body.decode(errors='replace')}")
        drain(service)
        print(json.dumps(stats_report(service.journal), ensure_ascii=False, indent=2))
    finally:
        service.close()
    return 1 if failed else 0


class _BytesBody:
    def __init__(self, data: bytes):
        self._data, self._at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size is None or size < 0 else self._at + size
        chunk, self._at = self._data[self._at:end], min(end, len(self._data))
        return chunk


def cli_requeue(args) -> int:
    """Parked bodies back to pending (their cause fixed); a running service picks them up."""
    journal = Journal(Config.from_env().db_path)
    try:
        print(f"{journal.requeue(args.ids or None)} parked bodies requeued")
    finally:
        journal.close()
    return 0


def cli_stats(args) -> int:
    config = Config.from_env()
    journal = Journal(config.db_path)
    try:
        report = stats_report(journal, config.db_path)
        report["parked_bodies"] = [{"body_id": body_id, "attempts": attempts, "last_error": error}
                                   for body_id, attempts, error in journal.parked()]
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        journal.close()
    return 0


def cli_extract(args) -> int:
    """Read a message like a dealer would; --jsonl streams {"text": ...} lines (score_extract.py)."""
    if not args.jsonl:
        print(json.dumps(extract(" ".join(args.text)).to_dict(), ensure_ascii=False))
        return 0
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(extract(json.loads(line)["text"]).to_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
    return 0


def cli_search(args) -> int:
    config = Config.from_env()
    setup_logging("WARNING")
    service = open_service(config, workers=False)
    try:
        hits = listings.search(service.store, service.embedder, " ".join(args.query), None, args.limit)
    finally:
        service.close()
    for hit in hits:
        item = hit.to_dict()
        listing = item["listing"] or {}
        price = f"{listing['price']:g} {listing.get('currency') or ''}".strip() if listing.get("price") else ""
        what = " ".join(str(listing[k]) for k in ("brand", "model", "reference") if listing.get(k))
        when = time.strftime("%Y-%m-%d", time.gmtime(item["timestamp"]))
        print(f"{item['score']:.3f}  {item['type']:<8} {what or '-'}  {price}  ({item['sender_name'] or '?'}, {when})")
        print(f"       {(item['text'] or '').splitlines()[0][:120] if item['text'] else ''}")
    if not hits:
        print("no results")
    return 0


def cli_import(args) -> int:
    """A WhatsApp chat export (.txt or .zip) through the pipeline; progress on a terminal, a summary after."""
    from zoneinfo import ZoneInfo                       # import's alone, as extract.chat
    from extract.chat import ChatError
    config = Config.from_env()
    setup_logging(config.log_level)
    try:
        tz = ZoneInfo(args.tz)
    except (ValueError, KeyError) as exc:       # ZoneInfoNotFoundError is a KeyError
        print(f"whatsrag: unknown time zone {args.tz!r}: {exc}", file=sys.stderr)
        return 2
    tty = sys.stderr.isatty()

    def progress(report, found, seconds):
        if tty:
            sys.stderr.write(f"\r{report.messages:,} messages read, {found:,} listings found, "
                             f"{report.messages / max(seconds, 1e-9):,.0f} messages/s ")
            sys.stderr.flush()

    service = open_service(config, workers=False)
    try:
        summary = import_chat(service, args.file, args.group, tz, progress, jobs=args.jobs)
    except ChatError as exc:
        print(f"whatsrag: {exc}", file=sys.stderr)
        return 2
    finally:
        service.close()
    if tty:
        sys.stderr.write("\n")
    print("\n".join(summary.lines()))
    if summary.report["lines"] and not summary.report["messages"]:
        print(f"whatsrag: no WhatsApp messages found in {args.file}: is it a chat export?", file=sys.stderr)
        return 1
    return 0


def cli_ask(args) -> int:
    config = Config.from_env()
    setup_logging("WARNING")
    service = open_service(config, workers=False)
    try:
        found = answer(service, " ".join(args.question), limit=args.limit)
    finally:
        service.close()
    print(found.answer)
    for hit in found.results:
        mark = "*" if hit.message_id in found.citations else " "
        when = time.strftime("%Y-%m-%d", time.gmtime(hit.timestamp))
        print(f" {mark} [{hit.message_id}] {hit.type:<8} {hit.sender_name or '?'}, {when}: "
              f"{' '.join((hit.text or '').split())[:100]}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="whatsrag", description=__doc__.splitlines()[0])
    parser.set_defaults(run=cli_serve)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve HTTP on $PORT (the default)").set_defaults(run=cli_serve)
    replay = commands.add_parser("replay", help="feed webhook payload files through the pipeline")
    replay.add_argument("files", nargs="+")
    replay.set_defaults(run=cli_replay)
    commands.add_parser("stats", help="print the stats").set_defaults(run=cli_stats)
    commands.add_parser("work", help="(started by serve) process the journal until idle").set_defaults(run=cli_work)
    requeue = commands.add_parser("requeue", help="retry parked bodies (all, or the given ids)")
    requeue.add_argument("ids", nargs="*", type=int)
    requeue.set_defaults(run=cli_requeue)
    read = commands.add_parser("extract", help="print what the extractor reads in a message")
    read.add_argument("text", nargs="*")
    read.add_argument("--jsonl", action="store_true", help='read {"text": ...} lines on stdin')
    read.set_defaults(run=cli_extract)
    find = commands.add_parser("search", help="search the stored listings")
    find.add_argument("query", nargs="+")
    find.add_argument("--limit", type=int, default=10)
    find.set_defaults(run=cli_search)
    bring = commands.add_parser("import", help="import a WhatsApp chat export (.txt or .zip)")
    bring.add_argument("file")
    bring.add_argument("--group", help="group name (default: from the file name)")
    bring.add_argument("--tz", default="UTC", help="time zone of the exporting phone (default UTC)")
    bring.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="processes extracting and storing (default: one per core)")
    bring.set_defaults(run=cli_import)
    question = commands.add_parser("ask", help="answer a question from the stored listings")
    question.add_argument("question", nargs="+")
    question.add_argument("--limit", type=int, default=ANSWER_LIMIT)
    question.set_defaults(run=cli_ask)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ConfigError, StoreError, OSError) as exc:     # a bad variable, an unreachable store, a busy port
        print(f"whatsrag: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
