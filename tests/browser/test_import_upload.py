"""A BPJS administrator uploads a file with bad rows, watches the job finish, downloads the
rejects, uploads a good file and finds a participant by a misspelled name."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from cakupan.imports.services.participants import COLUMNS
from tests.browser.test_shell import PASSWORD, log_in

pytestmark = pytest.mark.browser

HEADER = list(COLUMNS)
GOOD = [
    [
        "5104014101900001",
        "Ni Made Sukerti",
        "1990-01-01",
        "P",
        "",
        "BPU",
        "",
        "51.04.01.2001",
        "petani",
        "JKK,JKM",
        "1000000",
        "2021-01-01",
        "2023-12",
    ],
    [
        "5104010202850002",
        "Wayan Sudarsana",
        "1985-02-02",
        "L",
        "",
        "BPU",
        "",
        "51.04.01.2001",
        "nelayan",
        "JKK,JKM",
        "1000000",
        "2021-01-01",
        "2023-12",
    ],
]
BAD = [
    "5104010303800003",
    "Ketut",
    "1980-03-03",
    "L",
    "",
    "NELAYAN",
    "",
    "51.04.01.9999",
    "",
    "JKK,JKM",
    "1000000",
    "2021-01-01",
    "2023-12",
]


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def upload_and_run(page: Any, base: str, path: Path) -> None:
    page.goto(f"{base}/impor/")
    page.select_option("select[name=kind]", "participants")
    page.fill("input[name=periode]", "2023-12")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("form.upload button[type=submit]")
    assert "/pekerjaan/" in page.url
    assert page.locator("#job-progress").get_attribute("hx-trigger") == "every 1s"
    # the worker, as `cakupan up` runs it, picks the job up; the page polls until it is done
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.wait_for_selector("#job-progress:not([hx-trigger])", timeout=15_000)
    assert page.locator("#job-progress progress").get_attribute("value") == "100"


def test_upload_rejects_download_then_good_file_and_fuzzy_search(
    browser_db, make_user, page, problems, tmp_path, settings
):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.EXPORT_DIR = tmp_path / "exports"
    base = browser_db.url
    make_user("admin_bali", "bpjs_admin", "51", password=PASSWORD)
    log_in(page, base, "admin_bali", PASSWORD)

    upload_and_run(page, base, write(tmp_path / "buruk.csv", [*GOOD, BAD]))
    assert "Ditolak" in page.locator("#job-progress").inner_text()
    with page.expect_download() as download_info:
        page.click("#job-progress a[href*='/tolak/']")
    report = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "pilihan_tidak_dikenal" in report and "wilayah_tidak_ada" in report
    assert "5104010303800003" not in report

    upload_and_run(page, base, write(tmp_path / "baik.csv", GOOD))
    assert "Diimpor" in page.locator("#job-progress").inner_text()

    page.goto(f"{base}/registri/peserta/?q=wayan+sudarsna")
    rows = page.locator("table.data tbody tr")
    assert rows.first.inner_text().count("Wayan Sudarsana") == 1
    assert problems.take() == []
