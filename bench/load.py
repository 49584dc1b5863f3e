"""Load phases: clients as fast as answers come back, baseline and subject in turns."""

import functools
import statistics
import threading
import time
import urllib.parse
import uuid

from django.core import signing

from bench.client import Connection, form_headers, form_page
from bench.processes import CpuMeter


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- what each client sends --------------------------------------------------------------


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


# inquiries.forms.STARTED_SALT: the form's start time is signed for its own token.
STARTED_SALT = "inquiries.form.started"


def form_post_client(connection, number, *, secret_key):
    """A visitor who loaded the form once and sends it again and again, each time a new
    form token (else the double-post guard would answer with the stored inquiry) and its
    start time signed as the page would have (the run knows the site's SECRET_KEY)."""
    signer = signing.TimestampSigner(key=secret_key, salt=STARTED_SALT, fallback_keys=[])
    cookies, hidden = form_page(connection)
    assert "csrfmiddlewaretoken" in hidden and "csrftoken" in cookies, "no CSRF token"
    fields = {
        **hidden,
        **VISITOR,
        "phone": f"8 701 55{number // 1000 % 10} {number // 100 % 10}{number // 10 % 10} "
        f"{number % 10}4",
        "consent": "on",
    }
    headers = form_headers(connection, cookies)
    # Encoded once, as the bare INSERT's client does its body: only the token and its signed
    # start time change from one submission to the next.
    fixed = {name: value for name, value in fields.items() if name not in ("token", "started")}
    body_start = urllib.parse.urlencode(fixed).encode()

    def once():
        token = str(uuid.uuid4())
        started = signer.sign_object([time.time(), token])
        changing = urllib.parse.urlencode({"token": token, "started": started}).encode()
        body = body_start + b"&" + changing
        response = connection.request("POST", "/", body, headers)
        return response.status == 303 and "/thanks/Q-" in response.header("location", "")

    return once


# --- running them ------------------------------------------------------------------------


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
        "in_app": server.server_times(log_start, log_end),
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
        # A round's own tail, apart from how fast the host was in the other rounds.
        "p99_ms_by_round": [round(1000 * percentile(one["latencies"], 0.99), 2) for one in rounds],
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


def load_alternating(phases, *, clients, rounds, warmup, duration):
    """Each phase (name, server, make_client, cpu) once per round, in turns (A B C A B C ...),
    so that a change in what the machine gives hits all alike."""
    measured = {name: [] for name, *_ in phases}
    for number in range(rounds):
        for name, server, make_client, cpu in phases:
            one = load_phase(
                server, make_client, clients=clients, warmup=warmup, duration=duration, cpu=cpu
            )
            measured[name].append(one)
            print(
                f"   round {number + 1}: {name} {len(one['latencies']) / duration:.0f}/s, "
                f"{clients} clients",
                flush=True,
            )
            if not one["latencies"]:
                raise RuntimeError(f"{name}: no request succeeded ({one['errors']} errors)")
    return {
        name: summary(rounds_of, clients=clients, duration=duration)
        for name, rounds_of in measured.items()
    }


def http_phases(site, per_request, meter, args, steps, secret_key):
    """GET / against hello-world and POST / against the bare INSERT on `site`, POST / on
    `per_request` (a connection per request), then GET / and POST / with many clients."""
    form_post = functools.partial(form_post_client, secret_key=secret_key)
    timing = {"rounds": args.rounds, "warmup": args.warmup, "duration": args.seconds}
    groups = (
        (
            "hello and form_get",
            args.clients,
            timing,
            [
                ("hello", site, hello_client),
                ("form_get", site, form_get_client),
            ],
        ),
        (
            "insert_bare, form_post and form_post_per_request",
            args.clients,
            timing,
            [
                ("insert_bare", site, insert_client),
                ("form_post", site, form_post),
                ("form_post_per_request", per_request, form_post),
            ],
        ),
        (
            f"form_get and form_post, {args.many_clients} clients",
            args.many_clients,
            {**timing, "rounds": 1},
            [
                ("form_get_many", site, form_get_client),
                ("form_post_many", site, form_post),
            ],
        ),
    )
    http = {}
    for label, clients, rounds, phases in groups:
        with steps(f"load: {label}, alternating"):
            http.update(
                load_alternating(
                    [(name, server, make, meter(server)) for name, server, make in phases],
                    clients=clients,
                    **rounds,
                )
            )
    return http
