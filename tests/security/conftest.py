"""The NIK log scan: every log record a handler writes during the whole test run (every logger,
at the levels settings configure) is checked for an unmasked NIK; the run fails at its end if
one is found, naming the logger.

Installed when this folder is collected, i.e. in every full run (`pytest`, CI); the records of
subprocesses (the fault tests' commands, the load bench's server) are checked where they run.
"""

from __future__ import annotations

import logging

import pytest

from tests.reliability.harness import NIK_RE, report


class NikScan(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records = 0
        self.hits: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is not ours to judge here
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += " " + repr(record.exc_info[1])
        if NIK_RE.search(text) and len(self.hits) < 50:
            masked = NIK_RE.sub(lambda m: m.group(0)[:4] + "********" + m.group(0)[-4:], text)
            self.hits.append(f"{record.name} {record.levelname}: {masked[:300]}")


SCAN = NikScan()
_handle = logging.Handler.handle


def _scanned_handle(self: logging.Handler, record: logging.LogRecord) -> bool:
    """Every handler's `handle`, then the scan of what it wrote (after its filters, such as
    settings' NIK mask). pytest's own capture handlers are not logs and are left out. Patched on
    the class, so `logging.config.dictConfig` (Django's setup, run again by `cakupan.wsgi`)
    cannot remove it."""
    written = _handle(self, record)
    if written and not type(self).__module__.startswith("_pytest") and self is not SCAN:
        SCAN.handle(record)
    return written


logging.Handler.handle = _scanned_handle  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from tests.reliability.fuzzing import PROFILE, TRIED

    report("log_scan", records=SCAN.records, niks_found=len(SCAN.hits))
    if TRIED:
        report("fuzz_counts", profile=PROFILE, counts=dict(sorted(TRIED.items())))
    if SCAN.hits:
        print(  # noqa: T201 - the run's own verdict, after pytest's summary
            "\n\nNIK LOG SCAN FAILED: unmasked NIKs in log records of this run "
            "(mask them with cakupan.lib.masking):\n  " + "\n  ".join(SCAN.hits)
        )
        session.exitstatus = 1
