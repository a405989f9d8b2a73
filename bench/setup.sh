#!/usr/bin/env bash
# The benchmarks' own environment, kept out of the project's requirements on purpose:
# FastAPI + uvicorn (the baseline we compare against) live in a git-ignored venv, bench/.venv,
# and wrk (the closed-loop load tool) comes from Debian. whatsrag itself needs none of them.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
    python -m venv .venv
fi
# uvicorn[standard] brings uvloop + httptools: FastAPI at its fastest, so the comparison is fair to it.
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q fastapi 'uvicorn[standard]'
if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
    else
        echo "wrk is missing: run 'sudo apt-get install wrk'" >&2; exit 1
    fi
fi
echo "bench env ready: $(.venv/bin/python -c 'import fastapi, uvicorn; print("fastapi", fastapi.__version__, "uvicorn", uvicorn.__version__)'), $(wrk -v 2>&1 | head -1)"
