"""/ask and `whatsrag.py ask`: retrieve with search, answer only from what was retrieved, cite it.

The OpenAI path runs against tests/openai_chat.py, a loopback server speaking the chat completions API
(OpenAI itself cannot be reached from here), through the real `openai` package.
"""
import json

import openai
import pytest

import whatsrag
from extract import Extraction, Listing
from store import SearchHit
from tests.conftest import WSGIClient, make_config, text_message, webhook_body
from tests.openai_chat import ChatCompletions

# The reading of each test message, fixed here so these tests check answering, not the extractor.
SUB_2021 = "Vends Rolex Submariner 126610LN 2021 full set 12 900€"
SUB_2019 = "Vends Submariner 114060 de 2019, boîte seule, 11 500 €"
SUB_NOPRICE = "Submariner 16610 dispo, faire offre"
SPEEDY = "For sale Omega Speedmaster Professional $5,200"
READINGS = {
    SUB_2021: Extraction("sale", (Listing("Rolex", "Submariner", "126610LN", 12900, "EUR", None, 2021,
                                          box=True, papers=True, price_eur=12900),), 0.9, "fr"),
    SUB_2019: Extraction("sale", (Listing("Rolex", "Submariner", "114060", 11500, "EUR", None, 2019,
                                          box=True, papers=False, price_eur=11500),), 0.9, "fr"),
    SUB_NOPRICE: Extraction("sale", (Listing("Rolex", "Submariner", "16610"),), 0.7, "fr"),
    SPEEDY: Extraction("sale", (Listing("Omega", "Speedmaster", None, 5200, "USD", price_eur=4800),), 0.9, "en"),
}


@pytest.fixture
def market(service, monkeypatch):
    """A service whose store holds the four listings above, stored through the webhook pipeline."""
    real = whatsrag.extract
    monkeypatch.setattr(whatsrag, "extract", lambda text: READINGS.get(text) or real(text))
    items = [text_message(f"wamid.m{n}", text, timestamp=1764000000 + n) for n, text in enumerate(READINGS)]
    assert WSGIClient(whatsrag.App(service)).post_webhook(webhook_body(*items))[0] == 200
    whatsrag.drain(service)
    return service


def hit(message_id, listing, kind="sale", text="..."):
    return SearchHit(message_id, text, kind, "Jean", 1764000000, listing, 1.0)


@pytest.mark.parametrize("language, expected", [
    ("en", "2 Rolex Submariner for sale: 12,900 € (126610LN, 2021, full set), 11,500 € (114060, 2019, box only); "
           "1 Omega Speedmaster for sale: 5,200 $; 1 Rolex Submariner wanted: price not given."),
    ("fr", "2 Rolex Submariner à vendre: 12 900 € (126610LN, 2021, full set), 11 500 € (114060, 2019, boîte seule); "
           "1 Omega Speedmaster à vendre: 5 200 $; 1 Rolex Submariner recherché: prix non indiqué."),
])
def test_composed_answer_says_only_what_the_hits_hold(language, expected):
    hits = [hit("a", READINGS[SUB_2021].listings[0]), hit("b", READINGS[SUB_2019].listings[0]),
            hit("c", READINGS[SPEEDY].listings[0]), hit("d", Listing("Rolex", "Submariner"), kind="wanted")]
    assert whatsrag.compose_answer(hits, language) == expected


def test_composed_answer_quotes_messages_without_a_listing_and_admits_when_nothing_matches():
    said = hit("a", None, kind="other", text="Quelqu'un a  une Daytona\nà Paris ?")
    assert whatsrag.compose_answer([said], "en") == "1 matching messages: “Quelqu'un a une Daytona à Paris ?”."
    assert whatsrag.compose_answer([], "fr") == "Aucune annonce ne correspond pour l'instant."


def test_ask_route_answers_from_the_stored_listings(market):
    status, _, body = WSGIClient(whatsrag.App(market)).request(
        "POST", "/ask", json.dumps({"question": "Submariner for sale?", "limit": 3}).encode())
    result = json.loads(body)
    assert status == 200 and set(result) == {"answer", "citations", "results"}
    assert "12,900 €" in result["answer"] and "11,500 €" in result["answer"]
    retrieved = [r["message_id"] for r in result["results"]]
    assert result["citations"] and set(result["citations"]) <= set(retrieved)
    assert len(retrieved) <= 3


def test_ask_route_takes_filters_and_a_get_query(market):
    client = WSGIClient(whatsrag.App(market))
    status, _, body = client.request("POST", "/ask", json.dumps(
        {"question": "Submariner", "filters": {"max_price": 12000}}).encode())
    result = json.loads(body)
    assert status == 200 and "12,900" not in result["answer"] and "11,500 €" in result["answer"]
    status, _, body = client.request("GET", "/ask", query="q=Speedmaster&limit=1")
    assert status == 200 and json.loads(body)["citations"] == ["wamid.m3"]


def test_ask_has_the_same_authorisation_as_search(service_factory, tmp_path):
    open_ = WSGIClient(whatsrag.App(service_factory()))
    assert open_.request("POST", "/ask", b'{"question": "x"}', remote="203.0.113.9")[0] == 403
    keyed = WSGIClient(whatsrag.App(service_factory(make_config(tmp_path, api_key="k3y"))))
    assert keyed.request("POST", "/ask", b'{"question": "x"}')[0] == 401
    assert keyed.request("POST", "/ask", b'{"question": "x"}', {"Authorization": "Bearer k3y"})[0] == 200


@pytest.mark.parametrize("body", [b"nope", b"[]", b'{"query": "uses the wrong key"}', b'{"question": ""}',
                                  b'{"question": "x", "limit": 0}', b'{"question": "x", "filters": {"colour": 1}}'])
def test_ask_rejects_bad_bodies(wsgi, body):
    status, _, reply = wsgi.request("POST", "/ask", body)
    assert status == 400 and json.loads(reply)["error"]


@pytest.fixture
def chat_api():
    with ChatCompletions() as api:
        yield api


def use_model(service, api, model="gpt-4o-mini"):
    client = openai.OpenAI(api_key=api.api_key, base_url=api.base_url, max_retries=2, timeout=10)
    service.answerer = whatsrag.ChatAnswerer(client, model, (openai.OpenAIError,))


def test_model_answers_from_the_retrieved_listings_and_cites_them(market, chat_api):
    use_model(market, chat_api, model="gpt-test-small")
    found = whatsrag.answer(market, "Une Speedmaster ?", limit=2)
    request = chat_api.received[-1]
    assert request["model"] == "gpt-test-small" and request["messages"][0]["role"] == "system"
    prompt = request["messages"][1]["content"]
    assert all(f"[{h.message_id}]" in prompt for h in found.results)       # every retrieved listing offered
    assert found.answer == f"One match: see [{found.results[0].message_id}]."
    assert found.citations == (found.results[0].message_id,)


def test_model_citing_anything_not_retrieved_is_replaced_by_the_listings(market, chat_api):
    chat_api.responder = lambda request: "A Daytona at 9,000 € [wamid.invented] and [wamid.m0]"
    use_model(market, chat_api)
    found = whatsrag.answer(market, "Submariner", limit=2)
    assert "Daytona" not in found.answer and "€" in found.answer
    assert set(found.citations) == {h.message_id for h in found.results}


def test_model_rate_limit_is_retried_and_failures_fall_back_to_the_listings(market, chat_api):
    use_model(market, chat_api)
    chat_api.fail_next(429)                    # Retry-After: 0, the openai package retries it
    assert whatsrag.answer(market, "Speedmaster", limit=1).answer.startswith("One match")
    chat_api.fail_next(500, times=3)           # beyond max_retries=2: the listings answer
    found = whatsrag.answer(market, "Speedmaster", limit=1)
    assert found.answer == "1 Omega Speedmaster for sale: 5,200 $." and found.citations == ("wamid.m3",)


def test_no_hit_means_no_model_call_and_no_listing(service, chat_api):
    use_model(service, chat_api)
    found = whatsrag.answer(service, "Patek Nautilus 5711")
    assert (found.citations, found.results, chat_api.received) == ((), (), [])
    assert found.answer == "No listing matches that yet."


def test_openai_key_switches_the_model_on_with_its_variable(tmp_path):
    assert whatsrag.open_answerer(make_config(tmp_path)) is None
    config = whatsrag.Config.from_env({"OPENAI_API_KEY": "sk-x", "WHATSRAG_ANSWER_MODEL": "gpt-4.1-nano"})
    assert whatsrag.open_answerer(config).model == "gpt-4.1-nano"
    assert whatsrag.Config.from_env({}).answer_model == "gpt-4o-mini"


def test_cli_ask_prints_the_answer_and_marks_cited_results(market, monkeypatch, capsys):
    monkeypatch.setenv("WHATSRAG_DB", market.config.db_path)
    assert whatsrag.main(["ask", "Speedmaster", "--limit", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "1 Omega Speedmaster for sale: 5,200 $." and out[1].startswith(" * [wamid.m3] sale")
