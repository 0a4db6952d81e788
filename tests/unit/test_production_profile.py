"""The production profile's files: gunicorn's settings, `make serve`'s service check, and the
nginx site and systemd units agreeing with the application's settings."""

import importlib.util
import json
import logging
import os
import re
import runpy
import socket
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn import glogging

from partnership.config import Config, DevelopmentConfig, ProductionConfig, TestingConfig
from partnership.core.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
NGINX = ROOT / "deploy" / "nginx" / "partnership.conf"
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def load_gunicorn_config(monkeypatch, tmp_path, **env) -> dict:
    for name in ("GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_BIND", "LOG_FORMAT",
                 "PARTNERSHIP_ENV", "PARTNERSHIP_METRICS_TEMPORARY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


# --- gunicorn ------------------------------------------------------------------------------------

def test_workers_follow_the_usable_cpus_unless_told(monkeypatch, tmp_path):
    settings = load_gunicorn_config(monkeypatch, tmp_path)
    assert settings["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert settings["timeout"] == 60 and settings["graceful_timeout"] == 30
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["preload_app"] is False  # a HUP loads the new code
    settings = load_gunicorn_config(monkeypatch, tmp_path, GUNICORN_WORKERS="3",
                                    GUNICORN_TIMEOUT="90", GUNICORN_BIND="127.0.0.1:9000")
    assert (settings["workers"], settings["timeout"], settings["bind"]) == \
        (3, 90, "127.0.0.1:9000")


def test_the_master_imports_no_application_code(tmp_path):
    """A HUP must start workers on the new code: a module the master imported stays old."""
    script = (f"import runpy, sys; runpy.run_path({str(CONFIG)!r}); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'partnership'))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,  # noqa: S603
                            timeout=60, check=True, cwd="/",
                            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)})
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(("env", "expected"), [
    ({}, ProductionConfig.LOG_FORMAT), ({"PARTNERSHIP_ENV": "production"}, "json"),
    ({"PARTNERSHIP_ENV": "development"}, DevelopmentConfig.LOG_FORMAT),
    ({"PARTNERSHIP_ENV": "testing"}, TestingConfig.LOG_FORMAT),
    ({"PARTNERSHIP_ENV": "production", "LOG_FORMAT": "console"}, "console"),
])
def test_gunicorn_logs_in_the_applications_format(monkeypatch, tmp_path, env, expected):
    assert load_gunicorn_config(monkeypatch, tmp_path, **env)["LOG_FORMAT"] == expected
    assert Config.LOG_FORMAT == "json" and DevelopmentConfig.LOG_FORMAT == "console"


def access_line(settings: dict, capsys, resp=None) -> str:
    from gunicorn.config import Config as GunicornConfig

    cfg = GunicornConfig()
    cfg.set("accesslog", "-")
    logger = settings["Logger"](cfg)
    assert isinstance(logger, glogging.Logger)
    resp = resp or SimpleNamespace(status_code=302, status="302 FOUND", headers=[], sent=10)
    req = SimpleNamespace(method="POST", path="/invitation/abc", query="x=1", headers=[],
                          version=(1, 1), uri="/invitation/abc?x=1")
    environ = {"partnership.request_id": "0123456789abcdef0123456789abcdef",
               "partnership.logged_path": "/invitation/<token>", "REMOTE_ADDR": "203.0.113.5"}
    logger.access(resp, req, environ, timedelta(milliseconds=12.34))
    return capsys.readouterr().out.strip()


def test_the_json_access_line(monkeypatch, tmp_path, capsys):
    line = json.loads(access_line(load_gunicorn_config(monkeypatch, tmp_path), capsys))
    assert line["logger"] == "gunicorn.access" and line["level"] == "INFO"
    assert line["message"] == "POST /invitation/<token> 302"
    assert (line["request_id"], line["method"], line["path"], line["status"]) == \
        ("0123456789abcdef0123456789abcdef", "POST", "/invitation/<token>", 302)
    assert line["duration_ms"] == 12.3
    assert "203.0.113.5" not in json.dumps(line) and "abc" not in line["path"]


def test_the_access_line_of_gunicorns_own_error_response(monkeypatch, tmp_path, capsys):
    """A request the application could not answer gets gunicorn's own 500, which has only a
    status line: logging it must not kill the worker (it did, while PostgreSQL restarted)."""
    from gunicorn.http.wsgi import Response

    resp = Response(SimpleNamespace(version=(1, 1), headers=[]), None, None)
    resp.status = "500 Internal Server Error"
    line = json.loads(access_line(load_gunicorn_config(monkeypatch, tmp_path), capsys, resp))
    assert line["status"] == 500


def test_the_console_access_line(monkeypatch, tmp_path, capsys):
    settings = load_gunicorn_config(monkeypatch, tmp_path, LOG_FORMAT="console")
    assert access_line(settings, capsys) == \
        "POST /invitation/<token> 302 12.3ms rid=0123456789abcdef0123456789abcdef"


def test_gunicorn_and_the_application_write_the_same_keys(monkeypatch, tmp_path):
    settings = load_gunicorn_config(monkeypatch, tmp_path)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "GET / 200", None, None)
    for name, value in {"request_id": "r" * 32, "method": "GET", "path": "/", "status": 200,
                        "duration_ms": 1.0}.items():
        setattr(record, name, value)
    assert json.loads(settings["JsonLines"]().format(record)).keys() == \
        json.loads(JsonFormatter().format(record)).keys()


def test_a_stopped_worker_leaves_no_live_gauge(monkeypatch, tmp_path):
    settings = load_gunicorn_config(monkeypatch, tmp_path)
    folder = tmp_path / "metrics"
    for name in ("gauge_livesum_4242.db", "counter_4242.db", "gauge_livesum_4343.db"):
        (folder / name).write_bytes(b"")
    settings["child_exit"](None, SimpleNamespace(pid=4242))
    assert sorted(path.name for path in folder.iterdir()) == \
        ["counter_4242.db", "gauge_livesum_4343.db"]  # counters keep counting what it did
    settings["on_starting"](None)
    assert list(folder.iterdir()) == []  # a new run starts from zero


# --- make serve ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def serve():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_serve_says_which_service_is_missing_and_how_to_start_it(serve):
    pg_port, redis_port = closed_port(), closed_port()
    problems = serve.check_services(f"postgresql+psycopg://postgres@127.0.0.1:{pg_port}/x",
                                    f"redis://127.0.0.1:{redis_port}/0", None)
    assert len(problems) == 2
    assert problems[0].startswith(f"PostgreSQL does not answer at 127.0.0.1:{pg_port}: ")
    assert "sudo service postgresql start" in problems[0] and "DATABASE_URL" in problems[0]
    assert problems[1].startswith(f"Redis does not answer at 127.0.0.1:{redis_port}: ")
    assert "redis-server" in problems[1] and "REDIS_URL" in problems[1]


def test_serve_refuses_sqlite_and_a_taken_port(serve):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        problems = serve.check_services("sqlite:///x.db", "redis://127.0.0.1:1/0", port)
    assert "must name a PostgreSQL database" in problems[0] and "make run" in problems[0]
    assert problems[-1].startswith(f"Port {port} on 127.0.0.1 is taken")


def test_serve_finds_running_services(serve):
    database = os.environ.get("TEST_DATABASE_URL")
    redis = os.environ.get("TEST_REDIS_URL")
    if not (database and redis):
        pytest.skip("TEST_DATABASE_URL and TEST_REDIS_URL name the running services")
    server = database.rsplit("/", 1)[0] + "/postgres"  # exists on every server
    assert serve.check_services(server, redis, None, create=False) == []
    missing = serve.postgres_problem(database.rsplit("/", 1)[0] + "/no_such_db_here",
                                     create=False)
    assert "has no database 'no_such_db_here'" in missing and "createdb" in missing


def test_serve_keeps_its_local_secrets_private_and_stable(serve, tmp_path):
    path = tmp_path / "instance" / "serve.env"
    first = serve.local_settings(path)
    assert len(first["SECRET_KEY"]) >= 40 and first["PROGRAMME_IDENTITY_KEYS"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert serve.local_settings(path) == first


# --- nginx and systemd ---------------------------------------------------------------------------

def test_nginx_takes_the_uploads_the_application_takes():
    size = re.search(r"client_max_body_size (\d+)m;", NGINX.read_text()).group(1)
    assert int(size) * 1024 * 1024 == Config.MAX_CONTENT_LENGTH


def test_nginx_sets_the_headers_trusted_proxies_reads():
    text = NGINX.read_text()
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-ID"):
        assert re.search(rf"proxy_set_header {header} \$", text), header
    assert "return 301 https://" in text and "ssl_certificate " in text
    assert "alias /opt/partnership/static/;" in text


def test_nginx_syntax(tmp_path):
    nginx = "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",  # noqa: S603,S607
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=test"],
                   check=True, capture_output=True, timeout=60)
    site = NGINX.read_text().replace(
        "/etc/letsencrypt/live/partnerships.example.org/fullchain.pem", str(cert)).replace(
        "/etc/letsencrypt/live/partnerships.example.org/privkey.pem", str(key)).replace(
        "/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n")
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")],  # noqa: S603
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_units_run_our_three_processes_hardened():
    assert [unit.name for unit in UNITS] == ["partnership-scheduler.service",
                                             "partnership-web.service",
                                             "partnership-worker.service"]
    commands = {"web": "gunicorn -c deploy/gunicorn.conf.py partnership:create_app()",
                "worker": "flask --app partnership worker",
                "scheduler": "flask --app partnership scheduler"}
    for unit in UNITS:
        text = unit.read_text()
        name = unit.stem.removeprefix("partnership-")
        assert f"ExecStart=/opt/partnership/.venv/bin/{commands[name]}\n" in text
        for line in ("User=partnership", "EnvironmentFile=/etc/partnership/partnership.env",
                     "Restart=", "NoNewPrivileges=yes", "ProtectSystem=strict",
                     "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=\n"):
            assert line in text, f"{unit.name}: {line}"
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in (ROOT / "deploy" / "systemd" /
                                                      "partnership-web.service").read_text()
