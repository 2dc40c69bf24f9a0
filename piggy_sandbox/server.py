"""The HTTP layer: stdlib ThreadingHTTPServer with keep-alive, and full control of the socket.

Owning the socket is what lets the sandbox drop a connection, truncate a body mid-way or answer
slower than a client's timeout, the faults a real network produces.
"""

from __future__ import annotations

import json
import socket
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from piggy_sandbox.app import SandboxApp
from piggy_sandbox.errors import ApiError
from piggy_sandbox.routing import Request, Response
from piggy_sandbox.traffic import Fault

MAX_BODY = 1 << 20


def encode(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        self.app = app
        super().__init__(address, SandboxRequestHandler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A client that hangs up (a timeout, a slow or truncated fault) is normal traffic here,
        not an error worth a traceback; anything else still gets one."""
        if isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            return
        super().handle_error(request, client_address)


class SandboxRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a benchmark serves thousands of pages a second."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        try:
            request = self._request(method)
        except ApiError as exc:
            self._send(Response(exc.status, exc.body()))
            return
        app = self.server.app
        result = app.handle(request)
        if not request.path.startswith("/_sandbox/"):
            pause = app.traffic.latency(request)
            if pause:
                time.sleep(pause)
        if isinstance(result, Fault):
            self._spoil(result)
        else:
            self._send(result)

    def _request(self, method: str) -> Request:
        parsed = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        headers = {key.lower(): value for key, value in self.headers.items()}
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ApiError(413, 1003, "The request body is too large.")
        raw = self.rfile.read(length) if length else b""
        return Request(method, parsed.path.rstrip("/") or "/", query, headers,
                       _parse_body(raw, headers.get("content-type", "")), self.server.base_url)

    def _send(self, response: Response, body: bytes | None = None) -> None:
        body = encode(response.payload) if body is None else body
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _spoil(self, fault: Fault) -> None:
        if fault.kind == "drop":
            self._abort()
            return
        if fault.kind == "slow":
            time.sleep(fault.delay)
        response = fault.response
        assert response is not None
        if fault.kind != "truncate":
            self._send(response)
            return
        body = encode(response.payload)
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: max(1, len(body) // 2)])
        self.wfile.flush()
        self._abort()

    def _abort(self) -> None:
        """Close the connection at once (RST where possible), as a crashed proxy would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _parse_body(raw: bytes, content_type: str) -> dict:
    if not raw:
        return {}
    text = raw.decode("utf-8", errors="replace")
    if "application/x-www-form-urlencoded" in content_type:
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        raise ApiError(400, 1003, "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(422, 1003, "The request body must be a JSON object.")
    return body
