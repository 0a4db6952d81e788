"""The production server as deployed: gunicorn with deploy/gunicorn.conf.py, on a loopback port,
with two workers: headers, the JSON access log, metrics added up across workers, the config."""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from ..conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
TOKEN = "metrics-token-for-the-test"  # noqa: S105


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
    metrics_dir = tmp_path / "metrics"
    env = {**os.environ, "PARTNERSHIP_ENV": "production", "SECRET_KEY": "s" * 48,
           "PUBLIC_BASE_URL": "https://partnerships.example.org",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "GUNICORN_WORKERS": "2",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "REDIS_URL": "", "METRICS_TOKEN": TOKEN,
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    for name in ("LOG_FORMAT", "TRUSTED_PROXIES"):
        env.pop(name, None)
    output = tmp_path / "output.log"
    log_file = output.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own executable and arguments
        [str(gunicorn), "-c", str(CONFIG), "partnership:create_app()"], cwd=tmp_path, env=env,
        stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        process.wait()
        log_file.close()
        said = output.read_text(errors="replace")
        require_service("gunicorn", f"it did not start: {said[-500:]}")
    try:
        get(port, "/healthz")  # the first answer waits for a worker's dictionaries (busy machine)
        yield SimpleNamespace(port=port, output=output, metrics_dir=metrics_dir, pid=process.pid)
    finally:
        stop(process, log_file)


def stop(process, log_file) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log_file.close()


def get(port: int, path: str, host: str = "127.0.0.1", headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_gunicorn_says_nothing_about_itself_and_sends_our_headers(server):
    status, headers, _body = get(server.port, "/healthz", "partnerships.example.org")
    assert status == 200
    assert "server" not in headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize("host", ["a" * 300, "evil.example"])
def test_a_refused_host_gets_our_400_page_through_gunicorn(server, host):
    """A 300-character label once made gunicorn answer a bare 500 without our headers."""
    status, headers, body = get(server.port, "/", host)
    assert status == 400
    assert "server" not in headers
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert headers["x-frame-options"] == "DENY"
    assert b"<html" in body.lower() and host.encode() not in body


def access_lines(server, request_id: str) -> list[dict]:
    """The access log's lines of one request (the worker writes them after the response)."""
    deadline = time.monotonic() + 10
    while True:
        found = [json.loads(line) for line in server.output.read_text().splitlines()
                 if request_id in line and '"gunicorn.access"' in line]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_the_access_log_is_json_with_the_request_id_and_no_secret(server):
    # (the database of this server has no tables: the page fails, and says so in the log)
    status, headers, _body = get(server.port, "/password/reset/pr1vate-t0ken?email=a@b.example")
    [line] = access_lines(server, headers["x-request-id"])
    assert line["method"] == "GET" and line["status"] == status
    assert line["path"] == "/password/reset/<token>"
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("Z") and line["level"] == "INFO"
    text = server.output.read_text()
    assert "pr1vate-t0ken" not in text and "a@b.example" not in text
    for raw in text.splitlines():  # gunicorn's own lines and the application's: JSON too
        if raw.strip():
            json.loads(raw)


def scrape(port: int) -> str:
    status, _headers, body = get(port, "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    return body.decode()


def healthz_count(text: str) -> float:
    match = re.search(r'^partnership_http_requests_total\{endpoint="core.healthz",method="GET",'
                      r'status="200"\} (\S+)$', text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_add_up_the_counts_of_every_worker(server):
    assert get(server.port, "/metrics")[0] == 404  # no token
    before = healthz_count(scrape(server.port))

    def counting_workers() -> set[str]:
        return {path.stem.rsplit("_", 1)[1]
                for path in server.metrics_dir.glob("counter_*.db")}

    # Batches of concurrent requests until both workers have answered some (a quick worker
    # may take a whole batch on a busy machine).
    sent = 0
    for _ in range(10):
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: get(server.port, "/healthz")[0], range(40)))
        assert statuses == [200] * 40
        sent += 40
        if len(counting_workers()) == 2:
            break
    assert len(counting_workers()) == 2, "both workers counted requests"
    # A request is counted once its response has gone: the last ones a moment after.
    deadline = time.monotonic() + 10
    while healthz_count(scrape(server.port)) < before + sent and time.monotonic() < deadline:
        time.sleep(0.2)
    counted = [healthz_count(scrape(server.port)) for _ in range(6)]
    # Whichever worker answers the scrape, it reports what both answered.
    assert counted == [before + sent] * 6


def test_gunicorn_checks_the_configuration_and_the_application(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "PARTNERSHIP_ENV": "production", "SECRET_KEY": "s" * 48,
           "PUBLIC_BASE_URL": "https://partnerships.example.org",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    result = subprocess.run(  # noqa: S603 - our own executable and arguments
        [str(gunicorn), "--check-config", "-c", str(CONFIG), "partnership:create_app()"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_worker_sets_what_it_loaded_at_start_apart_from_the_garbage_collector(monkeypatch,
                                                                               tmp_path):
    """A full collection then walks only what the worker made since, not the application and
    its dictionaries (about 100 ms a time otherwise, a stalled request under load)."""
    import gc
    import runpy

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))   # the file makes none then
    settings = runpy.run_path(str(CONFIG))
    gc.unfreeze()
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
