"""A loopback PostgREST stand-in over a real Postgres: the subset of Supabase's REST API that
store/supabase.py uses, translated into SQL.

PostgREST itself cannot be installed here (no PostgREST binary on PyPI, Debian or npm), so this threaded
stdlib server speaks its wire format instead, with the behaviour its documentation gives
(docs.postgrest.org: "Errors", "Tables and Views", "Functions as RPC", "Prefer header"; Supabase's
"API keys" and "Error Codes"):

    POST /rest/v1/<table>?on_conflict=a,b    a JSON object or array of objects (same keys in every one)
         Prefer: resolution=merge-duplicates | ignore-duplicates, return=minimal | representation
         -> 201, no body with return=minimal; Preference-Applied echoes what was honoured
    POST /rest/v1/rpc/<function>             a JSON object of named arguments -> 200 and the rows as JSON
    GET  /rest/v1/<table>?select=a,b&limit=n -> 200 and the rows as JSON (the store's health probe)

Like PostgREST, every request runs in one transaction as the role its key names (SET LOCAL ROLE): a
service_role key bypasses RLS, an anon key meets store/schema.sql's revokes. Postgres errors come back as
{code, details, hint, message} with PostgREST's documented HTTP status; its own errors carry PGRST codes.

Keys: legacy JWTs (HS256, signed with the project's JWT secret; the `role` claim picks the role) in
`apikey` and `Authorization: Bearer`, or new-style `sb_secret_...` / `sb_publishable_...` keys in `apikey`.

A whole project in one call (a fresh database, store/schema.sql applied, the stand-in listening):

    postgrest = open_project()             # then SupabaseStore(postgrest.url, postgrest.key("service_role"))
    postgrest.connect().run("select count(*) from public.messages")   # look behind the API
    postgrest.stop()

Faults, for retry and outage tests: `fault(503)` answers every request 503 (or the next `count` ones),
`fault(429, retry_after=1)` adds Retry-After, `refuse()` closes the port and every open connection so
clients get "connection refused", `restore()` listens again on the same port, `clear_fault()` heals.
"""
import base64
import hashlib
import hmac
import json
import os
import queue
import re
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import pg

SCHEMA_PATH = Path(__file__).parent.parent / "store" / "schema.sql"

# ---------------------------------------------------------------------------------------------------------
# Status codes and error bodies, as documented
# ---------------------------------------------------------------------------------------------------------
# PostgREST's "HTTP Status Codes" table: SQLSTATE (exact code or class prefix) -> status; first match wins.
SQLSTATE_STATUS = (
    ("08", 503), ("09", 500), ("0L", 403), ("0P", 403), ("23503", 409), ("23505", 409),
    ("25006", 405), ("25", 500), ("28", 403), ("2D", 500), ("38", 500), ("39", 500), ("3B", 500),
    ("40", 500), ("53400", 500), ("53", 503), ("54", 500), ("55", 500), ("57", 500), ("58", 500),
    ("F0", 500), ("HV", 500), ("P0001", 400), ("P0", 500), ("XX", 500), ("42883", 404),
    ("42P01", 404), ("42P17", 500),
)
ANONYMOUS_ROLE = "anon"          # 42501 is 401 for it ("not authenticated"), 403 for everyone else

# What Supabase answers when the project or its gateway is in trouble (used by fault()).
FAULT_BODIES = {
    429: {"message": "API rate limit exceeded"},
    503: {"code": "PGRST001", "details": "connection to server failed: Connection refused",
          "hint": None, "message": "Database client error. Retrying the connection."},
    504: {"code": "PGRST003", "details": None, "hint": None,
          "message": "Timed out acquiring connection from connection pool."},
    520: "error code: 520",      # Cloudflare's plain-text page: not JSON at all
}

KNOWN_ROLES = ("anon", "authenticated", "service_role")
IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")   # table, column and function names we accept


class HttpError(Exception):
    """An answer other than success: status, PostgREST error body, extra headers."""

    def __init__(self, status: int, body, headers: dict | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def pgrst_error(status: int, code: str, message: str, details=None, hint=None) -> HttpError:
    return HttpError(status, {"code": code, "details": details, "hint": hint, "message": message})


def status_for(sqlstate: str, role: str) -> int:
    if sqlstate == "42501":
        return 401 if role == ANONYMOUS_ROLE else 403
    return next((status for prefix, status in SQLSTATE_STATUS if sqlstate.startswith(prefix)), 400)


# ---------------------------------------------------------------------------------------------------------
# Keys: which Postgres role a request runs as
# ---------------------------------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(secret: str, role: str) -> str:
    """A Supabase-style legacy API key: an HS256 JWT whose `role` claim names the Postgres role."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps({"iss": "supabase", "role": role}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def jwt_role(token: str, secret: str) -> str:
    """The role claim of a valid token; PGRST301 (401) otherwise, as PostgREST answers."""
    try:
        header, payload, signature = token.split(".")
        expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        padded = signature + "=" * (-len(signature) % 4)
        if not hmac.compare_digest(base64.urlsafe_b64decode(padded), expected):
            raise ValueError("signature")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        raise HttpError(401, {"code": "PGRST301", "details": None, "hint": None,
                              "message": "No suitable key or wrong key type"},
                        {"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    role = claims.get("role")
    if role not in KNOWN_ROLES:
        raise pgrst_error(401, "PGRST301", "JWT role %r is not a database role" % role)
    return role


# ---------------------------------------------------------------------------------------------------------
# SQL: the statements PostgREST generates, run as the request's role
# ---------------------------------------------------------------------------------------------------------
def quoted(name: str) -> str:
    if not IDENTIFIER_RE.match(name):
        raise pgrst_error(400, "PGRST100", "invalid identifier %r" % name)
    return '"%s"' % name


class Database:
    """A small pool of pg8000 connections to the real Postgres; one transaction per request."""

    def __init__(self, connect):
        self._connect = connect
        self._idle = queue.SimpleQueue()

    def run(self, role: str, sql: str, **params):
        import pg8000.native
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            conn.run("begin")
            conn.run("set local role %s" % role)      # role is one of KNOWN_ROLES (checked by jwt_role)
            rows = conn.run(sql, **params)
            conn.run("commit")
        except pg8000.native.DatabaseError as exc:
            conn.run("rollback")
            self._idle.put(conn)
            fields = exc.args[0]
            raise HttpError(status_for(fields["C"], role),
                            {"code": fields["C"], "details": fields.get("D"), "hint": fields.get("H"),
                             "message": fields["M"]}) from None
        except Exception:
            conn.close()                                 # a broken connection is not reused
            raise
        self._idle.put(conn)
        return rows

    def close(self):
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def table_columns(db: Database, table: str) -> set[str]:
    """The table's columns, or PGRST205 (404) as PostgREST answers for a table its schema cache lacks."""
    rows = db.run("postgres", "select a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid "
                  "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' "
                  "and c.relname = :table and a.attnum > 0 and not a.attisdropped order by a.attnum",
                  table=table)
    if not rows:
        raise pgrst_error(404, "PGRST205", "Could not find the table 'public.%s' in the schema cache" % table)
    return {row[0] for row in rows}


def primary_key(db: Database, table: str) -> list[str]:
    rows = db.run("postgres", "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
                  "and a.attnum = any(i.indkey) where i.indrelid = ('public.' || :table)::regclass "
                  "and i.indisprimary", table=table)
    return [row[0] for row in rows]


@dataclass(frozen=True)
class Function:
    arguments: tuple[tuple[str, str], ...]     # (name, type) of every input argument, in order
    returns_set: bool


def find_function(db: Database, name: str, given: set[str]) -> Function:
    """The overload of public.<name> whose named arguments fit `given`; PGRST202 (404) if none does."""
    rows = db.run("postgres", "select p.proargnames, p.pronargs, p.pronargdefaults, p.proretset, "
                  "array(select format_type(t, null) from unnest(p.proargtypes) t) from pg_proc p "
                  "join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proname = :name",
                  name=name)
    for arg_names, n_args, n_defaults, returns_set, types in rows:
        names = tuple((arg_names or [])[:n_args])
        required = frozenset(names[:n_args - n_defaults])
        if required <= given <= set(names):
            return Function(tuple(zip(names, types)), returns_set)
    listed = ", ".join(sorted(given))
    raise pgrst_error(404, "PGRST202", "Could not find the function public.%s(%s) in the schema cache"
                      % (name, listed),
                      details="Searched for the function public.%s with parameters %s or with a single "
                              "unnamed json/jsonb parameter, but no matches were found in the schema cache."
                              % (name, listed),
                      hint="Perhaps you meant to call the function public.%s" % name if rows else None)


# ---------------------------------------------------------------------------------------------------------
# Requests: what each route does
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prefer:
    resolution: str | None     # merge-duplicates | ignore-duplicates
    returning: str             # minimal | representation

    @classmethod
    def parse(cls, header: str | None) -> "Prefer":
        values = dict(part.strip().partition("=")[::2] for part in (header or "").split(",") if "=" in part)
        resolution = values.get("resolution")
        return cls(resolution if resolution in ("merge-duplicates", "ignore-duplicates") else None,
                   "representation" if values.get("return") == "representation" else "minimal")

    def applied(self) -> str:
        return ", ".join(p for p in ("resolution=%s" % self.resolution if self.resolution else None,
                                     "return=%s" % self.returning) if p)


def parse_json(raw: bytes):
    try:
        return json.loads(raw or b"null")
    except ValueError as exc:
        raise pgrst_error(400, "PGRST102", "Empty or invalid json", details=str(exc)) from None


def insert(db: Database, role: str, table: str, query: dict, prefer: Prefer, raw: bytes):
    body = parse_json(raw)
    rows = body if isinstance(body, list) else [body]
    if not rows or not all(isinstance(row, dict) for row in rows):
        raise pgrst_error(400, "PGRST102", "Empty or invalid json")
    keys = list(rows[0])
    if any(set(row) != set(keys) for row in rows):
        raise pgrst_error(400, "PGRST102", "All object keys must match")
    columns = table_columns(db, table)
    for key in keys:
        if key not in columns:
            raise pgrst_error(400, "PGRST204", "Could not find the '%s' column of '%s' in the schema cache"
                              % (key, table))
    names = ", ".join(quoted(key) for key in keys)
    sql = ("insert into public.%s (%s) select %s from json_populate_recordset(null::public.%s, cast(:rows as json))"
           % (quoted(table), names, names, quoted(table)))
    if prefer.resolution:
        target = query.get("on_conflict", [""])[0].split(",") if "on_conflict" in query else primary_key(db, table)
        sql += " on conflict (%s) do " % ", ".join(quoted(c) for c in target)
        sql += ("nothing" if prefer.resolution == "ignore-duplicates" else
                "update set " + ", ".join("%s = excluded.%s" % (quoted(k), quoted(k)) for k in keys))
    if prefer.returning == "representation":
        sql = "with written as (%s returning *) select coalesce(json_agg(written), '[]') from written" % sql
        return 201, db.run(role, sql, rows=json.dumps(rows))[0][0]
    db.run(role, sql, rows=json.dumps(rows))
    return 201, None


def select(db: Database, role: str, table: str, query: dict):
    columns = query.get("select", ["*"])[0]
    names = "*" if columns == "*" else ", ".join(quoted(c) for c in columns.split(","))
    table_columns(db, table)
    limit = int(query["limit"][0]) if "limit" in query else None
    sql = "select coalesce(json_agg(r), '[]') from (select %s from public.%s%s) r" % (
        names, quoted(table), " limit %d" % limit if limit is not None else "")
    return 200, db.run(role, sql)[0][0]


def in_values(raw: str) -> list[str]:
    """PostgREST's `in.(a,"b,c")` list: values split on commas; a double-quoted value may hold commas,
    parentheses and dots, with backslash escaping `"` and `\\` (docs: "Reserved characters")."""
    if not (raw.startswith("(") and raw.endswith(")")):
        raise pgrst_error(400, "PGRST100", "failed to parse filter (%s)" % raw)
    return [m[1].replace('\\"', '"').replace("\\\\", "\\") if m[1] is not None else m[2]
            for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|([^,]+)', raw[1:-1])]


def delete(db: Database, role: str, table: str, query: dict):
    """DELETE with `column=eq.value` / `column=in.(...)` filters; PostgREST refuses an unfiltered DELETE
    only when configured to (db-safe-updates), so a filter is required here like Supabase's safe default."""
    columns = table_columns(db, table)
    where, params = [], {}
    for column, (condition, *_) in query.items():
        if column not in columns:
            raise pgrst_error(400, "42703", "column %s.%s does not exist" % (table, column))
        operator, _, value = condition.partition(".")
        name = "p%d" % len(params)
        if operator == "eq":
            where.append("%s = cast(:%s as text)" % (quoted(column), name))
            params[name] = value
        elif operator == "in":
            where.append("%s::text = any(cast(:%s as text[]))" % (quoted(column), name))
            params[name] = in_values(value)
        else:
            raise pgrst_error(400, "PGRST100", "unsupported filter operator %s" % operator)
    if not where:
        raise pgrst_error(400, "21000", "DELETE requires a WHERE clause")
    db.run(role, "delete from public.%s where %s" % (quoted(table), " and ".join(where)), **params)
    return 204, None


def call(db: Database, role: str, name: str, raw: bytes):
    """PostgREST's shape: the JSON object becomes a typed record (json_to_record), its fields named args."""
    args = parse_json(raw) or {}
    if not isinstance(args, dict):
        raise pgrst_error(400, "PGRST102", "Empty or invalid json")
    quoted(name)                         # a name PostgREST could have in its schema cache
    function = find_function(db, name, set(args))
    given = [(arg, type_) for arg, type_ in function.arguments if arg in args]
    record = ", ".join("%s %s" % (quoted(arg), type_) for arg, type_ in given) or '"_" text'
    call_sql = "public.%s(%s)" % (quoted(name), ", ".join("%s := a.%s" % (quoted(arg), quoted(arg))
                                                          for arg, _ in given))
    source = "json_to_record(cast(:args as json)) as a(%s)" % record
    sql = ("select coalesce(json_agg(r), '[]') from %s, lateral %s r" % (source, call_sql) if function.returns_set
           else "select to_json(%s) from %s" % (call_sql, source))
    return 200, db.run(role, sql, args=json.dumps(args))[0][0]


# ---------------------------------------------------------------------------------------------------------
# HTTP: the handler, the server and its fault switches
# ---------------------------------------------------------------------------------------------------------
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"        # keep-alive, like the real gateway: refuse() must cut these too
    server: "_HTTPServer"

    def setup(self):
        super().setup()
        self.server.stand_in._track(self.connection, True)

    def finish(self):
        self.server.stand_in._track(self.connection, False)
        super().finish()

    def log_message(self, *args):        # quiet: pytest shows failures, not access logs
        pass

    def do_GET(self):
        self._answer("GET")

    def do_POST(self):
        self._answer("POST")

    def do_DELETE(self):
        self._answer("DELETE")

    def _answer(self, method: str):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        stand_in = self.server.stand_in
        try:
            status, body = stand_in.dispatch(method, self.path, self.headers, raw)
            headers = {}
            if method == "POST" and "/rpc/" not in self.path:
                headers["Preference-Applied"] = Prefer.parse(self.headers.get("Prefer")).applied()
        except HttpError as exc:
            status, body, headers = exc.status, exc.body, exc.headers
        stand_in._record(method, self.path, status)
        data = b"" if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json; charset=utf-8" if not isinstance(body, str)
                             else "text/plain; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True           # restore() binds the same port again at once
    stand_in: "PostgrestServer"


class PostgrestServer:
    """The stand-in on 127.0.0.1:<free port>; `url` is what SUPABASE_URL would be."""

    def __init__(self, connect, jwt_secret: str, api_keys: dict[str, str] | None = None):
        self.connect = connect                 # a superuser connection to the same database, for tests
        self.db = Database(connect)
        self.jwt_secret = jwt_secret
        self.api_keys = dict(api_keys or {})   # new-style sb_secret_/sb_publishable_ key -> role
        self.requests: list[tuple[str, str, int]] = []   # (method, path, status) of every answer
        self._lock = threading.Lock()
        self._fault: tuple[int, dict] | None = None
        self._fault_left: int | None = None
        self._open: set = set()
        self._httpd: _HTTPServer | None = None
        self._port = 0

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self._port

    def key(self, role: str) -> str:
        return make_jwt(self.jwt_secret, role)

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> "PostgrestServer":
        self._httpd = _HTTPServer(("127.0.0.1", self._port), Handler)
        self._httpd.stand_in = self
        self._port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,),   # shutdown() waits one poll
                         name="postgrest", daemon=True).start()
        return self

    def stop(self) -> None:
        self.refuse()
        self.db.close()

    def __enter__(self):
        self.restore()                         # started already by open_project(), or not yet
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- faults -----------------------------------------------------------------------------------------
    def fault(self, status: int, retry_after: int | None = None, count: int | None = None) -> None:
        """Answer every request (or the next `count`) with `status` and Supabase's body for it."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._lock:
            self._fault, self._fault_left = (status, headers), count

    def clear_fault(self) -> None:
        with self._lock:
            self._fault = None

    def refuse(self) -> None:
        """Stop listening and drop every open connection: clients now get 'connection refused'."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd = None
        with self._lock:
            for conn in list(self._open):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def restore(self) -> None:
        """Listen again on the same port."""
        if self._httpd is None:
            self.start()

    # -- bookkeeping (called by the handler threads) ---------------------------------------------------
    def _track(self, conn, is_open: bool) -> None:
        with self._lock:
            (self._open.add if is_open else self._open.discard)(conn)

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))

    def _take_fault(self) -> tuple[int, dict] | None:
        with self._lock:
            fault = self._fault
            if fault and self._fault_left is not None:
                self._fault_left -= 1
                if self._fault_left <= 0:
                    self._fault = None
            return fault

    # -- routing ---------------------------------------------------------------------------------------
    def role_of(self, headers) -> str:
        """The role the keys name: Supabase's gateway checks `apikey`, PostgREST the Bearer JWT."""
        apikey = headers.get("apikey")
        if not apikey:
            raise HttpError(401, {"message": "No API key found in request",
                                  "hint": "No `apikey` request header or url param was found."})
        role = self.api_keys.get(apikey)
        if role is None:                 # the gateway knows the project's keys: anything else is refused
            try:
                role = jwt_role(apikey, self.jwt_secret)
            except HttpError:
                raise HttpError(401, {"message": "Invalid API key", "hint":
                                      "Double check your Supabase `anon` or `service_role` API key."}) from None
        bearer = (headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        return jwt_role(bearer, self.jwt_secret) if bearer and bearer != apikey else role

    def dispatch(self, method: str, path: str, headers, raw: bytes):
        fault = self._take_fault()
        if fault:
            status, extra = fault
            raise HttpError(status, FAULT_BODIES.get(status, {"message": "fault %d" % status}), extra)
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        route = parts.path.removeprefix("/rest/v1/").strip("/")
        if not parts.path.startswith("/rest/v1/") or not route:
            raise HttpError(404, {"message": "no Route matched with those values"})
        role = self.role_of(headers)
        if route.startswith("rpc/") and method == "POST":
            return call(self.db, role, route.removeprefix("rpc/"), raw)
        if method == "POST":
            return insert(self.db, role, route, query, Prefer.parse(headers.get("Prefer")), raw)
        if method == "DELETE":
            return delete(self.db, role, route, query)
        return select(self.db, role, route, query)


def open_project(jwt_secret: str = "test-jwt-secret-at-least-32-characters-long",
                 api_keys: dict[str, str] | None = None, migrate: bool = True) -> PostgrestServer:
    """A Supabase project on the shared embedded Postgres: a fresh database, store/schema.sql applied
    (unless migrate=False), and the stand-in started. Raises pg.PostgresUnavailable if Postgres can't run."""
    database = pg.fresh_database(pg.shared(), "project")
    if migrate:
        conn = database.connect()
        try:
            pg.apply_sql(conn, SCHEMA_PATH.read_text())
        finally:
            conn.close()
    return PostgrestServer(database.connect, jwt_secret, api_keys).start()


def open_project_or_skip(*args, **kwargs) -> PostgrestServer:
    """open_project(), or skip the calling test where Postgres cannot start on this machine. Under CI
    (CI set) it never skips: a Postgres that cannot start there is a failure."""
    try:
        return open_project(*args, **kwargs)
    except pg.PostgresUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"embedded Postgres cannot start on this machine: {exc}")
