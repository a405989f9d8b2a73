"""A loopback stand-in for OpenAI's chat completions endpoint, for tests only.

OpenAI cannot be reached from here, so this server speaks the documented wire format of
POST /v1/chat/completions on 127.0.0.1 (port 0), for the `openai` package pointed at it with base_url:

    request   {"model", "messages": [{"role", "content"}], "temperature"?, "max_tokens"?, ...}
    200       {"id": "chatcmpl-...", "object": "chat.completion", "created", "model",
               "choices": [{"index": 0, "message": {"role": "assistant", "content"}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens", "completion_tokens", "total_tokens"}}
    errors    {"error": {"message", "type", "param", "code"}}: 401 invalid_api_key, 400 when model or
              messages are missing, 429 rate_limit_exceeded with Retry-After, 500 server_error.

The reply text comes from `responder(request_json) -> str`, which a test sets to play the model; the
default answers with the first message id the prompt offers, the way a model told to cite would.
"""
import re
import time

from loopback import JSONStandIn


def cite_first(request: dict) -> str:
    prompt = "\n".join(m.get("content") or "" for m in request["messages"])
    ids = re.findall(r"\[(chat\.[0-9a-f]+|wamid\.[\w=-]+)\]", prompt)
    return f"One match: see [{ids[0]}]." if ids else "No listing answers that."


class ChatCompletions(JSONStandIn):
    """`with ChatCompletions() as api:` serves on api.base_url (…/v1) until the block ends;
    `fail_next(status)` queues HTTP failures (429, 500); `received` holds every request body."""

    def __init__(self, api_key="sk-test", responder=cite_first):
        super().__init__()
        self.api_key, self.responder = api_key, responder

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def answer(self, path, token, body) -> tuple[int, dict, dict]:
        """(HTTP status, extra headers, JSON) for one POST."""
        failure = self._record(body)
        if path != "/v1/chat/completions":
            return 404, {}, _error("Unknown request URL", "invalid_request_error", "unknown_url")
        if token != self.api_key:
            return 401, {}, _error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        if failure == 429:
            return 429, {"Retry-After": "0"}, _error("Rate limit reached for requests", "requests",
                                                     "rate_limit_exceeded")
        if failure:
            return failure, {}, _error("The server had an error while processing your request.",
                                       "server_error", None)
        if not isinstance(body, dict) or not body.get("model") or not body.get("messages"):
            return 400, {}, _error("you must provide a model parameter and messages",
                                   "invalid_request_error", None)
        content = self.responder(body)
        prompt_tokens = sum(len((m.get("content") or "").split()) for m in body["messages"])
        completion_tokens = len(content.split())
        return 200, {}, {
            "id": f"chatcmpl-test{next(self._ids)}", "object": "chat.completion", "created": int(time.time()),
            "model": body["model"], "system_fingerprint": "fp_test",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


def _error(message, kind, code) -> dict:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
