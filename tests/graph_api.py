"""A loopback stand-in for Meta's Graph API (WhatsApp Cloud API), for tests only.

Meta's Graph API cannot run here, so this server speaks its wire format on 127.0.0.1 (port 0), with the
behaviour taken from Meta's Cloud API documentation:

    POST /{version}/{phone-number-id}/messages     Authorization: Bearer <access token>
      send   {"messaging_product": "whatsapp", "to", "type": "text", "text": {"body"}, "context": {...}}
             -> 200 {"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}],
                     "messages": [{"id": "wamid..."}]}
      read   {"messaging_product": "whatsapp", "status": "read", "message_id"} -> 200 {"success": true}
      error  -> {"error": {"message", "type", "code", "error_data": {"messaging_product", "details"},
                           "error_subcode", "fbtrace_id"}}   with the HTTP status Meta uses for the code

A wrong token answers code 190 (OAuthException, 401); a bad payload code 100 (400). Tests queue Meta
errors with `fail_next(code, times)`; every request received is kept in `received` for assertions.
"""
from loopback import JSONStandIn

# code -> (HTTP status, error type, message): the subset whatsrag's retry policy distinguishes.
ERRORS = {
    1: (500, "OAuthException", "An unknown error occurred"),
    2: (503, "OAuthException", "Service temporarily unavailable"),
    4: (429, "OAuthException", "(#4) Application request limit reached"),
    80007: (429, "OAuthException", "(#80007) Rate limit issues"),
    130429: (429, "OAuthException", "(#130429) Rate limit hit"),
    131056: (400, "OAuthException", "(#131056) (Business Account, Consumer Account) pair rate limit hit"),
    131000: (500, "OAuthException", "(#131000) Something went wrong"),
    131016: (503, "OAuthException", "(#131016) Service unavailable"),
    131026: (400, "OAuthException", "(#131026) Message undeliverable"),
    131047: (400, "OAuthException", "(#131047) Re-engagement message"),
    131049: (400, "OAuthException", "(#131049) Meta chose not to deliver"),
    131050: (400, "OAuthException", "(#131050) User has stopped marketing messages"),
    131051: (400, "OAuthException", "(#131051) Unsupported message type"),
    131031: (403, "OAuthException", "(#131031) Account has been locked"),
    368: (403, "OAuthException", "(#368) Temporarily blocked for policies violations"),
    190: (401, "OAuthException", "Error validating access token: Session has expired"),
    100: (400, "OAuthException", "(#100) Invalid parameter"),
}


class GraphAPI(JSONStandIn):
    """`with GraphAPI() as graph:` serves on graph.url until the block ends; `fail_next(code)` queues
    Meta error codes; `received` holds {"path", "body", "accepted"} of every POST."""

    def __init__(self, access_token="test-access-token", phone_number_id="106540352242922", version="v21.0"):
        super().__init__()
        self.access_token, self.phone_number_id, self.version = access_token, phone_number_id, version

    @property
    def url(self) -> str:
        return self.origin

    def sent(self, kind=None) -> list[dict]:
        """Accepted sends (not errors): 'read' receipts or 'text' replies."""
        return [r["body"] for r in self.received if r["accepted"]
                and (kind is None or (r["body"].get("status") == "read") == (kind == "read"))]

    def answer(self, path: str, token: str | None, body) -> tuple[int, dict, dict]:
        """The Graph API's reply to one POST: (HTTP status, headers, JSON)."""
        record = {"path": path, "body": body, "accepted": False}
        status, reply = self._meta_reply(path, token, body, record, self._record(record))
        return status, {}, reply

    def _meta_reply(self, path, token, body, record, code) -> tuple[int, dict]:
        if path != f"/{self.version}/{self.phone_number_id}/messages":
            return 404, _error(100, "Unknown path components", status=404)
        if token != self.access_token:
            return _error_reply(190)
        if code is not None:
            return _error_reply(code)
        problem = _invalid(body)
        if problem:
            return 400, _error(100, f"(#100) {problem}")
        record["accepted"] = True
        if body.get("status") == "read":
            return 200, {"success": True}
        wamid = f"wamid.HBgLMzM2MTIzNDU2NzgVAgARGBI{next(self._ids):08d}"
        return 200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                     "messages": [{"id": wamid}]}


def _invalid(body) -> str | None:
    """What Meta would reject with code 100 in the subset whatsrag sends; None when valid."""
    if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
        return "The parameter messaging_product is required."
    if body.get("status") == "read":
        return None if body.get("message_id") else "The parameter message_id is required."
    if not body.get("to"):
        return "The parameter to is required."
    if body.get("type") != "text" or not isinstance(body.get("text"), dict) or not body["text"].get("body"):
        return "The parameter text['body'] is required."
    if len(body["text"]["body"]) > 4096:
        return "Param text['body'] must be at most 4096 characters long."
    return None


def _error_reply(code: int) -> tuple[int, dict]:
    status = ERRORS[code][0]
    return status, _error(code, ERRORS[code][2], status=status)


def _error(code: int, message: str, status: int = 400) -> dict:
    return {"error": {"message": message, "type": ERRORS.get(code, ERRORS[100])[1], "code": code,
                      "error_data": {"messaging_product": "whatsapp", "details": message},
                      "error_subcode": 2494010 if code == 131047 else None,
                      "fbtrace_id": "AbCdEfGhIjKlMnOp" + str(status)}}
