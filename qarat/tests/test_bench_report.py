"""`make bench` says when the machine changed under it (bench/report.py, bench/processes.py)."""

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
