"""Helpers of the site-wide tests: a browser without a browser, a fresh Python with given
settings, a cuttable relay to the database, the Metrica tag of a page."""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from qarat.live_server import free_port, manage

BASE_DIR = Path(__file__).resolve().parents[1]
METRIKA_TAG = re.compile(r'<script src="[^"]*/js/metrika\.js"[^>]*>')


def metrika_tag(page):
    match = METRIKA_TAG.search(page)
    return match and match.group(0)


def public_paths():
    """Every page a visitor can open (in each language), and the root files."""
    for prefix in ("", "/kk", "/en"):
        yield from (f"{prefix}/", f"{prefix}/consent/", f"{prefix}/consent/1/")
        yield from (f"{prefix}/privacy/", f"{prefix}/analytics/", f"{prefix}/consent/1/ru.txt")
    yield from ("/healthz", "/robots.txt", "/sitemap.xml", "/favicon.ico")


def stored_count(env, name):
    """How many inquiries named `name` the site of `env` has stored, asked in a fresh Python."""
    code = "from inquiries.models import Inquiry; "
    code += f"print(Inquiry.objects.filter(name={name!r}).count())"
    return int(manage(env, "shell", "--no-imports", "-c", code).split()[-1])


def run_django(code, **env_overrides):
    """Start a fresh Python with only the given environment, as a server start would."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.pop("DATABASE_URL", None)
    env.update(DJANGO_SETTINGS_MODULE="qarat.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


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
                return response.status, response.geturl(), response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode(errors="replace")

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


class Relay:
    """A TCP relay to PostgreSQL or Redis that can be cut (stopping the server) and restored."""

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
