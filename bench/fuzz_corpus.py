"""A seeded corpus of malformed and hostile HTTP requests for whatsrag's webhook, replayable case by case.

Case (seed, index) is built from random.Random(f"{seed}:{index}") alone, so a failing case is replayed
with `python -m bench.fuzz_corpus --seed S --index I` (prints it) without regenerating the others.

Each Case carries the raw request bytes (request line, headers, body: framing errors included) and what
the server may answer:
    "200"     a validly signed JSON object within the limits: acknowledged, then processed, ignored or
              parked with its reason by the workers
    "4xx"     refused with a 4xx (bad JSON, bad signature, bad framing, too large, unknown route/method)
    "not5xx"  any answer but a 5xx (cases where several answers are defensible: Python's json parser
              rejects nesting beyond its recursion limit, a UTF-16 body, GET on an existing route)
    "version" an unsupported HTTP version: 4xx or 505 (the one 5xx that names a client error)
Some cases may see the connection reset instead of an answer (`may_reset`: the server refuses a
gigantic header and closes while we are still sending it).

Families, weighted: truncated JSON, each field of real payloads given every wrong type, huge strings,
deep nesting, invalid UTF-8 and odd escapes, wrong/missing/duplicated Content-Length and chunked bodies,
absurd header sizes, bad signatures, unknown methods and paths, protocol garbage.
"""
import argparse
import concurrent.futures
import copy
import hashlib
import hmac
import json
import random
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from bench.loadgen import payload

MAX_BODY = 3 * 1024 * 1024          # Meta's documented maximum; whatsrag adds a margin above it


@dataclass(frozen=True)
class Case:
    seed: int
    index: int
    family: str
    detail: str                     # what was done, for the failure message
    raw: bytes                      # the whole request as sent
    expect: str                     # "200" | "4xx" | "not5xx" | "version"
    may_reset: bool = False

    def accepts(self, status):
        """Whether `status` is an acceptable answer to this case."""
        if status is None:
            return self.may_reset
        if self.expect == "200":
            return status == 200
        if self.expect == "4xx":
            return 400 <= status < 500
        if self.expect == "version":
            return 400 <= status < 500 or status == 505
        return status < 500


# ---------------------------------------------------------------- request building
def sign(body, secret):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def request(body, secret, *, method="POST", path="/webhook", headers=None, content_length="auto",
            signature="valid", version="HTTP/1.1"):
    """Raw request bytes. content_length: "auto", None (left out) or the literal header value(s)."""
    lines = [f"{method} {path} {version}", "Host: 127.0.0.1", "Content-Type: application/json"]
    if signature == "valid":
        lines.append(f"X-Hub-Signature-256: {sign(body, secret)}")
    elif signature is not None:
        lines.append(f"X-Hub-Signature-256: {signature}")
    if content_length == "auto":
        lines.append(f"Content-Length: {len(body)}")
    elif content_length is not None:
        lines.extend(f"Content-Length: {v}" for v in
                     (content_length if isinstance(content_length, list) else [content_length]))
    lines.extend(headers or [])
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def expect_for(body):
    """What a validly signed, well-framed POST /webhook with this body should get."""
    if len(body) > MAX_BODY:
        return "4xx"
    try:
        value = json.loads(body.decode("utf-8"))
    except RecursionError:
        return "not5xx"             # beyond the parser's depth: refusing it (400) is right, so is parsing it
    except ValueError:
        try:
            json.loads(body)        # UTF-16/32 with a detectable encoding: accepting it is defensible
            return "not5xx"
        except (ValueError, RecursionError):
            return "4xx"
    return "200" if isinstance(value, dict) else "4xx"


def dump(value):
    return json.dumps(value, separators=(",", ":")).encode()


def paths(value, prefix=()):
    """Every path to every value inside a JSON document (the root excluded)."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield prefix + (key,)
        yield from paths(child, prefix + (key,))


def replaced(document, path, new):
    document = copy.deepcopy(document)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = new
    return document


def wrong_values(rng):
    return [None, True, False, 0, -1, 2 ** 63, -2 ** 63 - 1, 10 ** 400, 1.5, 1e308, "", "x", " ", "null",
            "\u0000", "\ud800", [], [None], {}, {"": None}, [[[]]], "9" * rng.randint(20, 400)]


# ---------------------------------------------------------------- families
def truncated_json(rng, base, secret):
    cut = rng.randint(0, len(base) - 1)
    body = base[:cut]
    return f"cut at {cut}/{len(base)}", request(body, secret), expect_for(body)


def wrong_type(rng, base, secret):
    document = json.loads(base)
    path = rng.choice(list(paths(document)))
    new = rng.choice(wrong_values(rng))
    body = dump(replaced(document, path, new))
    if rng.random() < 0.05:         # numbers Python's json refuses (4300+ digits) or reads as infinity
        new = rng.choice(["1" * 5000, "1e999999", "-0.0e-999999", "NaN", "Infinity"])
        body = dump(replaced(document, path, "\u0001NUM\u0001")).replace(dump("\u0001NUM\u0001"), new.encode())
    return f"{'/'.join(map(str, path))} = {repr(new)[:40]}", request(body, secret), expect_for(body)


def huge_string(rng, base, secret):
    document = json.loads(base)
    strings = [p for p in paths(document) if isinstance(_get(document, p), str)]
    path = rng.choice(strings)
    target = rng.choice([10_000, 65_536, 300_000, 2_500_000])     # bytes once JSON-escaped
    unit = rng.choice(["A", "é", "\U0001F600", "\\", "\"", "\n"])
    size = target // len(json.dumps(unit)[1:-1])
    filler = unit * size
    body = dump(replaced(document, path, filler))
    return f"{'/'.join(map(str, path))} = {size} chars", request(body, secret), expect_for(body)


def too_large(rng, base, secret):
    """Over the limit: declared (and only partly sent) or really sent; 413 without reading it all."""
    declared = rng.choice([MAX_BODY + 2 * 1024 * 1024, 50 * 1024 * 1024, 10 ** 12, 10 ** 30])
    if rng.random() < 0.1:          # really sent, whole
        body = b'{"object":"whatsapp_business_account","pad":"' + b"x" * (MAX_BODY + 600_000) + b'"}'
        return f"{len(body)} bytes sent", request(body, secret), "4xx", True
    body = base[:rng.randint(0, len(base))]
    return f"Content-Length {declared}, {len(body)} sent", request(
        body, secret, content_length=str(declared)), "4xx"


def deep_nesting(rng, base, secret):
    depth = rng.choice([50, 500, 990, 1000, 1500, 5000, 100_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    nested = opener * depth + "1" + closer * depth
    where = rng.choice(["root", "text", "entry"])
    if where == "root":
        body = ('{"object":"whatsapp_business_account","x":' + nested + "}").encode()
    else:
        document = json.loads(base)
        marker = "\u0001NEST\u0001"
        target = ["entry"] if where == "entry" else _first_string_path(document)
        body = dump(replaced(document, tuple(target), marker)).replace(dump(marker), nested.encode())
    return f"depth {depth} {opener} at {where}", request(body, secret), expect_for(body)


def bad_unicode(rng, base, secret):
    document = json.loads(base)
    marker = "\u0001MARK\u0001"
    body = dump(replaced(document, tuple(_first_string_path(document)), marker))
    raw = rng.choice([b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\x80", b"\xf5\x80\x80\x80", b"abc\xe2\x82",
                      b"\\ud800", b"\\udfff\\ud800", b"\\u0000", b"\x00", b"\\uZZZZ", b"\x1f"])
    inner = b'"' + raw + b'"'
    body = body.replace(dump(marker), inner)
    if rng.random() < 0.15:         # the whole body in another encoding, or behind a BOM
        body = rng.choice([b"\xef\xbb\xbf" + body, body.decode("utf-8", "replace").encode("utf-16"),
                           body.decode("utf-8", "replace").encode("utf-16-le")])
    return f"string {raw!r}", request(body, secret), expect_for(body)


def bad_framing(rng, base, secret):
    body = base
    kind = rng.choice(["missing", "letters", "negative", "spaces", "two-different", "plus", "hex",
                       "short", "long", "chunked", "chunked+cl", "empty", "superscript"])
    if kind == "missing":
        return kind, request(body, secret, content_length=None), "4xx"
    if kind == "letters":
        return kind, request(body, secret, content_length="abc"), "4xx"
    if kind == "negative":
        return kind, request(body, secret, content_length="-5"), "4xx"
    if kind == "spaces":
        return kind, request(body, secret, content_length=f"{len(body)} 1"), "4xx"
    if kind == "two-different":
        return kind, request(body, secret, content_length=[str(len(body)), str(len(body) - 7)]), "4xx"
    if kind == "plus":
        return kind, request(body, secret, content_length=f"+{len(body)}"), "not5xx"
    if kind == "superscript":       # latin-1 digits that str.isdigit() accepts and int() refuses
        return kind, request(body, secret, content_length=rng.choice(["\u00b2", "1\u00b3", "\u00b9\u00b2"])), "4xx"
    if kind == "hex":
        return kind, request(body, secret, content_length=hex(len(body))), "4xx"
    if kind == "short":             # fewer bytes declared than sent: what is read is not what was signed
        declared = rng.randint(0, len(body) - 1)
        raw = request(body, secret, content_length=str(declared))
        return f"short {declared}/{len(body)}", raw, "4xx"
    if kind == "long":              # more declared than sent, then the client stops writing
        declared = len(body) + rng.randint(1, 5000)
        return f"long {declared}/{len(body)}", request(body, secret, content_length=str(declared)), "4xx"
    if kind == "empty":
        return kind, request(b"", secret, content_length="0"), "4xx"
    # a chunked body, alone or beside a Content-Length (then refusing and reading either are defensible)
    chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    raw = request(body, secret, content_length="auto" if kind == "chunked+cl" else None,
                  headers=["Transfer-Encoding: chunked"])
    head = raw[:raw.index(b"\r\n\r\n") + 4]
    return kind, head + chunked, "4xx" if kind == "chunked" else "not5xx"


def absurd_headers(rng, base, secret):
    kind = rng.choice(["long-line", "many", "long-signature", "long-path", "long-method", "big-cookie"])
    if kind == "long-line":
        raw = request(base, secret, headers=["X-Junk: " + "a" * rng.choice([70_000, 300_000])])
        return kind, raw, "4xx", True
    if kind == "many":
        raw = request(base, secret, headers=[f"X-H{i}: v" for i in range(rng.choice([120, 1000]))])
        return kind, raw, "4xx", True
    if kind == "long-signature":
        raw = request(base, secret, signature="sha256=" + "ab" * rng.choice([100, 5000, 30000]))
        return kind, raw, "4xx", False
    if kind == "long-path":         # a 20 kB query string is allowed; a request line over 64 kB is not
        repeat = rng.choice([5000, 30000])
        raw = request(base, secret, path="/webhook?" + "x=1&" * repeat)
        return f"{kind} {repeat}", raw, (expect_for(base) if repeat == 5000 else "4xx"), repeat > 5000
    if kind == "long-method":
        raw = request(base, secret, method="P" * rng.choice([100, 70_000]))
        return kind, raw, "4xx", True
    raw = request(base, secret, headers=["Cookie: " + "; ".join(f"c{i}={'v' * 50}" for i in range(150))])
    return kind, raw, "200" if expect_for(base) == "200" else "4xx", False


def bad_signature(rng, base, secret):
    good = sign(base, secret)
    kind = rng.choice(["missing", "empty", "sha1", "truncated", "flipped", "other-secret", "no-prefix",
                       "upper-hex", "spaces", "two-headers", "non-ascii"])
    signature = {"missing": None, "empty": "", "sha1": "sha1=" + hashlib.sha1(base).hexdigest(),
                 "truncated": good[:-rng.randint(1, 60)], "flipped": good[:-1] + ("0" if good[-1] != "0" else "1"),
                 "other-secret": sign(base, secret + "x"), "no-prefix": good[len("sha256="):],
                 "upper-hex": "sha256=" + good[len("sha256="):].upper(), "spaces": " " + good + " ",
                 "two-headers": good, "non-ascii": "sha256=\u00e9\u00e9"}[kind]
    headers = [f"X-Hub-Signature-256: {sign(base, 'wrong')}"] if kind == "two-headers" else []
    raw = request(base, secret, signature=signature, headers=headers)
    expect = "not5xx" if kind in ("upper-hex", "spaces", "two-headers") else "4xx"
    return kind, raw, expect


def methods_and_paths(rng, base, secret):
    method = rng.choice(["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO",
                         "post", "PROPFIND", "M-SEARCH", "GET"])
    path = rng.choice(["/", "/webhook/", "/webhooks", "/webhook/../health", "//webhook", "/../../etc/passwd",
                       "/%00", "/health/x", "/webhook%00", "*", "http://evil.example/webhook", "/WEBHOOK",
                       "/search?q=" + "%ff" * 10, "/webhook?hub.mode=subscribe&hub.challenge=1",
                       "/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=x", "/nope",
                       "/health?" + "a" * 100])
    route = "/" + path.split("?")[0].lstrip("/")         # the stdlib folds a leading // into /
    known_get = method in ("GET", "HEAD") and route in ("/", "/health", "/search", "/webhook")
    # a lower-case "post" read as POST, an absolute URI or a dot segment resolved: lenient, not wrong
    lenient = (method.upper() == "POST" and route == "/webhook") or path.startswith(("http:", "/webhook/.."))
    expect = "not5xx" if known_get or lenient else "4xx"
    if path.split("?")[0] == "/webhook" and method == "GET":
        expect = "4xx"              # a verification without the right token is refused
    body = base if method not in ("GET", "HEAD") else b""
    return f"{method} {path[:60]}", request(body, secret, method=method, path=path), expect


def garbage(rng, base, secret):
    kind = rng.choice(["random", "http09", "h2-preface", "version", "no-version", "lf-only", "nul",
                       "space-before-colon", "obs-fold"])
    if kind == "random":
        raw = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 2000))) + b"\r\n\r\n"
        return kind, raw, "not5xx", True
    if kind == "http09":
        return kind, b"GET /health\r\n", "not5xx", True
    if kind == "h2-preface":
        return kind, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "version", True
    if kind == "version":
        version = rng.choice(["HTTP/2.0", "HTTP/9.9", "HTTP/1.1.1", "HTTPS/1.1", "HTTP/01.1"])
        expect = "not5xx" if version == "HTTP/01.1" else "version"     # read as 1.1 by the stdlib: harmless
        return version, request(base, secret, version=version), expect, False
    if kind == "no-version":
        return kind, request(base, secret, version=""), "not5xx", True
    if kind == "lf-only":
        raw = request(base, secret).replace(b"\r\n", b"\n")
        return kind, raw, "not5xx", False
    if kind == "nul":
        return kind, request(base, secret, headers=["X-Nul: a\x00b"]), "not5xx", False
    if kind == "space-before-colon":
        raw = request(base, secret).replace(b"Content-Length:", b"Content-Length :")
        return kind, raw, "4xx", False
    return kind, request(base, secret, headers=["X-Folded: a", " continued"]), "not5xx", False


FAMILIES = (            # (family, weight): the wrong-type family has the most ground to cover
    ("truncated_json", truncated_json, 12), ("wrong_type", wrong_type, 35), ("huge_string", huge_string, 1),
    ("too_large", too_large, 2), ("deep_nesting", deep_nesting, 5), ("bad_unicode", bad_unicode, 8),
    ("bad_framing", bad_framing, 10), ("absurd_headers", absurd_headers, 3), ("bad_signature", bad_signature, 8),
    ("methods_and_paths", methods_and_paths, 8), ("garbage", garbage, 7),
)


def _get(document, path):
    for key in path:
        document = document[key]
    return document


def _first_string_path(document):
    strings = [p for p in paths(document) if isinstance(_get(document, p), str)]
    texts = [p for p in strings if p[-1] == "body"]
    return list((texts or strings)[0])


# ---------------------------------------------------------------- the corpus
def base_payloads(fixtures=None):
    """Real-shaped payloads the families start from: the Meta fixtures if given, and loadgen's."""
    bases = [payload(seq) for seq in range(3)]
    if fixtures and Path(fixtures).is_dir():
        bases += [p.read_bytes() for p in sorted(Path(fixtures).glob("*.json"))]
    return bases


def case(seed, index, secret, bases):
    rng = random.Random(f"{seed}:{index}")
    names, makers, weights = zip(*((n, f, w) for n, f, w in FAMILIES))
    pick = rng.choices(range(len(names)), weights=weights)[0]
    base = rng.choice(bases)
    made = makers[pick](rng, base, secret)
    detail, raw, expect = made[:3]
    return Case(seed, index, names[pick], detail, raw, expect, may_reset=made[3] if len(made) > 3 else False)


def corpus(seed, count, secret, bases):
    return [case(seed, index, secret, bases) for index in range(count)]


# ---------------------------------------------------------------- sending
@dataclass(frozen=True)
class Answer:
    case: Case
    status: int | None              # None: no status line came back
    error: str | None               # why not (reset, timeout, closed)
    seconds: float

    @property
    def ok(self):
        return self.case.accepts(self.status)


ERROR_PAGE_CODE = re.compile(rb"<p>Error code: (\d{3})</p>")


def send(case, host, port, timeout=10.0):
    """Send the raw case on a fresh connection, stop writing, read the first status line."""
    t0 = time.perf_counter()
    data, error = b"", None
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            try:
                sock.sendall(case.raw)
                sock.shutdown(socket.SHUT_WR)   # the server sees the end: a short body cannot hang it
            except OSError as exc:          # it may refuse mid-send (a huge header); its answer may be there
                error = type(exc).__name__
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
                if len(data) > 1_000_000:
                    break
    except OSError as exc:
        error = error or type(exc).__name__
    status = None
    if data.startswith(b"HTTP/") and b" " in data:
        try:
            status = int(data.split(b" ", 2)[1])
        except ValueError:
            error = error or "bad status line"
    elif ERROR_PAGE_CODE.search(data[:2000]):
        status = int(ERROR_PAGE_CODE.search(data[:2000]).group(1))  # HTTP/0.9 framing: no status line
    elif error is None:
        error = "closed without an answer" if not data else f"not HTTP: {data[:40]!r}"
    return Answer(case, status, error if status is None else None, time.perf_counter() - t0)


def send_all(cases, host, port, concurrency=8, timeout=10.0):
    """Every case over `concurrency` threads; the answers in case order."""
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda c: send(c, host, port, timeout), cases))


def main():
    parser = argparse.ArgumentParser(description="Print fuzz cases (replay one with --index).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--index", type=int)
    parser.add_argument("--send", metavar="HOST:PORT", help="send the case(s) to a running server and judge")
    parser.add_argument("--secret", default="fuzz-secret")
    parser.add_argument("--fixtures", default=str(Path(__file__).parent.parent / "tests/fixtures/meta-webhooks"))
    args = parser.parse_args()
    bases = base_payloads(args.fixtures)
    cases = ([case(args.seed, args.index, args.secret, bases)] if args.index is not None
             else corpus(args.seed, args.count, args.secret, bases))
    if args.send:
        host, port = args.send.rsplit(":", 1)
        bad = [a for a in send_all(cases, host, int(port)) if not a.ok]
        for a in bad:
            print(f"FAIL {a.case.index} {a.case.family} | {a.case.detail} | expected {a.case.expect}, "
                  f"got {a.status} {a.error or ''}")
        print(f"{len(cases) - len(bad)}/{len(cases)} answered as expected")
        raise SystemExit(1 if bad else 0)
    if args.index is not None:
        c = cases[0]
        print(f"{c.family} | {c.detail} | expect {c.expect} | {len(c.raw)} bytes")
        print(c.raw[:2000])
        return
    tally = {}
    for c in cases:
        tally[(c.family, c.expect)] = tally.get((c.family, c.expect), 0) + 1
    for (family, expect), n in sorted(tally.items()):
        print(f"{family:18} {expect:8} {n}")


if __name__ == "__main__":
    main()
