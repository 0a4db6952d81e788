"""The production server as deployed: gunicorn with deploy/gunicorn.conf.py, on a loopback port."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn serving the production application; skipped only if it cannot start here."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        require_service("gunicorn", "not installed in this environment")
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {**os.environ, "PARTNERSHIP_ENV": "production", "SECRET_KEY": "s" * 48,
           "PUBLIC_BASE_URL": "https://partnerships.example.org",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "GUNICORN_WORKERS": "1",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "REDIS_URL": ""}
    process = subprocess.Popen(  # noqa: S603 - our own executable and arguments
        [str(gunicorn), "-c", str(CONFIG), "partnership:create_app()"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        output = process.stdout.read().decode(errors="replace") if process.poll() is not None \
            else ""
        process.kill()
        process.wait()
        require_service("gunicorn", f"it did not start: {output[-500:]}")
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


def get(port: int, path: str, host: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_gunicorn_says_nothing_about_itself_and_sends_our_headers(server):
    status, headers, _body = get(server, "/healthz", "partnerships.example.org")
    assert status == 200
    assert "server" not in headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize("host", ["a" * 300, "evil.example"])
def test_a_refused_host_gets_our_400_page_through_gunicorn(server, host):
    """A 300-character label once made gunicorn answer a bare 500 without our headers."""
    status, headers, body = get(server, "/", host)
    assert status == 400
    assert "server" not in headers
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert headers["x-frame-options"] == "DENY"
    assert b"<html" in body.lower() and host.encode() not in body
