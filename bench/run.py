"""The benchmark of the site: `make bench` (README, section Benchmark).

Production settings (DEBUG off; plain HTTP on loopback, so HTTPS off) under gunicorn with
gunicorn.conf.py and two workers, on a fresh PostgreSQL database that it creates and drops,
with the load generator on the same machine. Every figure is a ratio against a baseline
measured in the same run:

- GET / against a hello-world view served by the same gunicorn and middleware;
- a valid submission of the form (CSRF cookie and token, consent, a fresh form token)
  against a bare view that inserts the same row (bench/urls.py);
- the admin's inquiry list and a phone search with a million inquiries against the same
  pages on an empty table;
- the retention purge of a million expired inquiries against a raw SQL DELETE of the same
  rows.

It prints a table and where the time went, and writes the figures to a JSON file.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WORKERS = 2

# Searches an operator types: one caller's full number (ten inquiries in the seeded table),
# and the start of a number (about a thousand).
PHONE_SEARCH = "8 701 123 45 67"
PHONE_PREFIX_SEARCH = "8 701 123"
SEARCHED_PHONE = "+77011234567"

TARGETS = {
    "form_get": 0.5,  # GET / req/s at least half of hello-world's
    "form_post": 0.8,  # submissions/s at least 0.8 of the bare insert's
    "admin_list_ms": 300,
    "phone_search_ms": 100,
    "purge_ratio": 1.5,  # purge time at most 1.5 times the raw DELETE's
    "worker_rss_mb": 100,
}


# --- where the time goes ---------------------------------------------------------------


class Steps:
    """Wall time of each step of the run, printed at the end."""

    def __init__(self):
        self.started = time.perf_counter()
        self.times = {}

    @contextlib.contextmanager
    def __call__(self, name):
        print(f"-- {name}", flush=True)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - started

    def total(self):
        return time.perf_counter() - self.started


def _stat(pid):
    """(utime+stime, cutime+cstime) of a process in seconds; (0, 0) once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0, 0.0
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    children = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
    return own, children


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except FileNotFoundError:
        return []


def tree_cpu(pid):
    """CPU seconds of a process, its live children and the children it has reaped."""
    own, reaped = _stat(pid)
    return own + reaped + sum(_stat(child)[0] for child in children_of(pid))


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return None


def machine_busy():
    """CPU seconds the whole machine spent not idle, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


class CpuMeter:
    """CPU used by the load generator, gunicorn, PostgreSQL and Redis during a phase."""

    def __init__(self, processes):
        self.processes = processes  # name -> pid (None: the load generator itself)

    def read(self):
        values = {}
        for name, pid in self.processes.items():
            if pid is None:
                usage = resource.getrusage(resource.RUSAGE_SELF)
                values[name] = usage.ru_utime + usage.ru_stime
            else:
                values[name] = tree_cpu(pid)
        values["machine busy"] = machine_busy()
        values["wall"] = time.perf_counter()
        return values

    @staticmethod
    def used(before, after):
        return {name: after[name] - before[name] for name in before}

    @staticmethod
    def shares(used):
        """Percent of the machine's nominal capacity (wall time × cores)."""
        capacity = used["wall"] * (os.cpu_count() or 1)
        shares = {
            name: round(100 * seconds / capacity, 1)
            for name, seconds in used.items()
            if name != "wall"
        }
        named = sum(value for name, value in shares.items() if name != "machine busy")
        # Tick accounting rounds differently per process: never below zero.
        shares["other"] = max(0.0, round(shares.pop("machine busy") - named, 1))
        shares["idle"] = round(100 - named - shares["other"], 1)
        return shares


def busy_percent(seconds=2.0):
    """How busy the machine is before the run (other people's tests, builds...)."""
    before = machine_busy()
    time.sleep(seconds)
    return round(100 * (machine_busy() - before) / seconds / (os.cpu_count() or 1), 1)


def effective_cores(seconds=2.0):
    """How many cores' worth of CPU two busy processes really get (on a shared virtual
    machine, less than the number of cores it shows)."""
    code = (
        "import time\n"
        f"end = time.perf_counter() + {seconds}\n"
        "while time.perf_counter() < end: pass\n"
        "print(time.process_time())"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)  # noqa: S603
        for _ in range(os.cpu_count() or 1)
    ]
    return round(sum(float(p.communicate()[0]) for p in processes) / seconds, 2)


# --- HTTP: a small keep-alive client on raw sockets ------------------------------------


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
    (gunicorn's sync workers close after every response). Costs the client little CPU."""

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


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- the stack: database, gunicorn ------------------------------------------------------


@contextlib.contextmanager
def fresh_database(server_url, steps):
    name = f"qarat_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url}/{name}"
    finally:
        with (
            steps("drop database"),
            psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection,
        ):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Settings of the site's own that would change what is measured if the shell or a .env
# file had them: the run sets each itself or leaves it at its default.
NEUTRALIZED = ("INQUIRY_PROCESSED_RETENTION_DAYS", "LOGIN_FAILURE_LIMIT", "SESSION_HOURS")


def site_environment(tmp, database_url, cache_url):
    inherited = {name: value for name, value in os.environ.items() if name not in NEUTRALIZED}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        # Plain HTTP on loopback: no redirect to HTTPS, no Secure-only cookies.
        "HTTPS": "false",
        "TRUSTED_PROXY_COUNT": "0",
        "TLS_AT_PROXY": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PHONE_HASH_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "EMAIL_URL": "consolemail://",
        "INQUIRY_NOTIFY_EMAILS": "",
        "YANDEX_METRIKA_ID": "",
        # The load comes from one address, far faster than people type.
        "INQUIRY_RATE_LIMIT": "1000000000/m",
        "INQUIRY_MIN_FILL_SECONDS": "0",
        # Operators log in with the password step only: the TOTP step is not measured.
        "ADMIN_REQUIRE_2FA": "false",
        "ADMIN_URL": "admin/",
        "INQUIRY_RETENTION_YEARS": "3",
        "PURGE_MARGIN_HOURS": "24",
        "STATIC_ROOT": str(Path(tmp) / "static"),
        "BACKUP_DIR": str(Path(tmp) / "backups"),
        "DESTRUCTION_JOURNAL": str(Path(tmp) / "backups" / "destructions.jsonl"),
        # One line per request, which the run reads back for the time spent inside Django.
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
    }


def manage(env, *args, stdin=None):
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn -c gunicorn.conf.py with two workers; watches its workers' memory."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - gunicorn of this venv
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "qarat.wsgi"],
            cwd=BASE_DIR,
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "WEB_CONCURRENCY": str(WORKERS),
            },
            stdout=self.log,
            stderr=self.log,
        )
        self.rss_peak = {}  # worker pid -> highest VmRSS seen, MB
        self._watching = True
        self._wait_until_up()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            with contextlib.suppress(OSError, EOFError):
                connection = Connection("127.0.0.1", self.port)
                up = connection.request("GET", "/healthz").status == 200
                if up and len(self.workers()) == WORKERS:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    def workers(self):
        return children_of(self.process.pid)

    def _watch(self):
        while self._watching:
            for pid in self.workers():
                rss = rss_mb(pid)
                if rss is not None:
                    self.rss_peak[pid] = max(rss, self.rss_peak.get(pid, 0.0))
            time.sleep(0.2)

    def worker_rss(self):
        return {pid: rss_mb(pid) for pid in self.workers()}

    def log_offset(self):
        self.log.flush()
        return Path(self.log_path).stat().st_size

    def stop(self):
        self._watching = False
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


REQUEST_LOG = re.compile(r"qarat\.requests (\w+) (\S+) (\d{3}) ([\d.]+)ms")


def server_times(log_path, start, end):
    """Durations (ms) the site logged itself between two offsets of gunicorn's log."""
    with open(log_path, "rb") as log:
        log.seek(start)
        text = log.read(end - start).decode("utf-8", "replace")
    return [float(match.group(4)) for match in REQUEST_LOG.finditer(text)]


# --- load phases ------------------------------------------------------------------------


def hello_client(connection, _number):
    def once():
        return connection.request("GET", "/bench/hello/").status == 200

    return once


def form_get_client(connection, _number):
    # A first visit: no cookies, so each answer also sets a new CSRF cookie.
    def once():
        return connection.request("GET", "/").status == 200

    return once


VISITOR = {
    "name": "Айгерим Сулейменова",
    "message": "Перезвоните, пожалуйста, после шести вечера: вопрос по договору.",
}


def insert_client(connection, number):
    body = urllib.parse.urlencode({**VISITOR, "phone": f"+770155{number:05d}"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def once():
        return connection.request("POST", "/bench/insert/", body, headers).status == 303

    return once


def form_post_client(connection, number):
    """A visitor who loaded the form once and sends it again and again, each time a new
    form token (else the double-post guard would answer with the stored inquiry)."""
    cookies, hidden = form_page(connection)
    assert "csrfmiddlewaretoken" in hidden and "csrftoken" in cookies, "no CSRF token"
    fields = {
        **hidden,
        **VISITOR,
        "phone": f"8 701 55{number // 1000 % 10} {number // 100 % 10}{number // 10 % 10} "
        f"{number % 10}4",
        "consent": "on",
    }
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie_header(cookies),
        "Origin": f"http://{connection.host_header}",
    }

    def once():
        body = urllib.parse.urlencode({**fields, "token": str(uuid.uuid4())}).encode()
        response = connection.request("POST", "/", body, headers)
        return response.status == 303 and "/thanks/Q-" in response.header("location", "")

    return once


def load_phase(server, make_client, *, clients, warmup, duration, cpu):
    """`clients` threads, each with its own connection, as fast as answers come back.

    Requests answered during the `duration` seconds after the warm-up count: throughput,
    latency (from sending the request to reading the whole answer, connect included).
    """
    barrier = threading.Barrier(clients + 1)
    window = {}
    results = [None] * clients
    failures = []

    def run(number):
        latencies, errors = [], 0
        try:
            connection = Connection("127.0.0.1", server.port)
            once = make_client(connection, number)
        except Exception as error:
            failures.append(error)
            barrier.abort()
            raise
        barrier.wait()
        start, end = window["start"], window["end"]
        while True:
            sent = time.perf_counter()
            if sent >= end:
                break
            try:
                ok = once()
            except (OSError, EOFError):
                ok = False
                connection.close()
            answered = time.perf_counter()
            if start <= answered < end:
                if ok:
                    latencies.append(answered - sent)
                else:
                    errors += 1
        results[number] = (latencies, errors)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["start"] = now + warmup
    window["end"] = now + warmup + duration
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        raise RuntimeError(f"a client could not start: {failures[0]!r}") from None
    workers_before = set(server.workers())
    time.sleep(max(0.0, window["start"] - time.perf_counter()))
    cpu_before, log_start = cpu.read(), server.log_offset()
    time.sleep(max(0.0, window["end"] - time.perf_counter()))
    cpu_after, log_end = cpu.read(), server.log_offset()
    workers_after = set(server.workers())
    for thread in threads:
        thread.join()
    return {
        "latencies": [value for result in results for value in result[0]],
        "errors": sum(result[1] for result in results),
        "in_app": server_times(server.log_path, log_start, log_end),
        "restarts": len(workers_after - workers_before),
        "cpu": CpuMeter.used(cpu_before, cpu_after),
    }


def summary(rounds, *, clients, duration):
    """One endpoint's figures over all its rounds."""
    latencies = [value for one in rounds for value in one["latencies"]]
    in_app = [value for one in rounds for value in one["in_app"]]
    seconds = duration * len(rounds)
    per_round = [len(one["latencies"]) / duration for one in rounds]
    cpu = {}
    for one in rounds:
        for name, value in one["cpu"].items():
            cpu[name] = cpu.get(name, 0.0) + value
    return {
        "clients": clients,
        "rounds": len(rounds),
        "seconds": seconds,
        "requests": len(latencies),
        "errors": sum(one["errors"] for one in rounds),
        "per_second": round(len(latencies) / seconds, 1),
        "per_second_by_round": [round(value, 1) for value in per_round],
        "p50_ms": round(1000 * percentile(latencies, 0.50), 2),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 2),
        "in_app_p50_ms": round(statistics.median(in_app), 2) if in_app else None,
        "in_app_mean_ms": round(statistics.fmean(in_app), 2) if in_app else None,
        "worker_restarts": sum(one["restarts"] for one in rounds),
        "cpu_percent": CpuMeter.shares(cpu),
        "cpu_ms_per_request": {
            name: round(1000 * value / max(1, len(latencies)), 2)
            for name, value in cpu.items()
            if name not in ("wall", "machine busy")
        },
    }


def load_pair(server, baseline, subject, *, clients, rounds, warmup, duration, cpu):
    """Baseline and subject in alternating rounds (B S B S ...), so that a change in what
    the machine gives (this one's second core comes and goes) hits both alike."""
    measured = {baseline[0]: [], subject[0]: []}
    for number in range(rounds):
        for name, make_client in (baseline, subject):
            one = load_phase(
                server, make_client, clients=clients, warmup=warmup, duration=duration, cpu=cpu
            )
            measured[name].append(one)
            print(
                f"   round {number + 1}: {name} {len(one['latencies']) / duration:.0f}/s",
                flush=True,
            )
    return {
        name: summary(rounds_of, clients=clients, duration=duration)
        for name, rounds_of in measured.items()
    }


# --- the admin --------------------------------------------------------------------------


def admin_login(port, username, password):
    connection = Connection("127.0.0.1", port)
    cookies, hidden = form_page(connection, "/admin/login/?next=/admin/")
    body = urllib.parse.urlencode(
        {**hidden, "username": username, "password": password, "next": "/admin/"}
    ).encode()
    response = connection.request(
        "POST",
        "/admin/login/?next=/admin/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
            "Origin": f"http://{connection.host_header}",
        },
    )
    assert response.status == 302, f"admin login: {response.status}"
    cookies.update(response.cookies())
    assert "sessionid" in cookies, "admin login: no session"
    return connection, {"Cookie": cookie_header(cookies)}


def admin_page(connection, headers, path, *, warmup, requests, expect_rows):
    def fetch():
        response = connection.request("GET", path, headers=headers)
        assert response.status == 200, f"GET {path}: {response.status}"
        return response

    for _ in range(warmup):
        page = fetch()
    rows = len(re.findall(r'<tr[^>]*>\s*<td class="action-checkbox">', page.body.decode()))
    low, high = expect_rows
    assert low <= rows <= high, f"GET {path}: {rows} rows, expected {expect_rows}"
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        fetch()
        times.append(time.perf_counter() - started)
    return {
        "requests": requests,
        "rows_shown": rows,
        "p50_ms": round(1000 * percentile(times, 0.50), 1),
        "p99_ms": round(1000 * percentile(times, 0.99), 1),
        "max_ms": round(1000 * max(times), 1),
    }


def admin_pages(port, login, *, warmup, requests, full):
    connection, headers = admin_login(port, *login)

    def search(term):
        return "/admin/inquiries/inquiry/?q=" + urllib.parse.quote_plus(term)

    return {
        "list": admin_page(
            connection,
            headers,
            "/admin/inquiries/inquiry/",
            warmup=warmup,
            requests=requests,
            expect_rows=(50, 50) if full else (0, 0),
        ),
        "phone_search": admin_page(
            connection,
            headers,
            search(PHONE_SEARCH),
            warmup=warmup,
            requests=requests,
            expect_rows=(10, 10) if full else (0, 0),
        ),
        "phone_prefix_search": admin_page(
            connection,
            headers,
            search(PHONE_PREFIX_SEARCH),
            warmup=warmup,
            requests=requests,
            # About a thousand numbers start so in a million rows: a full page.
            expect_rows=(1, 50) if full else (0, 0),
        ),
        # The index with its dashboard: aggregates over the last 30 days, no list rows.
        "dashboard": admin_page(
            connection, headers, "/admin/", warmup=warmup, requests=requests, expect_rows=(0, 0)
        ),
    }


# --- seeding ----------------------------------------------------------------------------

# Rows made by the server itself. Recent ones (ids rows+1 .. 2*rows) spread over the three
# years of retention, older first; expired ones (ids 1 .. rows) four to five years old, so
# ids grow with time as they do in production. One caller (SEARCHED_PHONE) has ten
# inquiries; other numbers are spread over the +7 701 range.
SEED = """
INSERT INTO inquiries_inquiry (
    id, reference, name, phone, message, status, note, legal_hold_reason, created_at,
    processed_at, notified_at, consent_version_id, consent_language, consent_sha256,
    submission_token
)
SELECT
    s.id,
    'Q-' || lpad(to_hex(s.id), 14, '0'),
    (ARRAY['Айгерим', 'Данияр', 'Асель', 'Нурлан', 'Мадина', 'Ерлан', 'Дина', 'Arman',
           'Светлана', 'Бауыржан'])[1 + s.g %% 10]
        || ' ' ||
    (ARRAY['Сейткали', 'Иванова', 'Ахметов', 'Нурпеисова', 'Ким', 'Смагулов', 'Omarova',
           'Петров', 'Жумабаев', 'Касымова'])[1 + (s.g / 10) %% 10],
    CASE WHEN s.g %% (%(rows)s / 10) = 0 THEN %(phone)s
         ELSE '+7701' || lpad(((s.g::bigint * 7919 + 12345) %% 10000000)::text, 7, '0')
    END,
    'Перезвоните, пожалуйста, по поводу заявки ' || s.g || '. Удобно после 18:00.',
    CASE WHEN NOT %(expired)s AND (s.g > %(rows)s - 500 OR s.g %% 1000 = 0)
         THEN 'new' ELSE 'processed' END,
    '', '', s.created_at,
    CASE WHEN NOT %(expired)s AND (s.g > %(rows)s - 500 OR s.g %% 1000 = 0)
         THEN NULL ELSE s.created_at + interval '2 hours' END,
    s.created_at + interval '1 minute',
    %(consent_version)s, 'ru', %(sha256)s, md5(s.id::text)::uuid
FROM (
    SELECT g, g + %(first_id)s - 1 AS id,
           now() - make_interval(secs => %(newest_age)s + (%(rows)s - g)::float8 * %(span)s
                                 / %(rows)s) AS created_at
    FROM generate_series(1, %(rows)s) AS g
) AS s
"""
DAY = 86400.0


def seed(database_url, *, rows, recent, expired):
    """Empty the table, then fill it: `rows` recent and/or `rows` expired inquiries.

    Indexes are dropped and built again after the insert (same definitions), which is
    twice as fast as maintaining them row by row. Ends with VACUUM ANALYZE.
    """
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("TRUNCATE inquiries_inquiry RESTART IDENTITY CASCADE")
        indexes = connection.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i WHERE i.indrelid = 'inquiries_inquiry'::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"""
        ).fetchall()
        for name, _definition in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        version, sha256 = connection.execute(
            "SELECT id, sha256_ru FROM consent_consentversion WHERE kind = 'consent' AND number = 1"
        ).fetchone()
        common = {"rows": rows, "phone": SEARCHED_PHONE, "consent_version": version}
        common["sha256"] = sha256
        if expired:
            connection.execute(
                SEED,
                {
                    **common,
                    "expired": True,
                    "first_id": 1,
                    "newest_age": 4 * 366 * DAY,
                    "span": 365 * DAY,
                },
            )
        if recent:
            connection.execute(
                SEED,
                {
                    **common,
                    "expired": False,
                    "first_id": rows + 1,
                    "newest_age": 60.0,
                    "span": (3 * 365 - 2) * DAY,
                },
            )
        for _name, definition in indexes:
            connection.execute(definition)
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('inquiries_inquiry', 'id'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM inquiries_inquiry), false)"
        )
        connection.execute("VACUUM ANALYZE inquiries_inquiry")
        return connection.execute("SELECT count(*) FROM inquiries_inquiry").fetchone()[0]


def empty_table(database_url):
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("TRUNCATE inquiries_inquiry RESTART IDENTITY CASCADE")
        connection.execute("VACUUM ANALYZE inquiries_inquiry")


# --- purge ------------------------------------------------------------------------------


def timed_command(env, *args):
    """(seconds, peak RSS in MB, stdout) of one manage.py command in its own process."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode()
    if process.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{text}")
    return seconds, usage.ru_maxrss / 1024, text


def raw_delete(database_url):
    started = time.perf_counter()
    with psycopg.connect(database_url) as connection:
        deleted = connection.execute(
            "DELETE FROM inquiries_inquiry WHERE created_at <= now() + interval '1 day' "
            "- interval '3 years'"
        ).rowcount
        connection.commit()
    return time.perf_counter() - started, deleted


def purge_phase(env, database_url, *, rows, steps):
    with steps(f"seed: {rows:,} recent + {rows:,} expired, for the purge"):
        total = seed(database_url, rows=rows, recent=True, expired=True)
    assert total == 2 * rows
    with steps("purge: manage.py purge_expired_inquiries"):
        startup, _rss, _out = timed_command(env, "purge_expired_inquiries", "--help")
        seconds, peak_rss, output = timed_command(env, "purge_expired_inquiries")
    match = re.search(r"Deleted (\d+) inquiries past their retention", output)
    assert match and int(match.group(1)) == rows, f"purge output: {output!r}"
    with steps(f"seed: {rows:,} recent + {rows:,} expired, for the raw DELETE"):
        seed(database_url, rows=rows, recent=True, expired=True)
    with steps("purge baseline: raw SQL DELETE"):
        raw_seconds, deleted = raw_delete(database_url)
    assert deleted == rows, f"raw DELETE deleted {deleted}"
    return {
        "rows_deleted": rows,
        "rows_kept": rows,
        "command_seconds": round(seconds, 2),
        "command_startup_seconds": round(startup, 2),
        "command_peak_rss_mb": round(peak_rss, 1),
        "raw_delete_seconds": round(raw_seconds, 2),
        "ratio": round(seconds / raw_seconds, 2),
        "ratio_without_startup": round((seconds - startup) / raw_seconds, 2),
    }


# --- report -----------------------------------------------------------------------------


def figure(name, measured, unit, baseline_name, baseline, *, ratio=None, target=None, met=None):
    if ratio is None and baseline:
        ratio = measured / baseline
    return {
        "figure": name,
        "measured": round(measured, 2),
        "unit": unit,
        "baseline": baseline_name,
        "baseline_measured": round(baseline, 2) if baseline is not None else None,
        "ratio": round(ratio, 2) if ratio is not None else None,
        "target": target,
        "met": met,
    }


def figures(results):
    """Each figure against its baseline of the same run, with its target where it has one."""
    found = []
    http = results.get("http")
    if http:
        hello, form_get = http["hello"], http["form_get"]
        insert, form_post = http["insert_bare"], http["form_post"]
        clients = hello["clients"]
        ratio = form_get["per_second"] / hello["per_second"]
        found.append(
            figure(
                "GET / requests/s",
                form_get["per_second"],
                "req/s",
                "hello-world view",
                hello["per_second"],
                target=f">= {TARGETS['form_get']}x",
                met=ratio >= TARGETS["form_get"],
            )
        )
        for key in ("p50_ms", "p99_ms"):
            found.append(
                figure(
                    f"GET / {key[:3]} latency, {clients} clients",
                    form_get[key],
                    "ms",
                    "hello-world view",
                    hello[key],
                )
            )
        ratio = form_post["per_second"] / insert["per_second"]
        found.append(
            figure(
                "POST / valid submissions/s",
                form_post["per_second"],
                "req/s",
                "bare INSERT view",
                insert["per_second"],
                target=f">= {TARGETS['form_post']}x",
                met=ratio >= TARGETS["form_post"],
            )
        )
        for key in ("p50_ms", "p99_ms"):
            found.append(
                figure(
                    f"POST / {key[:3]} latency, {clients} clients",
                    form_post[key],
                    "ms",
                    "bare INSERT view",
                    insert[key],
                )
            )
    rss = results.get("worker_rss")
    if rss:
        found.append(
            figure(
                "gunicorn worker RSS, peak",
                rss["peak_mb"],
                "MB",
                None,
                None,
                target=f"< {TARGETS['worker_rss_mb']} MB",
                met=rss["peak_mb"] < TARGETS["worker_rss_mb"],
            )
        )
    admin = results.get("admin")
    if admin:
        rows = results["setup"]["rows"]
        for key, name, target in (
            ("list", f"Admin inquiry list p50, {rows:,} rows", TARGETS["admin_list_ms"]),
            (
                "phone_search",
                f"Admin phone search '{PHONE_SEARCH}' p50",
                TARGETS["phone_search_ms"],
            ),
            ("phone_prefix_search", f"Admin phone search '{PHONE_PREFIX_SEARCH}' p50", None),
            ("dashboard", f"Admin index with the dashboard p50, {rows:,} rows", None),
        ):
            measured = admin["full"][key]["p50_ms"]
            found.append(
                figure(
                    name,
                    measured,
                    "ms",
                    "same page, empty table",
                    admin["empty"][key]["p50_ms"],
                    target=f"< {target} ms" if target else None,
                    met=measured < target if target else None,
                )
            )
    purge = results.get("purge")
    if purge:
        found.append(
            figure(
                f"Purge of {purge['rows_deleted']:,} expired inquiries",
                purge["command_seconds"],
                "s",
                "raw SQL DELETE of the same rows",
                purge["raw_delete_seconds"],
                target=f"<= {TARGETS['purge_ratio']}x",
                met=purge["ratio"] <= TARGETS["purge_ratio"],
            )
        )
        found.append(
            figure("Purge process peak RSS", purge["command_peak_rss_mb"], "MB", None, None)
        )
    return found


def figures_table(found):
    rows = [("Figure", "Measured", "Baseline (same run)", "Ratio", "Target", "Result")]
    for one in found:
        baseline = ""
        if one["baseline"]:
            baseline = f"{one['baseline']}: {one['baseline_measured']:g} {one['unit']}"
        met = {True: "met", False: "**missed**", None: ""}[one["met"]]
        rows.append(
            (
                one["figure"],
                f"{one['measured']:g} {one['unit']}",
                baseline,
                f"{one['ratio']:.2f}×" if one["ratio"] is not None else "",
                (one["target"] or "").replace(">=", "≥").replace("<=", "≤").replace("x", "×"),
                met,
            )
        )
    return markdown(rows)


def markdown(rows):
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def details_table(results):
    rows = [
        (
            "Load phase",
            "req/s (by round)",
            "p50 ms",
            "p99 ms",
            "in-app p50 ms",
            "errors",
            "worker restarts",
            "CPU % client / gunicorn / PostgreSQL / Redis / other / idle",
            "CPU ms per request: gunicorn, PostgreSQL",
        )
    ]
    for key, label in (
        ("hello", "GET /bench/hello/"),
        ("form_get", "GET /"),
        ("insert_bare", "POST /bench/insert/"),
        ("form_post", "POST /"),
    ):
        phase = results["http"][key]
        cpu, per_request = phase["cpu_percent"], phase["cpu_ms_per_request"]
        by_round = ", ".join(f"{value:.0f}" for value in phase["per_second_by_round"])
        rows.append(
            (
                label,
                f"{phase['per_second']:.0f} ({by_round})",
                f"{phase['p50_ms']:.1f}",
                f"{phase['p99_ms']:.1f}",
                f"{phase['in_app_p50_ms']}",
                phase["errors"],
                phase["worker_restarts"],
                " / ".join(
                    f"{cpu[name]:.0f}"
                    for name in ("client", "gunicorn", "postgresql", "redis", "other", "idle")
                ),
                f"{per_request['gunicorn']:.2f}, {per_request['postgresql']:.2f}",
            )
        )
    return markdown(rows)


def noise_warnings(results):
    """Whatever else ran on the machine during the run makes the figures less reliable."""
    warnings = []
    busy = results["machine"]["busy_before_start_percent"]
    if busy > 10:
        warnings.append(f"the machine was {busy:.0f}% busy before the run started.")
    for key, phase in results.get("http", {}).items():
        other = phase["cpu_percent"]["other"]
        if other > 15:
            warnings.append(
                f"other processes took {other:.0f}% of the CPU during the {key} rounds; "
                "run again on a quiet machine for steadier figures."
            )
    results["warnings"] = warnings
    return warnings


def steps_table(results):
    rows = [("Step", "seconds")]
    rows += [(name, f"{seconds:.1f}") for name, seconds in results["steps"].items()]
    rows.append(("total", f"{results['total_seconds']:.1f}"))
    return markdown(rows)


def code_state():
    """The commit measured, and the files that differed from it (a shared checkout)."""

    def git(*args):
        return subprocess.run(  # noqa: S603 - fixed git arguments
            ["git", *args],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
        ).stdout

    changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip() or None,
        "modified": [line[3:] for line in changed],
    }


def machine():
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        names = (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line)
        model = next(names, "")
    with open("/proc/meminfo") as meminfo:
        memory_kb = int(meminfo.readline().split()[1])
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


# --- the run ----------------------------------------------------------------------------


PHASES = ("http", "admin", "purge")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per pair (4)")
    parser.add_argument("--seconds", type=float, default=3, help="measured seconds per round (3)")
    parser.add_argument("--warmup", type=float, default=1, help="warm-up seconds per round (1)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="inquiries seeded (1M)")
    parser.add_argument("--admin-requests", type=int, default=30, help="per admin page (30)")
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help="comma-separated, of: http (GET and POST /), admin, purge (default all)",
    )
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results.json"))
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (a database is created there and dropped)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13"),
        help="Redis database for the site's cache (flushed)",
    )
    parser.add_argument(
        "--database-options",
        default="",
        help="query string added to the site's DATABASE_URL, e.g. conn_max_age=600 "
        "(default none, as README documents)",
    )
    args = parser.parse_args(argv)
    phases = [phase.strip() for phase in args.phases.split(",") if phase.strip()]
    if not phases or set(phases) - set(PHASES):
        parser.error(f"--phases: some of {', '.join(PHASES)}")
    if args.rows % 10 or args.rows < 10_000:
        parser.error("--rows: a multiple of 10, at least 10000")

    import redis

    cache = redis.Redis.from_url(args.redis)
    steps = Steps()
    results = {
        "command": "make bench",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "code": code_state(),
        "setup": {
            "phases": phases,
            "gunicorn_workers": WORKERS,
            "clients": args.clients,
            "rounds": args.rounds,
            "warmup_seconds_per_round": args.warmup,
            "measured_seconds_per_round": args.seconds,
            "rows": args.rows,
            "admin_requests": args.admin_requests,
            "database_url_options": args.database_options,
            "gunicorn_max_requests": os.environ.get("GUNICORN_MAX_REQUESTS", "2000"),
            "gunicorn_max_requests_jitter": os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"),
        },
        "targets": TARGETS,
    }
    with steps("calibration: effective cores"):
        results["machine"]["busy_before_start_percent"] = busy_percent()
        results["machine"]["effective_cores_at_start"] = effective_cores()
    with (
        tempfile.TemporaryDirectory(prefix="qarat-bench-") as tmp,
        fresh_database(args.postgres, steps) as database_url,
    ):
        site_database_url = database_url
        if args.database_options:
            site_database_url += "?" + args.database_options
        env = site_environment(tmp, site_database_url, args.redis)
        with psycopg.connect(database_url) as connection:
            backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
            version = connection.info.server_version
            results["machine"]["postgresql"] = f"{version // 10000}.{version % 10000}"
            # While the connection is open: its backend process exits with it.
            postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
        cache.flushdb()
        with steps("migrate, collectstatic, staff account"):
            manage(env, "migrate", "--noinput")
            manage(env, "collectstatic", "--noinput")
            login = ("bench-operator", secrets.token_urlsafe(24))
            manage(env, "create_operator", login[0], "--password-stdin", stdin=login[1] + "\n")
            # The first login's own-password step is not measured either.
            manage(
                env,
                "shell",
                "-c",
                "from staff.models import PasswordChangeRequired as P; P.objects.all().delete()",
            )
        if "http" in phases or "admin" in phases:
            with steps("gunicorn start"):
                server = Gunicorn(env, Path(tmp) / "gunicorn.log")
            try:
                if "http" in phases:
                    results["http"] = http_phases(server, args, postmaster, cache, steps)
                if "admin" in phases:
                    results["admin"] = admin_phases(server, args, database_url, login, steps)
                current = server.worker_rss()
                results["worker_rss"] = {
                    "peak_mb": round(max(server.rss_peak.values()), 1),
                    "at_end_mb": sorted(round(value, 1) for value in current.values() if value),
                    "workers_seen": len(server.rss_peak),
                }
            finally:
                with steps("gunicorn stop"):
                    server.stop()
        if "purge" in phases:
            results["purge"] = purge_phase(env, database_url, rows=args.rows, steps=steps)
        cache.flushdb()
    with steps("calibration: effective cores"):
        results["machine"]["effective_cores_at_end"] = effective_cores()
    results["steps"] = {name: round(seconds, 1) for name, seconds in steps.times.items()}
    results["total_seconds"] = round(steps.total(), 1)
    results["figures"] = figures(results)
    warnings = noise_warnings(results)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print()
    for warning in warnings:
        print(f"Warning: {warning}")
    print(figures_table(results["figures"]))
    if "http" in results:
        print()
        print(details_table(results))
    print()
    print(steps_table(results))
    print(f"\nWritten to {args.output}")


def http_phases(server, args, postmaster, cache, steps):
    cpu = CpuMeter(
        {
            "client": None,
            "gunicorn": server.process.pid,
            "postgresql": postmaster,
            "redis": int(cache.info("server")["process_id"]),
        }
    )
    http = {}
    for baseline, subject in (
        (("hello", hello_client), ("form_get", form_get_client)),
        (("insert_bare", insert_client), ("form_post", form_post_client)),
    ):
        with steps(f"load: {baseline[0]} and {subject[0]}, alternating"):
            http.update(
                load_pair(
                    server,
                    baseline,
                    subject,
                    clients=args.clients,
                    rounds=args.rounds,
                    warmup=args.warmup,
                    duration=args.seconds,
                    cpu=cpu,
                )
            )
    return http


def admin_phases(server, args, database_url, login, steps):
    admin = {}
    with steps("admin: empty table"):
        empty_table(database_url)
        admin["empty"] = admin_pages(
            server.port, login, warmup=3, requests=args.admin_requests, full=False
        )
    with steps(f"seed: {args.rows:,} recent inquiries"):
        seed(database_url, rows=args.rows, recent=True, expired=False)
    with steps(f"admin: {args.rows:,} inquiries"):
        admin["full"] = admin_pages(
            server.port, login, warmup=3, requests=args.admin_requests, full=True
        )
    return admin


if __name__ == "__main__":
    main()
