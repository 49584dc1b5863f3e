"""A small HTTP/1.1 client on raw sockets: the load generator costs the machine little CPU."""

import re
import socket


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name, default=None):
        values = self.headers.get(name)
        return values[0] if values else default

    def cookies(self):
        jar = {}
        for value in self.headers.get("set-cookie", []):
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        return jar


class Connection:
    """HTTP/1.1, keep-alive when the server allows it; reconnects whenever the server closes
    (gunicorn's sync workers close after every response)."""

    def __init__(self, host, port):
        self.address = (host, port)
        self.host_header = f"{host}:{port}"
        self.sock = None

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def request(self, method, path, body=b"", headers=None):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host_header}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        for _attempt in range(2):
            fresh = self.sock is None
            if fresh:
                self.sock = socket.create_connection(self.address, timeout=60)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.sock.sendall(data)
                return self._response()
            except (ConnectionError, EOFError):
                self.close()
                if fresh:
                    raise
        raise ConnectionError("no response")

    def _response(self):
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed before the response")
            buffer += chunk
        head, _, body = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        length = headers.get("content-length")
        if length is not None:
            remaining = int(length[0]) - len(body)
            chunks = [body]
            while remaining > 0:
                chunk = self.sock.recv(min(remaining, 1 << 20))
                if not chunk:
                    raise EOFError("connection closed in the body")
                chunks.append(chunk)
                remaining -= len(chunk)
            body = b"".join(chunks)
        else:
            chunks = [body]
            while chunk := self.sock.recv(65536):
                chunks.append(chunk)
            body = b"".join(chunks)
            self.close()
        if "close" in headers.get("connection", [""])[0].lower():
            self.close()
        return Response(status, headers, body)


HIDDEN_FIELD = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def form_page(connection, path="/"):
    """(cookies, hidden fields) of a freshly loaded form page, as a browser keeps them."""
    page = connection.request("GET", path)
    assert page.status == 200, f"GET {path}: {page.status}"
    return page.cookies(), dict(HIDDEN_FIELD.findall(page.body.decode()))


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def form_headers(connection, cookies):
    """What a browser sends with a form it posts back to the same site."""
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie_header(cookies),
        "Origin": f"http://{connection.host_header}",
    }
