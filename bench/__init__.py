"""The benchmark of the site (`make bench`): bench/run.py; README, section Benchmark."""
