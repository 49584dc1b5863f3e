"""Real servers for the tests and the benchmark: gunicorn with production settings on a
database of its own. Never imported by the site itself (and kept out of the image)."""

import atexit
import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except FileNotFoundError:
        return []


def is_postgres(url):
    return url.startswith(("postgres://", "postgresql://"))


@contextlib.contextmanager
def postgres_database(server_url, prefix="qarat_live", template=None):
    """A new database on the server at `server_url` (no database name), dropped after: empty,
    or a copy of the database named `template`, which nothing may be connected to."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        create = f'CREATE DATABASE "{name}"'
        if template is not None:
            # Its files copied as they are, after a checkpoint: the same pages, the same order.
            create += f' TEMPLATE "{template}"'
            if connection.info.server_version >= 150000:
                create += " STRATEGY FILE_COPY"
        connection.execute(create)
    try:
        yield f"{server_url}/{name}"
    finally:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def own_database(tmp_path):
    """A new empty database: PostgreSQL when the tests run on it, else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        yield f"sqlite:///{Path(tmp_path) / 'site.sqlite3'}"
        return
    with postgres_database(url.rsplit("/", 1)[0]) as database_url:
        yield database_url


def site_environment(tmp_path, database_url, **extra):
    """This process's environment with production settings on `database_url`, plus `extra`."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "live-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(Path(tmp_path) / "static"),
        "BACKUP_DIR": str(Path(tmp_path) / "backups"),
        **extra,
    }


def manage(env, *args, stdin=None, timeout=600):
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    ).stdout


@functools.cache
def _collected_static():
    """The site's collected static files, made once per process: they depend on the code alone."""
    root = Path(tempfile.mkdtemp(prefix="qarat-static-")) / "static"
    atexit.register(shutil.rmtree, root.parent, ignore_errors=True)
    manage({**os.environ, "STATIC_ROOT": str(root), "DEBUG": "false"}, "collectstatic", "--noinput")
    return root


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def collect_static(env):
    """What `collectstatic` puts in the site's STATIC_ROOT, as hard links to one collection per
    process (2.5 s a site saved; a site that deletes a file only unlinks its own link)."""
    root = Path(env["STATIC_ROOT"])
    if not (root / "staticfiles.json").exists():
        shutil.copytree(_collected_static(), root, copy_function=_link_or_copy, dirs_exist_ok=True)


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py qarat.wsgi` on a free port, up once /healthz answers
    200 and every worker has started; `output` takes its log (discarded by default)."""

    def __init__(self, env, workers=1, output=subprocess.DEVNULL):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.worker_count = workers
        self.process = subprocess.Popen(  # noqa: S603 - gunicorn of this Python
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "qarat.wsgi"],
            cwd=BASE_DIR,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers)},
            stdout=output,
            stderr=output,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def _healthy(self):
        healthz = self.url + "/healthz"
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(healthz, timeout=5) as response,  # noqa: S310
        ):
            return response.status == 200
        return False

    def _wait_until_up(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited before it was up")
            if self._healthy() and len(self.workers()) == self.worker_count:
                return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self):
        return children_of(self.process.pid)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def gunicorn(env, workers=1):
    """A Gunicorn for the duration of the block; yields its URL."""
    server = Gunicorn(env, workers)
    try:
        yield server.url
    finally:
        server.stop()
