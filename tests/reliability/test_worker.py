"""A background worker killed in the middle of an import job: the registry is as before, the job
is noticed as dead and marked failed (its upload deleted), and the job submitted again finishes."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.reliability.conftest import PERIOD
from tests.reliability.data import participant_rows, write_participants
from tests.reliability.harness import Scratch, kill, wait_for, writer_active

SUBMIT = """
import json, shutil, uuid
from pathlib import Path
from django.conf import settings
from django.db import transaction
from cakupan.accounts.models import User
from cakupan.jobs.services import job_submit
import cakupan.imports.jobs  # registers the import job kinds

user = User.objects.filter(username="admin_rel").first()
if user is None:
    user = User.objects.create_user("admin_rel", password="x", role="bpjs_admin", region_id="51")
folder = Path(settings.UPLOAD_DIR)
folder.mkdir(parents=True, exist_ok=True)
stored = folder / (uuid.uuid4().hex + ".csv")
shutil.copyfile({source!r}, stored)
with transaction.atomic():
    job = job_submit(
        kind="imports.participants",
        params={{"path": str(stored), "file_name": "unggah.csv", "user_id": user.pk,
                 "partial": False, "periode": {period!r}, "replace": False}},
        acting_user=user,
    )
print(json.dumps({{"job": job.pk, "upload": str(stored)}}))
"""

NOTICE = """
import json
from cakupan.accounts.scope import SystemActor
from cakupan.imports.selectors import import_list
from cakupan.jobs.selectors import job_list
jobs = [(j.pk, j.state, j.result.get("error", "")) for j in job_list(actor=SystemActor())]
imports = [(r.pk, r.outcome) for r in import_list(actor=SystemActor())]
print(json.dumps({"jobs": jobs, "imports": imports}))
"""

WORKER = ("db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload")


def _submit(db: Scratch, source: Path) -> dict:
    return json.loads(db.python(SUBMIT.format(source=str(source), period=PERIOD)))


def test_worker_killed_mid_job_is_noticed_and_the_resubmitted_job_finishes(
    scratch_factory, tmp_path: Path
) -> None:
    source = write_participants(
        tmp_path / "unggah.csv", participant_rows(20_000, seed=31, start=70_000)
    )
    db: Scratch = scratch_factory("worker")
    before = db.fingerprint()
    submitted = _submit(db, source)
    worker = db.popen(*WORKER)
    try:
        running = wait_for(
            lambda: (
                db.query("SELECT state FROM jobs_job WHERE id = ?", (submitted["job"],))
                == [("running",)]
            ),
            timeout=60,
        )
        assert running, "the worker never started the job"
        # Kill it inside the merge transaction (or, failing that, as soon as it is running).
        wait_for(
            lambda: writer_active(db) and not time.sleep(0.003) and writer_active(db),
            timeout=30,
            interval=0.003,
        )
    finally:
        kill(worker)
    killed_state = db.fingerprint()
    assert db.query("SELECT state FROM jobs_job WHERE id = ?", (submitted["job"],)) == [
        ("running",)
    ], "the job should still say running: nothing has noticed the worker died yet"

    # The jobs page's selector notices: the job is failed, saying why; its upload is gone.
    seen = json.loads(db.python(NOTICE))
    job = next(j for j in seen["jobs"] if j[0] == submitted["job"])
    assert job[1] == "failed" and "worker stopped" in job[2], job
    assert not Path(submitted["upload"]).exists(), "the dead job's upload (personal data) remains"
    assert "running" not in {outcome for _, outcome in seen["imports"]}, seen["imports"]

    # Submitted again to a new worker, the job finishes (an import of the same file is
    # idempotent, so "after" is the same whether or not the killed run had committed).
    again = _submit(db, source)
    db.run(*WORKER[:1], "--batch", *WORKER[1:])
    assert db.query("SELECT state FROM jobs_job WHERE id = ?", (again["job"],)) == [("done",)]
    after = db.fingerprint()
    assert after != before
    assert killed_state in (before, after), "the killed job left the registry half-written"
    assert not db.unmasked_niks_in_logs()


def test_a_running_job_with_a_live_worker_is_not_reaped(bpjs_admin) -> None:
    from cakupan.jobs.models import Job, JobState
    from cakupan.jobs.services import job_reap
    from cakupan.lib.locks import running

    alive = Job.objects.create(kind="x", state=JobState.RUNNING)
    dead = Job.objects.create(kind="x", state=JobState.RUNNING)
    with running("job", alive.pk):
        assert job_reap() == 1
    alive.refresh_from_db()
    dead.refresh_from_db()
    assert (alive.state, dead.state) == (JobState.RUNNING, JobState.FAILED)
