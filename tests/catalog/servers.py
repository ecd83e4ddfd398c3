"""A real HTTP server for webhook tests: it records every call and answers as each path says.

/ok         JSON object (a report number per idempotency key, the same one again for a repeated key)
/slow       waits longer than any timeout the tests set, then answers like /ok
/error      HTTP 500
/garbage    HTTP 200 with an HTML page
/array      HTTP 200 with a JSON array
/refuse     HTTP 400
/flaky      HTTP 503 for the first two calls, then like /ok
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.servers import free_port


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookServer:
    """Records calls; answers by path (see the module docstring)."""

    calls: list[Call] = field(default_factory=list)
    reports: dict[str, str] = field(default_factory=dict)
    slow_seconds: float = 3.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()
            self.reports.clear()

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        with self.lock:
            self.calls.append(Call(path, headers, body))
            count = sum(1 for c in self.calls if c.path == path)
            key = headers.get("Idempotency-Key", "")
            report = self.reports.setdefault(key, f"R-{len(self.reports) + 1}")
        ok = json.dumps({"status": "blocked", "report_no": report, "eta": {"days": 5}}).encode()
        if path == "/slow":
            time.sleep(self.slow_seconds)
            return 200, ok, "application/json"
        if path == "/error":
            return 500, b"internal error", "text/plain"
        if path == "/garbage":
            return 200, b"<html><body>Service Unavailable</body></html>", "text/html"
        if path == "/array":
            return 200, b"[1, 2, 3]", "application/json"
        if path == "/refuse":
            return 400, json.dumps({"error": "unknown card"}).encode(), "application/json"
        if path == "/flaky" and count <= 2:
            return 503, b"try later", "text/plain"
        return 200, ok, "application/json"


def start(server: WebhookServer) -> ThreadingHTTPServer:
    """Serve on a free port in a thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status, payload, kind = server.answer(self.path, dict(self.headers.items()), body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, *_: Any) -> None:
            pass

    server.port = free_port()
    httpd = ThreadingHTTPServer(("127.0.0.1", server.port), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd
