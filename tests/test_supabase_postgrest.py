"""The PostgREST stand-in (tests/postgrest.py) answers as PostgREST documents, on raw HTTP requests.

PostgREST cannot be installed here, so the Supabase store is tested against this stand-in; these tests
pin the behaviour it copies from PostgREST's docs ("Tables and Views", "Prefer header", "Errors",
"Functions as RPC") so that the store's tests mean something.
"""

import pytest
import requests

from tests.postgrest import open_project_or_skip


@pytest.fixture(scope="module")
def project():
    project = open_project_or_skip()
    yield project
    project.stop()


@pytest.fixture
def api(project):
    conn = project.connect()
    conn.run("truncate public.messages, public.listings")
    conn.close()
    key = project.key("service_role")
    session = requests.Session()
    session.headers.update({"apikey": key, "Authorization": f"Bearer {key}"})

    def send(method, path, **kwargs):
        return session.request(method, f"{project.url}/rest/v1/{path}", timeout=5, **kwargs)
    yield send
    session.close()


ROW = {"message_id": "m1", "text": "Vends Tudor BB58", "type": "sale", "timestamp": 1, "source": "import"}


def test_insert_with_return_minimal_is_201_without_a_body(api):
    response = api("POST", "messages", json=ROW, headers={"Prefer": "return=minimal"})
    assert (response.status_code, response.content) == (201, b"")
    assert response.headers["Preference-Applied"] == "return=minimal"


def test_a_duplicate_plain_insert_is_409_with_the_postgres_error(api):
    api("POST", "messages", json=ROW)
    response = api("POST", "messages", json=ROW)
    assert response.status_code == 409
    assert response.json()["code"] == "23505" and set(response.json()) == {"code", "details", "hint", "message"}


def test_merge_duplicates_updates_and_representation_returns_the_rows(api):
    api("POST", "messages", json=ROW)
    response = api("POST", "messages?on_conflict=message_id", json=[dict(ROW, text="Vends Tudor BB58 3k")],
                   headers={"Prefer": "resolution=merge-duplicates,return=representation"})
    assert response.status_code == 201
    assert response.headers["Preference-Applied"] == "resolution=merge-duplicates, return=representation"
    assert [row["text"] for row in response.json()] == ["Vends Tudor BB58 3k"]


def test_ignore_duplicates_keeps_the_first_row(api):
    api("POST", "messages", json=ROW)
    response = api("POST", "messages", json=dict(ROW, text="changed"),
                   headers={"Prefer": "resolution=ignore-duplicates,return=representation"})
    assert (response.status_code, response.json()) == (201, [])
    assert api("GET", "messages?select=text").json() == [{"text": ROW["text"]}]


@pytest.mark.parametrize("body, message", [
    (b"{not json", "Empty or invalid json"),
    (b'[{"message_id": "a"}, {"text": "b"}]', "All object keys must match"),
])
def test_bad_bodies_are_400_pgrst102(api, body, message):
    response = api("POST", "messages", data=body, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (400, "PGRST102", message)


def test_an_unknown_column_is_400_pgrst204_and_an_unknown_table_404_pgrst205(api):
    assert api("POST", "messages", json={"nope": 1}).json()["code"] == "PGRST204"
    response = api("GET", "nope?select=a")
    assert (response.status_code, response.json()["code"]) == (404, "PGRST205")


def test_a_check_violation_is_400(api):
    response = api("POST", "messages", json=dict(ROW, type="spam"))
    assert (response.status_code, response.json()["code"]) == (400, "23514")


def test_rpc_with_unknown_arguments_is_404_pgrst202(api):
    response = api("POST", "rpc/match_listings", json={"nope": 1})
    assert (response.status_code, response.json()["code"]) == (404, "PGRST202")


def test_requests_without_a_key_or_with_a_forged_one_are_401(project):
    response = requests.get(f"{project.url}/rest/v1/messages", timeout=5)
    assert response.status_code == 401 and "No API key" in response.json()["message"]
    forged = project.key("service_role")[:-3] + "abc"
    response = requests.get(f"{project.url}/rest/v1/messages", headers={"apikey": forged}, timeout=5)
    assert response.status_code == 401 and response.json()["message"] == "Invalid API key"


def test_a_wrong_vector_size_comes_back_as_postgres_says_it(api):
    api("POST", "messages", json=ROW)
    listing = {"message_id": "m1", "position": 0, "has_listing": True, "type": "sale", "timestamp": 1,
               "embedded_text": "x", "words": "x", "embedder": "e", "embedding": [0.5] * 3}
    response = api("POST", "listings", json=listing)
    assert response.status_code == 400 and "expected 512 dimensions, not 3" in response.json()["message"]
