"""The test kit: fixtures (testkit.fixtures, loaded by the root conftest.py) and helpers,
one module per app, shared by every test and by the benchmark; no test imports another."""
