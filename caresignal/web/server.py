"""Serving the dashboard with uvicorn, in the foreground (``caresignal serve``) or in a thread (tests,
documentation examples)."""

from __future__ import annotations

import errno
import socket
import threading
import time

import uvicorn

from caresignal.domain.errors import CareSignalError

DEFAULT_HOST = "127.0.0.1"  # local only: exposing the dashboard is a deployment decision, not a default
STARTUP_TIMEOUT_S = 20.0


def check_port_free(host: str, port: int) -> None:
    """Raise a ``CareSignalError`` naming the option to change when ``host:port`` cannot be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CareSignalError(f"port {port} on {host} is already in use; stop whatever is using it "
                                      f"or choose another with --port (make demo PORT=8001)") from None
            raise CareSignalError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def url_for(host: str, port: int) -> str:
    return f"http://{host}:{port}/"


def serve(database_url: str, host: str = DEFAULT_HOST, port: int = 8000) -> None:
    """Serve the dashboard and API on ``http://host:port/`` until interrupted (Ctrl-C)."""
    from caresignal.web.app import create_app

    app = create_app(database_url)
    check_port_free(host, port)
    print(f"CareSignal dashboard: {url_for(host, port)}  (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


class ServerThread:
    """A uvicorn server for ``app`` on a free local port, run in a background thread.

    Use as a context manager; ``url`` is the base URL once started. Stops cleanly on exit.
    """

    def __init__(self, app, host: str = DEFAULT_HOST, port: int | None = None):
        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(app, host=self.host, port=self.port, log_level="warning",
                                access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="caresignal-test-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise CareSignalError(f"the test server did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
