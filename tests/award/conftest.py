"""Award fixtures: the committee, jurors, a Bali officer, and a provincial cycle whose stages can
be put in any state."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from fpdf import FPDF

from cakupan.award.models import STAGE_ORDER, Cycle


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    """Evidence files go to a fresh folder per test."""
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.fixture
def committee(make_user):
    return make_user("panitia_bali", "award_committee", "51")


@pytest.fixture
def jurors(make_user):
    return [make_user(f"juri{n}", "jury", "51") for n in range(1, 4)]


@pytest.fixture
def gianyar_officer(make_user):
    return make_user("pemda_gianyar", "pemda_officer", "51.04")


@pytest.fixture
def badung_officer(make_user):
    return make_user("pemda_badung", "pemda_officer", "51.03")


def stage_dates(start: date) -> dict[str, tuple[date, date]]:
    """Six consecutive stages of 10 days from `start`."""
    return {
        kind: (start + timedelta(days=10 * i), start + timedelta(days=10 * i + 9))
        for i, kind in enumerate(STAGE_ORDER)
    }


@pytest.fixture
def make_cycle(committee):
    from cakupan.award.services.cycles import cycle_create, stage_close

    def make(
        *,
        at: str = "registrasi",
        kode: str = "paritrana-2024-bali",
        kategori: tuple[str, ...] = ("pemkab",),
        periode_banding: str = "2022-12",
    ) -> Cycle:
        cycle = cycle_create(
            kode=kode,
            nama="Paritrana Award 2024 Provinsi Bali",
            tahun=2024,
            tingkat="provinsi",
            kode_wilayah="51",
            periode_data="2023-12",
            periode_banding=periode_banding,
            stages=stage_dates(timezone.localdate()),
            kategori=list(kategori),
            acting_user=committee,
        )
        for kind in STAGE_ORDER[: STAGE_ORDER.index(at)]:
            stage_close(cycle=cycle, jenis=kind, acting_user=committee)
        return Cycle.objects.get(pk=cycle.pk)

    return make


def pdf_bytes(text: str = "Peraturan Bupati") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def interview_cycle(make_cycle, committee, jurors):
    """A cycle at the jury interview stage: every juror assigned to Gianyar and Badung."""
    from cakupan.award.services.jury import assignment_create

    cycle = make_cycle(at="penilaian")
    for kode in ("51.04", "51.03"):
        for juror in jurors:
            assignment_create(
                cycle=cycle,
                juror=juror,
                candidate=cycle.candidates.get(kode=kode),
                acting_user=committee,
            )
    from cakupan.award.services.cycles import stage_close

    stage_close(cycle=cycle, jenis="penilaian", acting_user=committee)
    stage_close(cycle=cycle, jenis="verifikasi", acting_user=committee)
    return Cycle.objects.get(pk=cycle.pk)


def interview_indicators(cycle: Cycle):
    from cakupan.award.models import Indicator

    return list(
        Indicator.objects.filter(aspect__version=cycle.categories.get().rubric, jenis="wawancara")
    )


def score_and_submit(assignment, values: list[int]) -> None:
    from cakupan.award.services.jury import jury_sheet_save, jury_sheet_submit

    inds = interview_indicators(assignment.cycle)
    jury_sheet_save(
        assignment=assignment,
        nilai={i.pk: v for i, v in zip(inds, values, strict=True)},
        catatan={},
        acting_user=assignment.juror,
    )
    jury_sheet_submit(assignment=assignment, acting_user=assignment.juror)
