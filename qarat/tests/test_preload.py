"""gunicorn's master loads the site once before it forks (qarat/preload.py), and holds no
database or Redis connection a worker could inherit."""

import inspect
import os
import re
import runpy
import time
import urllib.parse
from pathlib import Path

import pytest

from qarat.live_server import Gunicorn, collect_static, manage, own_database, site_environment
from testkit.site import Browserless, run_django

BASE_DIR = Path(__file__).resolve().parents[2]
# Port 9 (discard) answers nothing here: any attempt to connect there fails at once.
NOWHERE_DATABASE = "postgres://nobody@127.0.0.1:9/none"
NOWHERE_REDIS = "redis://127.0.0.1:9/0"


def test_gunicorn_preloads_the_site_and_loads_it_in_the_master():
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    assert "load_before_fork()" in (BASE_DIR / "gunicorn.conf.py").read_text()


def _load_before_fork_and_run(code):
    """`code` after load_before_fork(), in a fresh Python whose database and Redis answer
    nothing: any connection attempt fails with a traceback."""
    return run_django(
        f"from qarat.preload import load_before_fork; load_before_fork(); {code}",
        SECRET_KEY="preload-test",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=NOWHERE_DATABASE,
        CACHE_URL=NOWHERE_REDIS,
    )


def test_loading_before_the_fork_connects_to_nothing_and_loads_what_requests_need():
    code = (
        "import sys; "
        "from django.urls import get_resolver; "
        "print('redis' in sys.modules, 'django_redis.client.default' in sys.modules, "
        "'inquiries.views' in sys.modules, 'staff.admin_site' in sys.modules)"
    )
    result = _load_before_fork_and_run(code)
    # A database or Redis connection attempt would have failed with a traceback.
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True"]


def _socket_inodes(pid):
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:
            continue
        if match := re.fullmatch(r"socket:\[(\d+)\]", target):
            inodes.add(match.group(1))
    return inodes


def _connected_ports(pid):
    """Remote TCP ports of the process's connected sockets."""
    inodes = _socket_inodes(pid)
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            remote, state, inode = fields[2], fields[3], fields[9]
            if inode in inodes and state == "01":  # ESTABLISHED
                ports.add(int(remote.rsplit(":", 1)[1], 16))
    return ports


def _open_files(pid):
    files = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            files.add(os.readlink(fd))
        except FileNotFoundError:
            continue
    return files


def test_the_master_holds_no_database_connection_after_its_workers_served(tmp_path):
    with own_database(tmp_path) as database_url:
        env = site_environment(tmp_path, database_url)
        manage(env, "migrate", "--noinput")
        collect_static(env)
        server = Gunicorn(env, workers=2)
        try:
            browser = Browserless(server.url)
            for _ in range(6):
                assert browser.get("/")[0] == 200
            status, _url, _page = browser.send_form("Preload Canary")
            assert status == 200
            master, workers = server.process.pid, server.workers()
            assert len(workers) == 2
            if database_url.startswith("sqlite"):
                # SQLite connections close after each request: the file open in the master
                # is what a preload mistake would leave.
                assert database_url.removeprefix("sqlite:///") not in _open_files(master)
            else:
                port = urllib.parse.urlsplit(database_url).port or 5432
                assert port not in _connected_ports(master)
                # A worker keeps its own (DATABASE_CONN_MAX_AGE): the check can see one.
                assert any(port in _connected_ports(pid) for pid in workers)
        finally:
            server.stop()


def test_what_was_loaded_before_the_fork_is_frozen_out_of_the_workers_collections():
    # A full collection in a worker walks what gc.get_objects() lists: not what the
    # master loaded, which is frozen (and stays in shared pages).
    code = "import gc; print(gc.get_freeze_count(), len(gc.get_objects()))"
    result = _load_before_fork_and_run(code)
    assert result.returncode == 0, result.stderr
    frozen, walked = map(int, result.stdout.split())
    assert frozen > 50_000
    assert walked < frozen / 20


LEAVING = """
import atexit, logging, os, pathlib, sys, threading, time
from django.db import connection
from inquiries.notifications import THREAD_PREFIX
from qarat.preload import exit_without_teardown

marks = pathlib.Path(os.environ["MARKS"])
atexit.register(lambda: (marks / "teardown").write_text("ran"))
connection.ensure_connection()

def send():
    time.sleep(0.3)
    (marks / "notified").write_text("sent")

threading.Thread(target=send, name=THREAD_PREFIX + "Q-TEST", daemon=True).start()
logging.getLogger("qarat").warning("leaving now")
exit_without_teardown()  # outside an exit: nothing happens
print("still here", flush=True)
try:
    sys.exit(int(os.environ["EXIT_CODE"]))
finally:
    exit_without_teardown()
"""


def _leave(tmp_path, exit_code):
    marks = tmp_path / f"marks-{exit_code}"
    marks.mkdir()
    result = run_django(
        LEAVING,
        SECRET_KEY="preload-test",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        CACHE_URL=NOWHERE_REDIS,
        MARKS=str(marks),
        EXIT_CODE=str(exit_code),
    )
    return result, {path.name for path in marks.iterdir()}


def test_a_worker_that_ends_normally_sends_its_notifications_and_skips_the_teardown(tmp_path):
    result, marks = _leave(tmp_path, 0)
    assert result.returncode == 0, result.stderr
    assert "still here" in result.stdout
    assert "leaving now" in result.stderr  # the logs were flushed
    # The notification thread (a daemon, which an exit would kill) finished its send; the
    # interpreter's teardown, which would have run the atexit handler, did not run.
    assert marks == {"notified"}


@pytest.mark.parametrize("exit_code", [3, 4, 255])
def test_a_worker_that_fails_keeps_its_exit_code_and_the_usual_teardown(tmp_path, exit_code):
    # gunicorn's master reads these (3: the worker could not boot, 4: the site could not
    # be loaded) and stops rather than restart a worker that can never serve.
    result, marks = _leave(tmp_path, exit_code)
    assert result.returncode == exit_code
    assert "teardown" in marks


def _workers_when_all_up(server, seconds=10):
    deadline = time.monotonic() + seconds
    while len(workers := set(server.workers())) < server.worker_count:
        assert time.monotonic() < deadline, "a recycled worker was not replaced"
        time.sleep(0.05)
    return workers


def test_recycled_workers_leave_and_are_replaced_while_the_site_serves(tmp_path):
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert "exit_without_teardown()" in inspect.getsource(config["worker_exit"])
    with own_database(tmp_path) as database_url:
        env = site_environment(
            tmp_path, database_url, GUNICORN_MAX_REQUESTS="4", GUNICORN_MAX_REQUESTS_JITTER="0"
        )
        manage(env, "migrate", "--noinput")
        collect_static(env)
        log = tmp_path / "gunicorn.log"
        with open(log, "wb") as output:
            server = Gunicorn(env, workers=2, output=output)
            try:
                first = set(server.workers())
                browser = Browserless(server.url)
                status, _url, _page = browser.send_form("Recycle Canary")
                assert status == 200
                # Until both first workers have left (each after 4 requests): every answer
                # is a page, whichever worker is leaving or starting.
                for _ in range(60):
                    assert browser.get("/")[0] == 200
                    if not first & set(server.workers()):
                        break
                later = _workers_when_all_up(server)
            finally:
                server.stop()
        text = log.read_text()
    assert len(later) == 2 and not later & first
    assert text.count("Autorestarting worker") >= 2
    assert "Exception during worker exit" not in text
    assert "Traceback" not in text


FIRST_PAGES = """
import io, re._compiler, sys
from django.template.loaders import app_directories, filesystem
from qarat.preload import load_before_fork
from qarat.wsgi import application  # as gunicorn's master imports it, before the fork

load_before_fork()
modules = set(sys.modules)
compiled, read = [], []
compile_pattern = re._compiler.compile
re._compiler.compile = lambda pattern, flags=0: (
    compiled.append(pattern), compile_pattern(pattern, flags))[1]
for loader in (filesystem.Loader, app_directories.Loader):
    get_contents = loader.get_contents
    loader.get_contents = lambda self, origin, get=get_contents: (
        read.append(origin.name), get(self, origin))[1]

def status(path):
    answered = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "localhost",
        "SERVER_PORT": "80", "HTTP_HOST": "localhost", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "REMOTE_ADDR": "127.0.0.1"}
    b"".join(application(environ, lambda status, headers: answered.append(status)))
    return answered[0]

statuses = [status(path) for path in ("/", "/kk/", "/en/")]
print(statuses, sorted(set(sys.modules) - modules), compiled, read, sep="\\n")
"""


def test_a_workers_first_pages_import_load_and_compile_nothing_the_master_could_have(tmp_path):
    # A recycled worker's first visitors would wait for it, while the other worker serves
    # alone. What needs the database or the cache (the texts, the page's render) is left.
    # The shared cache is warm, as when a worker is recycled: a first process fills it.
    env = site_environment(
        tmp_path,
        f"sqlite:///{tmp_path / 'site.sqlite3'}",
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
    )
    collect_static(env)
    manage(env, "migrate", "--noinput")
    names = ("SECRET_KEY", "DATABASE_URL", "STATIC_ROOT", "CACHE_URL")
    for _process in ("fills the cache", "measured"):
        result = run_django(
            FIRST_PAGES, **{name: env[name] for name in names}, ALLOWED_HOSTS="localhost"
        )
        assert result.returncode == 0, result.stderr
    statuses, modules, compiled, read = result.stdout.splitlines()
    assert statuses == "['200 OK', '200 OK', '200 OK']"
    assert modules == "[]"
    assert read == "[]"
    # Only the addresses that take an argument (a consent version's) are compiled then, and
    # the file cache's check of its keys (this test's stand-in for Redis, which makes none).
    file_cache_keys = r"[\x00-\x20\x7f]"
    compiled = [pattern for pattern in eval(compiled) if pattern != file_cache_keys]  # noqa: S307
    assert compiled
    assert all("(?P<" in pattern for pattern in compiled), compiled
