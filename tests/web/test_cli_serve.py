"""``caresignal serve`` and ``caresignal demo`` as a user runs them: real processes, real ports."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from caresignal.web.server import free_port

CLI = [sys.executable, "-m", "caresignal.cli"]
STARTUP_S = 30


def wait_for(url: str, proc: subprocess.Popen) -> httpx.Response:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url} within {STARTUP_S} s")


@pytest.fixture
def serving(database_url):
    port = free_port()
    proc = subprocess.Popen(CLI + ["serve", "--database", database_url, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_answers_on_localhost(serving, store):
    port, proc = serving
    home = wait_for(f"http://127.0.0.1:{port}/", proc)
    assert home.status_code == 200 and "nhsuk-header" in home.text
    api = httpx.get(f"http://127.0.0.1:{port}/api/organisations", timeout=5)
    assert api.status_code == 200 and api.json()["count"] == len(store.organisations())


def test_serve_on_a_busy_port_says_which_option_to_change(database_url):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(CLI + ["serve", "--database", database_url, "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in proc.stderr and "--port" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_demo_without_serving_is_idempotent(tmp_path):
    out = tmp_path / "demo"
    args = CLI + ["demo", "--out", str(out), "--trusts", "12", "--months", "14", "--scale", "0.002",
                  "--no-serve"]
    first = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "[1/4] generating" in first.stdout and "[3/4] surveillance:" in first.stdout
    assert (out / "caresignal.db").is_file()
    second = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "not regenerated" in second.stdout
    # a different parameter means a different dataset: it would be generated again
    from caresignal.demo import _parameters, dataset_is_complete
    assert dataset_is_complete(out, _parameters(7, 12, 14, 0.002)) is False
    assert dataset_is_complete(out, _parameters(2013, 12, 14, 0.002)) is True
