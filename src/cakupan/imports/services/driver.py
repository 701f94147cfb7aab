"""The one import flow every file kind shares: record → read → check every row → report and
stage → decide → merge in one transaction with its audit entry → finish the record.

A kind supplies its `FileKind` (columns, staging table), a `Checker` and a merge function.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from cakupan.accounts.scope import Actor, require_capability
from cakupan.audit.services import audit_record
from cakupan.errors import CakupanError
from cakupan.imports.models import ImportRecord, Outcome
from cakupan.imports.services.problems import Problem, RejectsReport
from cakupan.imports.services.readers import UnreadableFile, open_table
from cakupan.imports.services.staging import Staging
from cakupan.jobs.services import Progress
from cakupan.lib.locks import Busy, is_running, registry_write, running

SHOWN_PROBLEMS = 50  # kept in memory for the screen; every problem is in the report
STOPPED = (
    "Impor berhenti sebelum selesai (proses dimatikan); registri tidak berubah. "
    "/ The import stopped before it finished (its process was killed); the registry is unchanged."
)


def import_reap() -> int:
    """Mark imports whose process died (still `running`, no live holder) as failed; returns how
    many. Their merge never committed, so the registry is as before them."""
    reaped = 0
    for pk in ImportRecord.objects.filter(outcome=Outcome.RUNNING).values_list("pk", flat=True):
        if not is_running("import", pk):
            reaped += ImportRecord.objects.filter(pk=pk, outcome=Outcome.RUNNING).update(
                outcome=Outcome.FAILED, message=STOPPED, finished_at=timezone.now()
            )
    return reaped


@dataclass(frozen=True)
class FileKind:
    name: str  # "participants", "employers"
    aliases: dict[str, str]
    required: tuple[str, ...]
    stage_columns: Iterable[tuple[str, str]]
    stage_key: str


class Checker(Protocol):
    def check(
        self, baris: int, row: dict[str, str]
    ) -> tuple[tuple[Any, ...] | None, list[Problem]]: ...


@dataclass
class ImportResult:
    record: ImportRecord
    problems: list[Problem]  # the first few, for the screen; all of them are in the report

    @property
    def exit_code(self) -> int:
        """design.md: 0 all good, 1 rows rejected, 2 unreadable file; 3 not run (another import
        held the registry past the wait: nothing changed, run it again)."""
        return {
            Outcome.REJECTED: 1,
            Outcome.PARTIAL: 1,
            Outcome.UNREADABLE: 2,
            Outcome.FAILED: 3,
        }.get(
            self.record.outcome,  # type: ignore[call-overload]
            0,
        )


def import_run(
    *,
    kind: FileKind,
    path: Path,
    acting_user: Actor,
    make_checker: Callable[[], Checker],
    merge: Callable[[Staging], dict[str, Any]],
    periode: str = "",
    options: dict[str, Any] | None = None,
    file_name: str | None = None,
    rejects_path: Path | None = None,
    dry_run: bool = False,
    partial: bool = False,
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ImportResult:
    """Import one file; all-or-nothing unless `partial`; a killed run leaves the registry as it was."""
    require_capability(acting_user, "registry.import")
    import_reap()
    progress = progress or Progress()
    started = time.monotonic()
    name = file_name or path.name
    user = acting_user if isinstance(acting_user, AbstractBaseUser) else None
    record = ImportRecord.objects.create(
        kind=kind.name,
        periode=periode,
        file_name=name[:255],
        sha256="",
        options={"dry_run": dry_run, "partial": partial, **(options or {})},
        created_by=user,
        created_by_label=getattr(user, "username", "") or "sistem",
        region_code=acting_user.region_code or "",
        job_id=job_id,
    )
    with running("import", record.pk):  # while held, import_reap leaves this record alone
        try:
            table = open_table(
                path, aliases=kind.aliases, required=kind.required, display_name=name
            )
        except CakupanError as error:
            return _finish(record, Outcome.UNREADABLE, started, message=str(error), problems=[])

        report_path = rejects_path or Path(settings.EXPORT_DIR) / f"impor-{record.pk}-tolak.csv"
        report = RejectsReport(report_path)
        checker = make_checker()
        staging = Staging(f"import_stage_{record.pk}", list(kind.stage_columns), key=kind.stage_key)
        shown: list[Problem] = []
        total = rejected = warnings = 0
        progress.start(table.total)
        try:
            for baris, row in table.rows:
                total += 1
                clean, found = checker.check(baris, row)
                for p in found:
                    report.write(p)
                    if len(shown) < SHOWN_PROBLEMS:
                        shown.append(p)
                if clean is None:
                    rejected += 1
                else:
                    warnings += len(found)
                    staging.add(clean)
                progress.advance()
            staging.finish()
            report.close()
            record.sha256 = table.sha256.hexdigest()
            record.rows_total, record.rows_rejected = total, rejected
            record.warnings, record.problems = warnings, report.count
            if report.count:
                record.rejects_path = str(report_path)
            else:
                report_path.unlink(missing_ok=True)

            if dry_run or (rejected and not partial):
                outcome = Outcome.REJECTED if rejected else Outcome.CHECKED
                return _finish(record, outcome, started, problems=shown)
            progress.log(f"menggabungkan {staging.count} baris / merging {staging.count} rows")
            try:
                # One merge at a time: facts, statuses and estimates are rebuilt from the whole
                # registry, and two at once could count each other's rows (PostgreSQL).
                with registry_write():
                    merged = merge(staging)
                    record.rows_imported = staging.count
                    record.options = {**record.options, **merged}
                    audit_record(
                        actor=acting_user,
                        action="import",
                        target=record,
                        rows=staging.count,
                        detail={
                            "kind": kind.name,
                            "periode": periode,
                            "sha256": record.sha256,
                            **merged,
                        },
                    )
                    outcome = Outcome.PARTIAL if rejected else Outcome.IMPORTED
                    return _finish(record, outcome, started, problems=shown)
            except Busy as error:  # nothing was merged: the transaction never began or rolled back
                record.rows_imported = 0
                return _finish(record, Outcome.FAILED, started, message=str(error), problems=shown)
        except UnreadableFile as error:
            report.close()
            return _finish(record, Outcome.UNREADABLE, started, message=str(error), problems=shown)
        finally:
            staging.drop()


def _finish(
    record: ImportRecord,
    outcome: str,
    started: float,
    *,
    problems: list[Problem],
    message: str = "",
) -> ImportResult:
    record.outcome = outcome
    record.message = message
    record.seconds = round(time.monotonic() - started, 3)
    record.finished_at = timezone.now()
    record.save()
    return ImportResult(record=record, problems=problems)
