"""Request ids, JSON logs without personal data, and the Prometheus metrics (in one process; the
gunicorn side, with several workers, is in test_gunicorn.py)."""

import io
import json
import logging
import os
import re

import pytest
from prometheus_client import REGISTRY

from partnership.core import logs
from partnership.core.request_tracking import WELL_FORMED, request_id_for

from ..conftest import csrf_token, require_service
from ..factories import UserFactory

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_log():
    """Every record of the process, as production writes it, into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestFields())
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", "flask-limiter")}
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("flask-limiter").setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


# --- request ids ---------------------------------------------------------------------------------

def test_each_response_carries_a_fresh_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second)
    assert first != second


def test_error_pages_and_static_files_carry_one_too(client):
    for path in ("/no-such-page", "/static/css/app.css"):
        response = client.get(path)
        assert HEX_ID.fullmatch(response.headers["X-Request-ID"]), path
        response.close()


def test_an_incoming_id_is_ignored_without_a_trusted_proxy(client):
    response = client.get("/healthz", headers={"X-Request-ID": "chosen-by-the-client-1"})
    assert response.headers["X-Request-ID"] != "chosen-by-the-client-1"
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_the_trusted_proxys_id_is_kept_when_well_formed(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    response = client.get("/healthz", headers={"X-Request-ID": "9f1c2b3a4d5e6f708192a3b4c5d6e7f8"})
    assert response.headers["X-Request-ID"] == "9f1c2b3a4d5e6f708192a3b4c5d6e7f8"
    assert response.headers.getlist("X-Request-ID") == ["9f1c2b3a4d5e6f708192a3b4c5d6e7f8"]


@pytest.mark.parametrize("incoming", ["short", "a" * 129, "has space inside", "<script>x</script>",
                                      "id\u00e9-with-accent", "-leading-dash-123", ""])
def test_a_malformed_id_from_the_proxy_is_replaced(make_app, incoming):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"]), incoming


def test_request_id_rules():
    assert request_id_for({"HTTP_X_REQUEST_ID": "req-2026.11.30_abc"}, True) == \
        "req-2026.11.30_abc"
    assert request_id_for({"HTTP_X_REQUEST_ID": "req-2026.11.30_abc"}, False) != \
        "req-2026.11.30_abc"
    assert WELL_FORMED.fullmatch("0123456789abcdef0123456789abcdef")
    assert not WELL_FORMED.fullmatch("a\nb" * 5)


# --- logs ----------------------------------------------------------------------------------------

def test_a_log_line_made_during_a_request_names_the_request(make_app, json_log):
    app = make_app(RATE_LIMIT_LOGIN="1 per minute")
    client = app.test_client()
    token = csrf_token(client, "/login")
    for _ in range(2):
        response = client.post("/login", data={"csrf_token": token, "email": "x@example.org",
                                               "password": "wrong password"})
    assert response.status_code == 429
    [line] = [line for line in lines(json_log) if line["logger"] == "flask-limiter"]
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "POST" and line["path"] == "/login"
    assert line["level"] == "INFO" and line["time"].endswith("Z")
    assert set(line) >= {"time", "level", "logger", "message", "request_id", "method", "path"}


def test_failed_sign_ins_leave_no_e_mail_or_address_in_the_log(make_app, json_log):
    """The limiter names the client's address when it refuses; the e-mail typed is never
    logged; neither reaches the JSON log."""
    app = make_app(RATE_LIMIT_LOGIN="3 per minute")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    with app.app_context():
        UserFactory(email="mother.of.child@example.org")
    token = csrf_token(client, "/login")
    statuses = [client.post("/login", data={"csrf_token": token,
                                            "email": "mother.of.child@example.org",
                                            "password": "not the password"}).status_code
                for _ in range(5)]
    assert statuses[-1] == 429
    output = json_log.getvalue()
    assert "ratelimit" in output  # the limiter did log its refusal
    assert "[address]" in output
    assert "203.0.113.77" not in output
    assert "mother.of.child" not in output and "example.org" not in output


def test_a_secret_token_in_a_path_is_logged_by_name(make_app, json_log):
    app = make_app()
    with app.test_request_context("/password/reset/s3cr3t-t0ken"):
        app.preprocess_request()
        logging.getLogger("partnership.test").warning("inside")
    [line] = [line for line in lines(json_log) if line["message"] == "inside"]
    assert line["path"] == "/password/reset/<token>"
    assert "s3cr3t" not in json_log.getvalue()


def test_exceptions_are_logged_without_personal_data(json_log):
    try:
        raise ValueError("could not reach parent@example.org from 2001:db8::7 or 198.51.100.4")
    except ValueError:
        logging.getLogger("partnership.test").exception("failed")
    [line] = lines(json_log)
    assert "ValueError" in line["exception"]
    assert "parent@example.org" not in line["exception"]
    assert "2001:db8::7" not in line["exception"] and "198.51.100.4" not in line["exception"]


@pytest.mark.parametrize(("text", "expected"), [
    ("E-mail to anna.k+kz@mail.example.kz failed", "E-mail to [e-mail] failed"),
    ("ratelimit 20 per 10 minute (203.0.113.9) exceeded", "ratelimit 20 per 10 minute "
                                                          "([address]) exceeded"),
    ("client 2001:db8:85a3::8a2e:370:7334 refused", "client [address] refused"),
    ("Listening at: http://127.0.0.1:8000", "Listening at: http://127.0.0.1:8000"),
    ("took 12:30:45 and version 2.4.1", "took 12:30:45 and version 2.4.1"),
    ("proposals for 42: {'proposed': 3}", "proposals for 42: {'proposed': 3}"),
])
def test_redact(text, expected):
    assert logs.redact(text) == expected


# --- metrics -------------------------------------------------------------------------------------

def requests_counted(endpoint: str, status: str = "200") -> float:
    return REGISTRY.get_sample_value("partnership_http_requests_total",
                                     {"method": "GET", "endpoint": endpoint,
                                      "status": status}) or 0.0


def test_metrics_are_a_404_without_a_token_setting(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_need_the_token(make_app):
    client = make_app(METRICS_TOKEN="scrape-token-0123456789").test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Basic scrape-token-0123456789"}
                      ).status_code == 404
    response = client.get("/metrics",
                          headers={"Authorization": "Bearer scrape-token-0123456789"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    assert response.headers["Cache-Control"] == "no-store"
    assert "# TYPE partnership_http_requests_total counter" in response.get_data(as_text=True)


def test_requests_are_counted_by_endpoint_and_status(make_app):
    client = make_app(METRICS_TOKEN="scrape-token-0123456789").test_client()
    before_ok, before_missing = requests_counted("core.healthz"), requests_counted("none", "404")
    before_latency = REGISTRY.get_sample_value(
        "partnership_http_request_duration_seconds_count",
        {"method": "GET", "endpoint": "core.healthz"}) or 0.0
    for _ in range(3):
        client.get("/healthz").close()
    client.get("/no-such-page").close()
    assert requests_counted("core.healthz") == before_ok + 3
    assert requests_counted("none", "404") == before_missing + 1
    assert REGISTRY.get_sample_value("partnership_http_request_duration_seconds_count",
                                     {"method": "GET", "endpoint": "core.healthz"}) \
        == before_latency + 3
    text = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"}
                      ).get_data(as_text=True)
    assert re.search(r'partnership_http_requests_total\{endpoint="core.healthz",method="GET",'
                     r'status="200"\} \d', text)


def test_queue_lengths_come_from_redis(make_app):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        require_service("Redis", "TEST_REDIS_URL is not set")
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(url)
    try:
        connection.flushdb()
    except Exception as error:  # noqa: BLE001 - any failure means no usable Redis here
        require_service("Redis", str(error))
    try:
        Queue("partnership", connection=connection).enqueue("math.floor", 1.5)
        client = make_app(METRICS_TOKEN="scrape-token-0123456789", REDIS_URL=url).test_client()
        text = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"}
                          ).get_data(as_text=True)
        assert 'partnership_rq_jobs{queue="partnership",state="queued"} 1.0' in text
        assert 'partnership_rq_jobs{queue="partnership",state="failed"} 0.0' in text
        assert "partnership_redis_up 1.0" in text
    finally:
        connection.flushdb()


def test_a_redis_outage_shows_in_the_metrics_not_as_an_error(make_app):
    client = make_app(METRICS_TOKEN="scrape-token-0123456789",
                      REDIS_URL="redis://127.0.0.1:1/0").test_client()
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"})
    assert response.status_code == 200
    assert "partnership_redis_up 0.0" in response.get_data(as_text=True)


def test_a_missing_metrics_folder_is_made_rather_than_failing_requests(make_app, tmp_path,
                                                                       monkeypatch):
    folder = tmp_path / "not-yet" / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    make_app()
    assert folder.is_dir()
