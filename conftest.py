"""Shared fixtures are testkit.fixtures; helpers are the other testkit modules."""

pytest_plugins = ["testkit.fixtures"]
