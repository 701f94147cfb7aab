"""The Paritrana jury in a real browser: a juror logs in, opens an assigned candidate's sheet,
is refused a score off the scale, scores, submits (and only then sees the other juror's scores);
the committee closes the interview stage and sees the ranking.

Selectors are ids, names and addresses, so the test holds in either language.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-123"


@pytest.fixture
def interview(browser_db: Any, make_user: Any) -> Any:
    """A Bali cycle at the jury interview: two jurors on Gianyar and Badung; juri2 has already
    submitted, juri1 has not started."""
    from cakupan.award.models import STAGE_ORDER, Assignment, Indicator
    from cakupan.award.services.cycles import cycle_create, stage_close
    from cakupan.award.services.jury import assignment_create, jury_sheet_save, jury_sheet_submit

    committee = make_user("panitia_bali", "award_committee", "51", password=PASSWORD)
    jurors = [make_user(f"juri{n}", "jury", "51", password=PASSWORD) for n in (1, 2)]
    start = timezone.localdate()
    cycle = cycle_create(
        kode="paritrana-2024-bali",
        nama="Paritrana Award 2024 Provinsi Bali",
        tahun=2024,
        tingkat="provinsi",
        kode_wilayah="51",
        periode_data="2023-12",
        periode_banding="2022-12",
        stages={
            k: (start + timedelta(days=10 * i), start + timedelta(days=10 * i + 9))
            for i, k in enumerate(STAGE_ORDER)
        },
        kategori=["pemkab"],
        acting_user=committee,
    )
    for kode in ("51.04", "51.03"):
        for juror in jurors:
            assignment_create(
                cycle=cycle,
                juror=juror,
                candidate=cycle.candidates.get(kode=kode),
                acting_user=committee,
            )
    for kind in ("registrasi", "penilaian", "verifikasi"):
        stage_close(cycle=cycle, jenis=kind, acting_user=committee)
    indicators = list(
        Indicator.objects.filter(aspect__version=cycle.categories.get().rubric, jenis="wawancara")
    )
    for a in Assignment.objects.filter(cycle=cycle, juror=jurors[1]):
        values = (88, 84) if a.candidate.kode == "51.04" else (61, 58)
        jury_sheet_save(
            assignment=a,
            nilai={i.pk: v for i, v in zip(indicators, values, strict=True)},
            catatan={},
            acting_user=jurors[1],
        )
        jury_sheet_submit(assignment=a, acting_user=jurors[1])
    return browser_db


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/masuk/")
    page.fill("main input[name=username]", username)
    page.fill("main input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def log_out(page: Any) -> None:
    with page.expect_navigation():
        page.click(".who form button[type=submit]")


def test_a_juror_scores_and_submits_then_the_committee_closes_and_ranks(
    interview: Any, page: Any, problems: Any
) -> None:
    from cakupan.award.models import Assignment, JuryScore, Stage

    base = interview.url
    page.on("dialog", lambda dialog: dialog.accept())

    # the juror finds the award in the navigation and their sheets
    log_in(page, base, "juri1")
    page.goto(f"{base}/paritrana/")
    page.click('#tabel-siklus a[href$="/penilaian-saya/"]')
    page.wait_for_selector("#tabel-lembar")
    assert page.locator("#tabel-lembar tbody tr").count() == 2
    page.click('#tabel-lembar a:has-text("Gianyar")')
    page.wait_for_selector("#lembar-nilai")
    assert page.locator("#nilai-lain-tersembunyi").count() == 1  # others hidden before submitting
    assert "juri2" not in page.inner_text("main")

    # a score off the scale is refused in both languages and nothing is saved
    inputs = page.locator('#lembar-nilai input[name^="nilai-"]')
    assert inputs.count() == 2
    inputs.nth(0).fill("90")
    inputs.nth(1).fill("150")
    with page.expect_navigation():
        page.click('#lembar-nilai button[name="simpan"]')
    alert = page.inner_text(".card.error")
    assert "di luar skalanya (0–100)" in alert and "outside its scale (0–100)" in alert
    assert not JuryScore.objects.filter(assignment__juror__username="juri1").exists()
    refused = problems.take()  # the refusal is a 422 page, which Chromium logs; nothing else
    assert len(refused) == 1 and "422" in refused[0]

    # scored, saved, submitted
    inputs = page.locator('#lembar-nilai input[name^="nilai-"]')
    inputs.nth(0).fill("92")
    inputs.nth(1).fill("87")
    with page.expect_navigation():
        page.click('#lembar-nilai button[name="simpan"]')
    assert page.is_enabled("#kirim-lembar")
    with page.expect_navigation():
        page.click("#kirim-lembar")
    page.wait_for_selector("#nilai-lain")
    assert "juri2" in page.inner_text("#nilai-lain")
    sheet = Assignment.objects.get(juror__username="juri1", candidate__kode="51.04")
    assert sheet.submitted_at is not None
    assert sorted(int(s.nilai) for s in sheet.scores.all()) == [87, 92]
    log_out(page)

    # the committee closes the interview stage and sees the ranking
    log_in(page, base, "panitia_bali")
    page.goto(f"{base}/paritrana/siklus/paritrana-2024-bali/")
    with page.expect_navigation():
        page.click('tr[data-stage="wawancara"] button[name="close"]')
    assert Stage.objects.get(jenis="wawancara").closed_at is not None
    assert page.locator('tr[data-stage="keputusan"] button[name="close"]').count() == 1
    page.click('.award-tabs a[href$="/hasil/"]')
    page.wait_for_selector("#peringkat-pemkab")
    first = page.locator("#peringkat-pemkab tbody tr").first
    assert "Pemerintah Kabupaten Gianyar" in first.inner_text()
    assert first.locator("td").first.inner_text().strip() == "1"
    second = page.locator("#peringkat-pemkab tbody tr").nth(1)
    assert "Pemerintah Kabupaten Badung" in second.inner_text()
    assert page.locator("#hasil-sementara").count() == 1
    assert problems.take() == []
