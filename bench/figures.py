"""Each figure of the run against its same-run baseline, with its target: results.json's list."""

from bench.admin import PHONE_PREFIX_SEARCH, PHONE_SEARCH

TARGETS = {
    "form_get": 0.5,  # GET / req/s at least half of hello-world's
    "form_post": 0.8,  # submissions/s at least 0.8 of the bare insert's
    "admin_list_ms": 300,
    "phone_search_ms": 100,
    "purge_ratio": 1.5,  # purge time at most 1.5 times the raw DELETE's
    "worker_rss_mb": 100,
}


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
        clients = http["hello"]["clients"]
        for label, target_key, key, baseline_key, baseline_name in (
            ("GET / requests/s", "form_get", "form_get", "hello", "hello-world view"),
            (
                "POST / valid submissions/s",
                "form_post",
                "form_post",
                "insert_bare",
                "bare INSERT view",
            ),
        ):
            subject, baseline = http[key], http[baseline_key]
            ratio = subject["per_second"] / baseline["per_second"]
            found.append(
                figure(
                    label,
                    subject["per_second"],
                    "req/s",
                    baseline_name,
                    baseline["per_second"],
                    target=f">= {TARGETS[target_key]}x",
                    met=ratio >= TARGETS[target_key],
                )
            )
            for latency in ("p50_ms", "p99_ms"):
                found.append(
                    figure(
                        f"{label.split(' /')[0]} / {latency[:3]} latency, {clients} clients",
                        subject[latency],
                        "ms",
                        baseline_name,
                        baseline[latency],
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
