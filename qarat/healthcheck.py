"""The container's health check: GET /healthz where gunicorn listens, as nginx would ask.

`python -m qarat.healthcheck` (Dockerfile, HEALTHCHECK) exits 0 on a 200 and 1 otherwise.
It reads GUNICORN_BIND as gunicorn.conf.py does, so the probe follows the address the
site really listens on (host:port, a wildcard host meaning loopback, or a unix: socket),
and sends the first host of ALLOWED_HOSTS with X-Forwarded-Proto: https, so that neither
the host check nor the HTTPS redirect answers in the site's place. No Django: it starts
in a few milliseconds.
"""

import http.client
import os
import socket


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def connection(bind, timeout=4):
    if bind.startswith("unix:"):
        return UnixConnection(bind[len("unix:") :], timeout)
    host, _, port = bind.rpartition(":")
    host = host.strip("[]")
    # A wildcard address listens on loopback too; a named one is asked where it listens.
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - read, not bound
        host = "127.0.0.1"
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


def healthy(environ=os.environ):
    bind = environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")[0].strip()
    host = environ.get("ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".").replace("*", "")
    try:
        probe = connection(bind)
        probe.request(
            "GET",
            "/healthz",
            headers={"Host": host or "localhost", "X-Forwarded-Proto": "https"},
        )
        return probe.getresponse().status == 200
    except OSError:
        return False


if __name__ == "__main__":
    raise SystemExit(0 if healthy() else 1)
