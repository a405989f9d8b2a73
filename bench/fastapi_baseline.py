"""The baseline whatsrag's ack path is measured against: FastAPI + uvicorn doing the same work.

POST /webhook: verify X-Hub-Signature-256 (HMAC-SHA256 of the raw bytes, constant-time compare),
commit the raw body to SQLite (WAL, synchronous=FULL: on disk before the answer), answer 200.
Missing signature 401, wrong 403, as whatsrag does. GET /health answers 200 (readiness probe).

Written the way a FastAPI user would, and given its best chance: uvloop + httptools (uvicorn[standard]),
one process like whatsrag, the blocking SQLite commit either off the event loop in the thread pool
(--commit thread, the idiomatic way) or inline on the loop (--commit inline). bench_ack.py runs the
faster of the two (see its --fastapi-commit).

Runs only in the benchmark venv (bench/setup.sh):
    WHATSAPP_APP_SECRET=s bench/.venv/bin/python bench/fastapi_baseline.py --port 8001 --db /tmp/fa.db
"""
import argparse
import hashlib
import hmac
import os
import sqlite3
import threading

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool
import uvicorn


# ---------------------------------------------------------------- journal
class Journal:
    """Raw bodies committed durably. One connection behind a lock: SQLite has one writer anyway, and
    per-thread connections would fight over the write lock through SQLite's sleeping busy handler."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")   # fsync the WAL on every commit, as whatsrag does
        self.conn.execute("CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")

    def commit(self, body):
        with self.lock:
            self.conn.execute("INSERT INTO journal (body) VALUES (?)", (body,))


# ---------------------------------------------------------------- app
def make_app(secret, journal, commit_mode):
    app = FastAPI()
    key = secret.encode()

    @app.post("/webhook")
    async def webhook(request: Request):
        body = await request.body()
        header = request.headers.get("x-hub-signature-256")
        if header is None:
            return JSONResponse({"error": "missing signature"}, status_code=401)
        expected = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(header, expected):
            return JSONResponse({"error": "bad signature"}, status_code=403)
        if commit_mode == "thread":
            await run_in_threadpool(journal.commit, body)
        else:
            journal.commit(body)
        return PlainTextResponse("OK")

    @app.get("/health")
    async def health():
        return {"status": "healthy"}

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", default="fastapi_baseline.db")
    parser.add_argument("--commit", choices=("thread", "inline"), default="thread")
    args = parser.parse_args()
    app = make_app(os.environ["WHATSAPP_APP_SECRET"], Journal(args.db), args.commit)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
