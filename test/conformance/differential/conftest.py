"""Prints the differential summary (counts and report path) at the end of the pytest run."""

from harness import LAST_SUMMARY


def pytest_terminal_summary(terminalreporter):
    for line in LAST_SUMMARY:
        terminalreporter.write_sep("-", "differential vs MLflow")
        terminalreporter.write_line(line)
