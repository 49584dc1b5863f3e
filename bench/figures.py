"""Each figure of the run against its same-run baseline, with its target: results.json's list.

Every run lists the same figures by the same ids, so successive runs compare by script.
"""

import operator
import statistics

from bench.admin import PHONE_PREFIX_SEARCH, PHONE_SEARCH, PHONE_SUFFIX_SEARCH

# id -> (what the target bounds: "ratio" or "measured", comparison, value)
TARGETS = {
    "get_rps": ("ratio", ">=", 0.85),
    "get_p99": ("ratio", "<=", 1.3),
    "post_rps": ("ratio", ">=", 0.8),
    "post_p99": ("ratio", "<=", 1.3),
    "post_kept_connections_gain": ("ratio", ">=", 2.5),
    "many_clients_errors": ("measured", "==", 0),
    "worker_rss": ("measured", "<", 100),
    "admin_list": ("measured", "<", 300),
    "admin_phone_search": ("measured", "<", 100),
    "admin_phone_suffix_search": ("measured", "<", 100),
    "purge": ("ratio", "<=", 1.5),
}
COMPARE = {">=": operator.ge, "<=": operator.le, "<": operator.lt, "==": operator.eq}


def figure(key, name, unit, measured=None, baseline_name=None, baseline=None):
    ratio = None
    if measured is not None and baseline:
        ratio = measured / baseline
    target, met = TARGETS.get(key), None
    if target is not None and measured is not None:
        of, comparison, value = target
        met = COMPARE[comparison](ratio if of == "ratio" else measured, value)
    return {
        "id": key,
        "figure": name,
        "measured": round(measured, 2) if measured is not None else None,
        "unit": unit,
        "baseline": baseline_name,
        "baseline_measured": round(baseline, 2) if baseline is not None else None,
        "ratio": round(ratio, 2) if ratio is not None else None,
        "target": {"of": target[0], "op": target[1], "value": target[2]} if target else None,
        "met": met,
    }


def _get(results, *path):
    """A value deep in the results, or None when its phase did not run."""
    for key in path:
        if not isinstance(results, dict) or key not in results:
            return None
        results = results[key]
    return results


def _median(values):
    return statistics.median(values) if values else None


def _cpu_per_request(phase):
    if phase is None:
        return None
    return sum(phase["cpu_ms_per_request"][name] for name in ("gunicorn", "postgresql", "redis"))


def http_figures(results):
    http = results.get("http", {})
    clients = results["setup"]["clients"]

    def phase(name, key):
        return _get(http, name, key)

    found = []
    for prefix, label, subject, baseline, baseline_name in (
        ("get", "GET / requests/s", "form_get", "hello", "hello-world view"),
        ("post", "POST / valid submissions/s", "form_post", "insert_bare", "bare INSERT view"),
    ):
        method = label.split(" ")[0]
        found.append(
            figure(
                f"{prefix}_rps",
                label,
                "req/s",
                phase(subject, "per_second"),
                baseline_name,
                phase(baseline, "per_second"),
            )
        )
        for key in ("p50_ms", "p99_ms"):
            found.append(
                figure(
                    f"{prefix}_{key[:3]}",
                    f"{method} / {key[:3]} latency, {clients} clients",
                    "ms",
                    phase(subject, key),
                    baseline_name,
                    phase(baseline, key),
                )
            )
        # The p99 of all rounds is the slowest rounds' own: on a host whose speed changes
        # from round to round, it follows the host. The median of each round's own p99 is
        # the tail that stays when it does.
        found.append(
            figure(
                f"{prefix}_p99_rounds",
                f"{method} / p99 latency, {clients} clients, median of the rounds' own",
                "ms",
                _median(phase(subject, "p99_ms_by_round")),
                baseline_name,
                _median(phase(baseline, "p99_ms_by_round")),
            )
        )
    found.append(
        figure(
            "post_kept_connections_gain",
            "POST / valid submissions/s, connections kept",
            "req/s",
            phase("form_post", "per_second"),
            "same, a connection per request",
            phase("form_post_per_request", "per_second"),
        )
    )
    # CPU per request, the machine's other load aside: what the throughput ratios above
    # come to on a quiet machine.
    for key, label, subject, baseline, baseline_name in (
        ("get_cpu", "GET /", "form_get", "hello", "hello-world view"),
        ("post_cpu", "POST /", "form_post", "insert_bare", "bare INSERT view"),
        (
            "post_per_request_cpu",
            "POST /, a connection per request",
            "form_post_per_request",
            "form_post",
            "POST /, connections kept",
        ),
    ):
        found.append(
            figure(
                key,
                f"{label}: CPU per request, gunicorn + PostgreSQL + Redis",
                "ms",
                _cpu_per_request(http.get(subject)),
                baseline_name,
                _cpu_per_request(http.get(baseline)),
            )
        )
    many = [phase(name, "errors") for name in ("form_get_many", "form_post_many")]
    found.append(
        figure(
            "many_clients_errors",
            f"Errors of GET / and POST / with {results['setup']['many_clients']} clients",
            "errors",
            None if None in many else sum(many),
        )
    )
    found.append(
        figure(
            "worker_rss", "gunicorn worker RSS, peak", "MB", _get(results, "worker_rss", "peak_mb")
        )
    )
    return found


def figures(results):
    """Each figure against its baseline of the same run, with its target where it has one."""
    found = http_figures(results)
    rows = results["setup"]["rows"]
    for key, page, name in (
        ("admin_list", "list", f"Admin inquiry list p50, {rows:,} rows"),
        ("admin_phone_search", "phone_search", f"Admin phone search '{PHONE_SEARCH}' p50"),
        (
            "admin_phone_suffix_search",
            "phone_suffix_search",
            f"Admin last-digits search '{PHONE_SUFFIX_SEARCH}' p50",
        ),
        (
            "admin_phone_prefix_search",
            "phone_prefix_search",
            f"Admin phone search '{PHONE_PREFIX_SEARCH}' p50",
        ),
        ("admin_dashboard", "dashboard", f"Admin index with the dashboard p50, {rows:,} rows"),
    ):
        found.append(
            figure(
                key,
                name,
                "ms",
                _get(results, "admin", "full", page, "p50_ms"),
                "same page, empty table",
                _get(results, "admin", "empty", page, "p50_ms"),
            )
        )
    found.append(
        figure(
            "purge",
            f"Purge of {rows:,} expired inquiries",
            "s",
            _get(results, "purge", "command_seconds"),
            "raw SQL DELETE of the same rows",
            _get(results, "purge", "raw_delete_seconds"),
        )
    )
    found.append(
        figure(
            "purge_rss",
            "Purge process peak RSS",
            "MB",
            _get(results, "purge", "command_peak_rss_mb"),
        )
    )
    return found


def target_text(one):
    target = one["target"]
    if target is None:
        return ""
    unit = "×" if target["of"] == "ratio" else f" {one['unit']}"
    return f"{target['op']} {target['value']:g}{unit}".replace(">=", "≥").replace("<=", "≤")
