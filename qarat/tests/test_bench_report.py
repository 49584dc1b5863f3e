"""`make bench` says when the machine changed under it, and keeps each round's tail apart
(bench/report.py, bench/processes.py, bench/load.py)."""

from bench.figures import http_figures
from bench.load import summary
from bench.processes import core_speed_ms
from bench.report import noise_warnings


def _results(**machine):
    return {"machine": {"busy_before_start_percent": 0.5, **machine}}


def test_a_run_whose_cores_changed_speed_is_flagged_either_way():
    assert noise_warnings(_results(core_speed_ms_at_start=60.0, core_speed_ms_at_end=66.0)) == []
    [slower] = noise_warnings(_results(core_speed_ms_at_start=60.0, core_speed_ms_at_end=90.0))
    assert "60 ms" in slower and "90 ms" in slower
    assert noise_warnings(_results(core_speed_ms_at_start=90.0, core_speed_ms_at_end=60.0))
    # A results file of a run before the measurement existed has no speeds: no warning.
    assert noise_warnings(_results()) == []


def test_the_speed_of_a_core_is_measured_in_cpu_milliseconds():
    speed = core_speed_ms()
    assert 1 < speed < 5000


def test_each_rounds_own_p99_is_kept_beside_the_p99_of_all_rounds():
    def round_of(latency_ms, slowest_ms):
        latencies = [latency_ms / 1000] * 99 + [slowest_ms / 1000]
        cpu = {"wall": 1.0, "machine busy": 1.0, "gunicorn": 0.8}
        return {"latencies": latencies, "in_app": [], "errors": 0, "restarts": 0, "cpu": cpu}

    # A fast round and a round on a host twice as slow: the rounds' own tails are 12 and
    # 40 ms; the tail of all rounds is the slow round's.
    figures = summary([round_of(5, 12), round_of(20, 40)], clients=16, duration=1)
    assert figures["p99_ms_by_round"] == [12.0, 40.0]
    assert figures["p99_ms"] == 20.0


def test_the_tail_figures_compare_all_rounds_and_the_median_round():
    cpu = {"cpu_ms_per_request": {"gunicorn": 1.0, "postgresql": 0.0, "redis": 0.0}}
    http = {
        "hello": {**cpu, "p99_ms": 30.0, "p99_ms_by_round": [10.0, 11.0, 30.0]},
        "form_get": {**cpu, "p99_ms": 45.0, "p99_ms_by_round": [12.0, 45.0, 13.0]},
    }
    results = {"setup": {"clients": 16, "many_clients": 64}, "http": http}
    found = {one["id"]: one for one in http_figures(results)}
    assert (found["get_p99"]["ratio"], found["get_p99"]["met"]) == (1.5, False)
    rounds = found["get_p99_rounds"]
    assert (rounds["measured"], rounds["baseline_measured"], rounds["ratio"]) == (13.0, 11.0, 1.18)
    # No target of its own: the target stays on the p99 of all rounds.
    assert rounds["target"] is None and rounds["met"] is None
    assert found["post_p99_rounds"]["measured"] is None
