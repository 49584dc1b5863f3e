"""A running server whose database stops: nothing accepted is lost, nobody is misled.

The server is real (gunicorn, production settings) on a database of its own. PostgreSQL
is "stopped" by cutting a TCP relay between the two; SQLite by putting a directory where
its file was. Either way the server notices only through failed connections, as in life.
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
NAME = "Database Down Canary"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Relay:
    """A TCP relay to PostgreSQL that can be cut (stopping the database) and restored."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.sockets = []
        self.listener = None

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(32)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()


class Browserless:
    """Fetches pages and sends the form as a browser would, cookies included."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        try:
            with self.opener.open(self.url + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def send_form(self, name):
        status, page = self.get("/en/")
        assert status == 200
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        fields.update(name=name, phone="8 701 555 12 34", message="Call me", consent="on")
        body = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.url + "/en/", data=body, timeout=10) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()


@pytest.fixture
def server_with_stoppable_database(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    on_postgresql = url.startswith(("postgres://", "postgresql://"))
    if on_postgresql:
        import psycopg

        server_url, name = url.rsplit("/", 1)[0], f"qarat_down_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        parsed = urllib.parse.urlsplit(url)
        relay = Relay((parsed.hostname or "127.0.0.1", parsed.port or 5432))
        relay.start()
        user = parsed.username or "postgres"
        database_url = f"postgres://{user}@127.0.0.1:{relay.port}/{name}"
        stop, start = relay.stop, relay.start
    else:
        database_file = tmp_path / "site.sqlite3"
        database_url = f"sqlite:///{database_file}"

        def stop():
            database_file.rename(tmp_path / "away.sqlite3")
            database_file.mkdir()  # opening the database now fails

        def start():
            database_file.rmdir()
            (tmp_path / "away.sqlite3").rename(database_file)

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "down-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "qarat.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    site = Browserless(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(urllib.error.URLError):
            if site.get("/healthz")[0] == 200:
                break
        assert time.monotonic() < deadline and server.poll() is None, "server did not start"
        time.sleep(0.2)

    def count_stored():
        return subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from inquiries.models import Inquiry;"
                f"print(Inquiry.objects.filter(name='{NAME}').count())",
            ],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.split()[-1]

    try:
        yield site, stop, start, count_stored
    finally:
        server.terminate()
        server.wait(timeout=30)
        if on_postgresql:
            relay.stop()
            with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(tmp_path / "static", ignore_errors=True)


def test_a_stopped_database_gives_503_with_input_kept_and_loses_nothing(
    server_with_stoppable_database,
):
    site, stop, start, count_stored = server_with_stoppable_database
    status, url, _page = site.send_form(NAME)
    assert status == 200 and "/thanks/Q-" in url  # stored while the database runs

    site.get("/en/")  # the form has been shown once: its consent text is known
    stop()
    assert site.get("/healthz")[0] == 503
    status, page = site.get("/en/")
    assert status == 200, "the form must still show while the database is down"
    status, _url, page = site.send_form(NAME)
    assert status == 503
    assert "was not sent" in page
    assert f'value="{NAME}"' in page and 'value="8 701 555 12 34"' in page

    start()
    assert site.get("/healthz")[0] == 200
    status, url, _page = site.send_form(NAME)
    assert status == 200 and "/thanks/Q-" in url
    assert count_stored() == "2"  # the refused one was not stored, nothing twice
