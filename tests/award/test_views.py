"""The award's pages by role: what renders, who is refused, bad input answered in both
languages with nothing changed, downloads audited, strict CSP (no inline script or style)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from cakupan.audit.models import AuditEntry
from cakupan.award.models import Assignment, Cycle, Evidence, JuryScore, RubricVersion
from cakupan.award.services.cycles import cycle_settings_set, stage_close

from .conftest import interview_indicators, pdf_bytes, score_and_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(interview_cycle, committee, jurors):
    """The interview cycle with every sheet submitted (Gianyar ahead) and the decision made."""
    for a in Assignment.objects.filter(cycle=interview_cycle):
        score_and_submit(a, [90, 85] if a.candidate.kode == "51.04" else [60, 55])
    stage_close(cycle=interview_cycle, jenis="wawancara", acting_user=committee)
    cycle_settings_set(
        cycle=interview_cycle, normalisasi=True, jumlah_pemenang=2, acting_user=committee
    )
    stage_close(cycle=interview_cycle, jenis="keputusan", acting_user=committee)
    return Cycle.objects.get(pk=interview_cycle.pk)


def body(response) -> str:
    return response.content.decode()


def assert_strict(response) -> None:
    html = body(response)
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_committee_pages_render(client, committee, interview_cycle):
    client.force_login(committee)
    kode = interview_cycle.kode
    gianyar = interview_cycle.candidates.get(kode="51.04")
    for url in (
        "/paritrana/",
        "/paritrana/siklus-baru/",
        "/paritrana/rubrik/",
        "/paritrana/rubrik/pemkab/",
        "/paritrana/rubrik/pemkab/v1/",
        "/paritrana/rubrik/pemkab/ubah/",
        f"/paritrana/siklus/{kode}/",
        f"/paritrana/siklus/{kode}/kandidat/",
        f"/paritrana/siklus/{kode}/kandidat/{gianyar.pk}/",
        f"/paritrana/siklus/{kode}/juri/",
        f"/paritrana/siklus/{kode}/hasil/",
        f"/paritrana/siklus/{kode}/rapor/{gianyar.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
    assert "Pemerintah Kabupaten Gianyar" in body(client.get(f"/paritrana/siklus/{kode}/kandidat/"))
    assert 'id="hasil-sementara"' in body(client.get(f"/paritrana/siklus/{kode}/hasil/"))


def test_the_award_pages_are_indonesian_by_default(client, committee, interview_cycle):
    client.force_login(committee)
    html = body(client.get(f"/paritrana/siklus/{interview_cycle.kode}/"))
    assert '<html lang="id">' in html


def test_a_new_cycle_through_the_form(client, committee):
    client.force_login(committee)
    page = client.get("/paritrana/siklus-baru/")
    form = page.context["form"]
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, "")
    }
    data.update(
        kode="paritrana-2025-bali", nama="Paritrana 2025", tahun="2025", periode_data="2024-12"
    )
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    data["kategori"] = ["pemkab"]
    response = client.post("/paritrana/siklus-baru/", data)
    assert response.status_code == 302, body(response)
    assert Cycle.objects.get(kode="paritrana-2025-bali").candidates.count() == 9
    data["kode"], data["kode_wilayah"] = "paritrana-2025-x", "99"
    response = client.post("/paritrana/siklus-baru/", data)
    assert response.status_code == 404
    assert "Kode wilayah 99 tidak ada." in body(
        response
    ) and "Region code 99 does not exist." in body(response)
    assert not Cycle.objects.filter(kode="paritrana-2025-x").exists()


def test_the_rubric_editor_refuses_weights_off_100_in_both_languages(client, committee):
    client.force_login(committee)
    page = client.get("/paritrana/rubrik/pemkab/ubah/")
    data = {"catatan": "Bobot kinerja dinaikkan"}
    for prefix in ("aspek", "indikator"):
        fs = page.context["aspects" if prefix == "aspek" else "indicators"]
        data[f"{prefix}-TOTAL_FORMS"] = str(fs.total_form_count())
        data[f"{prefix}-INITIAL_FORMS"] = str(fs.initial_form_count())
        for i, f in enumerate(fs):
            for name in f.fields:
                value = f.initial.get(name, "")
                data[f"{prefix}-{i}-{name}"] = "" if value is None else value
        if prefix == "indikator":
            for i in range(fs.total_form_count()):
                data.setdefault(f"{prefix}-{i}-jenis", "bukti")
                data[f"{prefix}-{i}-jenis"] = data[f"{prefix}-{i}-jenis"] or "bukti"
                data[f"{prefix}-{i}-skala"] = data.get(f"{prefix}-{i}-skala") or "angka"
    data["aspek-3-bobot"] = "35"  # kinerja 25 → 35: the aspects add up to 110
    response = client.post("/paritrana/rubrik/pemkab/ubah/", data)
    assert response.status_code == 422
    html = body(response)
    assert "Bobot aspek rubrik berjumlah 110%, padahal harus tepat 100%" in html
    assert "The weights of the rubric&#x27;s aspects add up to 110%" in html
    assert RubricVersion.objects.filter(kategori="pemkab").count() == 1
    data["aspek-4-bobot"] = "5"  # wawancara 15 → 5: back to 100
    response = client.post("/paritrana/rubrik/pemkab/ubah/", data)
    assert response.status_code == 302
    assert RubricVersion.objects.filter(kategori="pemkab").count() == 2


def test_an_officer_uploads_evidence_and_a_fake_pdf_is_refused(client, make_cycle, gianyar_officer):
    cycle = make_cycle()
    gianyar = cycle.candidates.get(kode="51.04")
    client.force_login(gianyar_officer)
    url = f"/paritrana/siklus/{cycle.kode}/kandidat/{gianyar.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in body(page)
    indicator = page.context["upload_form"].fields["indikator"].choices[0][0]
    fake = SimpleUploadedFile("perbup.pdf", b"MZ\x90\x00" + b"\0" * 100)
    response = client.post(url + "bukti/", {"indikator": indicator, "berkas": fake}, follow=True)
    html = body(response)
    assert (
        "isinya terbaca sebagai program Windows (EXE)" in html
        and "its content reads as program Windows (EXE)" in html
    )
    assert not Evidence.objects.exists()
    good = SimpleUploadedFile("perbup.pdf", pdf_bytes())
    response = client.post(url + "bukti/", {"indikator": indicator, "berkas": good}, follow=True)
    assert Evidence.objects.count() == 1
    ev = Evidence.objects.get()
    download = client.get(f"/paritrana/siklus/{cycle.kode}/bukti/{ev.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="export", detail__what="award.evidence").count() == 1


def test_an_outsider_sees_neither_the_candidate_nor_its_evidence(
    client, make_cycle, gianyar_officer, badung_officer
):
    cycle = make_cycle()
    gianyar = cycle.candidates.get(kode="51.04")
    client.force_login(badung_officer)
    assert client.get(f"/paritrana/siklus/{cycle.kode}/kandidat/{gianyar.pk}/").status_code == 404
    assert client.get(f"/paritrana/siklus/{cycle.kode}/juri/").status_code == 403
    assert client.get(f"/paritrana/siklus/{cycle.kode}/hasil/").status_code == 403


def test_a_juror_scores_submits_and_only_then_sees_the_others(client, interview_cycle, jurors):
    gianyar = interview_cycle.candidates.get(kode="51.04")
    first = Assignment.objects.get(candidate=gianyar, juror=jurors[0])
    score_and_submit(first, [80, 75])
    mine = Assignment.objects.get(candidate=gianyar, juror=jurors[1])
    client.force_login(jurors[1])
    url = f"/paritrana/siklus/{interview_cycle.kode}/lembar/{mine.pk}/"
    html = body(client.get(url))
    assert "baru terlihat setelah Anda mengirim lembar nilai Anda" in html and "juri1" not in html
    komitmen, inovasi = interview_indicators(interview_cycle)
    response = client.post(url, {f"nilai-{komitmen.pk}": "70", f"nilai-{inovasi.pk}": "170"})
    assert response.status_code == 422
    assert "Nilai 170 untuk indikator inovasi di luar skalanya (0–100)" in body(response)
    assert "Score 170 for indicator inovasi is outside its scale" in body(response)
    assert not JuryScore.objects.filter(assignment=mine).exists()
    assert (
        client.post(url, {f"nilai-{komitmen.pk}": "70", f"nilai-{inovasi.pk}": "65"}).status_code
        == 302
    )
    assert client.post(url + "kirim/").status_code == 302
    html = body(client.get(url))
    assert "juri1" in html and "80" in html
    # another juror's sheet is not theirs to open
    other = Assignment.objects.get(candidate=gianyar, juror=jurors[2])
    assert (
        client.get(f"/paritrana/siklus/{interview_cycle.kode}/lembar/{other.pk}/").status_code
        == 404
    )


def test_results_scorecards_and_certificates_after_the_decision(
    client, decided, analyst, gianyar_officer, badung_officer
):
    kode = decided.kode
    gianyar = decided.candidates.get(kode="51.04")
    badung = decided.candidates.get(kode="51.03")
    client.force_login(analyst)
    html = body(client.get(f"/paritrana/siklus/{kode}/hasil/"))
    assert "Pemerintah Kabupaten Gianyar" in html and 'id="hasil-sementara"' not in html
    pdf = client.get(f"/paritrana/siklus/{kode}/hasil.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Pemerintah Kabupaten Gianyar" in text and "Keputusan ditetapkan" in text
    csv_text = b"".join(
        client.get(f"/paritrana/siklus/{kode}/hasil.csv?format=csv").streaming_content
    ).decode()
    assert csv_text.splitlines()[1].startswith("pemkab,1,51.04,Pemerintah Kabupaten Gianyar")
    cert = client.get(f"/paritrana/siklus/{kode}/piagam/{gianyar.pk}.pdf")
    cert_text = PdfReader(io.BytesIO(cert.content)).pages[0].extract_text()
    assert "PIAGAM PENGHARGAAN" in cert_text and "Peringkat I" in cert_text
    whats = set(
        AuditEntry.objects.filter(action="export", actor=analyst).values_list(
            "detail__what", flat=True
        )
    )
    assert whats == {"award.results_pdf", "award.results", "award.certificate"}
    # the officer of Gianyar reads its own scorecard, not Badung's
    client.force_login(gianyar_officer)
    card = client.get(f"/paritrana/siklus/{kode}/rapor/{gianyar.pk}/")
    assert card.status_code == 200 and 'id="rapor-saran"' in body(card)
    pdf = client.get(f"/paritrana/siklus/{kode}/rapor/{gianyar.pk}.pdf")
    assert (
        "Pemerintah Kabupaten Gianyar" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    )
    assert client.get(f"/paritrana/siklus/{kode}/rapor/{badung.pk}/").status_code == 404
    client.force_login(badung_officer)
    assert client.get(f"/paritrana/siklus/{kode}/rapor/{badung.pk}/").status_code == 200
    # a non-winner gets no certificate (two winners: Gianyar and Badung)
    jembrana = decided.candidates.get(kode="51.01")
    client.force_login(analyst)
    assert client.get(f"/paritrana/siklus/{kode}/piagam/{jembrana.pk}.pdf").status_code == 422


def test_before_the_decision_results_are_the_committees_only(
    client, interview_cycle, analyst, gianyar_officer
):
    client.force_login(analyst)
    assert client.get(f"/paritrana/siklus/{interview_cycle.kode}/hasil/").status_code == 403
    client.force_login(gianyar_officer)
    gianyar = interview_cycle.candidates.get(kode="51.04")
    assert (
        client.get(f"/paritrana/siklus/{interview_cycle.kode}/rapor/{gianyar.pk}/").status_code
        == 403
    )


def test_closing_a_stage_from_the_page_and_the_locked_message(client, decided, committee):
    client.force_login(committee)
    response = client.post(
        f"/paritrana/siklus/{decided.kode}/tahap/penganugerahan/tanggal/",
        {"mulai": "2030-01-01", "selesai": "2030-01-02"},
        follow=True,
    )
    html = body(response)
    assert "Keputusan siklus paritrana-2024-bali sudah ditetapkan" in html
    assert "The decision of cycle paritrana-2024-bali has been made" in html


def test_navigation_entry_target_exists(client, committee):
    from django.urls import reverse

    assert reverse("award_home") == "/paritrana/"


def test_assessor_scores_from_the_candidate_page(client, make_cycle, committee):
    from cakupan.award.models import AssessorScore, Indicator

    cycle = make_cycle(at="penilaian")
    gianyar = cycle.candidates.get(kode="51.04")
    version = cycle.categories.get().rubric
    regulasi = Indicator.objects.get(aspect__version=version, kode="regulasi")
    apbd = Indicator.objects.get(aspect__version=version, kode="apbd")
    client.force_login(committee)
    url = f"/paritrana/siklus/{cycle.kode}/kandidat/{gianyar.pk}/nilai-asesor/"
    response = client.post(url, {f"nilai-{regulasi.pk}": "4", f"nilai-{apbd.pk}": "9"}, follow=True)
    html = body(response)
    assert "Nilai 9 untuk indikator apbd di luar skalanya (0, 1, 2, 3)" in html
    assert "Score 9 for indicator apbd is outside its scale (0, 1, 2, 3)" in html
    assert not AssessorScore.objects.exists()
    client.post(url, {f"nilai-{regulasi.pk}": "4", f"nilai-{apbd.pk}": "3"})
    assert sorted(AssessorScore.objects.values_list("nilai", flat=True)) == [3, 4]


def test_compute_and_close_from_the_cycle_page(client, make_cycle, committee):
    from cakupan.award.models import IndicatorValue, Stage

    cycle = make_cycle()
    client.force_login(committee)
    assert client.post(f"/paritrana/siklus/{cycle.kode}/hitung/").status_code == 302
    assert IndicatorValue.objects.filter(candidate__cycle=cycle).count() == 9 * 7
    client.post(f"/paritrana/siklus/{cycle.kode}/tahap/registrasi/tutup/")
    assert Stage.objects.get(cycle=cycle, jenis="registrasi").closed_at is not None
    response = client.post(f"/paritrana/siklus/{cycle.kode}/tahap/wawancara/tutup/", follow=True)
    assert "tutup dahulu tahap penilaian" in body(response)
    assert Stage.objects.get(cycle=cycle, jenis="wawancara").closed_at is None


def test_a_juror_declares_a_conflict_from_their_page(client, make_cycle, jurors):
    from cakupan.award.models import Conflict

    cycle = make_cycle()
    client.force_login(jurors[0])
    assert client.get(f"/paritrana/siklus/{cycle.kode}/penilaian-saya/").status_code == 200
    client.post(
        f"/paritrana/siklus/{cycle.kode}/juri/konflik/",
        {"kode_wilayah": "51.03", "alasan": "Berasal dari Badung"},
    )
    conflict = Conflict.objects.get()
    assert (conflict.juror, conflict.kode_wilayah) == (jurors[0], "51.03")
