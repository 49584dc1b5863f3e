"""CPU and memory of the processes under load, and of the machine, from /proc."""

import contextlib
import os
import platform
import resource
import subprocess
import sys
import time

from qarat.live_server import children_of

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


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
        shares["idle"] = max(0.0, round(100 - named - shares["other"], 1))
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


# A fixed piece of pure-Python work, timed in CPU seconds: the best of three.
_SPEED_CODE = """
import time
best = None
for _ in range(3):
    start = time.process_time()
    total = 0
    for number in range(1_000_000):
        total += number * number
    took = time.process_time() - start
    best = took if best is None else min(best, took)
print(best)
"""


def core_speed_ms():
    """CPU milliseconds a fixed piece of work takes on one core now. A shared virtual
    machine's cores slow down when its neighbours are busy, and `effective_cores` does not
    see it: each process still gets its core, only a slower one."""
    result = subprocess.run(  # noqa: S603 - this Python, fixed code
        [sys.executable, "-c", _SPEED_CODE], capture_output=True, text=True, check=True
    )
    return round(1000 * float(result.stdout), 1)


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
