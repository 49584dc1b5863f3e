"""What the run prints: the figures, where the time went, and warnings about a busy machine."""

import contextlib
import json
import subprocess
from pathlib import Path

from bench.figures import target_text
from qarat.live_server import BASE_DIR


def measured_text(one):
    if one["measured"] is None:
        return "not run"
    return f"{one['measured']:g} {one['unit']}"


def ratio_text(one):
    return f"{one['ratio']:.2f}×" if one["ratio"] is not None else ""


MET = {True: "met", False: "**missed**", None: ""}


def figures_table(found):
    rows = [("Figure", "Measured", "Baseline (same run)", "Ratio", "Target", "Result")]
    for one in found:
        baseline = ""
        if one["baseline"] and one["baseline_measured"] is not None:
            baseline = f"{one['baseline']}: {one['baseline_measured']:g} {one['unit']}"
        rows.append(
            (
                one["figure"],
                measured_text(one),
                baseline,
                ratio_text(one),
                target_text(one),
                MET[one["met"]],
            )
        )
    return markdown(rows)


def previous_run(path):
    """The figures of the run that wrote `path` before this one, by id, or None."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        before = json.loads(Path(path).read_text())
        return {
            "date": before["date"],
            "commit": before["code"]["commit"],
            # Runs before figures had ids are matched by their name.
            "figures": {one.get("id") or one["figure"]: one for one in before["figures"]},
        }
    return None


def comparison_table(results, previous):
    """This run's figures beside the previous run's: measured (ratio), result."""
    this_run = results["date"][:10] + f" ({results['code']['commit']})"
    before = previous["date"][:10] + f" ({previous['commit']})"
    rows = [("Figure", "Target", f"This run, {this_run}", "", f"Previous run, {before}", "")]
    for one in results["figures"]:
        old = previous["figures"].get(one["id"]) or previous["figures"].get(one["figure"])
        cells = []
        for figure in (one, old):
            if figure is None or figure.get("measured") is None:
                cells += ["", ""]
                continue
            ratio = f" ({ratio_text(figure)})" if figure.get("ratio") is not None else ""
            cells += [measured_text(figure) + ratio, MET[figure.get("met")]]
        rows.append((one["figure"], target_text(one), *cells))
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
            "p99 ms (by round)",
            "in-app p50 ms",
            "errors",
            "worker restarts",
            "CPU % client / gunicorn / PostgreSQL / Redis / other / idle",
            "CPU ms per request: gunicorn, PostgreSQL",
        )
    ]
    clients = results["setup"]["many_clients"]
    for key, label in (
        ("hello", "GET /bench/hello/"),
        ("form_get", "GET /"),
        ("insert_bare", "POST /bench/insert/"),
        ("form_post", "POST /"),
        ("form_post_per_request", "POST /, a connection per request"),
        ("form_get_many", f"GET /, {clients} clients"),
        ("form_post_many", f"POST /, {clients} clients"),
    ):
        phase = results["http"][key]
        cpu, per_request = phase["cpu_percent"], phase["cpu_ms_per_request"]
        by_round = ", ".join(f"{value:.0f}" for value in phase["per_second_by_round"])
        # Absent from runs made before it was recorded.
        p99_by_round = ", ".join(f"{value:.1f}" for value in phase.get("p99_ms_by_round", []))
        rows.append(
            (
                label,
                f"{phase['per_second']:.0f} ({by_round})",
                f"{phase['p50_ms']:.1f}",
                f"{phase['p99_ms']:.1f} ({p99_by_round})",
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


# A core this much slower (or faster) at the end than at the start: the host changed.
SPEED_CHANGE = 1.15


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
    start = results["machine"].get("core_speed_ms_at_start")
    end = results["machine"].get("core_speed_ms_at_end")
    if start and end and max(start, end) > SPEED_CHANGE * min(start, end):
        warnings.append(
            f"the same work took {start:g} ms of CPU at the start and {end:g} ms at the end: "
            "the cores changed speed during the run (busy neighbours on the host), so its "
            "ratios may move more than usual; run again for steadier figures."
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
