"""WhatsApp replies: mark-read and opt-in auto-replies through the Graph API, sent once, Meta's errors obeyed.

Meta's Graph API cannot run here: tests/graph_api.py is a loopback server speaking its documented shapes
and error codes, and the real GraphClient (requests) talks to it.
"""
import json
import socket
import time

import pytest
import requests

import whatsrag
from extract import Extraction, Listing
from tests.conftest import WSGIClient, make_config, text_message, webhook_body
from tests.graph_api import ERRORS, GraphAPI

SALE = "Vends Rolex Daytona 116500LN blanc 2022 full set 27 500€"
WANTED = "Cherche Daytona acier 116500LN"
QUESTION = "Quelqu'un connaît le prix d'une Daytona 116500LN en ce moment ?"
CHAT = "Bonjour à tous"
# The reading of each test message, fixed here so these tests check replies, not the extractor.
READINGS = {
    SALE: Extraction("sale", (Listing("Rolex", "Daytona", "116500LN", 27500, "EUR", None, 2022, box=True,
                                      papers=True, price_eur=27500),), 0.9, "fr"),
    WANTED: Extraction("wanted", (Listing("Rolex", "Daytona", "116500LN"),), 0.9, "fr"),
    QUESTION: Extraction("question", (Listing("Rolex", "Daytona", "116500LN"),), 0.8, "fr"),
}
DEALER = "33612345678"


@pytest.fixture
def graph():
    with GraphAPI() as api:
        yield api


@pytest.fixture
def readings(monkeypatch):
    real = whatsrag.extract
    monkeypatch.setattr(whatsrag, "extract", lambda text: READINGS.get(text) or real(text))


def replying_service(service_factory, tmp_path, graph, **overrides):
    config = make_config(tmp_path, access_token=graph.access_token, phone_number_id=graph.phone_number_id,
                         graph_url=graph.url, graph_version=graph.version, **{"mark_read": True,
                                                                              "auto_reply": True, **overrides})
    service = service_factory(config)
    replies = next(hook for hook in service.followups if isinstance(hook, whatsrag.Replies))
    replies.client.backoff = 0.01           # Meta's back-off, compressed for the test
    return service


def deliver(service, *items):
    assert WSGIClient(whatsrag.App(service)).post_webhook(webhook_body(*items))[0] == 200
    whatsrag.drain(service)


def now_message(message_id, text, **kw):
    return text_message(message_id, text, sender=DEALER, timestamp=int(time.time()) - 60, **kw)


def test_wanted_and_question_get_the_best_matches_quoting_them(service_factory, tmp_path, graph, readings):
    service = replying_service(service_factory, tmp_path, graph)
    deliver(service, now_message("wamid.sale", SALE))
    deliver(service, now_message("wamid.want", WANTED), now_message("wamid.ask", QUESTION),
            now_message("wamid.chat", CHAT))
    replies = graph.sent("text")
    assert [(r["to"], r["context"]["message_id"]) for r in replies] == [(DEALER, "wamid.want"), (DEALER, "wamid.ask")]
    assert all("Rolex Daytona à vendre: 27 500 € (116500LN, 2022, full set)" in r["text"]["body"] for r in replies)
    assert replies[0]["messaging_product"] == "whatsapp" and replies[0]["type"] == "text"
    assert sorted(r["message_id"] for r in graph.sent("read")) == ["wamid.ask", "wamid.chat", "wamid.sale",
                                                                  "wamid.want"]


def test_nothing_is_sent_twice_on_redelivery_retry_or_restart(service_factory, tmp_path, graph, readings):
    service = replying_service(service_factory, tmp_path, graph)
    deliver(service, now_message("wamid.sale", SALE), now_message("wamid.want", WANTED))
    sent = len(graph.sent())
    deliver(service, now_message("wamid.want", WANTED))             # Meta delivers again
    service.close()
    restarted = replying_service(service_factory, tmp_path, graph)   # same database, new process
    deliver(restarted, now_message("wamid.want", WANTED))
    hook = next(h for h in restarted.followups if isinstance(h, whatsrag.Replies))
    message, = whatsrag.Delivery.from_payload(json.loads(webhook_body(now_message("wamid.want", WANTED)))).messages
    hook(restarted, [(message, whatsrag.stored_message(message, READINGS[WANTED]))])   # the hook run again
    assert len(graph.sent()) == sent == 3 and len(graph.received) == 3


def test_no_reply_outside_the_24_hour_window_in_groups_or_without_a_match(service_factory, tmp_path, graph,
                                                                          readings):
    service = replying_service(service_factory, tmp_path, graph)
    old = text_message("wamid.old", WANTED, sender=DEALER, timestamp=int(time.time()) - 25 * 3600)
    deliver(service, old)                                            # nothing stored to match yet, and old
    deliver(service, now_message("wamid.sale", SALE))
    deliver(service, old | {"id": "wamid.old2"}, now_message("wamid.group", WANTED) | {"group_id": "G1"})
    assert graph.sent("text") == []
    assert len(graph.sent("read")) == 4


def test_imported_history_is_never_read_marked_or_answered(service_factory, tmp_path, graph, readings):
    service = replying_service(service_factory, tmp_path, graph)
    deliver(service, now_message("wamid.sale", SALE))
    export = tmp_path / "chat.txt"
    stamp = time.strftime("%d/%m/%Y %H:%M", time.gmtime(time.time() - 60))
    export.write_text(f"{stamp} - +33 6 12 34 56 78: {WANTED}\n", encoding="utf-8")
    assert whatsrag.import_chat(service, export).new == 1
    assert [r["body"].get("message_id") for r in graph.received] == ["wamid.sale"]


def test_switches_off_by_default_and_need_the_whatsapp_credentials(service_factory, tmp_path, graph):
    assert not any(isinstance(h, whatsrag.Replies) for h in service_factory().followups)
    lacking = service_factory(make_config(tmp_path, mark_read=True, auto_reply=True))
    assert not any(isinstance(h, whatsrag.Replies) for h in lacking.followups)
    config = whatsrag.Config.from_env({"WHATSRAG_MARK_READ": "1", "WHATSRAG_AUTO_REPLY": "true"})
    assert (config.mark_read, config.auto_reply) == (True, True)
    with pytest.raises(whatsrag.ConfigError, match="WHATSRAG_AUTO_REPLY"):
        whatsrag.Config.from_env({"WHATSRAG_AUTO_REPLY": "maybe"})


def client_for(graph, **kw):
    return whatsrag.GraphClient(requests.Session(), graph.url, graph.version, graph.phone_number_id,
                                graph.access_token, timeout=5, **kw)


@pytest.mark.parametrize("code", sorted(whatsrag.GRAPH_RETRIED))
def test_passing_meta_errors_are_retried_with_back_off(graph, code):
    delays = []
    graph.fail_next(code, times=2)
    reply = client_for(graph, sleep=delays.append, backoff=0.5).send_text(DEALER, "hello", "wamid.in")
    assert reply["messages"][0]["id"].startswith("wamid.") and delays == [0.5, 1.0]
    assert len(graph.received) == 3 and len(graph.sent("text")) == 1


@pytest.mark.parametrize("code", sorted(whatsrag.GRAPH_FINAL))
def test_final_meta_errors_are_not_retried(graph, code):
    graph.fail_next(code)
    with pytest.raises(whatsrag.GraphError) as raised:
        client_for(graph, sleep=pytest.fail).send_text(DEALER, "hello")
    assert raised.value.code == code and not raised.value.retryable and len(graph.received) == 1


def test_retries_end_after_the_last_attempt(graph):
    graph.fail_next(130429, times=10)
    with pytest.raises(whatsrag.GraphError) as raised:
        client_for(graph, attempts=3, sleep=lambda s: None).mark_read("wamid.in")
    assert raised.value.code == 130429 and len(graph.received) == 3


def test_an_unreachable_api_is_retried_for_read_receipts_only():
    with socket.socket() as probe:           # a port nothing listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delays = []
    client = whatsrag.GraphClient(requests.Session(), f"http://127.0.0.1:{port}", "v21.0", "1", "t", timeout=2,
                                  attempts=3, sleep=delays.append)
    with pytest.raises(whatsrag.GraphError):
        client.mark_read("wamid.in")
    assert len(delays) == 2
    with pytest.raises(whatsrag.GraphError):
        client.send_text(DEALER, "hello")    # Meta may have it: a send is never repeated blindly
    assert len(delays) == 2


def test_final_errors_are_journaled_counted_and_degrade_health(service_factory, tmp_path, graph, readings):
    service = replying_service(service_factory, tmp_path, graph)
    deliver(service, now_message("wamid.sale", SALE))
    graph.fail_next(131047)                  # the read receipt of the wanted message
    graph.fail_next(190)                     # its reply: the token has expired
    deliver(service, now_message("wamid.want", WANTED))
    journal = next(h for h in service.followups if isinstance(h, whatsrag.Replies)).journal
    assert journal.counts() == {"read_sent": 1, "read_failed": 1, "reply_failed": 1,
                                "error_131047": 1, "error_190": 1}
    status, _, body = WSGIClient(whatsrag.App(service)).request("GET", "/health")
    health = json.loads(body)
    assert health["status"] == "degraded" and health["components"]["whatsapp_replies"] == "unhealthy"
    assert {k: health[k] for k in whatsrag.ReplyJournal.REPORTED} == {
        "replies_sent": 0, "replies_failed": 1, "read_receipts_sent": 1, "read_receipts_failed": 1}


def test_reply_counters_in_health_and_stats(service_factory, tmp_path, graph, readings):
    service = replying_service(service_factory, tmp_path, graph)
    assert whatsrag.stats_report(service.journal, service.config.db_path)["replies_sent"] == 0
    deliver(service, now_message("wamid.sale", SALE))
    deliver(service, now_message("wamid.want", WANTED), now_message("wamid.ask", QUESTION))
    report = whatsrag.stats_report(service.journal, service.config.db_path)
    assert {k: report[k] for k in whatsrag.ReplyJournal.REPORTED} == {
        "replies_sent": len(graph.sent("text")), "replies_failed": 0,
        "read_receipts_sent": len(graph.sent("read")), "read_receipts_failed": 0}
    assert report["replies_sent"] == 2 and report["read_receipts_sent"] == 3


def test_the_stand_in_refuses_a_wrong_token_like_meta(graph):
    client = whatsrag.GraphClient(requests.Session(), graph.url, graph.version, graph.phone_number_id, "wrong",
                                  timeout=5, sleep=pytest.fail)
    with pytest.raises(whatsrag.GraphError) as raised:
        client.send_text(DEALER, "hello")
    assert raised.value.code == 190 and ERRORS[190][0] == 401
