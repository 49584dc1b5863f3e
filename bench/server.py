"""The site under gunicorn as the benchmark runs it: its log kept, its workers' memory watched."""

import re
import threading
import time
from pathlib import Path

from bench.processes import rss_mb
from qarat.live_server import Gunicorn

WORKERS = 2
REQUEST_LOG = re.compile(r"qarat\.requests (\w+) (\S+) (\d{3}) ([\d.]+)ms")


class WatchedGunicorn(Gunicorn):
    """Two workers, their log in `log_path` and the highest RSS each reached."""

    def __init__(self, env, log_path):
        self.log_path = Path(log_path)
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.rss_peak = {}  # worker pid -> highest VmRSS seen, MB
        self._watching = True
        try:
            super().__init__(env, WORKERS, output=self.log)
        except RuntimeError as error:
            raise RuntimeError(f"{error}; see {log_path}") from None
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

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
        return self.log_path.stat().st_size

    def server_times(self, start, end):
        """Durations (ms) the site logged itself between two offsets of the log."""
        with open(self.log_path, "rb") as log:
            log.seek(start)
            text = log.read(end - start).decode("utf-8", "replace")
        return [float(match.group(4)) for match in REQUEST_LOG.finditer(text)]

    def stop(self):
        self._watching = False
        super().stop()
        if not self.log.closed:
            self.log.close()
