"""The store goes away during load: `python whatsrag.py` stores its listings in Supabase (a real Postgres
with pgvector behind tests/postgrest.py, the loopback PostgREST stand-in: PostgREST cannot be installed
here), and while messages keep coming the stand-in answers 503 (as Supabase's gateway does when the
database is down), then refuses connections, then comes back.

What must hold: every POST is still acknowledged (the journal is local), /health says "degraded" with
supabase "unhealthy" during the outage, nothing is lost, and the backlog drains once the store is back:
each message in Postgres exactly once.
"""
import time

import pytest

from bench import loadgen, servers
from tests.postgrest import open_project_or_skip

pytestmark = pytest.mark.slow
JWT_SECRET = "reliability-jwt-secret-at-least-32-characters"
PHASE = 100             # messages posted before, during each half of, and after the outage



@pytest.fixture(scope="module")
def project():
    project = open_project_or_skip(JWT_SECRET)
    yield project
    project.stop()


def post_batch(port, first, count):
    requests = [loadgen.signed_request(loadgen.payload(seq, size=0), servers.SECRET)
                for seq in range(first, first + count)]
    return [o.status for o in loadgen.post_all("127.0.0.1", port, requests, concurrency=8)]


def stored(project):
    conn = project.connect()
    try:
        return [row[0] for row in conn.run("select message_id from public.messages "
                                           "where message_id like 'wamid.bench.%'")]
    finally:
        conn.close()


def run_outage(project, tmp_path, outage_503, outage_refused, **env):
    """Post PHASE messages before, during each half of the outage, and after; /health during and after."""
    project.restore()
    project.clear_fault()
    conn = project.connect()
    conn.run("truncate public.messages, public.listings")
    conn.close()
    server = servers.whatsrag(str(tmp_path / "w.db"), servers.free_port(), tmp_path / "server.log",
                              SUPABASE_URL=project.url, SUPABASE_SERVICE_ROLE_KEY=project.key("service_role"),
                              WHATSRAG_OUTBOUND_TIMEOUT=2, **env)
    server.start()
    try:
        port = server.port
        assert post_batch(port, 0, PHASE) == [200] * PHASE
        project.fault(503)
        assert post_batch(port, PHASE, PHASE) == [200] * PHASE          # acknowledged: the journal is local
        time.sleep(outage_503)
        during = [servers.health(port)]
        project.refuse()
        assert post_batch(port, 2 * PHASE, PHASE) == [200] * PHASE
        time.sleep(outage_refused)
        during.append(servers.health(port))
        project.clear_fault()
        project.restore()
        assert post_batch(port, 3 * PHASE, PHASE) == [200] * PHASE
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            after = servers.health(port)
            if after["pending"] == 0 and after["runtime_stats"]["messages_processed"] >= 4 * PHASE:
                break
            time.sleep(0.25)
    finally:
        server.stop()
    return during, after


def test_a_store_outage_under_load_loses_nothing_and_drains(project, tmp_path):
    # Back-off scaled down 100x from the defaults (5 s doubling, 8 attempts): a body failing on every
    # attempt would be parked after ~6 s of failures; the store is away for 8 s (4 answering 503, 4
    # refusing connections). The store's own retries (0.5 s doubling, 4 tries) slow each attempt down.
    during, after = run_outage(project, tmp_path, 4, 4, WHATSRAG_RETRY_SECONDS=0.05, WHATSRAG_MAX_ATTEMPTS=8)
    for report in during:
        assert report["status"] == "degraded" and report["components"]["supabase"] == "unhealthy", report
    assert after["status"] == "healthy" and after["pending"] == 0 and after["parked"] == 0, after
    assert after["processing_failures"] > 0, "the outage must have made attempts fail to prove anything"
    ids = stored(project)
    assert len(ids) == len(set(ids)) == 4 * PHASE
    assert after["runtime_stats"]["messages_processed"] == 4 * PHASE
