"""A fake Home Assistant Supervisor: ``GET /services/mqtt`` over real HTTP on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "supervisor-token-0123456789"


@dataclass
class FakeSupervisor:
    """Answers like the Supervisor: 401 for a wrong token, 400 without an MQTT service."""

    service: dict[str, Any] | None = None
    token: str = TOKEN
    raw_body: bytes | None = None  # answer this instead (junk tests)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    url: str = ""

    def answer(self, path: str, authorization: str | None) -> tuple[int, bytes]:
        self.requests.append((path, authorization))
        if authorization != f"Bearer {self.token}":
            return 401, b"401: Unauthorized"
        if path != "/services/mqtt":
            return 404, b"404: Not Found"
        if self.raw_body is not None:
            return 200, self.raw_body
        if self.service is None:
            body = {"result": "error", "message": "Service mqtt not enabled", "data": {}}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"result": "ok", "data": self.service}).encode()


@contextmanager
def running(supervisor: FakeSupervisor) -> Iterator[FakeSupervisor]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = supervisor.answer(self.path, self.headers.get("Authorization"))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    supervisor.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield supervisor
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
