"""The webhook core: every fixture payload read into records, replayed through the WSGI app in-process and
through the real server; verification, signatures, limits and malformed bodies."""
import http.client
import json
import logging
import socket
import threading
import time

import pytest

import store as listings
import whatsrag
from conftest import (APP_SECRET, VERIFY_TOKEN, WSGIClient, fixture_files, make_config, text_message,
                      wait_until, webhook_body)

EDIT_ID = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA="
EDITED_ID = "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA="
GROUP_MSG = "wamid.HASDI128HJOPUERIH82ahdasd09ASDHi5>"

# What each fixture must yield: messages as (id, type, text), statuses as (id, status), and error codes
# (value.errors, messages[].errors, statuses[].errors). Every fixture file must have a row here.
EXPECTED = {
    "meta_msg_group_text": ([(GROUP_MSG, "text", "What does everyone think about this?")], [], []),
    "meta_msg_text_ctwa_ad_referral": ([("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA=", "text",
                                         "Can I get more info about this?")], [], []),
    "meta_msg_text_message_business_referred_product": (
        [("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTA2NTUwRkNEMDdFQjJCRUU0NQA=", "text", "Is this still available?")],
        [], []),
    "meta_status_failed_131049": ([], [("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA", "failed")],
                                  [131049]),
    "meta_status_sent_pmp_marketing": ([], [(EDIT_ID, "sent")], []),
    "meta_status_sent_v24_minimal": ([], [(EDIT_ID, "sent")], []),
    "meta_value_errors_130429_rate_limit": ([], [], [130429]),
    "msg_audio": ([("wamid.xyzxyz", "audio", None)], [], []),
    "msg_audio_voice_note": ([("wamid.xyzxyz", "audio", None)], [], []),
    "msg_button_template_quick_reply": ([("wamid.xsidjw", "button", "title")], [], []),
    "msg_contacts": ([("wamid.xyzxyz", "contacts", None)], [], []),
    "msg_document_caption_forwarded": ([("wamid.xyzxyz", "document", "caption")], [], []),
    "msg_edit_image_caption": ([(EDIT_ID, "edit", "Updated image caption")], [], []),
    "msg_image": ([("wamid.xyzxyz", "image", None)], [], []),
    "msg_image_with_url": ([("wamid.xyzxyz", "image", None)], [], []),
    "msg_interactive_button_reply": ([("wamid.xyzxyz", "interactive", "title")], [], []),
    "msg_interactive_list_reply": ([("wamid.zyzxyz", "interactive", "title")], [], []),
    "msg_interactive_nfm_reply_flow": ([("wamid.wegrchytvwcggt==", "interactive", None)], [], []),
    "msg_location_current": ([("wamid.xyzxyz", "location", None)], [], []),
    "msg_location_named_place": ([("wamid.xyzxyz", "location", None)], [], []),
    "msg_order": ([("wamid.xyzxyz", "order", None)], [], []),
    "msg_reaction": ([("wamid.xyzxyz", "reaction", None)], [], []),
    "msg_reaction_removed": ([("wamid.xyzxyz", "reaction", None)], [], []),
    "msg_revoke_deleted": ([("<WHATSAPP_MESSAGE_ID>", "revoke", None)], [], []),
    "msg_sticker": ([("wamid.xyzxyz", "sticker", None)], [], []),
    "msg_system_user_changed_number": ([("wamid.xyzxyz==", "system", None)], [], []),
    "msg_text": ([("wamid.xyzxyz", "text", "Body Text")], [], []),
    "msg_text_forwarded": ([("wamid.xyzxyz", "text", "forwarded text")], [], []),
    "msg_text_frequently_forwarded": ([("wamid.xyzxyz", "text", "text forwarded many times")], [], []),
    "msg_text_referral_placeholder": ([("wamid.ID", "text", "BODY")], [], []),
    "msg_text_reply_context": ([("wamid.xyzxyz", "text", "replied text")], [], []),
    "msg_unsupported_poll": ([("wamid.xyzxyz", "unsupported", None)], [], [131051]),
    "msg_video_caption_forwarded": ([("wamid.xyzxyz", "video", "caption")], [], []),
    "status_delivered": ([], [("wamid.xyzxyz", "delivered")], []),
    "status_failed_130472": ([], [("wamid.xyzxyz", "failed")], [130472]),
    "status_played_voice": ([], [("wamid.xyzxyz", "played")], []),
    "status_read": ([], [("wamid.xyzxyz", "read")], []),
    "status_read_group_recipient": ([], [("<WHATSAPP_MESSAGE_ID>", "read")], []),
    "status_sent_cbp": ([], [("wamid.xyzxyz", "sent")], []),
    "value_errors_131000_unsupported_webhook_payload": ([("wamid.wegrchytvwcggt=", "interactive", None)], [],
                                                        [131000]),
}
FIXTURES = {path.stem: path for path in fixture_files()}


def test_every_fixture_has_expectations():
    assert len(FIXTURES) == 40
    assert sorted(FIXTURES) == sorted(EXPECTED)


def read_delivery(name) -> whatsrag.Delivery:
    return whatsrag.Delivery.from_payload(json.loads(FIXTURES[name].read_bytes()))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_records(name):
    delivery = read_delivery(name)
    messages, statuses, codes = EXPECTED[name]
    assert [(m.message_id, m.type, m.text) for m in delivery.messages] == messages
    assert [(s.message_id, s.status) for s in delivery.statuses] == statuses
    found = [e.code for e in delivery.errors] + [e.code for m in delivery.messages for e in m.errors] \
        + [e.code for s in delivery.statuses for e in s.errors]
    assert found == codes
    assert whatsrag.ignore_reason(json.loads(FIXTURES[name].read_bytes())) is None


def test_context_sender_and_group_fields():
    reply = read_delivery("msg_text_reply_context").messages[0]
    assert (reply.reply_to, reply.forwarded, reply.sender_id, reply.contact_name, reply.timestamp) == \
        ("wamid.xyzxyz==", False, "972987654321", "Test Name", 1697044746)
    assert reply.business_phone_id == "1122334455667"
    forwarded = read_delivery("msg_text_frequently_forwarded").messages[0]
    assert forwarded.forwarded and forwarded.reply_to is None
    group = read_delivery("meta_msg_group_text").messages[0]
    assert (group.group_id, group.contact_name) == ("HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA",
                                                    "Tiago Mingo")
    edit = read_delivery("msg_edit_image_caption").messages[0]
    assert edit.edits == EDITED_ID
    assert read_delivery("msg_system_user_changed_number").messages[0].contact_name is None
    failed = read_delivery("status_failed_130472").statuses[0].errors[0]
    assert (failed.code, failed.title) == (130472, "User's number is part of an experiment")


def test_odd_shapes_never_raise_and_items_without_id_are_counted():
    payload = {"object": "whatsapp_business_account", "entry": [
        None, {"changes": "x"}, {"changes": [{"field": "messages", "value": {
            "messages": [{"type": "text", "text": {"body": "no id"}}, "junk", {"id": 5}],
            "statuses": [{"status": "read"}], "contacts": "nope", "errors": [{"code": "x"}]}}]}]}
    delivery = whatsrag.Delivery.from_payload(payload)
    assert delivery.messages == () and delivery.statuses == ()
    assert delivery.skipped == 4
    assert [e.code for e in delivery.errors] == [None]


# ---------------------------------------------------------------------------------------------
# Every fixture through the WSGI app in-process, each into a fresh service
# ---------------------------------------------------------------------------------------------

def capture_followups(service) -> list:
    seen = []
    service.followups.append(lambda _service, fresh: seen.extend(fresh))
    return seen


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_replayed_in_process(name, service, wsgi):
    handed = capture_followups(service)
    status, _, body = wsgi.post_webhook(FIXTURES[name].read_bytes())
    assert (status, json.loads(body)) == (200, {"status": "received"})
    assert whatsrag.drain(service) == 1
    messages, statuses, codes = EXPECTED[name]
    stats = service.journal.stats()
    assert stats.get("messages_received", 0) == len(messages)
    assert stats.get("messages_processed", 0) == sum(text is not None for _, _, text in messages)
    assert stats.get("statuses", 0) == len(statuses)
    assert stats.get("errors", 0) == len(codes)
    assert stats.get("statuses_failed", 0) == sum(s == "failed" for _, s in statuses)
    stored = [(s.message_id, s.text, s.source) for _, s in handed]
    wanted = [(EDITED_ID if kind == "edit" else mid, text, "webhook") for mid, kind, text in messages if text]
    assert stored == wanted
    assert service.journal.counts()["done"] == 1
    for message_id, text, _ in stored:          # what was stored is found again
        hits = listings.search(service.store, service.embedder, text, None, 10)
        assert message_id in [hit.message_id for hit in hits]


def test_all_fixtures_in_one_service_count_duplicates(service, wsgi):
    for path in FIXTURES.values():
        assert wsgi.post_webhook(path.read_bytes())[0] == 200
    assert whatsrag.drain(service) == 40
    stats = service.journal.stats()
    distinct = {mid for messages, _, _ in EXPECTED.values() for mid, _, _ in messages}
    total = sum(len(messages) for messages, _, _ in EXPECTED.values())
    assert stats["messages_received"] == len(distinct) == 12
    assert stats["duplicates"] == total - len(distinct) == 18
    assert stats["statuses"] == 8 and stats["duplicate_statuses"] == 1


# ---------------------------------------------------------------------------------------------
# Every fixture through the real server, over one keep-alive connection
# ---------------------------------------------------------------------------------------------

def test_all_fixtures_through_the_real_server(live_server):
    server = live_server()
    handed = capture_followups(server.service)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    sockets = set()
    for path in FIXTURES.values():
        body = path.read_bytes()
        conn.request("POST", "/webhook", body, {"X-Hub-Signature-256": whatsrag.sign(APP_SECRET, body),
                                                "Content-Type": "application/json"})
        response = conn.getresponse()
        assert (response.status, json.loads(response.read())) == (200, {"status": "received"})
        sockets.add(id(conn.sock))
    assert len(sockets) == 1                    # keep-alive: one connection carried all 40
    journal = server.service.journal
    wait_until(lambda: journal.counts()["done"] == 40)
    stats = journal.stats()
    assert (stats["messages_received"], stats["duplicates"], stats["statuses"]) == (12, 18, 8)
    # deliveries are processed concurrently: of several fixtures sharing an id, whichever comes first is stored
    texts = {}
    for messages, _, _ in EXPECTED.values():
        for mid, kind, text in messages:
            texts.setdefault(EDITED_ID if kind == "edit" else mid, set()).add(text)
    stored = {s.message_id: s.text for _, s in handed}
    assert len(stored) == len(handed) and all(text in texts[mid] for mid, text in stored.items())
    assert set(stored) >= {mid for mid, found in texts.items() if found != {None}} - {"wamid.xyzxyz"}
    conn.request("GET", "/health")
    health = json.loads(conn.getresponse().read())
    assert health["runtime_stats"]["messages_received"] == 12
    assert health["pending"] == 0 and health["status"] == "healthy"
    conn.close()


def reply_until_closed(port: int, raw: bytes) -> bytes:
    """Everything the server sends back for raw bytes, up to its closing the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return reply

def test_server_answers_http10_and_closes_after_a_refused_body(live_server):
    server = live_server()
    reply = reply_until_closed(server.port, b"GET /health HTTP/1.0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n") and b'"status": "healthy"' in reply
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nnot j")
        head = sock.recv(65536)
        assert head.startswith(b"HTTP/1.1 401 ")         # unsigned, refused before JSON parsing


SIGNED = webhook_body(text_message("wamid.wire.1", "Vends Rolex Submariner 116610LN 2018 8,2k€"))


def signed_head(*fields: bytes, eol=b"\r\n") -> bytes:
    """A signed POST /webhook with the given extra field lines (each line ending in eol), body included."""
    lines = [b"POST /webhook HTTP/1.1", b"Host: x", *fields,
             b"X-Hub-Signature-256: " + whatsrag.sign(APP_SECRET, SIGNED).encode()]
    if not any(f.lower().startswith(b"content-length") for f in fields):
        lines.append(b"Content-Length: %d" % len(SIGNED))
    return eol.join(lines) + eol + eol + SIGNED


# (what, raw request, status line start, whether the server closes the connection after it)
WIRE = [
    ("a signed POST", signed_head(), b"HTTP/1.1 200 ", False),
    ("field names in any case", signed_head().replace(b"X-Hub-Signature-256:", b"x-HUB-signature-256:").replace(
        b"Content-Length:", b"CONTENT-length:"), b"HTTP/1.1 200 ", False),
    ("a repeated field's values joined", signed_head(b"X-Hub-Signature-256: sha256=00"), b"HTTP/1.1 403 ", False),
    ("lines ending in a bare LF", signed_head(eol=b"\n"), b"HTTP/1.1 200 ", False),
    ("an empty line before the request", b"\r\n" + signed_head(), b"HTTP/1.1 200 ", False),
    ("Connection: close", signed_head(b"Connection: close"), b"HTTP/1.1 200 ", True),
    ("HTTP/1.0 keep-alive", b"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", b"HTTP/1.1 200 ", False),
    ("a leading // folded", b"GET //health HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 200 ", False),
    ("space before the colon", signed_head().replace(b"Content-Length:", b"Content-Length :"), b"HTTP/1.1 400 ", True),
    ("a field line with no colon", signed_head(b"Just some words"), b"HTTP/1.1 400 ", True),
    ("an obs-fold continuation", signed_head(b"X-Folded: a", b" continued"), b"HTTP/1.1 400 ", True),
    ("two equal Content-Length", signed_head(b"Content-Length: %d" % len(SIGNED), b"Content-Length: %d" % len(SIGNED)),
     b"HTTP/1.1 400 ", True),
    ("two different Content-Length", signed_head(b"Content-Length: %d" % len(SIGNED), b"Content-Length: 7"),
     b"HTTP/1.1 400 ", True),
    ("a Content-Length of letters", signed_head(b"Content-Length: abc"), b"HTTP/1.1 400 ", True),
    ("101 header fields", signed_head(*[b"X-H%d: v" % i for i in range(101)]), b"HTTP/1.1 431 ", True),
    ("a 70 kB header line", signed_head(b"X-Junk: " + b"a" * 70_000), b"HTTP/1.1 431 ", True),
    ("an HTTP/0.9 request", b"GET /health\r\n\r\n", b"HTTP/1.1 400 ", True),
    ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", b"HTTP/1.1 505 ", True),
    ("a malformed version", b"GET /health HTTP/1.x\r\n\r\n", b"HTTP/1.1 400 ", True),
]


@pytest.mark.parametrize("raw,status,closes", [case[1:] for case in WIRE], ids=[case[0] for case in WIRE])
def test_request_line_and_header_fields_over_the_wire(live_server, raw, status, closes):
    server = live_server()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(raw + b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")   # then a second request
        reply = b""
        while reply.count(b"HTTP/1.1 ") < 2 and (chunk := sock.recv(65536)):
            reply += chunk
    assert reply.startswith(status), reply[:200]
    # a closed connection answers nothing more; one kept in step answers the second request too
    assert (reply.count(b"HTTP/1.1 200 OK\r\n") - status.startswith(b"HTTP/1.1 200")) == (0 if closes else 1), reply


def test_a_client_that_leaves_mid_request_costs_no_traceback(live_server, capfd, caplog):
    """socketserver prints the traceback of any exception a handler lets out; a client that goes away or
    is cut by the deadline is ordinary, and answers nothing."""
    server = live_server(request_timeout=0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n")           # the header block never ends
        assert sock.recv(65536) == b""                                  # cut at the deadline
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    # closed with a reset (linger 0) mid-body; the server is still whole
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/health")
    assert conn.getresponse().status == 200
    conn.close()
    time.sleep(0.3)
    assert "Traceback" not in capfd.readouterr().err
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]     # no "POST /webhook failed"


# ---------------------------------------------------------------------------------------------
# Verification handshake
# ---------------------------------------------------------------------------------------------

def verify_query(mode="subscribe", token=VERIFY_TOKEN, challenge="1158201444"):
    return f"hub.mode={mode}&hub.verify_token={token}&hub.challenge={challenge}"


def test_verification_echoes_the_challenge(wsgi):
    status, headers, body = wsgi.request("GET", "/webhook", query=verify_query())
    assert (status, body) == (200, b"1158201444")
    assert headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("query", [verify_query(token="wrong"), verify_query(mode="unsubscribe"),
                                   verify_query(token=""), "hub.challenge=1"])
def test_verification_refused(wsgi, query):
    status, _, body = wsgi.request("GET", "/webhook", query=query)
    assert status == 403 and b"1158201444" not in body


def test_verification_refused_without_a_configured_token(tmp_path, service_factory, caplog):
    client = WSGIClient(whatsrag.App(service_factory(verify_token=None)))
    with caplog.at_level("WARNING", logger="whatsrag"):
        status, _, _ = client.request("GET", "/webhook", query=verify_query(token=""))
    assert status == 403
    assert "WHATSAPP_VERIFY_TOKEN is not set" in caplog.text


# ---------------------------------------------------------------------------------------------
# Signature, size and body checks
# ---------------------------------------------------------------------------------------------

BODY = webhook_body(text_message("wamid.sig1", "Rolex Daytona 116500LN 28500€"))


def test_signature_missing_is_401(service, wsgi):
    assert wsgi.post_webhook(BODY, secret=None)[0] == 401
    assert service.journal.counts()["pending"] == 0


def test_signature_wrong_is_403(service, wsgi):
    assert wsgi.post_webhook(BODY, secret="another-secret")[0] == 403
    status, _, _ = wsgi.post_webhook(BODY, headers={"X-Hub-Signature-256": "sha256=zz"})
    assert status == 403
    assert service.journal.counts()["pending"] == 0


def test_signature_right_is_200_and_uppercase_hex_is_accepted(service, wsgi):
    assert wsgi.post_webhook(BODY)[0] == 200
    upper = "sha256=" + whatsrag.sign(APP_SECRET, BODY)[7:].upper()
    assert wsgi.post_webhook(BODY, headers={"X-Hub-Signature-256": upper})[0] == 200
    assert service.journal.counts()["pending"] == 2


def test_signature_is_over_the_raw_bytes_not_reserialised_json(service, wsgi):
    # Meta sends escaped unicode ("\u00e9"); the same JSON re-serialised has other bytes
    raw = b'{"object": "whatsapp_business_account", "entry": [], "note": "Montre d\\u00e9j\\u00e0 vendue"}'
    again = json.dumps(json.loads(raw), ensure_ascii=False).encode()
    assert raw != again
    headers = {"X-Hub-Signature-256": whatsrag.sign(APP_SECRET, again)}
    assert wsgi.request("POST", "/webhook", raw, headers)[0] == 403
    assert wsgi.post_webhook(raw)[0] == 200


def test_unset_secret_accepts_unsigned_bodies_and_health_says_so(service_factory):
    service = service_factory(app_secret=None)
    client = WSGIClient(whatsrag.App(service))
    assert client.post_webhook(BODY, secret=None)[0] == 200
    health = json.loads(client.request("GET", "/health")[2])
    assert health["signature_check"] == "off"
    assert any("NOT checked" in line for _, line in whatsrag.describe(service.config))


class UnreadableBody:
    """wsgi.input that fails the test if anything reads it."""
    def read(self, size=-1):
        raise AssertionError("the body was read")


def test_oversized_body_is_413_without_reading(service):
    request = whatsrag.Request("POST", "/webhook", {}, {"content-length": str(service.config.max_body + 1)},
                               "127.0.0.1", UnreadableBody())
    response = whatsrag.receive_webhook(service, request)
    assert response.status == 413 and "error" in json.loads(response.body)


def test_oversized_body_is_413_over_the_wire_before_it_is_sent(live_server):
    server = live_server(max_body=4096)
    # announce 10 MB but send none of it: the answer must come anyway, then the connection closes
    reply = reply_until_closed(server.port, b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 413 ") and b"Connection: close" in reply


def post_unread(service, headers) -> whatsrag.Response:
    return whatsrag.receive_webhook(service, whatsrag.Request("POST", "/webhook", {}, headers, "", UnreadableBody()))


@pytest.mark.parametrize("length,status", [(None, 411), ("abc", 400), ("-1", 400), ("1e3", 400), ("", 400),
                                           ("²", 400), ("1 2", 400)])
def test_content_length_missing_or_invalid(service, length, status):
    assert post_unread(service, {} if length is None else {"content-length": length}).status == status


def test_chunked_body_is_411(service):
    assert post_unread(service, {"transfer-encoding": "chunked"}).status == 411


def test_body_shorter_than_its_length_is_400(service, wsgi):
    status, _, body = wsgi.request("POST", "/webhook", b"{}", {"Content-Length": "10",
                                                                "X-Hub-Signature-256": "sha256=00"}, length=False)
    assert status == 400 and b"shorter" in body


@pytest.mark.parametrize("raw", [b"not json", b"{\"object\": ", b"\xff\xfe\x00garbage", b"", b"[1, 2]", b"\"text\"",
                                 b"42", b"null", b"[" * 100000 + b"]" * 100000])
def test_bad_json_or_not_an_object_is_400_with_a_json_error(service, wsgi, raw):
    status, headers, body = wsgi.post_webhook(raw)
    assert status == 400
    assert headers["Content-Type"].startswith("application/json") and json.loads(body)["error"]
    assert sum(service.journal.counts().values()) == 0


@pytest.mark.parametrize("payload", [
    {"object": "page", "entry": []},
    {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "account_update", "value": {}}]}]},
    {"hello": "world"}])
def test_valid_json_that_is_not_a_messages_payload_is_200_and_recorded_ignored(service, wsgi, payload):
    assert wsgi.post_webhook(json.dumps(payload).encode())[0] == 200
    assert service.journal.counts()["ignored"] == 1
    assert whatsrag.drain(service) == 0                 # nothing for the workers
    assert service.journal.stats()["bodies_ignored"] == 1


def test_unknown_route_and_method(wsgi):
    assert wsgi.request("GET", "/nope")[0] == 404
    status, headers, _ = wsgi.request("DELETE", "/webhook")
    assert status == 405 and headers["Allow"] == "GET, POST"


# ---------------------------------------------------------------------------------------------
# A client that drips bytes cannot hold a server thread past the request deadline
# ---------------------------------------------------------------------------------------------

def test_slow_client_is_cut_at_the_request_deadline(live_server):
    server = live_server(request_timeout=1.0)
    request = b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n" + b"x" * 200
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sent, started = 0, time.monotonic()
        try:
            for byte in request:            # one byte every 0.1 s: 28 s to send it all
                sock.sendall(bytes([byte]))
                sent += 1
                time.sleep(0.1)
                if time.monotonic() - started > 15:
                    break
        except OSError:
            pass                            # the server cut the connection: what we want
        cut = sent < len(request)
    assert cut, "the server kept reading a dripping client for 15 s"


def test_hostile_values_are_read_not_crashed_on(service, wsgi):
    # wrong types, a lone surrogate (valid JSON, not encodable as UTF-8), absurd timestamps
    raw = webhook_body(
        {"from": "1", "id": "wamid.t1", "timestamp": "9" * 400, "type": {"x": 1}, "text": {"body": "hi"}},
        {"from": ["1"], "id": "wamid.t2", "timestamp": -5, "type": "text", "text": {"body": "caf\ud800 Rolex"}},
        {"from": "1", "id": "wamid.\ud800", "timestamp": 1e300, "type": ["text"], "text": "not an object"},
        statuses=[{"id": "wamid.s\udfff", "status": {"a": 1}, "timestamp": None}])
    assert b"\\ud800" in raw                     # json.dumps escapes it, as Meta would
    assert wsgi.post_webhook(raw)[0] == 200
    assert whatsrag.drain(service) == 1
    assert service.journal.counts()["done"] == 1, service.journal.parked()
    messages = whatsrag.Delivery.from_payload(json.loads(raw)).messages
    assert [m.timestamp for m in messages] == [whatsrag.MAX_TIMESTAMP, 0, whatsrag.MAX_TIMESTAMP]
    assert [m.text for m in messages] == [None, "caf? Rolex", None]
    assert messages[2].message_id == "wamid.?" and messages[1].sender_id is None
    assert service.journal.stats()["messages_received"] == 3 and service.journal.stats()["statuses"] == 1


def test_connections_beyond_the_limit_get_a_503_at_once(service):
    server = whatsrag.make_http_server(service, "127.0.0.1", 0, max_connections=2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        held = [socket.create_connection(("127.0.0.1", server.server_port), timeout=10) for _ in range(2)]
        for sock in held:                       # both served: each now holds a thread, idle
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as third:
            reply = third.recv(65536)
        assert reply.startswith(b"HTTP/1.1 503 ") and b"Retry-After: 1" in reply
        assert json.loads(reply.split(b"\r\n\r\n", 1)[1]) == {"error": "server busy"}
        held.pop().close()                      # a slot frees when its connection ends
        wait_until(lambda: server.slots.acquire(blocking=False) and (server.slots.release() or True))
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        conn.request("GET", "/health")
        assert conn.getresponse().status == 200
        conn.close()
        held[0].close()
    finally:
        server.shutdown()
        server.server_close()


def test_each_response_is_one_write_on_a_no_delay_socket(live_server, monkeypatch):
    """Nagle's algorithm plus delayed ACKs cost ~40 ms per keep-alive response written in pieces."""
    seen = []
    setup = whatsrag.RequestHandler.setup

    def recording_setup(handler):
        setup(handler)
        writes = []
        seen.append((handler.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), writes))
        real = handler.wfile

        class CountingWriter:
            def write(self, data):
                writes.append(len(data))
                return real.write(data)

            def __getattr__(self, name):
                return getattr(real, name)
        handler.wfile = CountingWriter()
    monkeypatch.setattr(whatsrag.RequestHandler, "setup", recording_setup)
    server = live_server()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body = FIXTURES["msg_text"].read_bytes()
    for _ in range(3):
        conn.request("POST", "/webhook", body, {"X-Hub-Signature-256": whatsrag.sign(APP_SECRET, body)})
        assert conn.getresponse().read() == b'{"status": "received"}'
    conn.request("GET", "/health")
    assert conn.getresponse().status == 200
    conn.close()
    [(nodelay, writes)] = seen                  # one connection, kept alive
    assert nodelay != 0 and len(writes) == 4    # four responses, one write each


def test_head_answers_a_gets_headers_without_its_body(live_server):
    server = live_server()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("HEAD", "/health")
    response = conn.getresponse()
    assert response.status == 200 and int(response.headers["Content-Length"]) > 100
    assert response.read() == b""
    conn.request("GET", "/health")                  # the connection is still in step
    assert json.loads(conn.getresponse().read())["status"] == "healthy"
    conn.close()


@pytest.mark.parametrize("length,first", [(10_000_000, b"HTTP/1.1 413 "), (500, b"HTTP/1.1 100 Continue")])
def test_expect_100_continue_is_refused_at_once_when_oversized(live_server, length, first):
    server = live_server(max_body=4096)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                     b"Content-Length: %d\r\n\r\n" % length)
        assert sock.recv(65536).startswith(first)    # the body was never sent
