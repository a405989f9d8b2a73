#!/usr/bin/env python3
"""whatsrag: WhatsApp watch-market webhooks in, searchable listings out.

One file, in the order data flows: config -> records -> webhook core -> pipeline -> HTTP -> CLI.
"""
import argparse
import json
import sys

from extract import extract


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------

def cli_extract(args) -> int:
    """Read a message like a dealer would; --jsonl streams {"text": ...} lines (score_extract.py)."""
    if not args.jsonl:
        print(json.dumps(extract(" ".join(args.text)).to_dict(), ensure_ascii=False))
        return 0
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(extract(json.loads(line)["text"]).to_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="whatsrag", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    read = commands.add_parser("extract", help="print what the extractor reads in a message")
    read.add_argument("text", nargs="*")
    read.add_argument("--jsonl", action="store_true", help='read {"text": ...} lines on stdin')
    read.set_defaults(run=cli_extract)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
