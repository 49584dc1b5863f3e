"""Real servers for tests: gunicorn with production settings on a database of their own."""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browserless:
    """Fetches pages and sends the form as a browser would, cookies included."""

    def __init__(self, url, headers=None):
        self.url = url
        self.headers = headers or {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _open(self, url, data=None):
        request = urllib.request.Request(url, data=data, headers=self.headers)
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    def get(self, path):
        status, _url, page = self._open(self.url + path)
        return status, page

    def form_fields(self, name, phone="8 701 555 12 34"):
        """The filled form of a freshly loaded page: its hidden fields plus the visitor's input."""
        status, page = self.get("/en/")
        assert status == 200
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        fields.update(name=name, phone=phone, message="Call me", consent="on")
        return fields

    def post_form(self, fields, to=None):
        body = urllib.parse.urlencode(fields).encode()
        return self._open((to or self.url) + "/en/", data=body)

    def send_form(self, name, phone="8 701 555 12 34"):
        return self.post_form(self.form_fields(name, phone))


@contextlib.contextmanager
def own_database(tmp_path):
    """A new empty database: PostgreSQL when the tests run on it, else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    import psycopg

    server, name = url.rsplit("/", 1)[0], f"qarat_live_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_environment(tmp_path, database_url, **extra):
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "live-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp_path / "static"),
        "BACKUP_DIR": str(tmp_path / "backups"),
        **extra,
    }


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout


@contextlib.contextmanager
def gunicorn(env, workers=1):
    """gunicorn with the production configuration file, on a free port; yields its URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "qarat.wsgi"],
        cwd=BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            with contextlib.suppress(urllib.error.URLError, ConnectionError):
                if Browserless(url).get("/healthz")[0] == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the test server did not start")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
