"""The open-loop client's floor: a server answering every request at once, doing no work.

Its latencies at a fixed rate are the client's and the kernel's alone (loopback, scheduling on a shared
machine), the part of any server's figure that is not the server's. asyncio with uvloop, a Protocol
reading each request's head and Content-Length body and writing a fixed 200.

Runs in the benchmark venv (bench/setup.sh):  bench/.venv/bin/python bench/noop_server.py --port 8002
"""
import argparse
import asyncio
import re

import uvloop

ANSWER = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{"status": "received"}'
LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)


class Answering(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""

    def data_received(self, data):
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            length = LENGTH.search(self.buffer, 0, end + 2)
            request_end = end + 4 + (int(length[1]) if length else 0)
            if len(self.buffer) < request_end:
                return
            self.buffer = self.buffer[request_end:]
            self.transport.write(ANSWER)


async def serve(port):
    server = await asyncio.get_running_loop().create_server(Answering, "127.0.0.1", port)
    await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    uvloop.install()
    asyncio.run(serve(parser.parse_args().port))
