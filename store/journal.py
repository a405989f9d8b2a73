"""The webhook journal: every acknowledged body, its processing state, the ids seen, the stats.

One SQLite file in WAL mode. An append commits with synchronous=FULL: the body is on disk (WAL fsynced)
before the webhook answers 200. Concurrent appends share one commit (group commit: one waiting request
writes the whole queue in one INSERT, the others wait for it), so many concurrent deliveries cost one
fsync. The WAL is checkpointed by a thread of its own, never inside an append's commit; appends wait a
few milliseconds once a second while it starts the WAL over (see Checkpointer).
Claims, completions and failures commit with synchronous=NORMAL (atomic, no fsync of their own; the next
FULL commit syncs them too): losing one to a power cut only makes a body pending again, and since seen
ids and counters roll back with it, processing it again counts nothing twice.

A body moves   pending -> claimed -> done        (or ignored at once: valid JSON, not a messages payload)
                  ^           |
                  +-- fail ---+--> parked         (after max_attempts; kept forever with its error)

A claim is a lease: `claimed_by` names host:pid:token and `claimed_until` bounds it, so a restarted
process (or another instance on the same file) takes over bodies whose owner died or whose lease ran out.
Stats counters and seen ids change in the same transaction that marks a body done: exact, and they
survive restarts. A key already seen is counted as a repeat (a duplicate delivery), never twice.
"""
import contextlib
import logging
import os
import socket
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import Mapping

from store import StoreError, present_keys

log = logging.getLogger("whatsrag.journal")

SCHEMA = """
CREATE TABLE IF NOT EXISTS bodies (
    id              INTEGER PRIMARY KEY,
    received_at     REAL NOT NULL,
    body            BLOB NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'done', 'ignored', 'parked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    claimed_until   REAL,
    last_error      TEXT,
    finished_at     REAL
);
CREATE INDEX IF NOT EXISTS bodies_todo ON bodies (state, next_attempt_at)
    WHERE state IN ('pending', 'claimed');
CREATE TRIGGER IF NOT EXISTS bodies_counted AFTER INSERT ON bodies BEGIN
    INSERT INTO stats (name, value) VALUES ('bodies_received', 1)
        ON CONFLICT (name) DO UPDATE SET value = value + 1;
    INSERT INTO stats (name, value) SELECT 'bodies_ignored', 1 WHERE NEW.state = 'ignored'
        ON CONFLICT (name) DO UPDATE SET value = value + 1;
END;
CREATE TABLE IF NOT EXISTS seen (
    key     TEXT PRIMARY KEY,
    body_id INTEGER NOT NULL,
    seen_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;
"""

STATES = ("pending", "claimed", "done", "ignored", "parked")
BUSY_POLL = 0.0002          # seconds between two tries for the write lock another connection holds
INSERT_ROWS = 500           # bodies per INSERT statement: 5 variables each, under SQLite's 32,766
WRITE_ROWS = 64             # bodies a worker's transaction claims or finishes: every ack waits for the write
                            # lock it holds meanwhile (512 at a time held it 21 ms at the median, up to 199)


class JournalError(StoreError):
    """The journal could not record or read something (disk full, locked, unwritable file)."""


class LeaseLost(JournalError):
    """The claim on a body expired and another worker took it; that worker will finish it."""


@dataclass(frozen=True)
class Claim:
    body_id: int
    body: bytes
    attempts: int           # failed attempts before this one
    token: str              # the claimed_by value that proves this claim is still ours


@dataclass(frozen=True)
class Outcome:
    """One keyed item of a body (a message, a status): its counters apply only if the key is new."""
    key: str
    counts: Mapping[str, int] = field(default_factory=dict)
    repeat_counter: str = "duplicates"


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass
class _Ticket:
    """One append waiting for the group commit that will carry it. `wake` is released once, by the
    committing thread: when the ticket's commit is over (`done`), or when it is the ticket's turn to commit."""
    body: bytes
    state: str
    last_error: str | None
    body_id: int | None = None
    error: Exception | None = None
    done: bool = False
    wake: threading.Lock = field(default_factory=_held_lock)


def _storable(text: str | None) -> str | None:
    """Text SQLite can hold: a lone surrogate (legal in JSON, not in UTF-8) kept as its escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if text else text


PROCESS_TOKEN = os.urandom(4).hex()    # tells this process from an earlier one that had the same pid


def _owner_prefix() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{PROCESS_TOKEN}"


def _owner_dead(claimed_by: str) -> bool:
    """Whether a claim's owner (host:pid:process token:claim token) is a process of this host that stopped:
    its pid is gone, or it is our pid with another token (a container restarted as PID 1 again)."""
    host, pid, process, _ = (claimed_by.split(":") + ["", "", "", ""])[:4]
    if host != socket.gethostname() or not pid.isdigit():
        return False                # another machine, or unreadable: its lease decides
    if int(pid) == os.getpid():
        return process != PROCESS_TOKEN
    return not _pid_alive(int(pid))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # alive, owned by someone else
        return True
    return True


class Journal:
    """The durable queue of webhook bodies. `db` is a path or an open sqlite3 connection."""

    def __init__(self, db, *, lease_seconds: float = 300.0, busy_timeout: float = 30.0, clock=time.time):
        self._clock = clock
        self.lease_seconds = lease_seconds
        self._busy_ms = int(busy_timeout * 1000)
        self._owner = _owner_prefix()
        try:
            if isinstance(db, sqlite3.Connection):
                self._db = db
            else:
                self._db = sqlite3.connect(db, isolation_level=None, check_same_thread=False,
                                           timeout=busy_timeout)
            self._db.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")   # the WAL is fsynced at every commit
            self._durable = True
            self._db.executescript(SCHEMA)
            # From now on a busy database is waited for by _patiently, not by SQLite's busy handler: that
            # one sleeps 1, 2, 5, 10... ms between its tries, most of an ack's wait when the worker
            # process's commit holds the write lock for a millisecond.
            self._db.execute("PRAGMA busy_timeout = 0")
        except sqlite3.Error as exc:
            raise JournalError(f"cannot open the journal {db!r}: {exc}") from exc
        self._lock = threading.RLock()          # one connection, one user at a time
        self._queue_lock = threading.Lock()
        self._queue: list[_Ticket] = []
        self._committing = False
        self._checkpointer: Checkpointer | None = None

    # -- transactions ----------------------------------------------------------------------------

    def _write(self, work, durable: bool = False):
        """Run work(db) in one IMMEDIATE transaction (takes the write lock up front: no upgrade deadlock);
        `durable` commits with an fsync (synchronous=FULL), else atomically without one (NORMAL)."""
        with self._lock:
            try:
                self._sync(durable)
                self._patiently(lambda: self._db.execute("BEGIN IMMEDIATE"))
                try:
                    result = work(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise JournalError(f"journal write failed: {exc}") from exc

    def _sync(self, durable: bool):
        if durable != self._durable:
            self._db.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self._durable = durable

    def _patiently(self, statement):
        """statement(), tried again every BUSY_POLL seconds while another process holds a lock it needs
        (the write lock, for a BEGIN IMMEDIATE), up to the busy timeout."""
        deadline = time.monotonic() + self._busy_ms / 1000
        while True:
            try:
                return statement()
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise
            time.sleep(BUSY_POLL)

    def _read(self, sql, params=()):
        with self._lock:
            try:
                return self._patiently(lambda: self._db.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise JournalError(f"journal read failed: {exc}") from exc

    @staticmethod
    def _bump(db, counts: Mapping[str, int]):
        rows = [(name, int(n)) for name, n in counts.items() if n]
        if rows:                                # one statement: each one costs the GIL a round trip
            db.execute(f"INSERT INTO stats (name, value) VALUES {', '.join(['(?, ?)'] * len(rows))} "
                       "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                       [value for row in rows for value in row])

    # -- append (the webhook's side) ---------------------------------------------------------------

    def append(self, body: bytes, *, ignored: str | None = None) -> int:
        """Commit a raw body durably and return its id; `ignored` records it as not ours to process."""
        ticket = _Ticket(bytes(body), "ignored" if ignored else "pending", _storable(ignored))
        if self._checkpointer is None:
            self._start_checkpointer()
        with self._queue_lock:
            self._queue.append(ticket)
            lead, self._committing = not self._committing, True
        if not lead:
            ticket.wake.acquire()           # sleeps until released: committed, or our turn to commit
        if not ticket.done:
            self._commit_queue()
        if ticket.error:
            raise ticket.error
        return ticket.body_id

    def _commit_queue(self):
        """Commit the tickets queued so far (up to INSERT_ROWS) in one statement, hand the turn to the
        first ticket still queued, then wake the committed ones: one wake-up per ticket, none wasted."""
        with self._queue_lock:
            batch, self._queue = self._queue[:INSERT_ROWS], self._queue[INSERT_ROWS:]
        try:
            self._commit_batch(batch)
        finally:
            with self._queue_lock:
                if self._queue:
                    self._queue[0].wake.release()
                else:
                    self._committing = False
            for ticket in batch[1:]:        # the first is the committing thread's own ticket
                ticket.wake.release()

    def _commit_batch(self, batch: list[_Ticket]):
        """One INSERT statement, committed on its own (a statement outside BEGIN is its own transaction,
        fsynced under synchronous=FULL); the bodies_counted trigger counts them in it. One statement,
        not BEGIN, INSERT, COUNT, COMMIT: sqlite3 lets the GIL go at each, and winning it back from
        16-64 ack threads parsing requests cost ~2 ms a statement."""
        now = self._clock()
        sql = ("INSERT INTO bodies (received_at, body, state, last_error, finished_at) VALUES "
               + ", ".join(["(?, ?, ?, ?, ?)"] * len(batch)))
        values = [value for ticket in batch for value in
                  (now, ticket.body, ticket.state, ticket.last_error, now if ticket.state == "ignored" else None)]
        try:
            with self._lock:
                self._sync(durable=True)
                last_id = self._patiently(lambda: self._db.execute(sql, values).lastrowid)
            for body_id, ticket in enumerate(batch, last_id - len(batch) + 1):   # one statement's rowids
                ticket.body_id = body_id                                          # are consecutive
        except BaseException as exc:    # whatever it is, no ticket of the group may be left waiting
            error = exc if isinstance(exc, JournalError) else JournalError(f"journal write failed: {exc!r}")
            for ticket in batch:
                ticket.error = error
            if not isinstance(exc, Exception):
                raise
        finally:
            for ticket in batch:
                ticket.done = True
        self._checkpointer.written()

    # -- claim / finish / fail (the workers' side) ------------------------------------------------

    def claim(self) -> Claim | None:
        """Take the oldest body that is due: pending, or claimed under a lease that ran out."""
        claims = self.claim_batch(1)
        return claims[0] if claims else None

    def claim_batch(self, limit: int, max_bytes: int = 4 * 1024 * 1024) -> list[Claim]:
        """Take up to `limit` of the oldest due bodies, as many as fit in `max_bytes` (always at least one),
        so workers embed and store many small deliveries at once. The candidates are read without the
        write lock and claimed WRITE_ROWS at a time, each claim checking again that its bodies are due."""
        now = self._clock()
        token = f"{self._owner}:{os.urandom(6).hex()}"
        due = self._read(
            # each branch repeats the partial index's condition so SQLite uses it: without it,
            # every claim scanned the whole table, old bodies and their blobs included
            "SELECT id, size FROM ("
            "    SELECT * FROM (SELECT id, length(body) AS size FROM bodies WHERE state IN ('pending', 'claimed')"
            "        AND state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?) "
            "    UNION ALL SELECT * FROM (SELECT id, length(body) FROM bodies WHERE state IN ('pending', 'claimed')"
            "        AND state = 'claimed' AND claimed_until < ? ORDER BY id LIMIT ?)) "
            "ORDER BY id LIMIT ?", (now, limit, now, limit, limit))
        chosen, total = [], 0
        for body_id, size in due:
            if chosen and total + size > max_bytes:
                break
            chosen.append(body_id)
            total += size
        claimed = []
        for start in range(0, len(chosen), WRITE_ROWS):
            chunk = chosen[start:start + WRITE_ROWS]
            claimed += self._write(lambda db, chunk=chunk: db.execute(
                f"UPDATE bodies SET state = 'claimed', claimed_by = ?, claimed_until = ? "
                f"WHERE id IN ({','.join('?' * len(chunk))}) AND (state = 'pending' AND next_attempt_at <= ? "
                f"OR state = 'claimed' AND claimed_until < ?) RETURNING id, attempts",
                (token, now + self.lease_seconds, *chunk, now, now)).fetchall())
        if not claimed:
            return []
        # the bodies are read once claimed, not under the write lock every ack needs (they never change,
        # and nobody else takes a claimed body before its lease runs out)
        ids = sorted(body_id for body_id, _ in claimed)
        bodies = dict(self._read(f"SELECT id, body FROM bodies WHERE id IN ({','.join('?' * len(ids))})", ids))
        return [Claim(body_id, bytes(bodies[body_id]), attempts, token) for body_id, attempts in sorted(claimed)]

    def unseen(self, keys) -> set[str]:
        """The keys (message ids, status keys) not recorded yet, for skipping duplicates early."""
        keys = list(dict.fromkeys(keys))
        with self._lock:
            try:
                return set(keys) - self._patiently(lambda: present_keys(self._db, "seen", "key", keys))
            except sqlite3.Error as exc:
                raise JournalError(f"journal read failed: {exc}") from exc

    def finish(self, claim: Claim, outcomes: list[Outcome], counts: Mapping[str, int] = None) -> list[str]:
        """Mark the body done, record its keys and add their counters, all in one transaction.

        Returns the keys that were new (the items this call really recorded). A key recorded meanwhile
        by a concurrent delivery counts as a repeat instead, so counters stay exact. Raises LeaseLost if
        the claim is no longer ours (nothing is changed; the new owner finishes the body).
        """
        fresh = self.finish_all([(claim, outcomes, counts)])[0]
        if fresh is None:
            raise LeaseLost(f"body {claim.body_id} was reclaimed by another worker")
        return fresh

    def finish_all(self, bodies) -> list[list[str] | None]:
        """finish() for many (claim, outcomes, counts), WRITE_ROWS bodies a transaction: a worker's batch
        costs a few commits, not one a body. Per body: its new keys, or None if its claim is no longer ours
        (that body is left as it is). A key twice in the batch is new in the first body that has it, a
        repeat after."""
        bodies = list(bodies)
        return [fresh for start in range(0, len(bodies), WRITE_ROWS)
                for fresh in self._finish_some(bodies[start:start + WRITE_ROWS])]

    def _finish_some(self, bodies: list) -> list[list[str] | None]:
        now = self._clock()

        def work(db):
            recorded = present_keys(db, "seen", "key", list({o.key: None for _, outcomes, _ in bodies for o in outcomes}))
            marked = self._mark_done(db, [claim for claim, _, _ in bodies], now)
            results, rows, totals = [], [], {}
            for claim, outcomes, counts in bodies:
                if claim.body_id not in marked:
                    results.append(None)
                    continue
                fresh = []
                for outcome in outcomes:
                    new = outcome.key not in recorded
                    for name, n in (outcome.counts if new else {outcome.repeat_counter: 1}).items():
                        totals[name] = totals.get(name, 0) + n
                    if new:
                        recorded.add(outcome.key)
                        fresh.append(outcome.key)
                        rows += (outcome.key, claim.body_id, now)
                for name, n in (counts or {}).items():
                    totals[name] = totals.get(name, 0) + n
                results.append(fresh)
            # the write lock is held since the lookup above: no other writer can have added these keys
            for start in range(0, len(rows), 3 * INSERT_ROWS):
                chunk = rows[start:start + 3 * INSERT_ROWS]
                db.execute("INSERT INTO seen (key, body_id, seen_at) VALUES "
                           + ", ".join(["(?, ?, ?)"] * (len(chunk) // 3)), chunk)
            self._bump(db, totals)
            return results
        return self._write(work)

    @staticmethod
    def _mark_done(db, claims: list[Claim], now: float) -> set[int]:
        """Mark done the bodies (at most WRITE_ROWS) whose claims are still ours; their ids. One statement
        per claim token (a worker's batch has one), not one per body: each statement lengthens the write
        lock's hold, which every ack waits out."""
        by_token: dict[str, list[int]] = {}
        for claim in claims:
            by_token.setdefault(claim.token, []).append(claim.body_id)
        marked = set()
        for token, ids in by_token.items():
            marked.update(row[0] for row in db.execute(
                f"UPDATE bodies SET state = 'done', finished_at = ?, claimed_until = NULL, last_error = NULL "
                f"WHERE state = 'claimed' AND claimed_by = ? AND id IN ({','.join('?' * len(ids))}) RETURNING id",
                (now, token, *ids)))
        return marked

    def fail(self, claim: Claim, error: str, *, max_attempts: int, backoff_seconds: float,
             max_backoff: float = 3600.0) -> bool:
        """Record a failed attempt: retry later with exponential back-off, or park. True if parked.
        A claim no longer ours (finished, or taken over after its lease) is left to its state."""
        attempts = claim.attempts + 1
        parked = attempts >= max_attempts
        due = self._clock() + min(backoff_seconds * 2 ** (attempts - 1), max_backoff)

        def work(db):
            marked = db.execute(
                "UPDATE bodies SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, "
                "claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state = 'claimed' AND claimed_by = ?",
                ("parked" if parked else "pending", attempts, due, _storable(error[:2000]),
                 claim.body_id, claim.token)).rowcount
            if marked and parked:
                self._bump(db, {"bodies_parked": 1})
            return bool(marked)
        return self._write(work) and parked

    def release_dead_claims(self) -> int:
        """Hand back bodies claimed by processes of this host that no longer run (a crash, a kill -9)."""
        dead = [row[0] for row in self._read("SELECT DISTINCT claimed_by FROM bodies WHERE state = 'claimed'")
                if row[0] and _owner_dead(row[0])]
        if not dead:
            return 0

        def work(db):
            return sum(db.execute("UPDATE bodies SET state = 'pending', claimed_by = NULL, claimed_until = NULL "
                                  "WHERE state = 'claimed' AND claimed_by = ?", (owner,)).rowcount
                       for owner in dead)
        return self._write(work)

    # -- reading ----------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        return {name: value for name, value in self._read("SELECT name, value FROM stats")}

    def counts(self) -> dict[str, int]:
        """How many bodies are in each state."""
        found = dict(self._read("SELECT state, COUNT(*) FROM bodies GROUP BY state"))
        return {state: found.get(state, 0) for state in STATES}

    def parked(self, limit: int = 100) -> list[tuple[int, int, str]]:
        """(body id, attempts, last error) of parked bodies, oldest first."""
        return self._read("SELECT id, attempts, last_error FROM bodies WHERE state = 'parked' ORDER BY id LIMIT ?",
                          (limit,))

    def due(self) -> int:
        """How many bodies a claim could take now: pending and due, or claimed under a lease that ran out."""
        now = self._clock()
        return self._read("SELECT count(*) FROM bodies WHERE state IN ('pending', 'claimed') AND ("
                          "(state = 'pending' AND next_attempt_at <= ?) OR (state = 'claimed' AND claimed_until < ?))",
                          (now, now))[0][0]

    def next_due(self) -> float | None:
        """When the next waiting body becomes due (for the workers' sleep), or None if none waits."""
        row = self._read("SELECT MIN(CASE state WHEN 'pending' THEN next_attempt_at ELSE claimed_until END) "
                         "FROM bodies WHERE state IN ('pending', 'claimed')")
        return row[0][0]

    def add_counts(self, counts: Mapping[str, int]) -> None:
        """Counters that belong to no body's completion (failed processing attempts)."""
        self._write(lambda db: self._bump(db, counts))

    def requeue(self, body_ids=None) -> int:
        """Give parked bodies (all, or those ids) a fresh start once their cause is fixed."""
        where, params = "state = 'parked'", ()
        if body_ids is not None:
            body_ids = [int(body_id) for body_id in body_ids]
            where += f" AND id IN ({','.join('?' * len(body_ids)) or 'NULL'})"
            params = tuple(body_ids)
        return self._write(lambda db: db.execute(
            f"UPDATE bodies SET state = 'pending', attempts = 0, next_attempt_at = 0 WHERE {where}", params).rowcount)

    def prune(self, finished_before: float) -> int:
        """Delete bodies done or ignored before that time (their messages are stored; seen ids and
        counters stay, so a late redelivery is still a duplicate). Pending and parked bodies are kept."""
        return self._write(lambda db: db.execute(
            "DELETE FROM bodies WHERE state IN ('done', 'ignored') AND finished_at < ?", (finished_before,)).rowcount)

    def check_writable(self) -> None:
        """A real, fsynced write (the /health probe): raises JournalError if the journal cannot be written."""
        self._write(lambda db: db.execute("INSERT INTO meta (key, value) VALUES ('checked_at', ?) "
                                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                          (str(self._clock()),)), durable=True)

    def _start_checkpointer(self):
        """Appends leave the WAL's checkpoints to a thread of their own: SQLite runs an automatic one in
        the commit that fills the WAL, and a webhook's 200 would wait while it copies megabytes."""
        with self._lock:
            if self._checkpointer is None:
                path = self._db.execute("PRAGMA database_list").fetchone()[2]
                self._db.execute("PRAGMA wal_autocheckpoint = 0")
                self._checkpointer = Checkpointer(path, self._lock)

    def close(self):
        if self._checkpointer:
            self._checkpointer.stop()
        with self._lock:
            self._db.close()


class Checkpointer:
    """A thread copying the WAL into the database file, on a connection of its own, once every `pause`
    seconds while appends come. PASSIVE checkpoints copy the bulk without blocking anyone; then a
    RESTART one, under `writers` (the journal's own lock), copies what appends added meanwhile and starts
    the WAL over, so its file is reused rather than extended: appends wait for it once a round (2.5 ms at
    the median, measured at 1,000 acks/s). Without the restart, checkpoints under steady appends always
    left the newest frames behind, the WAL was never started over and grew without end (388 MB after
    30,000 acks at 1,000/s), with slower commits meanwhile (median ack 1.8-2.0 ms, 0.9 now). The
    RESTART gives up at once if another process (the worker) holds the write lock or reads an older
    snapshot: the next round tries again."""

    def __init__(self, path: str, writers=contextlib.nullcontext(), pause: float = 1.0):
        self.path, self.writers, self.pause = path, writers, pause
        self._due = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="whatsrag-checkpoint", daemon=True)
        if path:                                # an in-memory database has no WAL to checkpoint
            self._thread.start()

    def written(self):
        if not self._due.is_set():      # set() takes a lock and notifies: at every ack, for nothing
            self._due.set()

    def connect(self) -> sqlite3.Connection:
        """The checkpoints' connection: no busy wait, the lock held meanwhile would hold every append."""
        return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0)

    def _run(self):
        db = self.connect()
        try:
            while self._due.wait() and not self._stopping.is_set():
                self._due.clear()
                try:
                    self.checkpoint(db)
                except sqlite3.Error as exc:        # the next round copies what this one could not
                    log.warning("journal checkpoint failed: %s", exc)
                self._stopping.wait(self.pause)
        finally:
            db.close()

    def checkpoint(self, db: sqlite3.Connection) -> bool:
        """One round; whether the WAL was started over."""
        for _ in range(2):      # the second pass copies what commits added during the first: less to hold for
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        with self.writers:
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()[0]
        return not busy

    def stop(self):
        self._stopping.set()
        self._due.set()
        if self._thread.is_alive():
            self._thread.join(10)
