"""No secret and no personal data in the logs at INFO: `python whatsrag.py` runs with every secret set
(app secret, verify token, WhatsApp access token, OpenAI key, /search key), mark-read and auto-reply on,
and its whole output captured while it verifies, receives messages, refuses bad ones, replies through
Meta's Graph API (which fails once), embeds and searches. Then the log is grepped for each secret, each
phone number, each contact name and each message text.

Meta's Graph API and OpenAI cannot be reached from here: tests/graph_api.py and bench/openai_standin.py
stand in for them on loopback, speaking their documented wire formats.
"""
import http.client
import json
import time
import urllib.parse

from bench import loadgen, servers
from bench.openai_standin import EmbeddingsStandin
from tests.graph_api import GraphAPI

SECRETS = {
    "app secret": servers.SECRET,
    "verify token": servers.VERIFY_TOKEN,
    "access token": "EAAG-log-test-access-token-8f3k2",
    "OpenAI key": "sk-log-test-openai-key-5h2j9",
    "search key": "wr-log-test-search-key-1q9z",
}
SENDERS = {"33611223344": "Quintessa Vohringer", "447700900123": "Barnaby Oyelaran"}
TEXTS = (
    "Zorblaxian Submariner 16610 for sale 8900 EUR full set",
    "WTB Zorblaxian Daytona 116500LN white dial budget 30k",
    "Anyone has a Zorblaxian Speedmaster 3861 to sell?",
)
BUSINESS_NUMBER = "15550009876"
QUERY = "Quuxified Nautilus 5711"


def webhook(messages=(), statuses=()):
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": BUSINESS_NUMBER, "phone_number_id": "106540352242922"},
             "contacts": [{"profile": {"name": name}, "wa_id": wa_id} for wa_id, name in SENDERS.items()]}
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "WABA", "changes": [{"value": value, "field": "messages"}]}]}).encode()


def call(port, method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def post(port, body, signature=None):
    signature = signature or loadgen.signature(body, servers.SECRET)
    return call(port, "POST", "/webhook", body, {"Content-Type": "application/json",
                                                "X-Hub-Signature-256": signature})[0]


def test_nothing_secret_or_personal_reaches_the_log_at_info(tmp_path):
    log = tmp_path / "server.log"
    senders = list(SENDERS)
    with GraphAPI(access_token=SECRETS["access token"]) as graph, EmbeddingsStandin(delay=0) as openai:
        graph.fail_next(131026)            # the first reply is undeliverable: an error worth logging
        server = servers.whatsrag(
            str(tmp_path / "w.db"), servers.free_port(), log, LOG_LEVEL="INFO",
            WHATSAPP_ACCESS_TOKEN=SECRETS["access token"], WHATSAPP_PHONE_NUMBER_ID="106540352242922",
            WHATSAPP_API_URL=graph.url, WHATSRAG_MARK_READ=1, WHATSRAG_AUTO_REPLY=1,
            OPENAI_API_KEY=SECRETS["OpenAI key"], OPENAI_BASE_URL=openai.base_url,
            WHATSRAG_API_KEY=SECRETS["search key"], WHATSRAG_RETRY_SECONDS=0.1, WHATSRAG_MAX_ATTEMPTS=2)
        server.start()
        try:
            port = server.port
            query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.challenge": "4711",
                                            "hub.verify_token": SECRETS["verify token"]})
            assert call(port, "GET", f"/webhook?{query}") == (200, b"4711")
            wrong = query.replace("bench-verify", "guess-" + SECRETS["access token"])
            assert call(port, "GET", f"/webhook?{wrong}")[0] == 403
            now = str(int(time.time()))       # inside the 24-hour window: the auto-reply path runs
            messages = [{"from": senders[i % 2], "id": f"wamid.logs.{i}", "timestamp": now,
                         "type": "text", "text": {"body": text}} for i, text in enumerate(TEXTS)]
            for message in messages:
                assert post(port, webhook([message])) == 200
            failed = {"id": "wamid.out.1", "status": "failed", "timestamp": "1767225600",
                      "recipient_id": senders[0],
                      "errors": [{"code": 131026, "title": "Message undeliverable",
                                  "error_data": {"details": f"Message to {senders[0]} undeliverable"}}]}
            assert post(port, webhook(statuses=[failed])) == 200
            assert post(port, webhook([messages[0]]), signature="sha256=" + "0" * 64) == 403
            assert post(port, TEXTS[0].encode()) == 400           # signed, not JSON
            assert post(port, b'{"object": "' + TEXTS[1].encode() + b'"}') == 200   # ignored, with a reason
            assert call(port, "GET", "/search?" + urllib.parse.urlencode({"q": QUERY}),
                        headers={"Authorization": "Bearer " + SECRETS["search key"]})[0] == 200
            assert call(port, "GET", "/search?q=x", headers={"Authorization": "Bearer wrong"})[0] == 401
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                report = json.loads(call(port, "GET", "/health")[1])
                if report["pending"] == 0 and report["runtime_stats"]["messages_processed"] >= len(TEXTS):
                    break
                time.sleep(0.2)
            assert report["runtime_stats"]["messages_processed"] >= len(TEXTS)
        finally:
            server.stop()
        assert openai.requests > 0 and graph.received, "the outbound paths must have run to be checked"

    text = log.read_text(errors="replace")
    assert " INFO " in text and "serving on" in text        # the log was captured, at INFO
    leaks = {f"{what} {value!r}": value for what, value in SECRETS.items()}
    leaks.update({f"phone number {n}": n for n in [*SENDERS, BUSINESS_NUMBER]})
    leaks.update({f"contact name {n!r}": n for n in SENDERS.values()})
    leaks.update({f"message text {t!r}": t for t in TEXTS})
    leaks.update({"a word only the messages carry": "Zorblaxian", "the search query": "Quuxified"})
    found = [what for what, value in leaks.items() if value in text]
    assert not found, f"in the INFO log: {found}\n{text[-3000:]}"
