"""The deployment files say what the docs say: compose, Dockerfile, gunicorn, commands."""

import http.server
import os
import re
import runpy
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands
from django.test import Client

from qarat.scheduler import default_jobs

BASE_DIR = Path(__file__).resolve().parents[2]


def test_compose_runs_database_cache_site_and_scheduler_on_one_server():
    compose = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "scheduler"}
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert services["scheduler"]["command"] == ["python", "manage.py", "run_scheduler"]
    for name in ("web", "scheduler"):
        environment = services[name]["environment"]
        assert environment["CACHE_URL"].startswith("redis://redis")
        assert environment["DATABASE_URL"].startswith("postgres://qarat:")
        assert "backups:/backups" in services[name]["volumes"]
    assert services["redis"]["command"] == ["redis-server", "--save", "", "--appendonly", "no"]
    assert "pgdata" in compose["volumes"] and "backups" in compose["volumes"]


def test_dockerfile_is_slim_non_root_with_health_check_and_gunicorn_config():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.\d+-slim$", dockerfile, re.M)
    assert re.search(r"^USER qarat$", dockerfile, re.M)
    assert "collectstatic --noinput" in dockerfile
    assert "postgresql-client" in dockerfile
    assert "qarat.healthcheck" in dockerfile.split("HEALTHCHECK", 1)[1]
    assert "gunicorn -c gunicorn.conf.py qarat.wsgi" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "20")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8000")
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert (config["workers"], config["timeout"], config["bind"]) == (3, 20, "0.0.0.0:8000")
    assert config["max_requests"] > 0 and 0 < config["max_requests_jitter"] < config["max_requests"]
    assert config["accesslog"] is None  # the site logs requests itself, without query strings


@pytest.mark.parametrize("document", ["README.md", "docs/deploy.md"])
def test_every_management_command_in_the_docs_exists(document):
    text = (BASE_DIR / document).read_text()
    named = set(re.findall(r"manage\.py (\w+)", text))
    assert named, f"no commands found in {document}"
    known = set(get_commands())
    assert named - known == set()


@pytest.mark.parametrize("document", ["README.md", "docs/deploy.md"])
def test_docs_crontab_runs_every_job_of_the_scheduler(document):
    text = (BASE_DIR / document).read_text()
    cron = re.search(r"```cron\n(.*?)```", text, re.S).group(1)
    for job in default_jobs():
        assert re.search(rf"^[\d*/, ]+ .*manage\.py {job.command}\b", cron, re.M), job.command


def test_compose_reads_the_env_file_that_env_example_documents():
    compose = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())
    assert compose["services"]["web"]["env_file"] == ".env"
    assert "POSTGRES_PASSWORD=" in (BASE_DIR / ".env.example").read_text()


def test_gunicorn_makes_no_control_socket_in_a_home_it_may_not_write(monkeypatch, tmp_path):
    """gunicorn 25+ creates $HOME/.gunicorn/gunicorn.ctl unless told not to; the image's
    user cannot write its HOME (/app), and nothing here uses gunicornc."""
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(BASE_DIR / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    assert config.control_socket_disable is True


def wait_for_database(url, *args):
    return subprocess.run(
        [sys.executable, "manage.py", "wait_for_database", *args],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_wait_for_database_returns_at_once_when_the_database_answers(tmp_path):
    result = wait_for_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert "Waiting" not in result.stdout


def test_wait_for_database_gives_up_with_a_message_when_it_never_answers():
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    result = wait_for_database("postgres://qarat@127.0.0.1:9/qarat", "--timeout", "2")
    assert result.returncode == 1
    assert "Waiting for the database" in result.stdout
    assert "did not answer within 2 seconds (OperationalError)" in result.stderr


def test_compose_pins_every_variable_of_the_template_that_names_a_place_on_the_host():
    """The class of `cp .env.example .env` breaking the containers: a path, a listening
    address or a service on this host, right for systemd, wrong inside a container.
    compose's `environment:` wins over `env_file:`, so each such variable is set there."""
    example = (BASE_DIR / ".env.example").read_text()
    variables = dict(re.findall(r"^(?:# )?([A-Z_]+)=(.*)$", example, re.M))
    host_specific = {
        name
        for name, value in variables.items()
        if value.startswith("/")
        or re.fullmatch(r"[\w.-]+:\d+", value)
        or re.search(r"//[^/]*(127\.0\.0\.1|localhost)", value)
    }
    assert {"DATABASE_URL", "CACHE_URL", "STATIC_ROOT", "BACKUP_DIR", "GUNICORN_BIND"} <= (
        host_specific
    )
    compose = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())
    for name in ("web", "scheduler"):
        assert host_specific - set(compose["services"][name]["environment"]) == set(), name


def test_the_production_template_shares_its_cache_between_processes():
    example = (BASE_DIR / ".env.example").read_text()
    assert re.search(r"^CACHE_URL=redis://", example, re.M)


def test_make_image_test_runs_every_compose_command_the_docs_give():
    """What the docs tell an administrator to run with compose, the image-test runs."""
    harness = "\n".join(p.read_text() for p in (BASE_DIR / "image-test").glob("*.sh"))
    docs = (BASE_DIR / "docs" / "deploy.md").read_text() + (BASE_DIR / "README.md").read_text()
    commands = re.findall(r"docker compose ([a-z][^`\n]*)", docs)
    assert len(commands) >= 8, commands
    for command in commands:
        subcommand = command.split()[0]
        assert re.search(rf"\bcompose (?:-\S+ )*{subcommand}\b", harness), command
        if "manage.py" in command:
            name = command.split("manage.py")[1].split()[0]
            assert re.search(rf"\bmanage(?:\.py)? {name}\b", harness), command
    for line in ("cp .env.example .env", "chmod 600 .env"):
        assert line in docs
        assert line in harness, line


class HealthzServer(http.server.ThreadingHTTPServer):
    """A stand-in for gunicorn: answers /healthz with `status`, records what it was asked."""

    def __init__(self, address, status=200, family=socket.AF_INET):
        self.address_family = family
        self.status, self.requests = status, []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(handler):  # noqa: N805 - the server is `self` here
                self.requests.append((handler.path, dict(handler.headers)))
                handler.send_response(self.status)
                handler.end_headers()

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(address, Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def health_check(bind, **environ):
    return subprocess.run(
        [sys.executable, "-m", "qarat.healthcheck"],
        cwd=BASE_DIR,
        env={**os.environ, "GUNICORN_BIND": bind, **environ},
        timeout=30,
    ).returncode


def test_the_container_health_check_follows_gunicorn_bind():
    server = HealthzServer(("127.0.0.1", 0))
    port = server.server_address[1]
    try:
        for bind in (f"0.0.0.0:{port}", f"127.0.0.1:{port}", f":{port}"):
            assert health_check(bind, ALLOWED_HOSTS="qarat.example.kz,www.qarat.example.kz") == 0
        path, headers = server.requests[-1]
        assert path == "/healthz"
        assert headers["Host"] == "qarat.example.kz"
        assert headers["X-Forwarded-Proto"] == "https"
        # Another port than the one listening: unhealthy, not a false "healthy".
        assert health_check("0.0.0.0:9") == 1
        server.status = 503
        assert health_check(f"0.0.0.0:{port}") == 1
    finally:
        server.shutdown()


def test_the_container_health_check_follows_a_unix_socket_bind(tmp_path):
    path = str(tmp_path / "gunicorn.sock")

    class UnixHealthzServer(HealthzServer):
        def server_bind(self):
            self.socket.bind(path)
            self.server_address = path

        def get_request(self):
            request, _ = self.socket.accept()
            return request, ("local", 0)

    server = UnixHealthzServer(path, family=socket.AF_UNIX)
    try:
        assert health_check(f"unix:{path}") == 0
        assert server.requests[-1][0] == "/healthz"
    finally:
        server.shutdown()


def test_the_dockerfile_health_check_is_that_probe():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    healthcheck = re.search(r"^HEALTHCHECK .*$", dockerfile, re.M).group(0)
    assert healthcheck.endswith('CMD ["python", "-m", "qarat.healthcheck"]')


@pytest.mark.django_db
def test_healthz_is_unhealthy_while_static_root_holds_no_collected_files(
    client, settings, tmp_path
):
    """A STATIC_ROOT without collectstatic's manifest makes every page a 500: not healthy."""
    settings.STATIC_ROOT = tmp_path / "empty"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with pytest.raises(ValueError):
        Client().get("/en/")  # what a visitor would get: the page cannot be rendered
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"static files not collected" in response.content


def test_docs_nginx_refuses_other_hosts_itself_and_secures_its_own_error_pages():
    text = (BASE_DIR / "docs" / "deploy.md").read_text()
    nginx = re.search(r"```nginx\n(.*?)```", text, re.S).group(1)
    for line in (
        "server_tokens off;",
        "listen 80 default_server;",
        "listen 443 ssl default_server;",
        "ssl_reject_handshake on;",
        "return 444;",
    ):
        assert line in nginx, line
    headers = re.findall(r"^\s*add_header (\S+) .*$", nginx, re.M)
    assert {"Strict-Transport-Security", "Content-Security-Policy"} <= set(headers)
    assert all(line.endswith("always;") for line in re.findall(r"add_header .*", nginx))
