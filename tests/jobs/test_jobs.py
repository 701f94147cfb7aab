from django.core.management import call_command

from cakupan.jobs.models import Job, JobState
from cakupan.jobs.services import Progress, job_kind, job_run, job_submit


@job_kind("test.count")
def count_to(params, progress: Progress):
    progress.start(params["n"])
    for _ in range(params["n"]):
        progress.advance()
    progress.log("selesai")
    return {"counted": params["n"]}


@job_kind("test.fail")
def fail(params, progress: Progress):
    progress.start(2)
    progress.advance()
    raise ValueError("kolom rusak")


def test_job_runs_to_done_with_progress_log_and_result(bpjs_admin):
    job = job_submit(kind="test.count", params={"n": 5}, acting_user=bpjs_admin)
    job = job_run(job.pk)
    assert (job.state, job.done, job.total, job.percent) == (JobState.DONE, 5, 5, 100)
    assert job.result == {"counted": 5} and "selesai" in job.log
    assert job.region_code == "51"


def test_failed_job_is_marked_failed_with_its_error(bpjs_admin):
    job = job_run(job_submit(kind="test.fail", params={}, acting_user=bpjs_admin).pk)
    assert job.state == JobState.FAILED
    assert job.result["error"] == "kolom rusak" and job.done == 1


def test_job_runs_only_once(bpjs_admin):
    job = job_submit(kind="test.count", params={"n": 1}, acting_user=bpjs_admin)
    job_run(job.pk)
    Job.objects.filter(pk=job.pk).update(result={"counted": "kept"})
    assert job_run(job.pk).result == {"counted": "kept"}


def test_worker_picks_up_a_submitted_job(transactional_db, bpjs_admin):
    job = job_submit(kind="test.count", params={"n": 3}, acting_user=bpjs_admin)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result == {"counted": 3}


def test_job_page_shows_progress_and_polls_until_done(client, bpjs_admin):
    job = job_submit(kind="test.count", params={"n": 4}, acting_user=bpjs_admin)
    client.force_login(bpjs_admin)
    partial = client.get(f"/pekerjaan/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and "<progress" in partial
    job_run(job.pk)
    done = client.get(f"/pekerjaan/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and 'value="100"' in done
    assert client.get(f"/api/v1/jobs/{job.pk}").json()["state"] == "done"


def test_job_of_another_region_is_not_found(client, bpjs_admin, other_village_operator):
    job = job_submit(kind="test.count", params={"n": 1}, acting_user=bpjs_admin)
    client.force_login(other_village_operator)
    assert client.get(f"/pekerjaan/{job.pk}/").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404
