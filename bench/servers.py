"""Real server processes for the benchmarks and the reliability tests: whatsrag, the FastAPI baseline.

    free_port()                       a port nobody listens on (bound to 0, then released)
    Server(argv, env, port, log)      a child process: .start() waits for GET /health = 200,
                                      .kill9(), .stop() (SIGTERM, then SIGKILL), .alive(), .cpu_seconds(),
                                      .rss_kb() (the process and its children, a worker process included)
    whatsrag(db, port, log, **env)    `python whatsrag.py` (or `python -m whatsrag`) on loopback, its own SQLite
    fastapi_baseline(db, port, ...)   bench/fastapi_baseline.py in the benchmark venv
    noop_server(port, log)            bench/noop_server.py (answers at once, no work) in the benchmark venv
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.loadgen import wait_http_ok

ROOT = Path(__file__).resolve().parent.parent
BENCH_PYTHON = ROOT / "bench" / ".venv" / "bin" / "python"
SECRET = "bench-app-secret-0123456789"          # the app secret every bench server signs with
VERIFY_TOKEN = "bench-verify-token-0123456789"


def health(port, timeout=30.0) -> dict:
    """One GET /health of a server on loopback, its JSON."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/health")
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def vm_rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One server process on 127.0.0.1:port, its output in a log file."""

    def __init__(self, argv, env, port, log_path, cwd=ROOT):
        self.argv, self.env, self.port, self.log_path, self.cwd = argv, env, port, Path(log_path), cwd
        self.process = None
        self.started_in = None          # seconds from spawn to the first 200 on /health

    def start(self, timeout=30.0):
        log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = t0 + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.argv} exited with {self.process.returncode}: {self.log_tail()}")
            try:
                wait_http_ok("127.0.0.1", self.port, timeout=min(0.5, max(0.01, deadline - time.perf_counter())))
                break
            except TimeoutError:
                if time.perf_counter() > deadline:
                    self.stop()
                    raise TimeoutError(f"{self.argv} not healthy after {timeout}s: {self.log_tail()}")
        self.started_in = time.perf_counter() - t0
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout=10.0):
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()

    def cpu_seconds(self):
        """CPU time (user + system) the server process has used so far; its children not included."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kb(self):
        """Resident memory of the server and of its child processes (whatsrag's worker, when running)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return sum(vm_rss_kb(p) for p in (pid, *map(int, children)))

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, n=2000):
        return self.log_text()[-n:]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def clean_env(**extra):
    """The environment without any whatsrag/OpenAI/Supabase/WhatsApp variable of the caller's shell, and
    with Python's bytecode cache on, as on a deployed machine (this sandbox sets PYTHONDONTWRITEBYTECODE)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WHATSAPP_", "WHATSRAG_", "OPENAI_", "SUPABASE_"))
           and k not in ("PORT", "PYTHONDONTWRITEBYTECODE")}
    env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env


WHATSRAG_COMMANDS = {"script": (str(ROOT / "whatsrag.py"),), "module": ("-m", "whatsrag")}


def whatsrag(db, port, log_path, secret=SECRET, command="script", cwd=ROOT, **env):
    """`python whatsrag.py` (command="module": `python -m whatsrag`, which loads whatsrag.py's cached
    bytecode instead of compiling it) serving on 127.0.0.1:port with its journal and store beside `db`."""
    return Server([sys.executable, *WHATSRAG_COMMANDS[command]],
                  clean_env(PORT=port, WHATSRAG_DB=db, WHATSAPP_APP_SECRET=secret,
                            WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN, WHATSRAG_HOST="127.0.0.1", **env),
                  port, log_path, cwd)


# serve's server with no worker process: the ack path alone, the work FastAPI's baseline does (not a product mode)
ACK_ONLY = ("import whatsrag; config = whatsrag.Config.from_env(); "
            "service = whatsrag.open_service(config, workers=False); "
            "whatsrag.make_http_server(service, config.host, config.port).serve_forever()")


def whatsrag_ack_only(db, port, log_path, secret=SECRET):
    return Server([sys.executable, "-c", ACK_ONLY],
                  clean_env(PORT=port, WHATSRAG_DB=db, WHATSAPP_APP_SECRET=secret, WHATSRAG_HOST="127.0.0.1",
                            PYTHONPATH=str(ROOT)), port, log_path)


def noop_server(port, log_path):
    return Server([str(benchmark_python()), str(ROOT / "bench" / "noop_server.py"), "--port", str(port)],
                  clean_env(), port, log_path)


def benchmark_python():
    if not BENCH_PYTHON.exists():
        raise SystemExit("the benchmark venv is missing: run bench/setup.sh")
    return BENCH_PYTHON


def fastapi_baseline(db, port, log_path, commit="inline", secret=SECRET):
    return Server([str(benchmark_python()), str(ROOT / "bench" / "fastapi_baseline.py"), "--port", str(port),
                   "--db", str(db), "--commit", commit],
                  clean_env(WHATSAPP_APP_SECRET=secret), port, log_path)
