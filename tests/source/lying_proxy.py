"""A proxy in front of the sandbox that lies: the answers a broken gateway or API could give.

The sandbox tells the truth by design; these tests need a server that repeats pages, claims a
billion pages, drops rows or asks for a day's wait. The proxy forwards each GET to the sandbox and
hands the answer to a `rewrite` function, which may change the status, the headers or the body.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


@dataclass
class Answer:
    """One response on its way back: rewrite functions change it in place."""

    path: str
    query: dict[str, str]
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


Rewrite = Callable[[Answer], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        url = f"{parsed.path}?{parsed.query}"
        with self.server.lock:
            self.server.asked.append(url)
            self.server.events.append(("asked", url))
        upstream = self.server.upstream.get(
            parsed.path, params=query, headers={"Authorization": self.headers["Authorization"]}
        )
        answer = Answer(parsed.path, query, upstream.status_code, upstream.json())
        self.server.rewrite(answer)
        with self.server.lock:
            self.server.events.append(("answered", url))
        body = json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in answer.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class _ProxyServer(ThreadingHTTPServer):
    """`asked` lists the requests in the order they arrived; `events` interleaves them with the
    moments their answers were ready to go back."""

    daemon_threads = True
    request_queue_size = 128
    """As the sandbox's: a client opening many connections at once is not left to retry SYNs."""

    def __init__(self, sandbox, rewrite: Rewrite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = httpx.Client(base_url=sandbox.base_url, timeout=60)
        self.rewrite = rewrite
        self.lock = threading.Lock()
        self.asked: list[str] = []
        self.events: list[tuple[str, str]] = []

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@contextmanager
def lying_proxy(sandbox, rewrite: Rewrite) -> Iterator[_ProxyServer]:
    """Serve the proxy on a free loopback port for the duration of the block."""
    server = _ProxyServer(sandbox, rewrite)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        server.upstream.close()
